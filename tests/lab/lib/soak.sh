# The mixed soak (scenarios soak-mixed and soak-mixed-long): west runs
# swanmeshd and talks, in a seeded random order, to the peers of
# scenarios/soak-mixed/peers, while peers restart, west reloads changed
# group files, tunnels are taken down and idle out. Every exchange is
# checked against its group's promise on the peer's own wire.
#
# Parameters (environment, or NAME=VALUE lines in WORK/SCENARIO.env, where
# WORK is the --work directory given to tests/lab/run):
#   SOAK_SEED        seed of the step order (default: from $RANDOM, printed)
#   SOAK_STEPS       random steps after the warm-up (default per scenario)
#   SOAK_MINUTES     no new step after this many minutes (0: no bound)
#   SOAK_KEEP_GOING  1: go on after a failed step (default: stop there)
#   SOAK_RSS_SLACK   KiB west's VmRSS may grow from after the warm-up to the end
. "$LAB_SRC/tests/lab/lib/agent.sh"
. "$LAB_SRC/tests/lab/lib/libreswan.sh"

SOAK_DIR=$LAB_SRC/tests/lab/scenarios/soak-mixed
SOAK_ECHO=$SOAK_DIR/echo.py
SOAK_WAIT_REPLY=8 # seconds an exchange that must get a reply may take
SOAK_WAIT_NONE=2  # seconds an exchange that must not get one waits
SOAK_IDLE=6       # west's ike.idle-timeout, seconds

declare -A SOAK_KIND SOAK_HOME SOAK_GROUP SOAK_A4 SOAK_A6 SOAK_FD SOAK_CARRY
SOAK_HOSTS=() SOAK_MOVES=()

# The addresses of every host (as lab_ip, without an awk per address), the
# peers table and the moves.
soak_table() {
	local h k g a
	while read -r h a k; do
		case $h in ''|'#'*) continue ;; esac
		SOAK_A4[$h]=${a%/*} SOAK_A6[$h]=${k%%/*}
	done <"$SOAK_DIR/hosts"
	W4=${SOAK_A4[west]} W6=${SOAK_A6[west]}
	while read -r h k g; do
		case $h in ''|'#'*) continue ;; esac
		SOAK_HOSTS+=("$h")
		SOAK_KIND[$h]=$k SOAK_HOME[$h]=$g SOAK_GROUP[$h]=$g
	done <"$SOAK_DIR/peers"
	while read -r h g; do
		case $h in ''|'#'*) continue ;; esac
		SOAK_MOVES+=("$h $g")
	done <"$SOAK_DIR/moves"
}
soak_table

soak_ike_peers() { local h; for h in "${SOAK_HOSTS[@]}"; do [ "${SOAK_KIND[$h]}" = plain ] || echo "$h"; done; }

# soak_write_groups: west's group files from the current groups. The lab
# network is private-or-clear; every peer elsewhere is listed by address
# (the most specific prefix wins).
soak_write_groups() {
	local g h list
	for g in private clear block; do
		list=()
		for h in "${SOAK_HOSTS[@]}"; do
			[ "${SOAK_GROUP[$h]}" = "$g" ] && list+=("${SOAK_A4[$h]}/32" "${SOAK_A6[$h]}/128")
		done
		printf '%s\n' "${list[@]}" >"$LAB_WORK/west/policies/$g"
	done
	printf '%s\n' 192.0.2.0/24 2001:db8:1::/64 >"$LAB_WORK/west/policies/private-or-clear"
}

# ---------------------------------------------------------------- set-up (pre)

soak_setup_west() {
	sm_config west "$W4, $W6" "ike:
  liveness: 5s
  idle-timeout: ${SOAK_IDLE}s
  failure-shunt-lifetime: 1m
  retransmit: { timeout: 250ms, tries: 3 }
groups:
  private: { auth: [null] }"
	soak_write_groups
}

soak_setup_swanmeshd() {
	local h=$1 g=private-or-clear extra=
	[ "$h" = north ] && g=private extra="groups:
  private: { auth: [null] }"
	sm_config "$h" "${SOAK_A4[$h]}, ${SOAK_A6[$h]}" "$extra"
	sm_group "$h" "$g" 192.0.2.0/24 2001:db8:1::/64
}

# libreswan: the lab's NULL-auth private-or-clear conn (IPv4) and, as
# LAB.md found, a second conn with the node's IPv6 address for IPv6.
soak_setup_libreswan() {
	local h=$1 d
	libreswan_setup "$h" 192.0.2.0/24
	d=$(libreswan_dir "$h")
	echo 2001:db8:1::/64 >"$d/ipsec.d/policies/private-or-clear-6"
	cat >>"$d/ipsec.conf" <<CONF

conn private-or-clear-6
	also=private-or-clear
	left=${SOAK_A6[$h]}
CONF
}

# soak_capture_start HOST: tcpdump of HOST's wire (its veth end on the
# bridge, where tunnel traffic is ESP) as text with the payload (-A),
# line-buffered, read step by step by soak_wire_read.
soak_capture_start() {
	local h=$1
	tcpdump -i "v-$h" -n -l -A -s 256 'not arp and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 136)' \
		>"$LAB_WORK/wire-$h.txt" 2>"$LAB_WORK/wire-$h.err" &
	echo $! >"$LAB_WORK/wire-$h.pid"
}

soak_setup() {
	local h i
	mkfifo "$LAB_WORK/soak.req" "$LAB_WORK/soak.rep" "$LAB_WORK/soak.nap"
	soak_setup_west
	for h in "${SOAK_HOSTS[@]}"; do
		soak_capture_start "$h"
		lab_exec "$h" python3 "$SOAK_ECHO" server "$LAB_WORK/echo-$h.ready" >"$LAB_WORK/echo-$h.log" 2>&1 &
		echo $! >"$LAB_WORK/echo-$h.pid"
		case ${SOAK_KIND[$h]} in
		swanmeshd) soak_setup_swanmeshd "$h" ;;
		libreswan) soak_setup_libreswan "$h" ;;
		esac
	done
	lab_exec west python3 "$SOAK_ECHO" client "$LAB_WORK/soak.req" "$LAB_WORK/soak.rep" >"$LAB_WORK/echo-west.log" 2>&1 &
	echo $! >"$LAB_WORK/echo-west.pid"
	sm_start west
	for h in $(soak_ike_peers); do
		case ${SOAK_KIND[$h]} in
		swanmeshd) sm_start "$h" ;;
		libreswan) libreswan_start "$h" ;;
		esac
	done
	for h in "${SOAK_HOSTS[@]}"; do
		for i in $(seq 1 100); do
			[ -e "$LAB_WORK/echo-$h.ready" ] && grep -q "listening on" "$LAB_WORK/wire-$h.err" && break
			sleep 0.1
		done
		[ -e "$LAB_WORK/echo-$h.ready" ] || { echo "no echo server on $h: $(cat "$LAB_WORK/echo-$h.log")"; return 1; }
		grep -q "listening on" "$LAB_WORK/wire-$h.err" || { echo "no capture on $h: $(cat "$LAB_WORK/wire-$h.err")"; return 1; }
	done
}

# ------------------------------------------------------------- the seeded plan

# soak_params: SOAK_* from WORK/SCENARIO.env (NAME=VALUE, digits only), the
# defaults otherwise.
soak_params() {
	local f=${LAB_WORK%/*}/$LAB_SCENARIO.env line
	if [ -f "$f" ]; then
		for line in $(<"$f"); do
			[[ $line =~ ^(SOAK_SEED|SOAK_STEPS|SOAK_MINUTES|SOAK_KEEP_GOING|SOAK_RSS_SLACK)=([0-9]+)$ ]] &&
				printf -v "${BASH_REMATCH[1]}" '%s' "${BASH_REMATCH[2]}"
		done
	fi
	SOAK_SEED=${SOAK_SEED:-$RANDOM}
	SOAK_STEPS=${SOAK_STEPS:-30}
	SOAK_MINUTES=${SOAK_MINUTES:-0}
	SOAK_KEEP_GOING=${SOAK_KEEP_GOING:-0}
	SOAK_RSS_SLACK=${SOAK_RSS_SLACK:-1024}
	soak_rng=$((SOAK_SEED & 0x7fffffff))
}

# soak_rand N: SOAK_R = a number in 0..N-1 from the seeded generator (an
# LCG of its own: the same steps for a seed whatever the bash). Called in
# the main shell only, never in $(...), so no draw is lost.
soak_rand() {
	soak_rng=$(((soak_rng * 1103515245 + 12345) & 0x7fffffff))
	SOAK_R=$(((soak_rng >> 8) % $1))
}

# soak_round R: the kinds of the 10 steps of round R, shuffled: six
# exchanges, one regroup, restart and down each, and an idle period
# every third round (an exchange otherwise).
soak_round() {
	local i j t
	SOAK_SLOTS=(exchange exchange exchange exchange exchange exchange regroup restart down exchange)
	[ $(($1 % 3)) -eq 1 ] && SOAK_SLOTS[9]=idle
	for ((i = 9; i > 0; i--)); do
		soak_rand $((i + 1)); j=$SOAK_R
		t=${SOAK_SLOTS[i]} SOAK_SLOTS[i]=${SOAK_SLOTS[j]} SOAK_SLOTS[j]=$t
	done
}

# soak_pick_fp: SOAK_FP="FAMILY PROTO" at random.
soak_pick_fp() {
	local protos=(icmp udp tcp) f
	soak_rand 2; f=$((SOAK_R == 0 ? 4 : 6))
	soak_rand 3; SOAK_FP="$f ${protos[SOAK_R]}"
}

# soak_plan_step KIND: SOAK_ARGS of a step of that kind, drawn now (the
# plan's state, which peer is away from its home group, changes here, not
# when the step runs, so a seed always gives the same steps):
#   exchange HOST FAMILY PROTO
#   regroup HOST GROUP FAMILY PROTO   (then an exchange with HOST)
#   restart HOST FAMILY PROTO         (likewise)
#   down HOST FAMILY PROTO            (likewise, in that family)
#   idle
SOAK_AWAY=
soak_plan_step() {
	local swan=(east north) ike=(east north pluto) h m
	case $1 in
	exchange) soak_rand ${#SOAK_HOSTS[@]}; h=${SOAK_HOSTS[SOAK_R]} ;;
	regroup)
		if [ -n "$SOAK_AWAY" ]; then
			m="$SOAK_AWAY ${SOAK_HOME[$SOAK_AWAY]}" SOAK_AWAY=
		else
			soak_rand ${#SOAK_MOVES[@]}; m=${SOAK_MOVES[SOAK_R]} SOAK_AWAY=${m%% *}
		fi
		h=$m
		;;
	restart) soak_rand ${#swan[@]}; h=${swan[SOAK_R]} ;;
	down) soak_rand ${#ike[@]}; h=${ike[SOAK_R]} ;;
	idle) SOAK_ARGS=; return ;;
	esac
	soak_pick_fp
	SOAK_ARGS="$h $SOAK_FP"
}

# --------------------------------------------------------- one exchange, proven

soak_nap() { read -r -t "$1" -u "$SOAK_NAPFD" _ || true; } # sleep without a process

# soak_wire_read HOST: appends the capture lines written since the last
# read to SOAK_LINES (a partial last line waits for the next read).
soak_wire_read() {
	local h=$1 l
	while IFS= read -r -u "${SOAK_FD[$h]}" l; do
		SOAK_LINES+=("${SOAK_CARRY[$h]}$l") SOAK_CARRY[$h]=
	done
	SOAK_CARRY[$h]+=$l
}

# soak_wire_count PEER-ADDR TOKEN: counts SOAK_LINES between west (W) and
# the peer: from west anything but IKE INFORMATIONALs, ESP, IKE_SA_INIT
# requests and other packets in clear (a TCP SYN, say), and the packets
# that carry the step's token (its payload in clear) either way.
soak_wire_count() {
	local a=$1 tok=$2 l dir src dst rest
	esp_out=0 esp_in=0 ike_out=0 any_out=0 clear_out=0 tok_out=0 tok_in=0 SOAK_HDRS=()
	for l in "${SOAK_LINES[@]}"; do
		if [[ $l =~ ^[0-9:.]+\ IP6?\ ([^ ]+)\ \>\ ([^ ]+):\ (.*)$ ]]; then
			src=${BASH_REMATCH[1]} dst=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]} dir=
			if [[ ($src == "$W" || $src == "$W".*) && ($dst == "$a" || $dst == "$a".*) ]]; then
				dir=out
				if [[ $dst == "$a.500" || $dst == "$a.4500" || $src == "$W.500" || $src == "$W.4500" ]]; then
					# IKE: a negotiation west starts counts; an
					# INFORMATIONAL (the Delete of a tunnel a reload
					# took away, a liveness check) does not.
					[[ $rest == *ikev2_init\[I\]* ]] && ike_out=$((ike_out + 1)) any_out=$((any_out + 1))
				else
					any_out=$((any_out + 1))
					if [[ $rest == ESP* ]]; then esp_out=$((esp_out + 1)); else clear_out=$((clear_out + 1)); fi
				fi
			elif [[ ($src == "$a" || $src == "$a".*) && ($dst == "$W" || $dst == "$W".*) ]]; then
				dir=in
				[[ $rest == ESP* ]] && esp_in=$((esp_in + 1))
			fi
			[ -n "$dir" ] && [ ${#SOAK_HDRS[@]} -lt 12 ] && SOAK_HDRS+=("$l")
		fi
		if [[ $l == *"$tok"* ]]; then
			case $dir in out) tok_out=$((tok_out + 1)) ;; in) tok_in=$((tok_in + 1)) ;; esac
		fi
	done
}

# soak_send HOST FAMILY PROTO TOKEN WAIT: the exchange from west; SOAK_GOT
# is "reply ..." or "noreply ...".
soak_send() {
	local h=$1 f=$2 p=$3 tok=$4 wait=$5 a hex='' c i out
	[ "$f" = 6 ] && a=${SOAK_A6[$h]} || a=${SOAK_A4[$h]}
	if [ "$p" = icmp ]; then
		for ((i = 0; i < ${#tok}; i++)); do printf -v c '%02x' "'${tok:i:1}"; hex+=$c; done
		out=$(lab_exec west ping "-$f" -n -I "$W" -c 2 -i 0.2 -w "$wait" -p "$hex" "$a" 2>&1)
		if [[ $out =~ ([0-9]+)\ received ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
			SOAK_GOT="reply ${BASH_REMATCH[1]} of 2 echo replies"
		else
			SOAK_GOT="noreply ($(printf '%s' "$out" | grep -m1 -E 'received|ping:' || true))"
		fi
		return
	fi
	echo "$p $a $tok $wait" >&"$SOAK_REQ"
	read -r -t $((wait + 5)) -u "$SOAK_REP" SOAK_GOT || SOAK_GOT="noreply (the client on west did not answer)"
}

# soak_expect HOST: what its current group promises: SOAK_EXP tunnel,
# clear or none; SOAK_NOIKE: west sends it no IKE request; SOAK_SILENT:
# nothing at all from west.
soak_expect() {
	local g=${SOAK_GROUP[$1]} k=${SOAK_KIND[$1]}
	SOAK_NOIKE=0 SOAK_SILENT=0
	case $g in
	block) SOAK_EXP=none SOAK_NOIKE=1 SOAK_SILENT=1 ;;
	clear) SOAK_EXP=clear SOAK_NOIKE=1 ;;
	private) if [ "$k" = plain ]; then SOAK_EXP=none; else SOAK_EXP=tunnel; fi ;;
	*) if [ "$k" = plain ]; then SOAK_EXP=clear; else SOAK_EXP=tunnel; fi ;;
	esac
}

# soak_judge: does the exchange and the wire keep the promise? SOAK_BAD
# says how not.
soak_judge() {
	local reply=0
	[[ $SOAK_GOT == reply* ]] && reply=1
	SOAK_BAD=
	case $SOAK_EXP in
	tunnel)
		((reply)) || SOAK_BAD+="no reply; "
		((clear_out == 0)) || SOAK_BAD+="west sent packets in clear; "
		((tok_out + tok_in == 0)) || SOAK_BAD+="the payload crossed the peer's wire in clear; "
		((esp_out > 0 && esp_in > 0)) || SOAK_BAD+="no ESP both ways on the peer's wire; "
		;;
	clear)
		((reply)) || SOAK_BAD+="no reply; "
		((tok_out > 0 && tok_in > 0)) || SOAK_BAD+="the payload was not seen in clear both ways on the peer's wire; "
		((esp_out == 0)) || SOAK_BAD+="ESP from west; "
		;;
	none)
		((!reply)) || SOAK_BAD+="a reply came; "
		((clear_out == 0)) || SOAK_BAD+="west sent packets in clear; "
		((tok_out + tok_in == 0)) || SOAK_BAD+="the payload crossed the peer's wire in clear; "
		;;
	esac
	((!SOAK_NOIKE || ike_out == 0)) || SOAK_BAD+="west sent IKE requests; "
	((!SOAK_SILENT || any_out == 0)) || SOAK_BAD+="west sent packets to the peer; "
	[ -z "$SOAK_BAD" ]
}

# soak_exchange N HOST FAMILY PROTO: step N's exchange with HOST, checked
# against its group. SOAK_SAID: one line for the step log; SOAK_DETAIL: the
# evidence for a failure.
soak_exchange() {
	local n=$1 h=$2 f=$3 p=$4 tok a wait i
	[ "$f" = 6 ] && a=${SOAK_A6[$h]} W=$W6 || a=${SOAK_A4[$h]} W=$W4
	printf -v tok '~S%05d~' "$n"
	soak_expect "$h"
	wait=$SOAK_WAIT_REPLY
	[ "$SOAK_EXP" = none ] && wait=$SOAK_WAIT_NONE
	SOAK_LINES=()
	soak_wire_read "$h"
	SOAK_LINES=()
	soak_send "$h" "$f" "$p" "$tok" "$wait"
	# The capture writes a little after the packets passed: wait for what
	# must be there (a missing packet is caught by the final scan anyway).
	local rc=1
	for ((i = 0; i < 20; i++)); do
		soak_wire_read "$h"
		soak_wire_count "$a" "$tok"
		soak_judge && { rc=0; break; }
		# Waiting helps only when the reply (or its absence) was right.
		[ "$SOAK_EXP" = none ] && [[ $SOAK_GOT == reply* ]] && break
		[ "$SOAK_EXP" != none ] && [[ $SOAK_GOT == noreply* ]] && break
		soak_nap 0.1
	done
	# Tokens that must never show in clear: the final scan looks for them.
	[ "$SOAK_EXP" = clear ] || echo "$tok" >>"$LAB_WORK/soak-secret-tokens"
	SOAK_SAID="$p$f $h (${SOAK_GROUP[$h]}: $SOAK_EXP): ${SOAK_GOT}; peer's wire: ESP $esp_out out/$esp_in in, payload in clear $tok_out out/$tok_in in, IKE_SA_INIT requests $ike_out, other packets from west in clear $clear_out"
	SOAK_DETAIL="expected: $SOAK_EXP (group ${SOAK_GROUP[$h]}, ${SOAK_KIND[$h]} peer $a, token $tok)
got: $SOAK_GOT
wrong: ${SOAK_BAD:-nothing}
on $h's wire in this step (west $W):
$(printf '  %s\n' "${SOAK_HDRS[@]}")"
	return $rc
}

# ---------------------------------------------------------- the other steps

# soak_reload N: west re-reads its group files, by the CLI or by SIGHUP
# (then the log line tells when it is done).
soak_reload() {
	local n=$1 before
	if [ $((n % 2)) = 0 ]; then
		sm west reload >/dev/null || { SOAK_DETAIL="swanmesh reload failed"; return 1; }
		return 0
	fi
	before=$(grep -c 'reloaded:' "$LAB_WORK/west/swanmeshd.log")
	kill -HUP "$(sm_pid west)" || return 1
	wait_for 10 soak_reloaded_since "$before" || { SOAK_DETAIL="no 'reloaded:' in west's log after SIGHUP"; return 1; }
}
soak_reloaded_since() { [ "$(grep -c 'reloaded:' "$LAB_WORK/west/swanmeshd.log")" -gt "$1" ]; }

# soak_no_sa_with_west HOST FAMILY: the peer's kernel holds no ESP SA to west.
soak_no_sa_with_west() {
	local a w
	if [ "$2" = 6 ]; then a=${SOAK_A6[$1]} w=$W6; else a=${SOAK_A4[$1]} w=$W4; fi
	! lab_exec "$1" ip -o xfrm state | grep -q "src $a dst $w .*proto esp spi 0x[0-9a-f]*[1-9a-f]"
}

soak_restart() {
	local h=$1
	sm_kill "$h" TERM || { SOAK_DETAIL="swanmeshd on $h did not stop on SIGTERM"; return 1; }
	sm_start "$h" >/dev/null || { SOAK_DETAIL="swanmeshd on $h did not start again"; return 1; }
	wait_for 5 no_tunnel west "${SOAK_A4[$h]}" && wait_for 5 no_tunnel west "${SOAK_A6[$h]}" ||
		{ SOAK_DETAIL="west still lists a tunnel to $h after its Delete: $(sm west trafficstatus)"; return 1; }
}

# soak_down HOST FAMILY EXPECTATION: `swanmesh down` on west deletes the
# tunnel the exchange before brought up (or says there is none, when the
# group has none); west and then the peer's kernel lose it.
soak_down() {
	local h=$1 f=$2 a out want="no IKE SA with this peer"
	[ "$f" = 6 ] && a=${SOAK_A6[$h]} || a=${SOAK_A4[$h]}
	[ "$3" = tunnel ] && want="1 IKE SA deleted"
	out=$(sm west down "$a" 2>&1)
	[[ $out == *"$want"* ]] || { SOAK_DETAIL="swanmesh down $a: expected '$want', got: $out"; return 1; }
	SOAK_SAID="down $a: $out"
	wait_for 5 no_tunnel west "$a" || { SOAK_DETAIL="west keeps its tunnel to $a"; return 1; }
	wait_for 5 soak_no_sa_with_west "$h" "$f" ||
		{ SOAK_DETAIL="$h's kernel keeps an ESP SA to west: $(lab_exec "$h" ip -o xfrm state)"; return 1; }
}

soak_all_idle() { [ "$(tunnel_count west)" -eq 0 ]; }
soak_idle() {
	local h f t0=$SECONDS
	wait_for $((SOAK_IDLE * 2 + 6)) soak_all_idle ||
		{ SOAK_DETAIL="tunnels still up after $((SECONDS - t0)) s without traffic: $(sm west trafficstatus)"; return 1; }
	for h in $(soak_ike_peers); do
		for f in 4 6; do
			wait_for 5 soak_no_sa_with_west "$h" "$f" ||
				{ SOAK_DETAIL="$h's kernel keeps an ESP SA to west (IPv$f): $(lab_exec "$h" ip -o xfrm state)"; return 1; }
		done
	done
	SOAK_SAID="idle: every tunnel went after $((SECONDS - t0)) s without traffic, the peers' SAs too"
}

# soak_replay_steps N: the SOAK_STEPS that replays the run up to step N (a
# final-round step: the whole run).
soak_replay_steps() {
	if [ -n "$SOAK_PHASE" ]; then echo "$SOAK_STEPS"; else echo $(($1 > SOAK_WARM ? $1 - SOAK_WARM : 0)); fi
}

# soak_step N KIND ARGS...: runs one step (soak_plan_step's ARGS) and
# records it as one check.
soak_step() {
	local n=$1 kind=$2 ok=1 what said; shift 2
	SOAK_SAID='' SOAK_DETAIL=''
	case $kind in
	exchange) what="exchange $3$2 $1"; soak_exchange "$n" "$@" || ok=0 ;;
	regroup)
		what="regroup $1: ${SOAK_GROUP[$1]} -> $2, reload, exchange $4$3"
		SOAK_GROUP[$1]=$2
		soak_write_groups
		if soak_reload "$n"; then soak_exchange "$n" "$1" "$3" "$4" || ok=0; else ok=0; fi
		;;
	restart)
		what="restart $1 (SIGTERM, start), exchange $3$2"
		if soak_restart "$1"; then soak_exchange "$n" "$@" || ok=0; else ok=0; fi
		;;
	down)
		# An exchange first, so that there is a tunnel to take down when
		# the group has one; a second one negotiates anew.
		what="exchange $3$2 $1, down, exchange again"
		if soak_exchange "$n" "$@"; then
			said=$SOAK_SAID
			if soak_down "$1" "$2" "$SOAK_EXP"; then
				said="$said; $SOAK_SAID"
				soak_exchange "$n" "$@" || ok=0
				SOAK_SAID="$said; $SOAK_SAID"
			else ok=0; fi
		else ok=0; fi
		;;
	idle) what="idle until every tunnel is gone"; soak_idle || ok=0 ;;
	esac
	if [ $ok = 1 ]; then
		lab_note "soak: ${SOAK_PHASE}step $n: $what: ok: $SOAK_SAID"
		lab_pass "${SOAK_PHASE}step $n: $what"
		return 0
	fi
	lab_note "soak: ${SOAK_PHASE}step $n: $what: FAILED: $SOAK_SAID"
	lab_fail "${SOAK_PHASE}step $n (seed $SOAK_SEED): $what" "$SOAK_DETAIL
$SOAK_SAID
-- west's log, last lines:
$(tail -n 12 "$LAB_WORK/west/swanmeshd.log")
replay: echo 'SOAK_SEED=$SOAK_SEED SOAK_STEPS=$(soak_replay_steps "$n")' >WORK/$LAB_SCENARIO.env"
	SOAK_FAILED_AT=${SOAK_FAILED_AT:-$n}
	return 1
}

# ------------------------------------------------------------ the run (eval)

SOAK_WARM=7 SOAK_PHASE=
# The warm-up: each peer once, in a fixed order that starts with a host
# without IPsec and then a swanmeshd peer on the same family (issue 12: the
# ICMP port unreachable of the first made west's IKE socket unread).
SOAK_WARMUP=("plain-oc 4 udp" "east 4 udp" "plain-pr 6 icmp" "north 6 tcp" "pluto 4 icmp"
	"plain-cl 6 udp" "plain-bl 4 tcp")

soak_open() {
	local h fd
	exec {SOAK_REQ}<>"$LAB_WORK/soak.req" {SOAK_REP}<>"$LAB_WORK/soak.rep" {SOAK_NAPFD}<>"$LAB_WORK/soak.nap"
	for h in "${SOAK_HOSTS[@]}"; do
		exec {fd}<"$LAB_WORK/wire-$h.txt"
		SOAK_FD[$h]=$fd
		SOAK_CARRY[$h]=
	done
	SOAK_WEST_PID=$(sm_pid west)
	: >"$LAB_WORK/soak-secret-tokens"
}

soak_go_on() {
	[ -z "${SOAK_FAILED_AT:-}" ] || [ "$SOAK_KEEP_GOING" = 1 ]
}

# soak_run: the warm-up, then SOAK_STEPS random steps in rounds.
soak_run() {
	local n=0 done=0 r=0 k args
	soak_params
	soak_open
	lab_note "soak: seed $SOAK_SEED, $SOAK_STEPS steps after a warm-up of $SOAK_WARM$([ "$SOAK_MINUTES" = 0 ] || echo ", at most $SOAK_MINUTES min")"
	echo "SOAK_SEED=$SOAK_SEED SOAK_STEPS=$SOAK_STEPS" >"$LAB_WORK/soak.env"
	for args in "${SOAK_WARMUP[@]}"; do
		soak_go_on || break
		n=$((n + 1))
		soak_step "$n" exchange $args
	done
	SOAK_RSS0=$(vmrss_kib "$(sm_pid west)")
	lab_note "soak: west's VmRSS after the warm-up: $SOAK_RSS0 KiB"
	local t_end=$((SOAK_MINUTES > 0 ? SECONDS + SOAK_MINUTES * 60 : 0))
	while [ $done -lt "$SOAK_STEPS" ] && soak_go_on; do
		r=$((r + 1))
		soak_round "$r"
		for k in "${SOAK_SLOTS[@]}"; do
			[ $done -lt "$SOAK_STEPS" ] && soak_go_on || break
			[ "$t_end" = 0 ] || [ $SECONDS -lt "$t_end" ] || { SOAK_STEPS=$done; break; }
			n=$((n + 1)) done=$((done + 1))
			soak_plan_step "$k"
			soak_step "$n" "$k" $SOAK_ARGS
		done
	done
	SOAK_N=$n
	[ -z "${SOAK_FAILED_AT:-}" ] || lab_note "soak: FAILED first at step $SOAK_FAILED_AT; replay with seed $SOAK_SEED: echo 'SOAK_SEED=$SOAK_SEED SOAK_STEPS=$(soak_replay_steps "$SOAK_FAILED_AT")' >WORK/$LAB_SCENARIO.env"
}

# ------------------------------------------------------------ the end (eval)

soak_ike_json() { SOAK_JSON=$(sm west --json status) && [[ $SOAK_JSON =~ \"ike\":\{([^}]*)\} ]] && SOAK_IKE=${BASH_REMATCH[1]}; }
soak_ike_num() { [[ $SOAK_IKE =~ \"$1\":([0-9]+) ]] && echo "${BASH_REMATCH[1]}"; }

# No IKE SA negotiating (every one established) and none half-open.
soak_none_stuck() {
	soak_ike_json || { echo "no status: $SOAK_JSON"; return 1; }
	echo "$SOAK_IKE"
	[ "$(soak_ike_num sas)" = "$(soak_ike_num established_sas)" ] && [ "$(soak_ike_num half_open)" = 0 ]
}

# Every watched socket is still read (status --json "sockets", where the
# agent lists them).
soak_sockets_read() {
	SOAK_JSON=$(sm west --json status) || return 1
	[[ $SOAK_JSON == *'"sockets":'* ]] || { echo "(this swanmeshd does not list its sockets)"; return 0; }
	printf '%s\n' "$SOAK_JSON" | grep -o '"sockets":\[[^]]*\]'
	[[ $SOAK_JSON != *'"reading":false'* ]]
}

# Each peer address has at most one tunnel in trafficstatus.
soak_no_duplicate() {
	local out dup
	out=$(sm west trafficstatus) || return 1
	printf '%s\n' "$out"
	dup=$(printf '%s\n' "$out" | grep -o '\.\.\.[0-9a-f.:]*, type=ESP' | sort | uniq -d)
	[ -z "$dup" ] || { echo "more than one tunnel: $dup"; return 1; }
}

soak_no_ike_state() {
	soak_ike_json || return 1
	[ "$(soak_ike_num sas)" = 0 ] && [ "$(soak_ike_num child_sas)" = 0 ]
}

# soak_end: one more exchange with every peer (west still reads its
# sockets), nothing stuck, the peers go and leave nothing behind, memory.
soak_end() {
	local n=$SOAK_N i=0 h protos=(icmp udp tcp) rss f p
	lab_note "soak: the final round, one exchange with each peer"
	SOAK_PHASE="final "
	for h in "${SOAK_HOSTS[@]}"; do
		n=$((n + 1)) i=$((i + 1))
		f=$((i % 2 ? 4 : 6)) p=${protos[i % 3]}
		soak_step "$n" exchange "$h" "$f" "$p"
	done
	check "no negotiation stuck: every IKE SA established, none half-open (status --json)" soak_none_stuck
	check "every socket of west's is still read (status --json)" soak_sockets_read
	check "no peer address has two tunnels (trafficstatus)" soak_no_duplicate
	lab_show "west status" sm west status
	check "west ran the whole soak as one process (pid $SOAK_WEST_PID)" test "$(sm_pid west)" = "$SOAK_WEST_PID"
	check "west's log reports no socket it stopped reading" output_lacks "no longer read" cat "$LAB_WORK/west/swanmeshd.log"

	# The peers go: north vanishes (SIGKILL: no Delete, west's liveness
	# finds out), east stops (SIGTERM: Delete), pluto shuts down.
	sm_kill north KILL
	sm_kill east TERM
	libreswan_stop pluto
	check "the peers gone, west holds no IKE SA and no Child SA (status --json)" wait_for 40 soak_no_ike_state
	check "... and no ESP SA in its kernel" output_lacks "proto esp spi 0x[0-9a-f]*[1-9a-f]" lab_exec west ip -o xfrm state
	check "... nor a tunnel policy (priority 2000013)" output_lacks "priority 2000013 " lab_exec west ip -o xfrm policy
	rss=$(vmrss_kib "$SOAK_WEST_PID")
	check "west's VmRSS ${rss} KiB: at most ${SOAK_RSS_SLACK} KiB above the ${SOAK_RSS0} KiB after the warm-up" \
		test "$rss" -le $((SOAK_RSS0 + SOAK_RSS_SLACK))
	lab_note "soak: west's VmRSS: $SOAK_RSS0 KiB after the warm-up, $rss KiB at the end"

	for h in "${SOAK_HOSTS[@]}"; do capture_stop "wire-$h"; done
	check "no payload that had to stay off the wire in clear was ever there, on any peer's wire" \
		soak_secrets_kept
	lab_note "soak: seed $SOAK_SEED, $((SOAK_N > SOAK_WARM ? SOAK_N - SOAK_WARM : 0)) random steps$([ -z "${SOAK_FAILED_AT:-}" ] || echo ", first failure at step $SOAK_FAILED_AT")"
}

soak_secrets_kept() {
	[ -s "$LAB_WORK/soak-secret-tokens" ] || { echo "no such exchange"; return 0; }
	! grep -F -f "$LAB_WORK/soak-secret-tokens" "$LAB_WORK"/wire-*.txt | head -n 5 | grep .
}

# soak_teardown (post): every process the soak started, by its pid.
soak_teardown() {
	local h p
	sm_stop_all west east north
	libreswan_stop pluto
	for h in "${SOAK_HOSTS[@]}" west; do
		p=$(cat "$LAB_WORK/echo-$h.pid" 2>/dev/null) && kill "$p" 2>/dev/null
		p=$(cat "$LAB_WORK/wire-$h.pid" 2>/dev/null) && kill "$p" 2>/dev/null
	done
	return 0
}
