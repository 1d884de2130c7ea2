#!/usr/bin/env python3
"""Writes the hand-made seed inputs of every fuzz target into a directory (default:
corpus/ beside this file). The committed corpora started from these and were then
grown and minimised with libFuzzer (-merge=1, docs/fuzzing.md). Each encoder below
follows the order in which its target reads its input."""
import hashlib
import os
import struct
import sys

GUID = "{7df0354d-249b-430f-820d-3d2a9bef4931}"
SID = "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90}"


def u8(v):
    return struct.pack("<B", v & 0xFF)


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


def text_seeds():
    return {
        "content_range": ["bytes 0-99/100", "Bytes  5-5/6 ", "bytes */0", "bytes 0--1/0",
                          "bytes 0-18446744073709551614/18446744073709551615", "bytes 1-0/5",
                          "bytes 0-9/-1", "bytes=0-9/10", "bytes\t00010-00019/00020",
                          "0", "18446744073709551616", "bytes 100000000000000000000-1/2"],
        "session_id": [SID, SID.lower(), SID[1:-1], "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D9G}",
                       "3F2B8C106A7E4C559D110B8E2A7C4D90", "{3F2B8C10-6A7E4-C55-9D11-0B8E2A7C4D90}",
                       "0123456789abcdef"],
        "protocol": ["Ping", "create-session", "FRAGMENT", "Close-Session", "Cancel-Session",
                     "Ack", " Ping", GUID, GUID.upper(), "{x}, " + GUID, "{x} {y},," + GUID,
                     ", ".join(["{x}"] * 100) + ", " + GUID, GUID[1:-1]],
        "hresult": ["0x8020001F", "8020001f", "x5", "0X00000000080070057", "0x", "",
                    "-1", "0x123456789", "0x0", "0xFFFFFFFF"],
        "request_target": ["http://127.0.0.1:8080/up/a.bin", "HTTPS://Host/up/a?x=1#f",
                           "http://h", "http://h?x", "http://[::1]:80/a", "http://u:p@h/a",
                           "ftp://h/a", "http:///a", "/up/a.bin", "*", "h1t+p.x://h/a",
                           "http://h%20x/a", "http://h/a#b#c"],
        "http_date": ["Sun, 06 Nov 1994 08:49:37 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
                      "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 1000 00:00:00 GMT",
                      "Sun, 31 Feb 2021 23:59:60 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                      "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC"],
    }


def upload_path_seeds():
    targets = ["/up/a.bin", "/up/sub/b%20c.bin?x=1#y", "/up/%2e%2e/x", "/up/a%2Fb",
               "/up/.bits-spool/x", "/up/.BITS-x", "/up//x", "/up/x/", "/up", "/upload/x",
               "/", "x", "/up/%00", "/up/%4", "/up/%G1", "/up/a\\b", "/a/b/c",
               "/up/" + "n" * 256, "/up/%E2%82%AC.txt"]
    out = []
    for i, t in enumerate(targets):
        out.append(u8(i % 4) + t.encode("latin-1"))
    return out


def byte_ranges_seeds():
    headers = ["bytes=0-99", "bytes=-500", "bytes=9500-", "bytes=0-0,-1", "bytes=5-1",
               "bytes=10000-20000", "bytes=0-1,,2-3", "items=0-1", "bytes=-0",
               "bytes=" + ",".join(["0-0"] * 65), " bytes = 1-2 ", "BYTES=1-"]
    out = []
    for i, h in enumerate(headers):
        mode = i % 2
        size = u64(10000 if i % 3 else 0) if mode else u16(10000)
        out.append(u8(mode) + size + u64(1234) + u64(1700000000123456789) + h.encode())
    out.append(u8(1) + u64(2**64 - 1) + u64(1) + u64(1) + b"bytes=18446744073709551614-")
    return out


def fragment_plan_seeds():
    def held(total=None, received=0, wide=False):
        if total is None:
            return u8(0)
        return u8(1 | (2 if wide else 0)) + (u64(total) if wide else u16(total)) + u64(received)

    def limits(max_upload=None, max_fragment=None):
        mode = (1 if max_upload is not None else 0) | (2 if max_fragment is not None else 0)
        out = u8(mode)
        if max_upload is not None:
            out += u64(max_upload)
        if max_fragment is not None:
            out += u32(max_fragment)
        return out

    return [held() + limits() + b"bytes 0-65535/100000",
            held(100000, 65536) + limits() + b"bytes 65536-99999/100000",
            held(1000, 101) + limits() + b"bytes 50-150/1000",
            held(1000, 200) + limits() + b"bytes 100-199/1000",
            held(1000, 200) + limits() + b"bytes 300-399/1000",
            held(1000, 200) + limits() + b"bytes 0-99/999",
            held() + limits(1000) + b"bytes 0-1000/1001",
            held() + limits(None, 5120) + b"bytes 0-5120/10000",
            held() + limits() + b"bytes */0",
            held(2**64 - 1, 2**64 - 2, True) + limits() + b"bytes 0-18446744073709551614/18446744073709551615"]


def packet_seeds():
    names = ["BITS-Packet-Type", "BITS-Session-Id", "Content-Range", "BITS-Supported-Protocols",
             "Content-Encoding", "bits-packet-type", "Content-Length", "X-Other"]

    def head(content_length, fields, chunked=False):
        flags = (4 if chunked else 0)
        out = b""
        if content_length is not None:
            flags |= 1 | (2 if content_length > 255 else 0)
            out = u64(content_length) if content_length > 255 else u8(content_length)
        out = u8(flags) + out + u8(len(fields))
        for name, value in fields:
            out += u8(names.index(name)) + u8(len(value)) + value.encode()
        return out

    pt, sid, cr, sp, ce = names[:5]
    long_value = u8(8 | 0x80) + u8(3) + b"X-A" + u16(4097) + b"v" * 4097
    return [head(0, [(pt, "Ping")]),
            head(0, [(pt, "Create-Session"), (sp, GUID)]),
            head(100, [(pt, "Fragment"), (sid, SID), (cr, "bytes 0-99/100")]),
            head(0, [(pt, "Close-Session"), (sid, SID)]),
            head(0, [(pt, "Cancel-Session"), (sid, SID.lower())]),
            head(None, [(pt, "Ping")]),
            head(0, [(pt, "Ping")], chunked=True),
            head(5, [(pt, "Ping")]),
            head(0, [(pt, "Ack")]),
            head(0, [(pt, "Create-Session")]),
            head(10, [(pt, "Fragment"), (sid, SID), (cr, "bytes 0-99/100")]),
            head(100, [(pt, "Fragment"), (sid, SID), (cr, "bytes 0-99/100"), (ce, "gzip")]),
            head(0, [(pt, "Fragment"), (sid, "{nope}")]),
            u8(1) + u8(0) + u8(2) + u8(0) + u8(4) + b"Ping" + long_value]


class Service:
    """Encodes operations in the order tests/fuzz/service_harness.cpp reads them."""

    def __init__(self, flags=0, max_upload=0, max_fragment=0, timeout=300, cleanup=60, ttl=300,
                 max_sessions=1, per_user=1, max_spool=1, min_free=0):
        self.b = u8(flags)
        if flags & 2:
            self.b += u16(max_upload - 1)
        if flags & 4:
            self.b += u16(max_fragment - 1)
        self.b += u16(timeout - 1) + u16(cleanup - 1) + u16(ttl)
        if flags & 32:
            self.b += u8(max_sessions - 1) + u8(per_user - 1)
        if flags & 64:
            self.b += u16(max_spool - 1)
        if flags & 128:
            self.b += u16(min_free)

    def create(self, target=0, principal=0):
        self.b += u8(0) + u8(0) + u8(target) + u8(principal)
        return self

    def fragment(self, session, first, length, total_extra=0, seed=1, pending=None, fail=False,
                 refused=False):
        how = 3 | 4  # first as a u64, length as a u32
        extra = u64(first) + u32(length)
        if total_extra:
            how |= 8
            extra += u16(total_extra)
        op = 2 if pending is not None else 1
        self.b += u8(op) + u8(session) + u8(how) + extra + u8(0) + u8(0) + u8(0)
        if refused:  # no body is read for a Fragment the server refuses
            return self
        self.b += u8(seed)
        if pending is not None:
            width = 1 if length + 1 <= 0x100 else 2 if length + 1 <= 0x10000 else 4
            self.b += struct.pack("<Q", pending)[:width]
            n = pending
        else:
            n = min(length, 4096)
        while n > 0:
            piece = min(n, 100)
            self.b += u8(piece - 1)
            n -= piece
        if pending is None:
            self.b += u8(0 if fail else 0x80)
        return self

    def pending_feed(self, n):
        self.b += u8(3) + u8(0) + u16(n)
        while n > 0:
            piece = min(n, 100)
            self.b += u8(piece - 1)
            n -= piece
        return self

    def pending_end(self, fail=False):
        self.b += u8(3) + u8(0xF8 if fail else 0x80)
        return self

    def close(self, session, cancel=False):
        self.b += u8(5 if cancel else 4) + u8(session) + u8(0) + u8(0) + u8(0) + u8(0)
        return self

    def ping(self):
        self.b += u8(6) + u8(0) + u8(0)
        return self

    def clock(self, seconds):
        self.b += u8(8) + u8(0) + u16(seconds)
        return self

    def op(self, code, *more):
        self.b += u8(code) + b"".join(u8(m) for m in more)
        return self


def service_seeds():
    S = Service
    return [
        S().create().fragment(0, 0, 100).close(0).b,
        S(flags=1).create(4).fragment(0, 0, 10).close(0).b,
        S().create(1).fragment(0, 0, 300, total_extra=200).fragment(0, 250, 250).close(0).b,
        S().create().close(0).close(0).b,
        S().create().fragment(0, 0, 50, total_extra=50, pending=20).fragment(0, 20, 10)
           .pending_feed(30).pending_end().fragment(0, 0, 100).b,
        S().create().fragment(0, 0, 100, total_extra=100).fragment(0, 150, 10)
           .fragment(0, 50, 100, seed=9).close(0, cancel=True).b,
        S(flags=8).create().fragment(0, 0, 60, total_extra=40, pending=30).pending_end()
           .op(10).fragment(0, 0, 100).b,
        S(timeout=10, cleanup=5).create().clock(20).op(9).fragment(0, 0, 10).b,
        S().create().op(11, 6, 1).fragment(0, 0, 10).fragment(0, 0, 10).close(0).b,
        S(flags=4, max_fragment=64).create().fragment(0, 0, 100).fragment(0, 0, 64, 36).b,
        S(flags=64, max_spool=150).create().fragment(0, 0, 10, 90).close(0, cancel=True)
           .create().fragment(1, 0, 100).create().fragment(2, 0, 100, refused=True).b,
        S(flags=32, max_sessions=2, per_user=1).create().create().close(0).create().create(1, 1)
           .create(1, 0xF0).b,
        S(flags=128, min_free=100).create().op(11, 10, 2, 0x50, 0).fragment(0, 0, 10, 90).b,
        S(flags=2, max_upload=50).create().fragment(0, 0, 100).b,
        S().create(2).create(3).create(5).create(7).create(8).create(10).create(11).ping().b,
        S().create().create(1).fragment(1, 0, 5).fragment(0, 0, 5).op(12).op(10)
           .close(1).close(0).b,
    ]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    seeds = {k: [s.encode("latin-1") for s in v] for k, v in text_seeds().items()}
    seeds["upload_path"] = upload_path_seeds()
    seeds["byte_ranges"] = byte_ranges_seeds()
    seeds["fragment_plan"] = fragment_plan_seeds()
    seeds["packet"] = packet_seeds()
    seeds["service_sequence"] = service_seeds()
    for target, inputs in seeds.items():
        folder = os.path.join(root, target)
        os.makedirs(folder, exist_ok=True)
        for data in inputs:
            # Named by content, as libFuzzer names corpus files.
            with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
