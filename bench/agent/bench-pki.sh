#!/usr/bin/env bash
# bench-pki.sh DIR: the certificates of bench_cert_handshake, with openssl:
# a CA and two node certificates signed by it (a chain of two), ECDSA
# P-256, SAN IP 192.0.2.1 (nickname a) and 192.0.2.2 (nickname b), as the
# in-process engines use; an NSS database DIR/db with both nodes and their
# keys and the CA trusted for peer authentication (CT,C,C).
set -euo pipefail
cd "$1"
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ec ca.key
openssl req -x509 -new -key ca.key -out ca.crt -subj "/O=Bench Fleet/CN=Bench CA" -days 30 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
mkdir db
certutil -N -d sql:db --empty-password
certutil -A -d sql:db -n "Bench CA" -t CT,C,C -i ca.crt
n=1
for h in a b; do
	ec "$h.key"
	openssl req -new -key "$h.key" -out "$h.csr" -subj "/O=Bench Fleet/CN=$h" 2>/dev/null
	printf 'subjectAltName=IP:192.0.2.%s\nkeyUsage=critical,digitalSignature\n' "$n" >"$h.ext"
	openssl x509 -req -in "$h.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$h.crt" -days 30 \
		-extfile "$h.ext" 2>/dev/null
	openssl pkcs12 -export -in "$h.crt" -inkey "$h.key" -name "$h" -out "$h.p12" -passout pass:bench
	pk12util -i "$h.p12" -d sql:db -W bench >/dev/null
	n=$((n + 1))
done
