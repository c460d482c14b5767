# Running swanmeshd nodes in lab hosts, and the checks scenarios share.
# Each node has its files under $LAB_WORK/HOST: swanmesh.yaml, policies/,
# ctl (control socket), ctl.pid, swanmeshd.log.

SM_BIN=$LAB_BUILD/agent/swanmesh
SMD_BIN=$LAB_BUILD/agent/swanmeshd

# SM_DEBUG=0 before sm_config/sm_start: log level info, no --debug (for
# runs with many peers, where every log line is a slow write in the guest).
SM_DEBUG=${SM_DEBUG:-1}

# sm_config HOST ADDRESSES [YAML]: writes HOST's configuration; ADDRESSES is
# the node.addresses list (comma separated), YAML is appended as it is.
sm_config() {
	local h=$1 addrs=$2 extra=${3:-} w=$LAB_WORK/$1
	mkdir -p "$w/policies"
	cat >"$w/swanmesh.yaml" <<YAML
node:
  policy-dir: $w/policies
  control-socket: $w/ctl
  addresses: [$addrs]
log:
  level: $([ "$SM_DEBUG" = 1 ] && echo debug || echo info)
$extra
YAML
}

# sm_group HOST GROUP CIDR...: writes one group file of HOST.
sm_group() {
	local h=$1 g=$2; shift 2
	printf '%s\n' "$@" >"$LAB_WORK/$h/policies/$g"
}

# sm_start HOST: starts swanmeshd in HOST (log appended to swanmeshd.log)
# and waits for its control socket.
sm_start() {
	local h=$1 w=$LAB_WORK/$1 i
	rm -f "$w/ctl"
	grep -qxF "$w/swanmeshd.log" "$LAB_LOGS_FILE" 2>/dev/null || lab_log "$w/swanmeshd.log"
	local dbg=--debug
	[ "$SM_DEBUG" = 1 ] || dbg=
	lab_exec "$h" "$SMD_BIN" --config "$w/swanmesh.yaml" --foreground $dbg >>"$w/swanmeshd.log" 2>&1 &
	for i in $(seq 1 150); do
		[ -S "$w/ctl" ] && lab_exec "$h" "$SM_BIN" --ctl "$w/ctl" ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "swanmeshd on $h did not serve its control socket"
	return 1
}

# sm_pid HOST: the daemon's pid (from its PID file).
sm_pid() { cat "$LAB_WORK/$1/ctl.pid" 2>/dev/null; }

# sm_kill HOST SIGNAL: signals the daemon and waits until it is gone.
sm_kill() {
	local p i
	p=$(sm_pid "$1") || return 1
	[ -n "$p" ] || return 1
	kill "-$2" "$p" 2>/dev/null || return 1
	for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}

# sm_stop_all HOST...: SIGTERM to every daemon still running (post).
sm_stop_all() {
	local h p
	for h in "$@"; do p=$(sm_pid "$h") && [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; done
	return 0
}

# sm HOST ARGS...: the CLI against HOST's daemon.
sm() { local h=$1; shift; lab_exec "$h" "$SM_BIN" --config "$LAB_WORK/$h/swanmesh.yaml" "$@"; }

# wait_for SECONDS CMD...: until CMD succeeds (tunnels come and go
# asynchronously); by the clock, as CMD itself may take a while in the guest.
wait_for() {
	local end=$((SECONDS + $1)); shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

has_tunnel() { sm "$1" trafficstatus | grep -q -- "\\.\\.\\.$2, type=ESP"; }
no_tunnel() { ! has_tunnel "$@"; }
# tunnel_count HOST: established Child SAs in HOST's trafficstatus.
tunnel_count() { sm "$1" trafficstatus | grep -c ', type=ESP' || true; }

# first_reply_ms PING-OUTPUT: the round-trip time of icmp_seq=1 (ping measures
# it itself), integer milliseconds; nothing when the first request got no reply.
first_reply_ms() { printf '%s\n' "$1" | sed -n 's/.*icmp_seq=1 .*time=\([0-9.]*\) ms.*/\1/p' | head -n1 | cut -d. -f1; }

# ping_first_within MS HOST ARGS...: ping (ARGS) from HOST; passes when every
# request got its reply and the first reply came within MS milliseconds.
# Give ping its source (-I ADDRESS): without one it first connects a UDP
# socket to find it, and that connect alone is trapped and starts the
# negotiation before the first echo request.
ping_first_within() {
	local ms=$1 out t; shift
	out=$(lab_exec "$@" 2>&1)
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -Eq '^([0-9]+) packets transmitted, \1 received' || return 1
	t=$(first_reply_ms "$out")
	[ -n "$t" ] && [ "$t" -lt "$ms" ]
}

# capture_start HOST NAME FILTER...: tcpdump of HOST's wire (its veth end on
# the lab bridge, in the guest's root namespace) into $LAB_WORK/NAME.pcap;
# returns once tcpdump listens. Not inside HOST: there a capture on eth0
# also shows the packets the kernel decrypted from tunnel-mode ESP, as if
# they had come in clear.
capture_start() {
	local h=$1 n=$2 i; shift 2
	rm -f "$LAB_WORK/$n.pcap" "$LAB_WORK/$n.err"
	tcpdump -i "v-$h" -n -U -Z root -w "$LAB_WORK/$n.pcap" "$@" 2>"$LAB_WORK/$n.err" &
	echo $! >"$LAB_WORK/$n.pid"
	for i in $(seq 1 100); do grep -q "listening on" "$LAB_WORK/$n.err" 2>/dev/null && return 0; sleep 0.1; done
	echo "tcpdump on $h did not start: $(cat "$LAB_WORK/$n.err")"
	return 1
}

# capture_stop NAME: stops the capture (its packets are flushed to the file).
# tcpdump reads the kernel's capture ring block by block, and a block is
# handed over only when full or after its timeout: packets of the last
# fraction of a second are lost to an immediate SIGINT ("0 packets
# captured, 10 received by filter", seen), so give that block its time.
capture_stop() {
	local p i
	p=$(cat "$LAB_WORK/$1.pid") || return 1
	sleep 0.5
	kill -INT "$p" 2>/dev/null
	for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}

# capture_count NAME FILTER...: packets of the capture matching FILTER.
capture_count() {
	local n=$1; shift
	tcpdump -n -r "$LAB_WORK/$n.pcap" "$@" 2>/dev/null | wc -l
}
# capture_none NAME FILTER...: passes when no captured packet matches
# (and the capture file is there, so a missing capture cannot pass).
capture_none() {
	local n=$1 c; shift
	[ -s "$LAB_WORK/$n.pcap" ] || { echo "no capture file $LAB_WORK/$n.pcap"; return 1; }
	c=$(capture_count "$n" "$@")
	tcpdump -n -r "$LAB_WORK/$n.pcap" "$@" 2>/dev/null | head -n 5
	[ "$c" -eq 0 ]
}
# capture_some NAME FILTER...: passes when some captured packet matches.
capture_some() {
	local n=$1; shift
	[ "$(capture_count "$n" "$@")" -gt 0 ]
}

# Many peers: NS hosts named p1..pNS (in the hosts file with their first
# address), each holding PER addresses and running one swanmeshd that acts
# for all of them. peer_addr FAMILY I: the Ith peer address (1-based).
peer_addr() {
	if [ "$1" = 6 ]; then printf '2001:db8:1::1:%x' "$2"; else echo "192.0.2.$(($2 + 9))"; fi
}

# peers_setup FAMILY NS PER GROUP CIDR [YAML]: adds the addresses (one ip -batch
# per host: every process start in the guest is slow), writes the configs
# and starts the agents.
peers_setup() {
	local fam=$1 ns=$2 per=$3 g=$4 cidr=$5 extra=${6:-} j i a list b
	for j in $(seq 1 "$ns"); do
		list= b=$LAB_WORK/p$j.batch
		: >"$b"
		for i in $(seq $(((j - 1) * per + 1)) $((j * per))); do
			a=$(peer_addr "$fam" "$i")
			list="$list${list:+, }$a"
			if [ "$fam" = 6 ]; then echo "addr add $a/64 dev eth0 nodad" >>"$b"
			else echo "addr add $a/24 dev eth0" >>"$b"; fi
		done
		lab_exec "p$j" ip -force -batch "$b" 2>/dev/null || true
		sm_config "p$j" "$list" "$extra"
		sm_group "p$j" "$g" "$cidr"
	done
	# Started side by side: each start takes a while in the guest.
	local pids=()
	for j in $(seq 1 "$ns"); do sm_start "p$j" & pids+=($!); done
	wait "${pids[@]}" # not a bare wait: the agents are children too
	for j in $(seq 1 "$ns"); do lab_exec "p$j" "$SM_BIN" --ctl "$LAB_WORK/p$j/ctl" ping >/dev/null || return 1; done
}

# peers_kick HOST FAMILY N: one UDP datagram from HOST to each of the N peer
# addresses, all from one bash (no process per peer): each meets the trap.
peers_kick() {
	local h=$1 fam=$2 n=$3 i all=
	for i in $(seq 1 "$n"); do all="$all $(peer_addr "$fam" "$i")"; done
	lab_exec "$h" bash -c 'for a in '"$all"'; do echo x 2>/dev/null >"/dev/udp/$a/9" || true; done'
}

# vmrss_kib PID: the resident set of a process, from /proc.
vmrss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# log_span_ms LOG FIRST-REGEX LAST-REGEX: milliseconds between the first line
# matching FIRST and the last line matching LAST (the agent's own timestamps).
log_span_ms() {
	awk -v f="$2" -v l="$3" '
		function ms(d, t,   a) { split(t, a, /[:.]/); return ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] }
		$0 ~ f && s == "" { s = ms($1, $2) }
		$0 ~ l { e = ms($1, $2) }
		END { if (s == "" || e == "") exit 1; print e - s }' "$1"
}

# log_since_ms LOG PATTERN HH:MM:SS.mmm: milliseconds from that time of day
# (date +%H:%M:%S.%3N, the log's clock) to the last line matching PATTERN.
log_since_ms() {
	awk -v f="$2" -v t0="$3" '
		function ms(t,   a) { split(t, a, /[:.]/); return ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] }
		$0 ~ f { e = ms($2) }
		END { if (e == "") exit 1; print e - ms(t0) }' "$1"
}

