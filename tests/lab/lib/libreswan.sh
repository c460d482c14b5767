# Running real libreswan (pluto) nodes inside lab hosts. Each node has its own
# directory $LAB_WORK/HOST/libreswan with config, NSS database and run dir,
# so several plutos run side by side (LAB.md: how libreswan runs in a netns).

libreswan_dir() { echo "$LAB_WORK/$1/libreswan"; }

# libreswan_whack HOST ARGS...: whack against that host's pluto.
libreswan_whack() {
	local h=$1; shift
	lab_exec "$h" ipsec whack --ctlsocket "$(libreswan_dir "$h")/run/pluto.ctl" "$@"
}

# libreswan_setup HOST CIDR...: private-or-clear (NULL auth) for the CIDRs.
libreswan_setup() {
	local h=$1 d; shift
	d=$(libreswan_dir "$h")
	mkdir -p "$d/run" "$d/nss" "$d/ipsec.d/policies"
	certutil -N -d "sql:$d/nss" --empty-password
	: >"$d/ipsec.secrets"
	printf '%s\n' "$@" >"$d/ipsec.d/policies/private-or-clear"
	cat >"$d/ipsec.conf" <<CONF
config setup
	logfile=$d/pluto.log
	logappend=no
	dumpdir=$d/run

conn private-or-clear
	type=tunnel
	left=%defaultroute
	leftid=%null
	leftauth=null
	right=%opportunisticgroup
	rightid=%null
	rightauth=null
	ikev2=insist
	negotiationshunt=hold
	failureshunt=passthrough
	keyingtries=1
	retransmit-timeout=5s
	auto=ondemand
CONF
	lab_log "$d/pluto.log"
}

libreswan_start() {
	local h=$1 d i
	d=$(libreswan_dir "$h")
	lab_exec "$h" ipsec pluto --config "$d/ipsec.conf" --rundir "$d/run" --nssdir "$d/nss" \
		--secretsfile "$d/ipsec.secrets" --ipsecdir "$d/ipsec.d" --logfile "$d/pluto.log"
	for i in $(seq 1 50); do [ -S "$d/run/pluto.ctl" ] && break; sleep 0.1; done
	[ -S "$d/run/pluto.ctl" ] || { echo "pluto on $h did not open its control socket"; return 1; }
	libreswan_whack "$h" --listen
	lab_exec "$h" ipsec addconn --config "$d/ipsec.conf" --ctlsocket "$d/run/pluto.ctl" --autoall
}

libreswan_stop() {
	local d
	d=$(libreswan_dir "$1")
	[ -S "$d/run/pluto.ctl" ] && libreswan_whack "$1" --shutdown >/dev/null 2>&1
	return 0
}
