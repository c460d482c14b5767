# A small PKI for lab scenarios, made with openssl: CAs, node certificates
# with a SAN IP and keyUsage digitalSignature, PKCS#12 bundles, and nodes
# whose swanmeshd NSS database is filled with `swanmesh initnss` + `import`.
# Everything lives under $LAB_WORK/pki. Key types: ec (P-256, default) or rsa
# (3072 bits), chosen per call with PKI_KEY=ec|rsa.

PKI_DIR=$LAB_WORK/pki
PKI_PASS=lab-p12-pass

pki_key() { # pki_key FILE
	case ${PKI_KEY:-ec} in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1" 2>/dev/null ;;
	*) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ;;
	esac
}

# pki_ca NAME SUBJECT: a self-signed root CA $PKI_DIR/NAME.{key,crt}.
pki_ca() {
	mkdir -p "$PKI_DIR"
	pki_key "$PKI_DIR/$1.key"
	openssl req -x509 -new -key "$PKI_DIR/$1.key" -out "$PKI_DIR/$1.crt" -subj "$2" -days 365 \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# pki_node NAME CA SUBJECT SAN [START END]: a node certificate signed by CA,
# with subjectAltName SAN ("IP:192.0.2.1,DNS:west.lab"); START and END
# (YYYYMMDDHHMMSSZ) give it dates of its own, e.g. in the past (openssl ca).
pki_node() {
	local n=$1 ca=$2 subj=$3 san=$4 d=$PKI_DIR
	pki_key "$d/$n.key"
	printf 'subjectAltName=%s\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n' "$san" >"$d/$n.ext"
	openssl req -new -key "$d/$n.key" -out "$d/$n.csr" -subj "$subj" 2>/dev/null
	if [ $# -ge 6 ]; then
		mkdir -p "$d/ca-$ca/new"
		[ -f "$d/ca-$ca/index.txt" ] || : >"$d/ca-$ca/index.txt"
		[ -f "$d/ca-$ca/serial" ] || echo 1000 >"$d/ca-$ca/serial"
		cat >"$d/ca-$ca.cnf" <<CNF
[ca]
default_ca = d
[d]
dir = $d/ca-$ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = p
[p]
organizationName = optional
commonName = supplied
CNF
		openssl ca -batch -config "$d/ca-$ca.cnf" -cert "$d/$ca.crt" -keyfile "$d/$ca.key" -in "$d/$n.csr" \
			-out "$d/$n.crt" -startdate "$5" -enddate "$6" -extfile "$d/$n.ext" -notext 2>/dev/null
	else
		openssl x509 -req -in "$d/$n.csr" -CA "$d/$ca.crt" -CAkey "$d/$ca.key" -CAcreateserial \
			-out "$d/$n.crt" -days 30 -extfile "$d/$n.ext" 2>/dev/null
	fi
	openssl pkcs12 -export -in "$d/$n.crt" -inkey "$d/$n.key" -certfile "$d/$ca.crt" -name "$n" \
		-out "$d/$n.p12" -passout "pass:$PKI_PASS"
	echo "$PKI_PASS" >"$d/p12.pass"
}

# pki_subject NAME: the certificate's subject as swanmesh and NSS print it
# ("CN=west,O=Lab Fleet").
pki_subject() { openssl x509 -in "$PKI_DIR/$1.crt" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }

# pki_install CONFIG NAME: `swanmesh initnss` and `swanmesh import NAME.p12`
# into the node.nss-db of CONFIG (the nickname is NAME).
pki_install() {
	"$LAB_BUILD/agent/swanmesh" --config "$1" initnss
	"$LAB_BUILD/agent/swanmesh" --config "$1" import "$PKI_DIR/$2.p12" --password-file "$PKI_DIR/p12.pass"
}
