#!/usr/bin/env python3
"""A bearer-token server for docker-registry's `auth: token` (the Docker Hub flow), for tests.

    token_server.py --port-file F --key KEY.pem --cert CERT.pem --service S --issuer I \
                    --user U --password P --log LOG

Listens on 127.0.0.1 (port 0: the kernel picks one, written to --port-file once listening, so
there is no race on a guessed free port). GET /token?service=&scope=... with HTTP basic
credentials, or POST /token with an OAuth2 password/refresh_token grant (what the docker CLI sends
after a login that returned an identity token), answers {"token", "access_token", "expires_in",
"issued_at"}: a JWT signed RS256 with KEY, whose header carries CERT as `x5c`, which is how
distribution 2.8 finds the signing key (registry/auth/token/token.go, VerifySigningKey) and checks
it against the registry's rootcertbundle. The valid user gets every action it asks for; no or bad
credentials get 401. Every request is appended to LOG as one line
`METHOD user=<u|-> scope=<s1,s2|-> status=<code>`, so a test can count how often a client asked
for a token (a client that caches tokens asks once per scope).

While the file --deny-file exists, tokens are still issued but grant nothing (an empty
`access`), so the registry answers 401 to a request that carries one: "a 401 after a token".

Only the standard library: the signature is made by `openssl dgst -sha256 -sign` (PKCS#1 v1.5,
which is what RS256 is).
"""
import argparse
import base64
import json
import os
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der_b64(cert_pem_path: str) -> str:
    der = subprocess.run(["openssl", "x509", "-in", cert_pem_path, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(der).decode()  # x5c is standard base64, not base64url


def parse_scope(scope: str):
    """'repository:name:pull,push' -> {type, name, actions}; names may hold ':' (host:port)."""
    typ, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    return {"type": typ, "name": name, "actions": [a for a in actions.split(",") if a]}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_handler(args, x5c):
    log_lock = threading.Lock()

    def sign(claims) -> str:
        header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key],
                             input=signing_input.encode(), check=True, capture_output=True).stdout
        return signing_input + "." + b64url(sig)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):  # quiet: our own log is the record
            pass

        def record(self, user, scopes, status):
            with log_lock, open(args.log, "a") as f:
                f.write(f"{self.command} user={user or '-'} scope={','.join(scopes) or '-'} status={status}\n")

        def reply(self, status, body: dict, extra=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def grant(self, user, scopes, service, refresh=False):
            now = int(time.time())
            access = [] if os.path.exists(args.deny_file) else [parse_scope(s) for s in scopes]
            claims = {"iss": args.issuer, "sub": user, "aud": service, "exp": now + 300,
                      "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
            token = sign(claims)
            body = {"token": token, "access_token": token, "expires_in": 300,
                    "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}
            if refresh:
                body["refresh_token"] = "refresh-" + args.user
            self.record(user, scopes, 200)
            self.reply(200, body)

        def deny(self, user, scopes):
            self.record(user, scopes, 401)
            self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                       {"WWW-Authenticate": 'Basic realm="berth-test-token"'})

        def do_GET(self):
            url = urlparse(self.path)
            q = parse_qs(url.query)
            scopes = q.get("scope", [])
            user = None
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                try:
                    user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                except ValueError:
                    user, pw = None, None
                if url.path == "/token" and user == args.user and pw == args.password:
                    # offline_token=true is a login asking for an identity token to keep
                    return self.grant(user, scopes, q.get("service", [""])[0],
                                      refresh=q.get("offline_token", [""])[0] == "true")
            self.deny(user, scopes)

        def do_POST(self):
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode()) if length else {}
            scopes = " ".join(form.get("scope", [])).split()
            grant = form.get("grant_type", [""])[0]
            user = form.get("username", [None])[0]
            ok = url.path == "/token" and (
                (grant == "password" and user == args.user and form.get("password", [""])[0] == args.password)
                or (grant == "refresh_token" and form.get("refresh_token", [""])[0] == "refresh-" + args.user))
            if ok:
                return self.grant(user or args.user, scopes, form.get("service", [""])[0],
                                  refresh=form.get("access_type", [""])[0] == "offline")
            self.deny(user, scopes)

    return Handler


def main():
    p = argparse.ArgumentParser()
    for a in ("port-file", "key", "cert", "service", "issuer", "user", "password", "log", "deny-file"):
        p.add_argument("--" + a, required=True)
    args = p.parse_args()
    srv = Server(("127.0.0.1", 0), make_handler(args, cert_der_b64(args.cert)))
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)  # atomic: a reader never sees a half-written port
    srv.serve_forever()


if __name__ == "__main__":
    main()
