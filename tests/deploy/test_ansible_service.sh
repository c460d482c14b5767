#!/usr/bin/env bash
# The swanmesh role's install and service parts, for real on the host kernel
# inside a network namespace of its own: the role installs the staged build,
# starts swanmeshd (no service manager) and the agent answers; a second run
# changes nothing and keeps the same daemon; a group change reloads it (same
# pid, the new policy in force); a configuration change restarts it (a new
# pid); a new binary restarts it too. The lab's ansible-mesh scenario does
# the mesh itself (three nodes, tunnels, verify step) in UML.
#   test_ansible_service.sh BUILD-DIR
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (network namespace, XFRM)"; exit 77; }
command -v ansible-playbook >/dev/null || { echo "skipped: ansible-playbook missing (scripts/install-deps)"; exit 77; }
ns=smsv$$
t=$(mktemp -d)
cleanup() {
	pid=$(cat "$t/run/ctl.pid" 2>/dev/null) && kill -TERM "$pid" 2>/dev/null && sleep 0.5
	ip netns del "$ns" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT
ip netns add "$ns" || { echo "skipped: cannot create a network namespace"; exit 77; }
ip -n "$ns" link set lo up
ip -n "$ns" link add v0 type veth peer name v1 && ip -n "$ns" link set v0 up && ip -n "$ns" link set v1 up && ip -n "$ns" addr add 192.0.2.1/24 dev v0
DESTDIR=$t/stage cmake --install "$build" >"$t/install.log" || { echo "FAIL cmake --install: $(cat "$t/install.log")"; exit 1; }
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
. "$src/tests/deploy/netns_role.sh"
cat >"$t/play.yml" <<PLAY
- hosts: node
  gather_facts: false
  roles:
    - role: swanmesh
      vars:
        swanmesh_prefix: $prefix
        swanmesh_stage_dir: $t/stage
        swanmesh_install_root: $t/root
        swanmesh_service_manager: none
        swanmesh_config_dir: $t/etc
        swanmesh_policy_dir: $t/etc/policies
        swanmesh_nss_db: $t/nss
        swanmesh_control_socket: $t/run/ctl
        swanmesh_log_file: $t/swanmeshd.log
        swanmesh_addresses: [192.0.2.1]
        swanmesh_fleet_networks: [192.0.2.0/24]
        swanmesh_firewall: false
        swanmesh_verify: false
        swanmesh_node_cert: node
        swanmesh_pkcs12: "{{ pki }}/node.p12"
        swanmesh_pkcs12_password: "{{ lookup('file', pki + '/password') }}"
PLAY
cli() { ip netns exec "$ns" "$t/root$prefix/sbin/swanmesh" --config "$t/etc/swanmesh.yaml" "$@"; }
daemon_pid() { cat "$t/run/ctl.pid" 2>/dev/null; }

out=$(play); rc=$?
[ $rc -eq 0 ] && [ "$(recap_changed "$out")" -gt 0 ] && ok "first run installs and starts the agent" || bad "first run: $out"
[ -x "$t/root$prefix/sbin/swanmeshd" ] && ok "swanmeshd installed from the staged build" || bad "no $t/root$prefix/sbin/swanmeshd"
st=$(cli status 2>&1)
grep -q "IKE sockets" <<<"$st" && ok "the installed agent answers status" || bad "status: $st"
pid1=$(daemon_pid)

out=$(play); rc=$?
[ $rc -eq 0 ] && [ "$(recap_changed "$out")" = 0 ] && ok "second run: changed=0" || bad "second run: $out"
[ "$(daemon_pid)" = "$pid1" ] && ok "... the same swanmeshd runs" || bad "pid $pid1 became $(daemon_pid)"

out=$(play -e '{"swanmesh_groups": {"block": ["192.0.2.66/32"]}}'); rc=$?
if [ $rc -eq 0 ] && grep -q "RUNNING HANDLER \[swanmesh : Reload swanmesh (no service manager)\]" <<<"$out" &&
	! grep -q "Restart swanmesh" <<<"$out"; then
	ok "a group change reloads the agent, without a restart"
else
	bad "group change: $out"
fi
[ "$(daemon_pid)" = "$pid1" ] && ok "... the same swanmeshd runs (pid $pid1)" || bad "pid $pid1 became $(daemon_pid)"
ex=$(cli explain 192.0.2.66 2>&1)
grep -q "group block" <<<"$ex" && ok "... and its new policy is in force" || bad "explain after reload: $ex"
grep -q "dst 192.0.2.66/32.*action block" <<<"$(ip -n "$ns" -o xfrm policy)" && ok "... in the kernel too" \
	|| bad "policies: $(ip -n "$ns" -o xfrm policy)"

out=$(play -e '{"swanmesh_groups": {"block": ["192.0.2.66/32"]}, "swanmesh_log_level": "debug"}'); rc=$?
[ $rc -eq 0 ] && grep -q "RUNNING HANDLER \[swanmesh : Restart swanmeshd (no service manager)\]" <<<"$out" \
	&& ok "a configuration change restarts the agent" || bad "config change: $out"
pid2=$(daemon_pid)
[ -n "$pid2" ] && [ "$pid2" != "$pid1" ] && kill -0 "$pid2" 2>/dev/null && ok "... a new swanmeshd runs (pid $pid2)" \
	|| bad "pid after restart: '$pid2' (before: $pid1)"
grep -q "IKE sockets" <<<"$(cli status 2>&1)" && ok "... and answers" || bad "status after restart: $(cli status 2>&1)"

# A changed man page is installed without a restart; a changed daemon binary
# (bytes appended to an ELF file are ignored by the loader) restarts it.
vars='{"swanmesh_groups": {"block": ["192.0.2.66/32"]}, "swanmesh_log_level": "debug"}'
printf '.\\" local change\n' >>"$t/stage$prefix/share/man/man8/swanmesh.8"
out=$(play -e "$vars"); rc=$?
[ $rc -eq 0 ] && [ "$(recap_changed "$out")" -gt 0 ] && ! grep -q "RUNNING HANDLER \[swanmesh : Restart" <<<"$out" \
	&& [ "$(daemon_pid)" = "$pid2" ] && ok "a changed man page is installed without a restart" || bad "man page change: $out"
printf 'rebuilt' >>"$t/stage$prefix/sbin/swanmeshd"
out=$(play -e "$vars"); rc=$?
pid3=$(daemon_pid)
[ $rc -eq 0 ] && grep -q "RUNNING HANDLER \[swanmesh : Restart swanmeshd (no service manager)\]" <<<"$out" \
	&& [ -n "$pid3" ] && [ "$pid3" != "$pid2" ] && ok "a new swanmeshd binary restarts the agent (pid $pid3)" \
	|| bad "binary change: pid $pid2 -> '$pid3': $out"
[ $fails -eq 0 ] && echo "all install and service checks held" || exit 1
