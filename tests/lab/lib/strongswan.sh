# Running strongSwan's charon in lab hosts, from the Debian packages that
# scripts/unpack-strongswan unpacked (not installed: they conflict with
# libreswan). charon has RUNPATH /usr/lib/ipsec and loads its plugins from
# there, so the guest makes /usr/lib/ipsec lead to the unpacked tree: an
# overlay over /usr/lib whose upper layer is a tmpfs, with the tree bound on
# /usr/lib/ipsec. Mounts in the guest never reach the host's filesystem.
# Each host has $LAB_WORK/HOST/strongswan: strongswan.conf, the vici socket,
# charon.log and a swanctl directory (SWANCTL_DIR).

STRONGSWAN_ROOT=/var/cache/swanmesh/strongswan/root

strongswan_dir() { echo "$LAB_WORK/$1/strongswan"; }

# strongswan_present: 0 when the unpacked tree is there, else the reason on stdout.
strongswan_present() {
	[ -x "$STRONGSWAN_ROOT/usr/lib/ipsec/charon" ] && [ -x "$STRONGSWAN_ROOT/usr/sbin/swanctl" ] && return 0
	echo "strongSwan is not unpacked in $STRONGSWAN_ROOT (run scripts/unpack-strongswan as root; make check does it through scripts/install-deps)"
	return 1
}

strongswan_mount() {
	[ -x /usr/lib/ipsec/charon ] && return 0
	local t=$LAB_WORK/strongswan-overlay
	modprobe -d "$LAB_WORK/modroot" overlay 2>/dev/null || [ -d /sys/module/overlay ]
	mkdir -p "$t"
	mount -t tmpfs none "$t"
	mkdir -p "$t/upper" "$t/work"
	mount -t overlay overlay -o "lowerdir=/usr/lib,upperdir=$t/upper,workdir=$t/work" /usr/lib
	mkdir -p /usr/lib/ipsec
	mount --bind "$STRONGSWAN_ROOT/usr/lib/ipsec" /usr/lib/ipsec
	[ -x /usr/lib/ipsec/charon ]
}

# strongswan_swanctl HOST --COMMAND [ARGS...]: swanctl against that host's
# charon (swanctl takes its options after the command).
strongswan_swanctl() {
	local h=$1 d cmd=$2; shift 2
	d=$(strongswan_dir "$h")
	lab_exec "$h" env STRONGSWAN_CONF="$d/strongswan.conf" SWANCTL_DIR="$d/swanctl" \
		"$STRONGSWAN_ROOT/usr/sbin/swanctl" "$cmd" --uri "unix://$d/charon.vici" "$@"
}

# strongswan_conf HOST: strongswan.conf with a file log and a vici socket of its own.
strongswan_conf() {
	local d
	d=$(strongswan_dir "$1")
	mkdir -p "$d/swanctl/x509" "$d/swanctl/x509ca" "$d/swanctl/private"
	cat >"$d/strongswan.conf" <<CONF
charon {
	load = random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey kdf kernel-netlink socket-default vici
	install_routes = no
	install_virtual_ip = no
	retransmit_timeout = 2
	retransmit_tries = 3
	filelog {
		lab {
			path = $d/charon.log
			default = 1
			ike = 2
			cfg = 2
			time_format = %H:%M:%S
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
}
CONF
	lab_log "$d/charon.log"
}

# strongswan_start HOST: charon in the host's namespace, the swanctl.conf loaded.
strongswan_start() {
	local h=$1 d i
	d=$(strongswan_dir "$h")
	strongswan_mount
	lab_exec "$h" env STRONGSWAN_CONF="$d/strongswan.conf" /usr/lib/ipsec/charon >"$d/charon.out" 2>&1 &
	echo $! >"$d/charon.pid"
	for i in $(seq 1 100); do [ -S "$d/charon.vici" ] && break; sleep 0.1; done
	[ -S "$d/charon.vici" ] || { echo "charon on $h opened no vici socket"; cat "$d/charon.out"; return 1; }
	strongswan_swanctl "$h" --load-all
}

strongswan_stop() {
	local d p
	d=$(strongswan_dir "$1")
	p=$(cat "$d/charon.pid" 2>/dev/null) && kill -TERM "$p" 2>/dev/null
	return 0
}
