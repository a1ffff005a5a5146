#!/usr/bin/env python3
"""A loopback HTTP origin and WebSocket client for the proxy's tests.

Standard library only, raw sockets, so the tests see exactly the bytes the
proxy forwards (http.server would de-chunk nothing and hide framing).

  httporigin.py serve PORTFILE LOG
      Listens on 127.0.0.1, port 0; writes the port to PORTFILE.  Every
      connection is logged to LOG, one line per event, "cN <event>":
        head <request line>         header <name>: <value>
        body len=N sha256=HEX trailers=NAMES
        extra=N       bytes that came after the request (before the reply)
        bad <why>     a framing the origin refuses
        ws open | ws frames=N bytes=N | ws early=N
      Requests:
        POST/PUT any path    reads the body (Content-Length or chunked,
                             strictly; "100 Continue" first when asked)
                             and answers "len=N sha256=HEX\n", chunked in
                             7-byte chunks (HTTP/1.1)
        GET /ws              WebSocket handshake, then echoes every data
                             frame until a close frame
        GET /nows            answers 403 to a WebSocket handshake
        GET anything else    200 with the request head it received
  proxy_send(parts, pause, step)   (for `from httporigin import ...`)
      Sends parts to the proxy at 127.0.0.1:3128, `pause` seconds apart,
      `step` bytes a write when step is set; returns the whole reply.
  httporigin.py ws-client PROXY_PORT AUTHORITY PATH [early]
      A WebSocket handshake through the proxy at 127.0.0.1:PROXY_PORT to
      http://AUTHORITY/PATH, then a text frame and a 200 KB binary frame,
      each checked against the echo; prints "status N", "echo text ok",
      "echo binary ok".  With "early", the text frame is sent with the
      handshake, before the 101 (the proxy must hold it).
"""
import base64
import hashlib
import os
import socket
import struct
import sys
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Conn:
    def __init__(self, sock, log, n):
        self.s, self.log, self.n, self.buf = sock, log, n, b""

    def say(self, text):
        with open(self.log, "a") as f:
            f.write("c%d %s\n" % (self.n, text))

    def fill(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError
        self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            if b"\n" in self.buf:
                raise ValueError("bare LF")
            self.fill()
        ln, self.buf = self.buf.split(b"\r\n", 1)
        return ln

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def extra(self, wait):
        """Counts what arrives within `wait` seconds after the request."""
        self.s.settimeout(wait)
        try:
            while True:
                self.fill()
        except (socket.timeout, EOFError, OSError):
            pass
        self.s.settimeout(None)
        n = len(self.buf)
        self.buf = b""
        return n


def read_chunked(c):
    body, trailers = b"", []
    while True:
        size = c.line()
        if not size or any(ch not in b"0123456789abcdefABCDEF" for ch in size):
            raise ValueError("chunk size %r" % size)
        n = int(size, 16)
        if n == 0:
            break
        body += c.take(n)
        if c.take(2) != b"\r\n":
            raise ValueError("no CRLF after chunk data")
    while True:
        ln = c.line()
        if not ln:
            return body, trailers
        trailers.append(ln.split(b":", 1)[0].decode())


def send_chunked(c, data, http10):
    if http10:  # no chunked to an HTTP/1.0 client: the close delimits
        c.s.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + data)
        return
    c.s.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                b"Connection: close\r\n\r\n")
    for i in range(0, len(data), 7):
        part = data[i:i + 7]
        c.s.sendall(b"%x\r\n%s\r\n" % (len(part), part))
    c.s.sendall(b"0\r\n\r\n")


def ws_frame(opcode, payload, mask=None):
    n = len(payload)
    hdr = bytes([0x80 | opcode])
    mbit = 0x80 if mask else 0
    if n < 126:
        hdr += bytes([mbit | n])
    elif n < 65536:
        hdr += bytes([mbit | 126]) + struct.pack(">H", n)
    else:
        hdr += bytes([mbit | 127]) + struct.pack(">Q", n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        hdr += mask
    return hdr + payload


def ws_read(c):
    b0, b1 = c.take(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", c.take(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", c.take(8))[0]
    mask = c.take(4) if b1 & 0x80 else None
    payload = c.take(n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return b0 & 0x0F, payload


def serve_ws(c, headers):
    key = headers.get("sec-websocket-key", "").encode()
    acc = base64.b64encode(hashlib.sha1(key + GUID).digest())
    c.s.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + acc +
                b"\r\n\r\n")
    c.say("ws open")
    frames = total = 0
    while True:
        op, payload = ws_read(c)
        if op == 8:
            c.s.sendall(ws_frame(8, payload[:2]))
            break
        frames += 1
        total += len(payload)
        c.s.sendall(ws_frame(op, payload))
    c.say("ws frames=%d bytes=%d" % (frames, total))


def handle(sock, log, n):
    c = Conn(sock, log, n)
    try:
        reqline = c.line().decode("latin-1")
        c.say("head " + reqline)
        headers = {}
        while True:
            ln = c.line().decode("latin-1")
            if not ln:
                break
            c.say("header " + ln)
            k, v = ln.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        method, path = reqline.split(" ")[:2]
        if method in ("POST", "PUT"):
            if headers.get("expect", "").lower() == "100-continue":
                c.s.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            te = headers.get("transfer-encoding")
            if te is not None:
                if te != "chunked" or "content-length" in headers:
                    raise ValueError("framing %r" % te)
                body, trailers = read_chunked(c)
            else:
                body, trailers = c.take(int(headers.get("content-length", "0"))), []
            digest = hashlib.sha256(body).hexdigest()
            c.say("body len=%d sha256=%s trailers=%s" %
                  (len(body), digest, ",".join(trailers) or "-"))
            c.say("extra=%d" % c.extra(0.3))
            send_chunked(c, b"len=%d sha256=%s\n" % (len(body), digest.encode()),
                         reqline.endswith("HTTP/1.0"))
        elif path == "/ws":
            serve_ws(c, headers)
        elif path == "/nows":
            c.say("ws early=%d" % c.extra(0.3))
            msg = b"no websocket here\n"
            c.s.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: %d\r\n"
                        b"Connection: close\r\n\r\n%s" % (len(msg), msg))
        else:
            msg = ("%s\n" % reqline).encode() + "".join(
                "%s: %s\n" % kv for kv in headers.items()).encode()
            c.s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                        b"Connection: close\r\n\r\n%s" % (len(msg), msg))
    except (ValueError, EOFError, OSError) as e:
        c.say("bad %s" % e)
    finally:
        sock.close()


def serve(portfile, log):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(ls.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    n = 0
    while True:
        s, _ = ls.accept()
        n += 1
        threading.Thread(target=handle, args=(s, log, n), daemon=True).start()


def proxy_send(parts, pause=0.0, step=0):
    s = socket.create_connection(("127.0.0.1", 3128), timeout=10)
    for i, part in enumerate(parts):
        if i and pause:
            time.sleep(pause)
        for j in range(0, len(part), step or len(part) or 1):
            s.sendall(part[j:j + step] if step else part)
            if step:
                time.sleep(0.002)
    data = b""
    while True:
        d = s.recv(65536)
        if not d:
            return data
        data += d


def ws_client(proxy_port, authority, path, early):
    s = socket.create_connection(("127.0.0.1", int(proxy_port)), timeout=10)
    c = Conn(s, os.devnull, 0)
    key = base64.b64encode(os.urandom(16))
    req = (b"GET http://%s%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
           b"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
           b"Sec-WebSocket-Version: 13\r\n\r\n" %
           (authority.encode(), path.encode(), authority.encode(), key))
    text = b"hello through the proxy"
    mask = os.urandom(4)
    s.sendall(req + (ws_frame(1, text, mask) if early else b""))
    try:
        status = c.line().split(b" ")[1].decode()
    except (EOFError, OSError, IndexError):
        print("status none")
        return
    print("status", status)
    headers = {}
    while True:
        ln = c.line().decode("latin-1")
        if not ln:
            break
        k, v = ln.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    if status != "101":
        print("body", c.buf[:80])
        return
    want = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
    print("accept", "ok" if headers.get("sec-websocket-accept") == want else "bad")
    if not early:
        s.sendall(ws_frame(1, text, mask))
    op, payload = ws_read(c)
    print("echo text", "ok" if (op, payload) == (1, text) else "bad")
    big = os.urandom(200000)
    s.sendall(ws_frame(2, big, os.urandom(4)))
    op, payload = ws_read(c)
    print("echo binary", "ok" if (op, payload) == (2, big) else "bad")
    s.sendall(ws_frame(8, b"\x03\xe8", os.urandom(4)))
    op, _ = ws_read(c)
    print("close", "ok" if op == 8 else "bad")
    s.close()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "ws-client":
        ws_client(sys.argv[2], sys.argv[3], sys.argv[4],
                  len(sys.argv) > 5 and sys.argv[5] == "early")
    else:
        sys.exit("usage: see the docstring")
