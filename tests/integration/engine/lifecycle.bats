#!/usr/bin/env bats
# The engine end to end through berth-engine-tool: a busybox container created from the
# busybox image in a temp data root, run by berth-shim.

setup() {
    TOOL="${BERTH_ENGINE_TOOL:-}"
    if [ -z "$TOOL" ]; then
        top="$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)"
        for d in "$top"/build "$top"/build-*; do
            if [ -x "$d/tests/engine_tool/berth-engine-tool" ]; then TOOL="$d/tests/engine_tool/berth-engine-tool"; break; fi
        done
    fi
    [ -n "$TOOL" ] || skip "berth-engine-tool not built"
    TMP="$(mktemp -d /tmp/berth-bats-engine.XXXXXX)"
    "$TOOL" --root "$TMP/root" --exec-root "$TMP/run" busybox >/dev/null
}

teardown() {
    [ -n "${TMP:-}" ] && [ -d "$TMP" ] || return 0
    for id in $(et ps -a 2>/dev/null | awk '{print $1}'); do et rm -f "$id" >/dev/null 2>&1 || true; done
    local m
    for m in $(awk -v p="$TMP/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$TMP"
}

et() { "$TOOL" --root "$TMP/root" --exec-root "$TMP/run" "$@"; }

@test "run: logs hold the output, wait returns the exit code" {
    id="$(et run '{"Image":"busybox","Cmd":["sh","-c","echo hello; echo oops >&2; exit 3"]}')"
    run et wait "$id"
    [ "$output" = "3" ]
    run et logs "$id"
    [[ "$output" == *hello* ]]
    [[ "$output" == *oops* ]]
    grep -q '"stream":"stderr"' "$TMP/root/containers/$id/$id-json.log"
}

@test "exit recorded in exit.json and inspect; remove leaves nothing behind" {
    id="$(et run --name short '{"Image":"busybox","Cmd":["true"]}')"
    et wait "$id"
    run et inspect short
    [[ "$output" == *'"Status": "exited"'* ]]
    [[ "$output" == *'"Name": "/short"'* ]]
    et rm "$id"
    [ ! -e "$TMP/root/containers/$id" ]
    [ ! -e "$TMP/run/shims/$id" ]
    ! grep -q "$id" /proc/self/mountinfo
    ! ls -d /sys/fs/cgroup/*/berth/"$id" /sys/fs/cgroup/berth/"$id" 2>/dev/null
}

@test "kill -9 of the engine process does not touch the container" {
    id="$(et run '{"Image":"busybox","Cmd":["sleep","100"]}')"
    et wait "$id" &
    waiter=$!
    sleep 0.3
    kill -9 "$waiter"
    wait "$waiter" || true
    run et inspect "$id"
    [[ "$output" == *'"Running": true'* ]]
    shim="$(cat "$TMP/run/shims/$id/shim.pid")"
    kill -0 "$shim"
    et kill "$id" KILL
    run et wait "$id"
    [ "$output" = "137" ]
}

@test "an exit while no engine runs is found in exit.json" {
    id="$(et run '{"Image":"busybox","Cmd":["sh","-c","sleep 0.3; exit 7"]}')"
    # The shim records the exit (polled, 30 s at most).
    local i
    for i in $(seq 1 300); do grep -qs '"exit_code":7' "$TMP/run/shims/$id/exit.json" && break; sleep 0.1; done
    grep -q '"exit_code":7' "$TMP/run/shims/$id/exit.json"
    run et inspect "$id"
    [[ "$output" == *'"ExitCode": 7'* ]]
}

@test "missing executable: 127 semantics and Docker's message" {
    id="$(et create '{"Image":"busybox","Cmd":["nosuch"]}')"
    run et start "$id"
    [ "$status" -ne 0 ]
    [[ "$output" == *'exec: "nosuch": executable file not found in $PATH'* ]]
    run et inspect "$id"
    [[ "$output" == *'"ExitCode": 127'* ]]
}

@test "name conflict is Docker's message" {
    et create --name dup '{"Image":"busybox","Cmd":["true"]}' >/dev/null
    run et create --name dup '{"Image":"busybox","Cmd":["true"]}'
    [ "$status" -ne 0 ]
    [[ "$output" == *'Conflict. The container name "/dup" is already in use by container'* ]]
}

@test "stop, exec, top; remove of a running container needs force" {
    id="$(et run '{"Image":"busybox","Cmd":["sleep","100"]}')"
    run et exec "$id" sh -c 'echo in-exec; exit 4'
    [ "$status" -eq 4 ]
    [[ "$output" == *in-exec* ]]
    run et top "$id"
    [[ "$output" == *sleep* ]]
    run et rm "$id"
    [ "$status" -ne 0 ]
    [[ "$output" == *"stop the container before removing or force remove"* ]]
    et stop "$id" 1
    run et inspect "$id"
    [[ "$output" == *'"Running": false'* ]]
}

@test "--init runs the command under berth-init as pid 1" {
    id="$(et run '{"Image":"busybox","Cmd":["sh","-c","cat /proc/1/cmdline | tr \"\\0\" \" \""],"HostConfig":{"Init":true}}')"
    et wait "$id"
    run et logs "$id"
    [[ "$output" == */sbin/docker-init* ]]
}
