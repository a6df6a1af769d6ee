"""A minimal websocket client (RFC 6455, no library) for /containers/{id}/attach/ws:
ws_attach.py SOCK PATH INPUT. Sends INPUT (if any) as one masked binary frame, prints every
data frame's payload until the server closes, and checks the handshake's accept key."""
import base64
import hashlib
import os
import socket
import sys

sock_path, path, data = sys.argv[1], sys.argv[2], sys.argv[3].encode()
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sock_path)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET {path} HTTP/1.1\r\nHost: berth\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
buf = b""
while b"\r\n\r\n" not in buf:
    chunk = s.recv(4096)
    if not chunk:
        sys.exit("no handshake answer")
    buf += chunk
head, buf = buf.split(b"\r\n\r\n", 1)
lines = head.decode().split("\r\n")
if " 101 " not in lines[0]:
    sys.exit("handshake: " + head.decode())
want = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
if f"Sec-WebSocket-Accept: {want}" not in lines:
    sys.exit("bad accept key: " + head.decode())
if data:
    mask = os.urandom(4)
    s.sendall(bytes([0x82, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def need(n):
    global buf
    while len(buf) < n:
        chunk = s.recv(4096)
        if not chunk:
            return None
        buf += chunk
    out, buf = buf[:n], buf[n:]
    return out


out = b""
while True:
    h = need(2)
    if h is None:
        break
    op, ln = h[0] & 0x0F, h[1] & 0x7F
    if ln == 126:
        ln = int.from_bytes(need(2), "big")
    elif ln == 127:
        ln = int.from_bytes(need(8), "big")
    payload = need(ln) if ln else b""
    if op == 0x8:
        break
    out += payload
sys.stdout.write(out.decode(errors="replace"))
