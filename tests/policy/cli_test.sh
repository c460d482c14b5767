#!/bin/sh
# agent_cli_policy: runs the built `swanmesh check` and `swanmesh explain` on
# the fixtures in tests/policy/cli and compares stdout, stderr and exit codes
# with cli/expect/NAME.{out,err,rc}. Usage: cli_test.sh SWANMESH CLIDIR
# POLICY_FIXTURES_UPDATE=1 rewrites the expectations (review the diff).
set -u
bin=$1
cd "$2" || exit 1
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

run() {
	name=$1
	shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	echo $? >"$tmp/rc"
	for k in out err rc; do
		if [ -n "${POLICY_FIXTURES_UPDATE:-}" ]; then
			cp "$tmp/$k" "expect/$name.$k"
		elif ! diff -u "expect/$name.$k" "$tmp/$k"; then
			echo "FAIL: $name ($k): swanmesh $*"
			fail=1
		fi
	done
}

run check_good check --config good/swanmesh.yaml
run check_private_null check --config privnull/swanmesh.yaml
run check_bad_groupfile check --config bad/swanmesh.yaml
run check_bad_yaml --config badyaml/swanmesh.yaml check
run check_usage check extra-argument
run check_good_json check --json --config good/swanmesh.yaml
run check_bad_json --json check --config badyaml/swanmesh.yaml
run explain_private_or_clear explain --config good/swanmesh.yaml 10.200.0.1
run explain_private_json --json explain --config good/swanmesh.yaml 10.1.9.9 tcp 443
run explain_host_in_private explain --config good/swanmesh.yaml 10.1.2.3
run explain_block_port explain --config good/swanmesh.yaml 10.1.2.4 tcp 23
run explain_block_port_json explain --json --config good/swanmesh.yaml 10.1.2.4 tcp 23
run explain_other_port explain --config good/swanmesh.yaml 10.1.2.4 tcp 22
run explain_clear_or_private explain --config good/swanmesh.yaml 192.0.2.77
run explain_own explain --config good/swanmesh.yaml 2001:db8::1 --json
run explain_ipv6 explain --config good/swanmesh.yaml 2001:db8:1::9
run explain_none explain --config good/swanmesh.yaml 198.51.100.1
run explain_none_json explain --config good/swanmesh.yaml 198.51.100.1 --json
run explain_bad_config explain --config bad/swanmesh.yaml 10.0.0.1
run explain_bad_address explain --config good/swanmesh.yaml 10.0.0.256
run explain_bad_port explain --config good/swanmesh.yaml 10.0.0.1 tcp 65536

# Round trip through the CLI: the printed configuration checks again to the same text.
"$bin" check --config good/swanmesh.yaml 2>/dev/null | sed 1d | sed 's|"policies"|"'"$PWD"'/good/policies"|' >"$tmp/printed.yaml"
"$bin" check --config "$tmp/printed.yaml" 2>/dev/null | sed 1d >"$tmp/again.yaml"
if ! diff -u "$tmp/printed.yaml" "$tmp/again.yaml"; then
	echo "FAIL: check output does not round-trip"
	fail=1
fi
[ $fail -eq 0 ] && echo "agent_cli_policy: all cases passed"
exit $fail
