#!/usr/bin/env bats
# Time namespace offsets, personality and domainname: each seen from inside the container.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "time namespace: a boottime offset moves the container's uptime, not the host's" {
  update_config '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}}'
  set_args cut -d' ' -f1 /proc/uptime
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  local inside=${output%%.*} host
  host=$(cut -d' ' -f1 /proc/uptime); host=${host%%.*}
  [ "$inside" -ge $((host + 864000 - 5)) ]
  [ "$inside" -le $((host + 864000 + 5)) ]
}

@test "personality: LINUX32 makes uname report a 32-bit machine" {
  [ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
  update_config '.linux.personality = {"domain": "LINUX32"}'
  set_args uname -m
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$output" = i686 ]
}

@test "domainname: set in the container's uts namespace only" {
  update_config '.domainname = "berth.example"'
  set_args cat /proc/sys/kernel/domainname
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$output" = berth.example ]
  [ "$(cat /proc/sys/kernel/domainname)" != berth.example ]
}
