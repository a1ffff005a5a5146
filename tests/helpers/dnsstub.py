#!/usr/bin/env python3
"""A stub DNS server for the proxy tests (stdlib only, UDP, loopback).

usage: dnsstub.py PORTFILE QUERYLOG NAME=ADDR...
Binds 127.0.0.1:0, writes the port to PORTFILE, answers A queries for the
NAMEs given (NOERROR with no answer for other types of a known name,
NXDOMAIN for unknown names), and appends every query name, one a line, to
QUERYLOG, so a test can prove that a denied name was never asked for.
"""
import socket
import struct
import sys


def qname(data, off):
    labels = []
    while True:
        n = data[off]
        off += 1
        if n == 0:
            return b".".join(labels).decode("ascii", "replace").lower(), off
        if n & 0xC0:
            raise ValueError("compression in a question")
        labels.append(data[off:off + n])
        off += n


def main():
    portfile, qlog = sys.argv[1], sys.argv[2]
    table = {}
    for spec in sys.argv[3:]:
        name, addr = spec.split("=", 1)
        table.setdefault(name.lower().rstrip("."), []).append(addr)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(portfile + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    while True:
        data, peer = s.recvfrom(4096)
        try:
            qid, flags, qd = struct.unpack(">HHH", data[:6])
            name, off = qname(data, 12)
            qtype, qclass = struct.unpack(">HH", data[off:off + 4])
        except Exception:
            continue
        with open(qlog, "a") as f:
            f.write("%s %d\n" % (name, qtype))
        question = data[12:off + 4]
        answers = b""
        rcode = 0
        if name not in table:
            rcode = 3
        elif qtype == 1:
            for addr in table[name]:
                answers += (b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 5, 4) +
                            socket.inet_aton(addr))
        count = len(answers) // 16
        hdr = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, count, 0, 0)
        s.sendto(hdr + question + answers, peer)


if __name__ == "__main__":
    main()
