#!/usr/bin/env bash
# The XFRM event socket overflows (a burst of ACQUIREs larger than its
# buffer, kernel.event-buffer: 16KiB) while swanmeshd is stopped: the
# kernel reports ENOBUFS, which raises POLLERR, on which libuv stops its
# watcher. Afterwards the agent must still handle ACQUIREs, must have
# re-inserted its traps (one deleted behind its back comes back), and
# `status` must show the event socket as read. The real daemon on the host
# kernel in a namespace of its own (XFRM without ESP is enough here).
#   test_event_overflow.sh SWANMESHD SWANMESH
set -u
SWANMESHD=$1 SWANMESH=$2 NS_PREFIX=smov
. "$(dirname "$0")/netns_daemon.sh"
in_ns ip addr add 2001:db8:7::1/64 dev v0 nodad
in_ns ip route add 2001:db8:77::/64 dev v0
cat >"$t/swanmesh.yaml" <<YAML
node:
  policy-dir: $t/policies
  control-socket: $t/ctl
  addresses: [2001:db8:7::1]
log: { level: debug }
ike:
  retransmit: { timeout: 10s, tries: 1 }
kernel:
  event-buffer: 16KiB
YAML
echo "2001:db8:77::/64" >"$t/policies/private-or-clear"
daemon_start
# burst N FIRST: one UDP datagram to each of N addresses from FIRST on; every
# one is trapped and asks the kernel for an ACQUIRE.
burst() {
	in_ns python3 - "$1" "$2" <<'PY'
import socket, sys
n, first = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setblocking(False)
for i in range(first, first + n):
    try:
        s.sendto(b"x", ("2001:db8:77::%x" % i, 9))
    except OSError:
        pass
PY
}
trap_present() { in_ns ip xfrm policy list dst 2001:db8:77::/64 dir out | grep -q "tmpl"; }
trap_present && ok "the trap for 2001:db8:77::/64 is in the kernel" || bad "no trap at start: $(in_ns ip xfrm policy)"

# 400 ACQUIREs for a buffer of ~25 while the agent is stopped; then,
# behind its back, the trap goes: the recovery must put it back.
kill -STOP "$(pid)"
burst 400 1
in_ns ip xfrm policy delete dst 2001:db8:77::/64 dir out 2>/dev/null
trap_present && bad "could not delete the trap" || ok "trap deleted while the agent is stopped"
kill -CONT "$(pid)"

wait_log() {
	for _ in $(seq 1 100); do grep -q -- "$1" "$t/log" && return 0; sleep 0.1; done
	return 1
}
wait_log "kernel events were lost (event socket overflow)" &&
	ok "the overflow is noticed and logged" || bad "no overflow logged: $(tail -5 "$t/log")"
grep -q "some traps could not be re-inserted" "$t/log" && bad "traps could not be re-inserted" ||
	ok "no trap failed to go back in"
for _ in $(seq 1 50); do trap_present && break; sleep 0.1; done
trap_present && ok "the trap is back in the kernel" || bad "the trap was not re-inserted: $(in_ns ip xfrm policy)"
kill -0 "$(pid)" 2>/dev/null && ok "swanmeshd still runs" || bad "swanmeshd died: $(tail -5 "$t/log")"

# After the overflow: a fresh address is trapped and negotiated.
burst 1 $((0xfff0))
wait_log "2001:db8:77::fff0 (private-or-clear): trapped a packet" &&
	ok "an ACQUIRE after the overflow is handled" || bad "the ACQUIRE after the overflow was not handled"
st=$(in_ns "$sm" --ctl "$t/ctl" status 2>&1)
grep -Eq "^  XFRM events: reading, [1-9][0-9]* received, [1-9][0-9]* error events" <<<"$st" &&
	ok "status shows the event socket read, with its error event" || bad "status: $st"
js=$(in_ns "$sm" --ctl "$t/ctl" status --json 2>&1)
python3 -c 'import json,sys; s=[x for x in json.load(sys.stdin)["sockets"] if x["name"]=="XFRM events"]; sys.exit(0 if s and s[0]["reading"] and s[0]["error_events"]>=1 else 1)' <<<"$js" &&
	ok "status --json: the event socket reading, error_events >= 1" || bad "status --json: $js"
[ "$fails" -eq 0 ] || { echo "--- swanmeshd log (tail)"; tail -20 "$t/log"; exit 1; }
exit 0
