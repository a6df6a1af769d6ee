#!/usr/bin/env bats
# docker-py, a real Engine API client (Debian's python3-docker, so /usr/bin/python3 and not
# whatever python3 comes first in PATH), against this file's berthd: docker_py/suite.py.
load helpers
bats_require_minimum_version 1.5.0

setup_file() {
  /usr/bin/python3 -c 'import docker' 2>/dev/null || skip "no python3-docker (scripts/install-deps.sh)"
  compat_setup_file
}
teardown_file() { compat_teardown_file; }

@test "docker-py: containers, exec, logs, attach, archive, images, events, swarm" {
  run timeout 600 /usr/bin/python3 "$BATS_TEST_DIRNAME/docker_py/suite.py" "unix://$SOCK"
  echo "$output"
  [ "$status" -eq 0 ]
}
