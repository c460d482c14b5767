#!/usr/bin/env bash
# The swanmesh Ansible role, configuration part, for real with ansible-core:
# it writes the agent configuration and the group files (accepted by
# `swanmesh check`), a second run changes nothing, a group change notifies a
# reload (not a restart), and bad variables fail at once with a clear message.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
swanmesh=$(realpath "$1")
command -v ansible-playbook >/dev/null || { echo "skipped: ansible-playbook missing (scripts/install-deps installs ansible-core)"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export ANSIBLE_ROLES_PATH=$src/deploy/ansible/roles ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false \
	ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
	ANSIBLE_LOCAL_TEMP=$t/tmp ANSIBLE_HOME=$t/home
fails=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

play() { # play EXTRA-VARS-JSON
	cat >"$t/play.yml" <<PLAY
- hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: swanmesh
      vars:
        swanmesh_config_dir: $t/etc/swanmesh
        swanmesh_policy_dir: $t/etc/swanmesh/policies
        swanmesh_manage_service: false
PLAY
	ansible-playbook -i localhost, "$t/play.yml" -e "$1" 2>&1
}
vars='{"swanmesh_groups": {"clear": ["192.0.2.7"], "block": ["198.51.100.0/24"]}, "swanmesh_fleet_networks": ["192.0.2.0/24"], "swanmesh_addresses": ["192.0.2.1"]}'

out=$(play "$vars"); rc=$?
[ $rc -eq 0 ] && grep -q "changed=[1-9]" <<<"$out" && ok "first run writes the configuration" || bad "first run: $out"
"$swanmesh" check --config "$t/etc/swanmesh/swanmesh.yaml" >/dev/null 2>&1 && ok "swanmesh check accepts what the role wrote" \
	|| bad "check: $("$swanmesh" check --config "$t/etc/swanmesh/swanmesh.yaml" 2>&1)"
"$swanmesh" explain --config "$t/etc/swanmesh/swanmesh.yaml" 192.0.2.9 | grep -q "group private-or-clear" \
	&& ok "the fleet network went to the default group" || bad "explain 192.0.2.9"
out=$(play "$vars"); rc=$?
[ $rc -eq 0 ] && grep -q "changed=0" <<<"$out" && ok "second run changes nothing" || bad "second run: $out"
vars2='{"swanmesh_groups": {"clear": ["192.0.2.7", "192.0.2.8"], "block": ["198.51.100.0/24"]}, "swanmesh_fleet_networks": ["192.0.2.0/24"], "swanmesh_addresses": ["192.0.2.1"]}'
out=$(play "$vars2"); rc=$?
if [ $rc -eq 0 ] && grep -q "RUNNING HANDLER \[swanmesh : Reload swanmesh" <<<"$out" && ! grep -q "Restart swanmesh" <<<"$out"; then
	ok "a group change notifies a reload, not a restart"
else
	bad "group change: $out"
fi
out=$(play '{"swanmesh_groups": {"privte": ["192.0.2.0/24"]}}'); rc=$?
[ $rc -ne 0 ] && grep -q "unknown group 'privte'" <<<"$out" && ok "an unknown group name fails at once" || bad "bad group: $out"
out=$(play '{"swanmesh_groups": "192.0.2.0/24"}'); rc=$?
[ $rc -ne 0 ] && grep -q "swanmesh_groups" <<<"$out" && ok "a wrong type fails at once" || bad "wrong type: $out"
out=$(play '{"swanmesh_default_policy": "secret"}'); rc=$?
[ $rc -ne 0 ] && grep -q "swanmesh_default_policy" <<<"$out" && ok "a bad default group fails at once" || bad "bad default: $out"
if command -v ansible-lint >/dev/null; then
	out=$(cd "$src/deploy/ansible" && ansible-lint --offline --nocolor roles/swanmesh 2>&1) && ok "ansible-lint (production profile) is clean" \
		|| bad "ansible-lint: $out"
else
	echo "SKIP ansible-lint: not installed (scripts/install-deps installs it)"
fi
[ $fails -eq 0 ] && echo "all role checks held" || exit 1
