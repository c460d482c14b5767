#!/usr/bin/env bash
# Makes the certificates of the cert_verify tests in DIR, with openssl:
# a fleet root CA and an intermediate CA (a chain of two), node certificates
# (west: SAN IP 192.0.2.1 + DNS west.lab; east: SAN IP 192.0.2.2), one from
# another CA, one that expired in 2021; and an NSS database DIR/db that
# trusts the fleet root for peer authentication (certutil, CT,C,C).
set -euo pipefail
dir=$1
cd "$dir"
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1.key" 2>/dev/null; }
ca_ext='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign'
key root
openssl req -x509 -new -key root.key -out root.crt -subj "/O=Fleet/CN=Fleet Root CA" -days 365 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
key inter
openssl req -new -key inter.key -out inter.csr -subj "/O=Fleet/CN=Fleet Intermediate CA" 2>/dev/null
openssl x509 -req -in inter.csr -CA root.crt -CAkey root.key -CAcreateserial -out inter.crt -days 300 \
	-extfile <(echo "$ca_ext") 2>/dev/null
key other
openssl req -x509 -new -key other.key -out other.crt -subj "/O=Elsewhere/CN=Other CA" -days 365 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
node() { # node NAME CA SAN
	key "$1"
	openssl req -new -key "$1.key" -out "$1.csr" -subj "/O=Fleet/CN=$1" 2>/dev/null
	openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -out "$1.crt" -days 30 \
		-extfile <(printf 'subjectAltName=%s\nkeyUsage=digitalSignature\n' "$3") 2>/dev/null
}
node west inter "IP:192.0.2.1,DNS:west.lab"
node east inter "IP:192.0.2.2,DNS:east.lab"
node rogue other "IP:192.0.2.1,DNS:west.lab"
# An expired certificate: `openssl ca` can set dates in the past.
mkdir -p ca/new && : >ca/index.txt && echo 1000 >ca/serial
cat >ca.cnf <<CNF
[ca]
default_ca = d
[d]
dir = $dir/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = p
copy_extensions = copy
[p]
commonName = supplied
CNF
key old
openssl req -new -key old.key -out old.csr -subj "/CN=old" \
	-addext "subjectAltName=IP:192.0.2.1,DNS:west.lab" -addext keyUsage=digitalSignature 2>/dev/null
openssl ca -batch -config ca.cnf -cert inter.crt -keyfile inter.key -in old.csr -out old.crt \
	-startdate 20200101000000Z -enddate 20210101000000Z 2>/dev/null
for c in west east rogue old inter; do openssl x509 -in "$c.crt" -outform DER -out "$c.der"; done
openssl x509 -in west.crt -noout -subject -nameopt RFC2253 >/dev/null
mkdir db
certutil -N -d sql:db --empty-password
certutil -A -d sql:db -n "Fleet Root CA" -t "CT,C,C" -i root.crt
