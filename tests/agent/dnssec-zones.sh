#!/usr/bin/env bash
# Serves three reverse zones and a forward one from nsd on ADDR (default
# 192.0.2.53; the caller's network namespace must hold that address), for
# the IPSECKEY lookup tests.  Usage: dnssec-zones.sh DIR [ADDR]
#   2.0.192.in-addr.arpa     signed; IPSECKEY for 192.0.2.1 (the key in DIR/point.b64)
#   100.51.198.in-addr.arpa  signed, then one byte of the IPSECKEY signature changed (bogus)
#   113.0.203.in-addr.arpa   not signed (insecure)
#   lab.example              signed; IPSECKEY (the same key) for west (A 192.0.2.1,
#                            AAAA 2001:db8:1::1; 192.0.2.1's PTR names it), mallory
#                            (A 198.51.100.7), thief (A 192.0.2.1, which does not
#                            name it) and noaddr (no address record)
# DIR/ta.txt gets the key-signing keys of the signed zones (trust anchors).
set -euo pipefail
dir=$1
addr=${2:-192.0.2.53}
cd "$dir"
openssl ecparam -name prime256v1 -genkey -noout -out host.pem 2>/dev/null
openssl ec -in host.pem -pubout -outform DER 2>/dev/null | tail -c 64 | base64 -w0 >point.b64
point=$(cat point.b64)

zone() { # zone NAME OWNER-OF-IPSECKEY
	cat >"$1.zone" <<ZONE
\$TTL 300
$1. IN SOA ns.$1. hostmaster.$1. 1 3600 600 86400 300
$1. IN NS ns.$1.
$2 IN IPSECKEY 10 0 3 . $point
ZONE
}
sign() { # sign NAME
	local ksk zsk
	ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$1")
	zsk=$(ldns-keygen -a ECDSAP256SHA256 "$1")
	ldns-signzone "$1.zone" "$ksk" "$zsk"
	grep DNSKEY "$ksk.key" >>ta.txt
}
: >ta.txt
zone 2.0.192.in-addr.arpa 1.2.0.192.in-addr.arpa.
echo "1.2.0.192.in-addr.arpa. IN PTR west.lab.example." >>2.0.192.in-addr.arpa.zone
sign 2.0.192.in-addr.arpa
zone 100.51.198.in-addr.arpa 1.100.51.198.in-addr.arpa.
sign 100.51.198.in-addr.arpa
# Break the signature over the IPSECKEY set: change one base64 character.
awk '/RRSIG[ \t]+IPSECKEY/ && !done { n = length($NF); c = substr($NF, 5, 1);
	$NF = substr($NF, 1, 4) (c == "A" ? "B" : "A") substr($NF, 6); done = 1 } { print }' \
	100.51.198.in-addr.arpa.zone.signed >broken && mv broken 100.51.198.in-addr.arpa.zone.signed
zone 113.0.203.in-addr.arpa 1.113.0.203.in-addr.arpa.
cp 113.0.203.in-addr.arpa.zone 113.0.203.in-addr.arpa.zone.signed
zone lab.example west.lab.example.
cat >>lab.example.zone <<ZONE
west.lab.example. IN A 192.0.2.1
west.lab.example. IN AAAA 2001:db8:1::1
mallory.lab.example. IN IPSECKEY 10 0 3 . $point
mallory.lab.example. IN A 198.51.100.7
noaddr.lab.example. IN IPSECKEY 10 0 3 . $point
thief.lab.example. IN IPSECKEY 10 0 3 . $point
thief.lab.example. IN A 192.0.2.1
ZONE
sign lab.example

{
	printf 'server:\n  ip-address: %s\n  port: 53\n  zonesdir: "%s"\n' "$addr" "$dir"
	printf '  pidfile: "%s/nsd.pid"\n  logfile: "%s/nsd.log"\n  xfrdfile: "%s/xfrd.state"\n' "$dir" "$dir" "$dir"
	printf '  zonelistfile: "%s/zone.list"\n  database: ""\n  username: ""\n  chroot: ""\n' "$dir"
	printf 'remote-control:\n  control-enable: no\n'
	for z in 2.0.192.in-addr.arpa 100.51.198.in-addr.arpa 113.0.203.in-addr.arpa lab.example; do
		printf 'zone:\n  name: %s\n  zonefile: %s.zone.signed\n' "$z" "$z"
	done
} >nsd.conf
nsd -c nsd.conf
for i in $(seq 1 50); do [ -s nsd.pid ] && break; sleep 0.1; done
[ -s nsd.pid ]
