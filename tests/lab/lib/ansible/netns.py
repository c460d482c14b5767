# Ansible connection plugin for the lab: every command runs on the controller
# (as the local connection does), inside the network namespace named by the
# host's ansible_host, through `ip netns exec`. File transfers are plain local
# copies: network namespaces share the file system.
from __future__ import annotations

DOCUMENTATION = '''
name: netns
short_description: run commands inside a local network namespace
description:
  - Like the local connection, but each command runs as
    C(ip netns exec NAME /bin/sh -c COMMAND), NAME being ansible_host.
  - Made for the swanmesh lab (tests/lab/scenarios/ansible-mesh), where three
    namespaces of one User-Mode Linux guest stand for three nodes.
author: swanmesh
extends_documentation_fragment:
  - connection_pipelining
version_added: historical
options: {}
'''

import shlex

from ansible.plugins.connection.local import Connection as LocalConnection
from ansible.module_utils.common.text.converters import to_text


class Connection(LocalConnection):
    transport = 'netns'

    def exec_command(self, cmd, in_data=None, sudoable=True):
        ns = self._play_context.remote_addr
        wrapped = 'ip netns exec %s /bin/sh -c %s' % (shlex.quote(ns), shlex.quote(to_text(cmd)))
        return super(Connection, self).exec_command(wrapped, in_data=in_data, sudoable=sudoable)
