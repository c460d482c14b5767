# Shared by the deploy tests that run the swanmesh role against one network
# namespace NS of the host kernel (the lab's netns connection plugin).
# Source with src (the source tree), t (a scratch directory) and ns set.
# Gives: the Ansible environment, ok/bad with a fail count, the example's
# test PKI in $t/pki, the inventory $t/hosts, and play/recap_changed for
# the playbook $t/play.yml the test writes.
export ANSIBLE_ROLES_PATH=$src/deploy/ansible/roles ANSIBLE_CONNECTION_PLUGINS=$src/tests/lab/lib/ansible \
	ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOCAL_TEMP=$t/tmp ANSIBLE_REMOTE_TEMP=$t/tmp \
	ANSIBLE_HOME=$t/home ANSIBLE_PIPELINING=true
fails=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
"$src/deploy/ansible/examples/make-pki.sh" "$t/pki" node=192.0.2.1 >/dev/null || { echo "FAIL make-pki.sh"; exit 1; }
echo "node ansible_host=$ns ansible_connection=netns" >"$t/hosts"
# play ARGS...: one run of $t/play.yml, its output on stdout, its status.
play() { ansible-playbook -i "$t/hosts" "$t/play.yml" -e "pki=$t/pki" "$@" 2>&1; }
# recap_changed OUTPUT: the node's changed count when nothing failed.
recap_changed() { sed -n 's/^node *: ok=[0-9]* *changed=\([0-9]*\).*failed=0.*/\1/p' <<<"$1"; }
