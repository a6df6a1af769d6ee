#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of one registry, for tests.

    fault_proxy.py --upstream 127.0.0.1:PORT --port-file F --log LOG

Listens on 127.0.0.1 (port 0, written to --port-file once listening) and forwards every request
to the upstream registry with its Host header unchanged, so the registry's Location headers
(upload URLs) point back at the proxy. Only 127.0.0.1 is ever contacted.

Every proxied request is appended to LOG as one line, written when the answer's status is known:
    METHOD PATH?QUERY status=CODE range=<Range header|-> fault=<mode|->
so a test can count blob GETs, see a resume's `Range: bytes=N-`, or a cross-repo mount POST.

The fault is chosen at run time through the proxy itself (never logged):
    GET /__proxy/set?mode=M[&times=N][&match=REGEX][&bytes=N][&rate=BYTES_PER_S]
        -> 200 "ok"; resets the fault's counter
    GET /__proxy/stats -> {"requests": N, "faults": N, "max_concurrent": N} since the last set;
        max_concurrent: the most requests served with the fault at the same time (with
        `throttle` on a pull's layers: how many layers it downloads in parallel)
A request is eligible when REGEX (Python re.search) matches "METHOD PATH"; the first N eligible
requests get the fault (times=-1: all of them), later ones pass. Modes:
    pass          no fault
    corrupt       a blob's body has one byte flipped in its middle (default times=-1)
    cut           after `bytes` bytes of the body the connection is closed (default times=1);
                  the Content-Length still announces the whole body
    fail500       answer 500 with a registry-style error body (default times=2)
    hang          read the request, never answer; the connection is held up to 600 s
    bigmanifest   a 5 MiB manifest (a valid OCI manifest padded with an annotation)
    redirect      302 to /__proxy/loop/1, which redirects to /__proxy/loop/2, ... forever
    throttle      a blob's body is sent at `rate` bytes/s (default 1 MiB/s), to hold a pull
                  in flight (the kill -9 test)
"""
import argparse
import hashlib
import http.client
import json
import os
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

BLOB_GET = r"^GET /v2/.+/blobs/sha256:"
DEFAULTS = {  # mode -> (match, times)
    "pass": (r"$^", 0),
    "corrupt": (BLOB_GET, -1),
    "cut": (BLOB_GET, 1),
    "fail500": (r"^GET /v2/.+/(manifests|blobs)/", 2),
    "hang": (r"^GET /v2/.+/(manifests|blobs)/", -1),
    "bigmanifest": (r"^(GET|HEAD) /v2/.+/manifests/", -1),
    "redirect": (BLOB_GET, -1),
    "throttle": (BLOB_GET, -1),
}
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
              "trailer", "upgrade", "proxy-authenticate", "proxy-authorization"}
HANG_LIMIT_S = 600  # a hung answer is bounded too: the proxy never holds a socket forever


class Fault:
    def __init__(self):
        self.lock = threading.Lock()
        self.set({"mode": "pass"})

    def set(self, q):
        mode = q.get("mode", "pass")
        if mode not in DEFAULTS:
            raise ValueError(f"unknown mode {mode}")
        match, times = DEFAULTS[mode]
        with self.lock:
            self.mode = mode
            self.match = re.compile(q.get("match", match))
            self.times = int(q.get("times", times))
            self.bytes = int(q.get("bytes", 1000))
            self.rate = int(q.get("rate", 1 << 20))
            self.requests = 0
            self.faults = 0
            self.in_flight = 0
            self.max_concurrent = 0

    def take(self, line):
        """The fault this request gets (a mode name), or None."""
        with self.lock:
            self.requests += 1
            if self.mode == "pass" or not self.match.search(line):
                return None
            if self.times == 0:
                return None
            if self.times > 0:
                self.times -= 1
            self.faults += 1
            return self.mode


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_handler(args, fault: Fault):
    up_host, up_port = args.upstream.rsplit(":", 1)
    log_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def record(self, status, what):
            with log_lock, open(args.log, "a") as f:
                f.write(f"{self.command} {self.path} status={status} "
                        f"range={self.headers.get('Range') or '-'} fault={what or '-'}\n")

        def read_body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                out = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline().strip():  # trailers
                            pass
                        return bytes(out)
                    out += self.rfile.read(size)
                    self.rfile.readline()
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def simple(self, status, body: bytes, headers=None, what=None):
            self.record(status, what)
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def control(self):
            url = urlparse(self.path)
            if url.path == "/__proxy/set":
                try:
                    fault.set({k: v[0] for k, v in parse_qs(url.query).items()})
                except (ValueError, re.error) as e:
                    return self.simple_quiet(400, str(e).encode())
                return self.simple_quiet(200, b"ok")
            if url.path == "/__proxy/stats":
                with fault.lock:
                    body = json.dumps({"requests": fault.requests, "faults": fault.faults,
                                       "max_concurrent": fault.max_concurrent})
                return self.simple_quiet(200, body.encode())
            m = re.match(r"^/__proxy/loop/(\d+)$", url.path)
            if m:
                return self.simple(302, b"", {"Location": f"/__proxy/loop/{int(m.group(1)) + 1}"}, "redirect")
            return self.simple_quiet(404, b"no such control")

        def simple_quiet(self, status, body):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            body = self.read_body()
            if self.path.startswith("/__proxy/"):
                return self.control()
            what = fault.take(f"{self.command} {self.path}")
            if what == "hang":
                self.record("hang", what)
                deadline = time.monotonic() + HANG_LIMIT_S
                while time.monotonic() < deadline:  # until the client gives up (EOF) or the limit
                    self.connection.settimeout(1.0)
                    try:
                        if self.connection.recv(1, socket.MSG_PEEK) == b"":
                            break
                    except socket.timeout:
                        continue
                    except OSError:
                        break
                self.close_connection = True
                return
            if what == "fail500":
                err = b'{"errors":[{"code":"UNKNOWN","message":"injected failure"}]}'
                return self.simple(500, err, {"Content-Type": "application/json"}, what)
            if what == "redirect":
                return self.simple(302, b"", {"Location": "/__proxy/loop/1"}, what)
            if what == "bigmanifest":
                return self.big_manifest(what)
            if what:
                with fault.lock:
                    fault.in_flight += 1
                    fault.max_concurrent = max(fault.max_concurrent, fault.in_flight)
            try:
                self.forward(body, what)
            finally:
                if what:
                    with fault.lock:
                        fault.in_flight -= 1

        def big_manifest(self, what):
            pad = "x" * (5 << 20)
            doc = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                              "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                         "digest": "sha256:" + "0" * 64, "size": 2},
                              "layers": [], "annotations": {"pad": pad}}).encode()
            dig = "sha256:" + hashlib.sha256(doc).hexdigest()
            self.simple(200, doc, {"Content-Type": "application/vnd.oci.image.manifest.v1+json",
                                   "Docker-Content-Digest": dig}, what)

        def forward(self, body, what):
            conn = http.client.HTTPConnection(up_host, int(up_port), timeout=120)
            try:
                # header by header: a client may repeat one (several Accept lines for the
                # manifest types it takes), and a dict would keep only the last
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for k, v in self.headers.items():
                    if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                        conn.putheader(k, v)
                if body or self.command in ("POST", "PUT", "PATCH"):
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                resp = conn.getresponse()
                length = resp.getheader("Content-Length")
                data = None
                if length is None and self.command != "HEAD":
                    data = resp.read()  # chunked upstream: buffer it to send a length
                    length = str(len(data))
                self.record(resp.status, what)
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                        self.send_header(k, v)
                if length is not None:
                    self.send_header("Content-Length", length)
                self.end_headers()
                if self.command == "HEAD":
                    return
                if data is None:
                    data = resp.read()
                self.send_body(data, what)
            finally:
                conn.close()

        def send_body(self, data: bytes, what):
            if what == "corrupt" and data:
                mid = len(data) // 2
                data = data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1:]
            if what == "cut":
                self.wfile.write(data[:fault.bytes])
                self.wfile.flush()
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if what == "throttle":
                step = max(1, fault.rate // 20)
                for i in range(0, len(data), step):
                    self.wfile.write(data[i:i + step])
                    self.wfile.flush()
                    time.sleep(0.05)  # pacing, not a wait for anything: rate = step / 0.05 s
                return
            self.wfile.write(data)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()
    if not args.upstream.startswith(("127.0.0.1:", "[::1]:", "localhost:")):
        raise SystemExit("fault_proxy: the upstream must be on the loopback")
    fault = Fault()
    srv = Server(("127.0.0.1", 0), make_handler(args, fault))
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
