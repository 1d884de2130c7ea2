#!/usr/bin/env python3
"""Webhook receiver for the hook tests of openbitsd (Python 3 standard library).

Checks every request the way a real receiver should: the HMAC-SHA256 signature in
X-OpenBITS-Signature ("sha256=<hex>" over "<X-OpenBITS-Timestamp>.<body>", keyed by
--secret) and the timestamp (at most 300 s from this machine's clock). It logs what it
saw, then answers as the request path says:

  ok                         200
  status/<code>              <code> with a small text body
  refuse/<status>/<hresult>  403 with a pre-create refusal body:
                             {"status": <status>, "bits_error_code": "<hresult>",
                              "reason": "refused by the test receiver"}
  sleep/<seconds>            waits, then 200
  flaky/<n>                  503 for the first <n> requests to this path, then 200

Every request is appended to the log (one JSON object per line: path, headers, body as
text, signature_ok, timestamp_ok, event id and type from the headers) before it is
answered, so a test that saw the answer can read what the receiver saw.

Usage: hook_receiver.py --log <file.jsonl> --port-file <file> --secret <key> [--port N]
The port file receives "<port>\\n" once the socket listens (written atomically).
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import threading
import time
import urllib.parse

TOLERANCE_SECONDS = 300


class State:
    """What all handler threads share: the log file, the secret, the flaky counters."""

    def __init__(self, log_path, secret):
        self.lock = threading.Lock()
        self.log = open(log_path, "a", encoding="utf-8")
        self.secret = secret.encode()
        self.counts = {}

    def record(self, entry):
        with self.lock:
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()

    def count(self, key):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set in main()

    def reply(self, status, body=b"", content_type="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def check(self, body):
        timestamp = self.headers.get("X-OpenBITS-Timestamp", "")
        signature = self.headers.get("X-OpenBITS-Signature", "")
        expected = "sha256=" + hmac.new(self.state.secret, timestamp.encode() + b"." + body,
                                        hashlib.sha256).hexdigest()
        signature_ok = bool(signature) and hmac.compare_digest(signature, expected)
        try:
            timestamp_ok = abs(time.time() - int(timestamp)) <= TOLERANCE_SECONDS
        except ValueError:
            timestamp_ok = False
        return signature_ok, timestamp_ok

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or "0"))
        path = urllib.parse.urlsplit(self.path).path
        signature_ok, timestamp_ok = self.check(body)
        self.state.record({
            "path": path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", errors="replace"),
            "signature_ok": signature_ok,
            "timestamp_ok": timestamp_ok,
            "event_id": self.headers.get("X-OpenBITS-Delivery", ""),
            "event_type": self.headers.get("X-OpenBITS-Event", ""),
        })
        segments = [s for s in path.split("/") if s]
        name, args = (segments[0], segments[1:]) if segments else ("", [])
        if name == "ok":
            self.reply(200)
        elif name == "status":
            self.reply(int(args[0]), b"receiver error page\n")
        elif name == "refuse":
            answer = {"status": int(args[0]), "bits_error_code": args[1],
                      "reason": "refused by the test receiver"}
            self.reply(403, json.dumps(answer).encode(), "application/json")
        elif name == "sleep":
            time.sleep(float(args[0]))
            self.reply(200)
        elif name == "flaky":
            self.reply(503 if self.state.count(path) <= int(args[0]) else 200)
        else:
            self.reply(404, b"no such behaviour\n")

    def log_message(self, fmt, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description="webhook receiver for the hook tests")
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    Handler.state = State(options.log, options.secret)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    temporary = options.port_file + ".tmp"
    with open(temporary, "w", encoding="ascii") as f:
        f.write(f"{server.server_port}\n")
    os.replace(temporary, options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
