#!/usr/bin/env python3
"""A server application for OpenBITS upload-reply jobs (Python 3 standard library only).

openbitsd calls it when the last byte of an upload arrives; whatever it answers is the
reply the BITS client downloads. This one counts the lines, words and bytes of the
uploaded file and replies with a short report, like `wc`.

  by reference (notification_type = "reference"): the request names the uploaded file
      (BITS-Request-DataFile-Name) and where to write the reply
      (BITS-Response-DataFile-Name); the body is empty.
  by value (notification_type = "value"): the uploaded file is the request body and
      the response body is the reply.

Run: python3 app.py --port 8081   (see README.md in this folder)
"""
import argparse
import hashlib
import http.server
import os
import sys


def report(data_chunks):
    lines = words = size = 0
    digest = hashlib.sha256()
    for chunk in data_chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
        words += len(chunk.split())  # approximate across chunk borders; fine for a demo
        digest.update(chunk)
    return (f"bytes: {size}\nlines: {lines}\nwords: {words}\n"
            f"sha256: {digest.hexdigest()}\n").encode()


def chunks_of_file(path):
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return
            yield chunk


def chunks_of_body(rfile, length):
    while length > 0:
        chunk = rfile.read(min(length, 1 << 20))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        original = self.headers.get("BITS-Original-Request-URL", "?")
        request_file = self.headers.get("BITS-Request-DataFile-Name")
        response_file = self.headers.get("BITS-Response-DataFile-Name")
        length = int(self.headers.get("Content-Length", "0"))
        if request_file and response_file:  # by reference
            body = report(chunks_of_file(request_file))
            with open(response_file, "wb") as out:
                out.write(body)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:  # by value
            body = report(chunks_of_body(self.rfile, length))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        sys.stderr.write(f"replied to {original}\n")

    def log_message(self, fmt, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"upload-reply application on http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
