#!/usr/bin/env bash
# `cmake --install` puts the binaries, the hardened unit, the default
# configuration (valid for `swanmesh check`), empty group files and the man
# pages in place.
set -u
build=$1
p=${2:-/usr/local}
p=${p#/}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0
DESTDIR=$t cmake --install "$build" >"$t/install.log" 2>&1 || { cat "$t/install.log"; exit 1; }
for f in $p/sbin/swanmesh $p/sbin/swanmeshd $p/lib/systemd/system/swanmeshd.service etc/swanmesh/swanmesh.yaml \
	etc/swanmesh/policies/private etc/swanmesh/policies/private-or-clear etc/swanmesh/policies/clear-or-private \
	etc/swanmesh/policies/clear etc/swanmesh/policies/block $p/share/man/man8/swanmesh.8 \
	$p/share/man/man8/swanmeshd.8 $p/share/man/man5/swanmesh.yaml.5; do
	if [ -e "$t/$f" ]; then echo "PASS installed /$f"; else echo "FAIL missing /$f"; fails=$((fails + 1)); fi
done
unit=$t/$p/lib/systemd/system/swanmeshd.service
for want in "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE" "ProtectSystem=strict" "NoNewPrivileges=yes" \
	"RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6" "Type=notify"; do
	grep -qx "$want" "$unit" && echo "PASS unit has $want" || { echo "FAIL unit lacks $want"; fails=$((fails + 1)); }
done
# The default configuration, pointed at the installed group files, is valid.
sed "s|^# *policy-dir: .*|  policy-dir: $t/etc/swanmesh/policies|; s|^# node:|node:|" \
	"$t/etc/swanmesh/swanmesh.yaml" >"$t/check.yaml"
"$t/$p/sbin/swanmesh" check --config "$t/check.yaml" >/dev/null && echo "PASS the default configuration is valid" \
	|| { echo "FAIL default configuration: $("$t/$p/sbin/swanmesh" check --config "$t/check.yaml" 2>&1)"; fails=$((fails + 1)); }
if command -v man >/dev/null; then
	for m in $p/share/man/man8/swanmesh.8 $p/share/man/man8/swanmeshd.8; do
		MANWIDTH=80 man -l "$t/$m" 2>&1 >/dev/null | grep -q . && { echo "FAIL $m: roff warnings"; fails=$((fails + 1)); } \
			|| echo "PASS $m renders"
	done
fi
[ $fails -eq 0 ] && echo "install checks held" || exit 1
