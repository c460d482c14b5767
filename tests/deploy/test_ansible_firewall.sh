#!/usr/bin/env bash
# The swanmesh role's nftables and certificate parts, for real on the host
# kernel inside a network namespace of its own (the lab's UML kernel refuses
# nf_tables tables): the table inet swanmesh accepts UDP 500/4500 and ESP,
# a second run changes nothing, a table deleted by hand comes back; the NSS
# database is created, the PKCS#12 imported once (password on stdin, not in
# the output), a new bundle imported again.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
swanmesh=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (network namespace, nftables)"; exit 77; }
command -v ansible-playbook >/dev/null || { echo "skipped: ansible-playbook missing (scripts/install-deps)"; exit 77; }
command -v nft >/dev/null || { echo "skipped: nft missing (scripts/install-deps installs nftables)"; exit 77; }
ns=smfw$$
t=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$t"' EXIT
ip netns add "$ns" || { echo "skipped: cannot create a network namespace"; exit 77; }
. "$src/tests/deploy/netns_role.sh"
cat >"$t/play.yml" <<PLAY
- hosts: node
  gather_facts: false
  roles:
    - role: swanmesh
      vars:
        swanmesh_config_dir: $t/etc
        swanmesh_policy_dir: $t/etc/policies
        swanmesh_nss_db: $t/nss
        swanmesh_manage_service: false
        swanmesh_addresses: [192.0.2.1]
        swanmesh_fleet_networks: [192.0.2.0/24]
        swanmesh_firewall: true
        swanmesh_node_cert: node
        swanmesh_pkcs12: "{{ pki }}/node.p12"
        swanmesh_pkcs12_password: "{{ lookup('file', pki + '/password') }}"
PLAY
# The role runs `swanmesh` from PATH when it installs nothing.
export PATH=$(dirname "$swanmesh"):$PATH

out=$(play); rc=$?
[ $rc -eq 0 ] && [ "$(recap_changed "$out")" -gt 0 ] && ok "first run" || bad "first run: $out"
rules=$(ip netns exec "$ns" nft list table inet swanmesh 2>&1)
grep -q 'udp dport { 500, 4500 } accept' <<<"$rules" && grep -q 'meta l4proto esp accept' <<<"$rules" \
	&& ok "the table inet swanmesh accepts UDP 500/4500 and ESP" || bad "rules: $rules"
nft list tables 2>/dev/null | grep -q "inet swanmesh" && bad "the table leaked into the host's namespace" \
	|| ok "the rules stay in the node's namespace"
"$swanmesh" listcerts --nss-db "$t/nss" | grep -q "^node  (with private key)" && ok "the PKCS#12 was imported" \
	|| bad "listcerts: $("$swanmesh" listcerts --nss-db "$t/nss" 2>&1)"
grep -qF "$(cat "$t/pki/password")" <<<"$out" && bad "the password appears in the output" || ok "the password is not in the output"
out=$(play); rc=$?
[ $rc -eq 0 ] && [ "$(recap_changed "$out")" = 0 ] && ok "second run: changed=0" || bad "second run: $out"
ip netns exec "$ns" nft delete table inet swanmesh
out=$(play); rc=$?
[ $rc -eq 0 ] && grep -q "changed: \[node\]" <<<"$(grep -A2 'TASK \[swanmesh : Load the nftables rules\]' <<<"$out")" \
	&& ip netns exec "$ns" nft list table inet swanmesh >/dev/null 2>&1 && ok "a table deleted by hand comes back" \
	|| bad "table restore: $out"
# Rotation: a new bundle for the same node is imported again.
rm "$t/pki/node.p12"
"$src/deploy/ansible/examples/make-pki.sh" "$t/pki" node=192.0.2.1 >/dev/null
out=$(play); rc=$?
[ $rc -eq 0 ] && grep -A2 "TASK \[swanmesh : Import the node's PKCS#12\]" <<<"$out" | grep -q "changed: \[node\]" \
	&& ok "a new PKCS#12 is imported again" || bad "rotation: $out"
[ $fails -eq 0 ] && echo "all firewall and certificate checks held" || exit 1
