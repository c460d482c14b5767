#!/usr/bin/env python3
"""soak-mixed: the echo service of the peers and the client on west.

  echo.py server READY-FILE   echo on UDP and TCP port 7, IPv4 and IPv6;
                              touches READY-FILE once every socket listens
  echo.py client REQ REP      reads requests from the FIFO REQ, one a line,
                              answers each with one line on the FIFO REP

A request is `udp|tcp ADDRESS TOKEN SECONDS`: send TOKEN to ADDRESS port 7
and wait up to SECONDS for it to come back (UDP: sent again every second).
The answer is `reply MS TRIES` (milliseconds until the echo, datagrams or
connections used) or `noreply WHY`. One long-lived client saves the shell a
process start per exchange, which costs 0.1-0.2 s in the lab guest.
"""
import errno
import os
import selectors
import socket
import sys
import time

PORT = 7


def listeners():
    out = []
    for fam, any_addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(fam, kind)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((any_addr, PORT))
            if kind == socket.SOCK_STREAM:
                s.listen(16)
            s.setblocking(False)
            out.append((s, kind))
    return out


def server(ready):
    sel = selectors.DefaultSelector()
    for s, kind in listeners():
        sel.register(s, selectors.EVENT_READ, kind)
    with open(ready, "w"):
        pass
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            try:
                if key.data == socket.SOCK_DGRAM:
                    data, peer = s.recvfrom(4096)
                    s.sendto(data, peer)
                elif key.data == socket.SOCK_STREAM:
                    c, _ = s.accept()
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, "conn")
                else:
                    data = s.recv(4096)
                    if data:
                        s.send(data)
                    else:
                        sel.unregister(s)
                        s.close()
            except OSError:
                if key.data == "conn":
                    sel.unregister(s)
                    s.close()


def why(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__


def udp(addr, token, wait):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    msg = (token + "\n").encode()
    t0 = time.monotonic()
    deadline = t0 + wait
    tries, errors = 0, []
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        try:
            s.connect((addr, PORT))
        except OSError as e:
            return "noreply connect: " + why(e)
        while time.monotonic() < deadline:
            try:
                s.send(msg)
                tries += 1
            except OSError as e:
                errors.append("send " + why(e))
            until = min(deadline, time.monotonic() + 1.0)
            while time.monotonic() < until:
                s.settimeout(max(0.01, until - time.monotonic()))
                try:
                    data = s.recv(4096)
                except socket.timeout:
                    break
                except OSError as e:
                    errors.append("recv " + why(e))
                    time.sleep(max(0.0, min(0.2, until - time.monotonic())))
                    continue
                if data == msg:
                    return "reply %d %d" % ((time.monotonic() - t0) * 1000, tries)
    return "noreply timeout (%d datagrams%s)" % (tries, (", " + ", ".join(sorted(set(errors)))) if errors else "")


def tcp(addr, token, wait):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    msg = (token + "\n").encode()
    t0 = time.monotonic()
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.settimeout(wait)
        try:
            s.connect((addr, PORT))
            s.sendall(msg)
            got = b""
            while not got.endswith(b"\n"):
                left = t0 + wait - time.monotonic()
                if left <= 0:
                    raise socket.timeout()
                s.settimeout(left)
                data = s.recv(4096)
                if not data:
                    return "noreply closed after %r" % got
                got += data
        except socket.timeout:
            return "noreply timeout"
        except OSError as e:
            return "noreply " + why(e)
    if got != msg:
        return "noreply wrong echo %r" % got
    return "reply %d 1" % ((time.monotonic() - t0) * 1000)


def client(req, rep):
    with open(req, "r") as rf, open(rep, "w") as wf:
        for line in rf:
            f = line.split()
            try:
                proto, addr, token, wait = f[0], f[1], f[2], float(f[3])
                answer = udp(addr, token, wait) if proto == "udp" else tcp(addr, token, wait)
            except (IndexError, ValueError) as e:
                answer = "noreply bad request %r: %s" % (line.strip(), e)
            wf.write(answer + "\n")
            wf.flush()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "server":
        server(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "client":
        client(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: echo.py server READY-FILE | client REQ-FIFO REP-FIFO")
