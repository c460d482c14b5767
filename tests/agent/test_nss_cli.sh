#!/usr/bin/env bash
# swanmesh initnss / import / listcerts against real NSS databases, with a CA
# and a PKCS#12 bundle made here by openssl (as OpenSSL 3 makes them: AES-256,
# PBKDF2). The databases stay readable by certutil.
set -u
swanmesh=$(realpath "$1")
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t" || exit 1
fails=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
expect() { # expect DESC WANT_RC REGEX CMD...
	local desc=$1 want=$2 re=$3 out rc; shift 3
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" = "$want" ] && printf '%s' "$out" | grep -Eq -- "$re"; then ok "$desc"; else bad "$desc: rc=$rc: $out"; fi
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
	-subj "/O=Lab/CN=Lab CA" -days 30 -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null || { echo "skipped: openssl cannot make a CA"; exit 77; }
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout west.key -out west.csr \
	-subj "/O=Lab/CN=west" 2>/dev/null
printf 'subjectAltName=IP:192.0.2.1,DNS:west.lab\nkeyUsage=digitalSignature\n' >ext
openssl x509 -req -in west.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out west.crt -days 10 -extfile ext 2>/dev/null
openssl pkcs12 -export -in west.crt -inkey west.key -certfile ca.crt -name west -out west.p12 -passout pass:s3cret
echo s3cret >pw
echo wrong >wrong
head -c 300 west.p12 >broken.p12

expect "initnss creates a database" 0 "created an NSS database in db" "$swanmesh" initnss --nss-db db
expect "initnss refuses to overwrite one" 1 "already holds an NSS database; nothing changed" "$swanmesh" initnss --nss-db db
expect "import into a missing database says what to do" 1 "no NSS database in nodb .*swanmesh initnss" \
	"$swanmesh" import west.p12 --nss-db nodb --password-file pw
expect "a wrong password imports nothing" 1 "west.p12: wrong password.*nothing was imported" \
	"$swanmesh" import west.p12 --nss-db db --password-file wrong
expect "a damaged bundle imports nothing" 1 "broken.p12: .*nothing was imported" \
	"$swanmesh" import broken.p12 --nss-db db --password-file pw
expect "an unreadable password file is named" 1 "cannot read the password file nope" \
	"$swanmesh" import west.p12 --nss-db db --password-file nope
expect "no password source and no terminal: a clear refusal" 1 "no password: give --password-file" \
	"$swanmesh" import west.p12 --nss-db db </dev/null
if listing=$(certutil -L -d sql:db) && ! grep -q -e west -e "Lab CA" <<<"$listing"; then
	ok "nothing was half-imported"
else
	bad "nothing was half-imported: $listing"
fi
expect "import with the password from a file descriptor" 0 "node certificate 'west' .*1 CA trusted" \
	"$swanmesh" import west.p12 --nss-db db --password-fd 3 3<pw
expect "certutil sees the node certificate with its key" 0 "west +u,u,u" certutil -L -d sql:db
expect "certutil sees the CA trusted for peer authentication" 0 "Lab CA.* CT,C,C" certutil -L -d sql:db
expect "listcerts shows the SANs" 0 "SAN: +IP:192.0.2.1 DNS:west.lab" "$swanmesh" listcerts --nss-db db
expect "listcerts --json" 0 '"nickname":"west".*"has_key":true' "$swanmesh" listcerts --nss-db db --json
expect "listcerts on a missing database" 1 "no NSS database in nodb" "$swanmesh" listcerts --nss-db nodb
point=$(openssl x509 -in west.crt -noout -pubkey | openssl ec -pubin -outform DER 2>/dev/null | tail -c 64 | base64 -w0)
expect "showhostkey --ipseckey publishes the node's ECDSA point in the reverse zone" 0 \
	"^1\.2\.0\.192\.in-addr\.arpa\. IN IPSECKEY 10 0 3 \. ${point//+/\\+}\$" \
	"$swanmesh" showhostkey --ipseckey --nss-db db --nickname west --address 192.0.2.1
expect "showhostkey names a missing certificate" 1 "no certificate 'east' in the database" \
	"$swanmesh" showhostkey --ipseckey --nss-db db --nickname east
[ $fails -eq 0 ] && echo "all NSS CLI checks held" || exit 1
