#!/usr/bin/env bats
# process.capabilities and process.noNewPrivileges as /proc/self/status reports them.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

# mask N...: the 16-digit hex mask /proc/<pid>/status prints for capability numbers N.
mask() {
  local m=0 n
  for n in "$@"; do m=$((m | (1 << n))); done
  printf '%016x' "$m"
}

# status_field NAME: that field of the container's /proc/self/status, from $output.
status_field() { echo "$output" | awk -v k="$1:" '$1 == k { print $2 }'; }

# CAP_CHOWN 0, CAP_KILL 5, CAP_NET_BIND_SERVICE 10, CAP_NET_RAW 13, CAP_SYS_ADMIN 21, CAP_AUDIT_WRITE 29
@test "capabilities: CapEff, CapPrm, CapBnd, CapInh match the config" {
  # For uid 0 the kernel recomputes permitted and effective at execve as bounding | inheritable
  # (capabilities(7)), so a root config lists the same set everywhere, as Docker does.
  local set='["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_AUDIT_WRITE"]'
  update_config ".process.capabilities = {\"bounding\": $set, \"permitted\": $set, \"effective\": $set,
      \"inheritable\": [\"CAP_KILL\"]}"
  set_args cat /proc/self/status
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(status_field CapBnd)" = "$(mask 0 5 10 13 29)" ]
  [ "$(status_field CapPrm)" = "$(mask 0 5 10 13 29)" ]
  [ "$(status_field CapEff)" = "$(mask 0 5 10 13 29)" ]
  [ "$(status_field CapInh)" = "$(mask 5)" ]
  [ "$(status_field CapAmb)" = "$(mask)" ]
}

@test "capabilities: the default spec's three caps, and a missing cap really is missing" {
  set_args sh -c 'cat /proc/self/status; chown 1 /dev/null 2>&1; echo chown=$?'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(status_field CapEff)" = "$(mask 5 10 29)" ]
  [ "$(status_field CapBnd)" = "$(mask 5 10 29)" ]
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" == *"chown=1"* ]]
}

@test "capabilities: ambient caps survive into a non-root process" {
  update_config '.process.user = {"uid": 1000, "gid": 1000}
    | .process.capabilities = {"bounding": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
        "permitted": ["CAP_NET_BIND_SERVICE"], "effective": ["CAP_NET_BIND_SERVICE"],
        "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}'
  set_args cat /proc/self/status
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(status_field CapAmb)" = "$(mask 10)" ]
  [ "$(status_field CapEff)" = "$(mask 10)" ]
  [ "$(status_field CapBnd)" = "$(mask 5 10)" ]
}

@test "capabilities: a non-root user without ambient caps has none effective" {
  update_config '.process.user = {"uid": 1000, "gid": 1000}'
  set_args cat /proc/self/status
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(status_field CapEff)" = "$(mask)" ]
  [ "$(status_field CapPrm)" = "$(mask)" ]
}

@test "no_new_privs: NoNewPrivs is 1 when set and 0 when not" {
  update_config '.process.noNewPrivileges = true'
  set_args cat /proc/self/status
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(status_field NoNewPrivs)" = 1 ]
  update_config '.process.noNewPrivileges = false'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$(status_field NoNewPrivs)" = 0 ]
}
