# The real swanmeshd in a network namespace of its own on the host kernel,
# for the agent's shell tests. Source it with SWANMESHD and SWANMESH set
# and NS_PREFIX naming the test; it skips (exit 77) without root or
# python3, and gives: $ns, $t (a scratch directory, the daemon's files in
# it), in_ns CMD..., ok/bad DESC (counting $fails), pid, a cleanup on exit
# (a stopped daemon is continued first), and daemon_start, which starts
# swanmeshd on $t/swanmesh.yaml (log: $t/log) and waits for its control
# socket. The namespace has lo and a veth pair v0/v1 up, no address.
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (network namespace, XFRM)"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 missing (scripts/install-deps)"; exit 77; }
smd=$(realpath "$SWANMESHD") sm=$(realpath "$SWANMESH")
ns=$NS_PREFIX$$
t=$(mktemp -d)
fails=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
pid() { cat "$t/ctl.pid" 2>/dev/null; }
cleanup() {
	p=$(pid) && kill -CONT "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null && sleep 0.3
	ip netns del "$ns" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT
ip netns add "$ns" || { echo "skipped: cannot create a network namespace"; exit 77; }
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
in_ns ip link add v0 type veth peer name v1 && in_ns ip link set v0 up && in_ns ip link set v1 up
mkdir -p "$t/policies"

daemon_start() {
	in_ns "$smd" --config "$t/swanmesh.yaml" --foreground --debug >"$t/log" 2>&1 &
	for _ in $(seq 1 100); do in_ns "$sm" --ctl "$t/ctl" ping >/dev/null 2>&1 && break; sleep 0.1; done
	in_ns "$sm" --ctl "$t/ctl" ping >/dev/null 2>&1 || { bad "swanmeshd did not start: $(cat "$t/log")"; exit 1; }
}
