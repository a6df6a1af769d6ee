#!/usr/bin/env bats
# linux.maskedPaths and linux.readonlyPaths.
load helpers

setup() {
  setup_bundle
  mkdir -p "$BUNDLE/rootfs/secret-dir" "$BUNDLE/rootfs/data"
  echo s3cret > "$BUNDLE/rootfs/secret-dir/key"
  echo s3cret > "$BUNDLE/rootfs/secret-file"
}
teardown() { teardown_bundle; }

@test "masked paths: a masked file reads empty (it is /dev/null), a masked dir is empty" {
  update_config '.linux.maskedPaths = ["/proc/kcore", "/proc/timer_list", "/secret-file", "/secret-dir", "/does/not/exist"]'
  set_args sh -c '
    echo "file=[$(cat /secret-file)]"
    echo "dir=[$(ls -A /secret-dir)]"
    echo "timer_list=[$(head -c 100 /proc/timer_list)]"
    stat -c "%t:%T" /secret-file /proc/timer_list
    if [ -e /proc/kcore ]; then stat -c "%t:%T" /proc/kcore; else echo 1:3; fi
    echo x > /secret-dir/new 2>&1; echo write=$?'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "file=[]" ]
  [ "${lines[1]}" = "dir=[]" ]
  [ "${lines[2]}" = "timer_list=[]" ]
  # Major:minor 1:3 is /dev/null.
  [ "${lines[3]}" = "1:3" ]
  [ "${lines[4]}" = "1:3" ]
  [ "${lines[5]}" = "1:3" ]
  [ "${lines[7]}" = "write=1" ]
  # The host's files are untouched.
  [ "$(cat "$BUNDLE/rootfs/secret-dir/key")" = s3cret ]
}

@test "masked paths: without masking the same paths are readable (control)" {
  update_config '.linux.maskedPaths = []'
  set_args sh -c 'cat /secret-file; ls /secret-dir'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = s3cret ]
  [ "${lines[1]}" = key ]
}

@test "readonly paths: /proc/sys and a listed dir refuse writes, the rest stays writable" {
  update_config '.root.readonly = false | .linux.readonlyPaths = ["/proc/sys", "/proc/sysrq-trigger", "/data", "/nope"]'
  set_args sh -c '
    echo 1 > /proc/sys/kernel/ns_last_pid 2>&1; echo sys=$?
    echo x > /data/f 2>&1; echo data=$?
    echo x > /f && echo root-ok
    grep " /data " /proc/self/mountinfo'
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [ "${lines[1]}" = "sys=1" ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
  [ "${lines[3]}" = "data=1" ]
  [ "${lines[4]}" = "root-ok" ]
  [[ "${lines[5]}" == *" /data ro,"* ]]
  [ ! -e "$BUNDLE/rootfs/data/f" ]
}
