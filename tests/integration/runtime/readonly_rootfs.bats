#!/usr/bin/env bats
# root.readonly: the rootfs is read-only inside, mounts on top of it are not.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "readonly rootfs: writes fail, a tmpfs on /tmp stays writable" {
  update_config '.root.readonly = true | .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=1m"]}]'
  set_args sh -c 'touch /newfile 2>&1; echo rc=$?; touch /tmp/ok && echo tmp-ok; grep " / " /proc/self/mountinfo | head -1'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [ "${lines[1]}" = "rc=1" ]
  [ "${lines[2]}" = "tmp-ok" ]
  [[ "${lines[3]}" == *" / ro,"* ]]
  [ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "readonly rootfs: false means writable, and the write lands in the bundle's rootfs" {
  update_config '.root.readonly = false'
  set_args sh -c 'echo hi > /newfile'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/newfile")" = hi ]
}
