# Functions for lab scenarios (sourced inside the guest by guest-main).
#
# A scenario directory holds:
#   description  first line: a one-line summary; the rest: what it shows
#   hosts        one host per line: NAME IPV4/PREFIX IPV6/PREFIX [EXTRA-ADDR/PREFIX...]
#   pre          set-up steps (bash, run with `set -e`; a failing step fails the scenario)
#   eval         the checks: `check`, `check_not`, `check_match`, `check_fail_match`
#   post         optional clean-up
#   labels       optional ctest labels (default: lab)
#   timeout      optional guest time limit in seconds (default 600)
# Hosts are network namespaces joined by veth pairs to one bridge (lab0) in
# the guest's root namespace, which also holds the default gateway .254 / ::fe.

LAB_RESULT=$LAB_WORK/result
LAB_FAILURES=$LAB_WORK/failure.log
LAB_LOGS_FILE=$LAB_WORK/logs.list
LAB_BIN=$LAB_BUILD
lab_nchecks=0
lab_nfail=0

lab_note() { echo "lab: $*"; }

lab_load_modules() {
	local root=$LAB_WORK/modroot rc=0 m
	# Order matters (LAB.md): hmac and sha512 before drbg, else SA creation fails.
	for m in cryptomgr hmac sha512_generic sha256_generic drbg veth bridge xfrm_user \
		esp4 esp6 gcm ctr ghash_generic aes_generic seqiv echainiv authenc cbc \
		chacha20poly1305 chacha_generic poly1305_generic xfrm4_tunnel xfrm6_tunnel \
		tunnel4 tunnel6 ip6_tunnel dummy; do
		modprobe -d "$root" "$m" 2>/dev/null || { [ -d "/sys/module/$m" ] || { echo "modprobe $m failed"; rc=1; }; }
	done
	# The kernel's own module requests (crypto-rfc4106(gcm(aes)) and the
	# like, at an algorithm's first use) run /sbin/modprobe, which finds no
	# modules here and costs 2-5 s in the guest: the first SA of a scenario
	# went in that late, past the pings' wait. Everything needed is loaded
	# above; an empty path makes those requests fail at once.
	echo >/proc/sys/kernel/modprobe
	return $rc
}

# lab_ip HOST 4|6 [N]: the host's Nth (default first) address of that family, without prefix.
lab_ip() {
	local host=$1 fam=$2 n=${3:-1}
	awk -v h="$host" -v f="$fam" -v n="$n" '
		$1 == h { c = 0; for (i = 2; i <= NF; i++) {
			a = $i; sub(/\/.*/, "", a)
			if ((f == 6) == (index(a, ":") > 0) && ++c == n) { print a; exit } } }' \
		"$LAB_SCEN_DIR/hosts"
}

lab_hosts() { awk '!/^#/ && NF { print $1 }' "$LAB_SCEN_DIR/hosts"; }

lab_exec() { local h=$1; shift; ip netns exec "$h" "$@"; }

# Builds the bridge and every host of the scenario's hosts file.
lab_hosts_up() {
	ip link add lab0 type bridge
	ip link set lab0 up
	ip addr add 192.0.2.254/24 dev lab0
	ip addr add 198.51.100.254/24 dev lab0
	ip addr add 203.0.113.254/24 dev lab0
	ip addr add 2001:db8:1::fe/64 dev lab0 nodad
	local name addrs a
	while read -r name addrs; do
		case $name in ''|'#'*) continue ;; esac
		ip netns add "$name"
		ip link add "v-$name" type veth peer name eth0 netns "$name"
		ip link set "v-$name" master lab0 up
		lab_exec "$name" ip link set lo up
		lab_exec "$name" ip link set eth0 up
		for a in $addrs; do
			case $a in
			*:*) lab_exec "$name" ip -6 addr add "$a" dev eth0 nodad ;;
			*) lab_exec "$name" ip addr add "$a" dev eth0 ;;
			esac
		done
		lab_exec "$name" ip route add default via 192.0.2.254 2>/dev/null || true
		lab_exec "$name" ip -6 route add default via 2001:db8:1::fe 2>/dev/null || true
	done <"$LAB_SCEN_DIR/hosts"
}

# lab_log FILE...: logs printed with the diagnostics when a check fails.
lab_log() { local f; for f in "$@"; do echo "$f" >>"$LAB_LOGS_FILE"; done; }

lab_record() {
	local status=$1 desc=$2 out=$3
	lab_nchecks=$((lab_nchecks + 1))
	echo "$status $desc" >>"$LAB_RESULT"
	lab_note "$status $desc"
	if [ "$status" = FAIL ]; then
		lab_nfail=$((lab_nfail + 1))
		{ echo "== check failed: $desc"; printf '%s\n' "$out" | tail -n 30; } >>"$LAB_FAILURES"
	fi
}

lab_fail() { lab_record FAIL "$1" "${2:-}"; }
lab_pass() { lab_record PASS "$1" ""; }

# check DESC CMD...: passes when CMD exits 0.
check() {
	local desc=$1 out; shift
	if out=$("$@" 2>&1); then lab_record PASS "$desc" "$out"
	else lab_record FAIL "$desc" "command: $*"$'\n'"$out"; fi
}

# check_not DESC CMD...: passes when CMD fails.
check_not() {
	local desc=$1 out; shift
	if out=$("$@" 2>&1); then lab_record FAIL "$desc" "command succeeded but must fail: $*"$'\n'"$out"
	else lab_record PASS "$desc" "$out"; fi
}

# output_lacks RE CMD...: passes when CMD succeeds and no line of its output
# matches RE (grep). Instead of `check_not grep RE <(CMD)`: the guest has
# no /dev/fd, so a process substitution fails and check_not would pass.
output_lacks() {
	local re=$1 out; shift
	out=$("$@" 2>&1) || { echo "command failed: $*"; printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out"
	! printf '%s\n' "$out" | grep -q -- "$re"
}

# check_match DESC REGEX CMD...: passes when CMD exits 0 and its output matches REGEX (grep -E).
check_match() {
	local desc=$1 re=$2 out; shift 2
	if out=$("$@" 2>&1) && printf '%s\n' "$out" | grep -Eq -- "$re"; then lab_record PASS "$desc" "$out"
	else lab_record FAIL "$desc" "command: $*"$'\n'"expected to match: $re"$'\n'"$out"; fi
}

# check_fail_match DESC REGEX CMD...: passes when CMD fails and its output (stdout
# and stderr) matches REGEX: a refusal with the right reason.
check_fail_match() {
	local desc=$1 re=$2 out; shift 2
	if ! out=$("$@" 2>&1) && printf '%s\n' "$out" | grep -Eq -- "$re"; then lab_record PASS "$desc" "$out"
	else lab_record FAIL "$desc" "command: $*"$'\n'"expected to fail with: $re"$'\n'"$out"; fi
}

lab_diagnostics() {
	local h f
	echo "== kernel state of each host"
	for h in $(lab_hosts); do
		echo "-- $h: ip xfrm state"; lab_exec "$h" ip -s xfrm state 2>&1 | head -n 60
		echo "-- $h: ip xfrm policy"; lab_exec "$h" ip xfrm policy 2>&1 | head -n 60
		echo "-- $h: addresses"; lab_exec "$h" ip -br addr 2>&1
	done
	if [ -f "$LAB_LOGS_FILE" ]; then
		while read -r f; do echo "== log $f (last 40 lines)"; tail -n 40 "$f" 2>&1; done <"$LAB_LOGS_FILE"
	fi
}

# Called after eval, before post: the diagnostics show the state the checks saw.
lab_finish_checks() {
	if [ "$lab_nchecks" -eq 0 ]; then lab_fail "the scenario ran no check"; fi
	if [ "$lab_nfail" -gt 0 ]; then lab_diagnostics >>"$LAB_FAILURES" 2>&1; fi
}

lab_finish() {
	if [ "$lab_nfail" -gt 0 ]; then
		echo "RESULT FAIL" >>"$LAB_RESULT"
	else
		echo "RESULT PASS" >>"$LAB_RESULT"
	fi
	lab_note "$LAB_SCENARIO: $((lab_nchecks - lab_nfail)) passed, $lab_nfail failed"
}

# lab_show TITLE CMD...: in --verbose runs (make demo), shows a command's output.
lab_show() {
	[ "${LAB_VERBOSE:-0}" = 1 ] || return 0
	local title=$1; shift
	lab_note "---- $title: $*"
	"$@" 2>&1 | sed 's/^/lab:    /'
}
