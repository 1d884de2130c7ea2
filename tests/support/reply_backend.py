#!/usr/bin/env python3
"""Server application for the upload-reply tests of openbitsd (Python 3 standard library).

openbitsd POSTs here when the last byte of an upload arrives. What this application
does is chosen by the request path: the first path segment that names a behaviour
below decides, the segments after it are its arguments, so host-relative ("/ok") and
folder-relative ("ok" -> "/up/sub/ok") notification URLs reach the same behaviours.

  ok                       success; by reference writes b"reply:ref:" + sha256(request
                           file) to the response file; by value answers
                           b"reply:value:" + sha256(body) as the body
  noreply                  200 and no reply at all (nothing written, empty body)
  status/<code>            answers <code> with a small error page as body
  error-code/<code>/<hr>   answers <code> with BITS-Error-Code: <hr>
  sleep/<seconds>          waits, then behaves like ok
  static                   200 + BITS-Static-Response-URL: http://127.0.0.1:1/static-reply
  static-with-body         the same plus a non-empty body (malformed by value)
  static-with-cr           a BITS-Static-Response-URL with a bare CR and a second header
                           line after it (header injection)
  copy                     like ok, plus BITS-Copy-File-To-Destination: 1
  fail-once                first call for an upload URL answers 500, later calls ok

Every request is appended to the log file (one JSON object per line) before it is
answered, so a test that got its Ack can read what the application saw: method,
target, headers, body length and SHA-256, and for by-reference calls whether the
named files existed at that moment.

Usage: reply_backend.py --log <calls.jsonl> --port-file <file>
The port file receives "<port>\n" once the socket listens (written atomically).
"""
import argparse
import hashlib
import http.server
import json
import os
import threading
import time
import urllib.parse

STATIC_URL = "http://127.0.0.1:1/static-reply"
BEHAVIOURS = {"ok", "noreply", "status", "error-code", "sleep", "static",
              "static-with-body", "static-with-cr", "copy", "fail-once"}


def sha256_of_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class State:
    """What all handler threads share: the log file and the fail-once memory."""

    def __init__(self, log_path):
        self.lock = threading.Lock()
        self.log = open(log_path, "a", encoding="utf-8")
        self.failed_once = set()

    def record(self, entry):
        with self.lock:
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()

    def first_call(self, key):
        with self.lock:
            if key in self.failed_once:
                return False
            self.failed_once.add(key)
            return True


def behaviour_of(path):
    """(name, args) from the first path segment naming a behaviour; ("", []) if none."""
    segments = [urllib.parse.unquote(s) for s in path.split("/") if s]
    for i, segment in enumerate(segments):
        if segment in BEHAVIOURS:
            return segment, segments[i + 1:]
    return "", []


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set in main()

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0") or "0"))

    def describe_files(self, entry):
        request_file = self.headers.get("BITS-Request-DataFile-Name")
        response_file = self.headers.get("BITS-Response-DataFile-Name")
        if request_file:
            entry["request_file_exists"] = os.path.isfile(request_file)
            if entry["request_file_exists"]:
                entry["request_file_size"] = os.path.getsize(request_file)
                entry["request_file_sha256"] = sha256_of_file(request_file)
        if response_file:
            entry["response_dir_exists"] = os.path.isdir(os.path.dirname(response_file))
        return request_file, response_file

    def reply(self, status, headers=(), body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def success(self, body, request_file, response_file, headers=()):
        """Behaviour ok: the reply goes to the response file or into the body."""
        if request_file and response_file:
            with open(response_file, "wb") as out:
                out.write(b"reply:ref:" + sha256_of_file(request_file).encode())
            self.reply(200, headers)
        else:
            self.reply(200, headers, b"reply:value:" + hashlib.sha256(body).hexdigest().encode())

    def do_POST(self):
        body = self.read_body()
        path = urllib.parse.urlsplit(self.path).path
        entry = {
            "method": self.command,
            "target": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_length": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
        }
        request_file, response_file = self.describe_files(entry)
        name, args = behaviour_of(path)
        entry["behaviour"] = name
        self.state.record(entry)
        self.act(name, args, body, request_file, response_file)

    def act(self, name, args, body, request_file, response_file):
        if name == "sleep":
            time.sleep(float(args[0]) if args else 3.0)
            name = "ok"
        if name == "fail-once":
            key = self.headers.get("BITS-Original-Request-URL", "")
            name = "status" if self.state.first_call(key) else "ok"
            args = ["500"]
        if name == "ok":
            self.success(body, request_file, response_file)
        elif name == "copy":
            self.success(body, request_file, response_file,
                         [("BITS-Copy-File-To-Destination", "1")])
        elif name == "noreply":
            self.reply(200)
        elif name == "status":
            self.reply(int(args[0]), [("Content-Type", "text/plain")], b"application error page\n")
        elif name == "error-code":
            self.reply(int(args[0]), [("BITS-Error-Code", args[1])], b"")
        elif name == "static":
            self.reply(200, [("BITS-Static-Response-URL", STATIC_URL)])
        elif name == "static-with-body":
            self.reply(200, [("BITS-Static-Response-URL", STATIC_URL)], b"not allowed here")
        elif name == "static-with-cr":
            # http.server writes header values as given.
            self.reply(200, [("BITS-Static-Response-URL", STATIC_URL + "\rX-Injected: 1")])
        else:
            self.reply(404, [("Content-Type", "text/plain")], b"no such behaviour\n")

    do_PUT = do_POST
    do_GET = do_POST

    def log_message(self, fmt, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description="upload-reply test application")
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    options = parser.parse_args()
    Handler.state = State(options.log)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    temporary = options.port_file + ".tmp"
    with open(temporary, "w", encoding="ascii") as f:
        f.write(f"{server.server_port}\n")
    os.replace(temporary, options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
