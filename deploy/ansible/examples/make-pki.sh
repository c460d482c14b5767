#!/usr/bin/env bash
# Makes a test fleet CA and one PKCS#12 bundle per node, for the example
# playbook (and the lab scenario ansible-mesh):
#
#   make-pki.sh DIR NAME=ADDRESS[,ADDRESS...]...
#
# DIR/ca.crt, DIR/ca.key     the fleet CA (ECDSA P-256, 1 year)
# DIR/NAME.p12               NAME's key, certificate and the CA; friendly name
#                            NAME, so `swanmesh import` names the certificate
#                            NAME in NSS (swanmesh_node_cert: NAME)
# DIR/password               the bundles' password (mode 0600); in a real
#                            fleet, put it in Ansible Vault
#
# Each node certificate carries a SAN IP for every address of the node:
# opportunistic peers are accepted only when their certificate covers the
# address they negotiate from (docs/certificates.md, rule 3), and a SAN DNS
# NAME (for @fqdn IDs). A test CA: not for production keys.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR NAME=ADDRESS[,ADDRESS...]..." >&2; exit 2; }
dir=$1; shift
mkdir -p "$dir"
cd "$dir"
umask 077
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
[ -s password ] || openssl rand -hex 16 >password
if [ ! -s ca.crt ]; then
	key ca
	openssl req -x509 -new -key ca.key -out ca.crt -subj "/O=Example Fleet/CN=Example Fleet CA" -days 365 \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
fi
for spec in "$@"; do
	name=${spec%%=*} addrs=${spec#*=}
	case $spec in *=?*) ;; *) echo "$0: '$spec': expected NAME=ADDRESS[,ADDRESS...]" >&2; exit 2 ;; esac
	san="DNS:$name"
	IFS=, read -ra list <<<"$addrs"
	for a in "${list[@]}"; do san="$san,IP:$a"; done
	key "$name"
	openssl req -new -key "$name.key" -out "$name.csr" -subj "/O=Example Fleet/CN=$name" 2>/dev/null
	printf 'subjectAltName=%s\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n' "$san" >"$name.ext"
	openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.crt" -days 90 \
		-extfile "$name.ext" 2>/dev/null
	openssl pkcs12 -export -inkey "$name.key" -in "$name.crt" -certfile ca.crt -name "$name" \
		-caname "Example Fleet CA" -passout "file:password" -out "$name.p12"
	rm -f "$name.csr" "$name.key" "$name.ext"
	echo "$dir/$name.p12: CN=$name, SAN $san"
done
