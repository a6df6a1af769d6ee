#!/usr/bin/env bats
# Flags and daemon.json.
load helpers

setup() { setup_dirs; }
teardown() { teardown_berthd; }

@test "an unknown daemon.json key fails naming it" {
  echo '{"data-root": "/tmp/x", "no-such-option": true}' > "$CONFIG"
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK"
  [ "$status" -ne 0 ]
  [[ "$output" == *'unknown configuration key "no-such-option"'* ]]
  [ ! -e "$SOCK" ]
}

@test "malformed daemon.json fails naming the file" {
  echo '{"data-root": ' > "$CONFIG"
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK"
  [ "$status" -ne 0 ]
  [[ "$output" == *"$CONFIG"* ]]
}

@test "a wrong type in daemon.json fails naming the key" {
  echo '{"log-level": 3}' > "$CONFIG"
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK"
  [ "$status" -ne 0 ]
  [[ "$output" == *"log-level"* ]]
}

@test "daemon.json settings apply, flags win over them" {
  cat > "$CONFIG" <<JSON
{"data-root": "$D/from-file", "log-level": "debug", "labels": ["from=file"],
 "runtimes": {"runc": {"path": "/usr/sbin/runc"}}}
JSON
  # start_berthd passes --data-root "$DATA": the flag must beat the file's data-root.
  start_berthd
  run api /info
  [ "$(jq -r .DockerRootDir <<<"$output")" = "$DATA" ]
  [ "$(jq -r .Debug <<<"$output")" = true ]
  [ "$(jq -r '.Labels[0]' <<<"$output")" = from=file ]
  [ "$(jq -r .Runtimes.runc.path <<<"$output")" = /usr/sbin/runc ]
  [ ! -e "$D/from-file" ]
  stop_berthd
  start_berthd --log-level warn
  [ "$(api /info | jq -r .Debug)" = false ]
}

@test "--add-runtime and --default-runtime show in info" {
  start_berthd --add-runtime runc=/usr/sbin/runc --add-runtime crun=/usr/bin/crun --default-runtime runc
  run dk info --format '{{.DefaultRuntime}}'
  [ "$output" = runc ]
  run api /info
  [ "$(jq -r '.Runtimes | keys | join(",")' <<<"$output")" = berth,crun,runc ]
}

@test "a default runtime nobody added is refused" {
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK" --default-runtime nope
  [ "$status" -ne 0 ]
  [[ "$output" == *'default runtime "nope"'* ]]
}

@test "a bad --log-level is refused" {
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK" --log-level chatty
  [ "$status" -ne 0 ]
  [[ "$output" == *"invalid log level"* ]]
}

@test "--help and --version exit 0" {
  run "$BERTHD" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--data-root"* ]]
  run "$BERTHD" --version
  [ "$status" -eq 0 ]
  [[ "$output" == "berthd version "* ]]
}

@test "--log-level debug logs each request" {
  start_berthd --log-level debug
  api /_ping >/dev/null
  grep -q 'level=debug msg="GET /_ping 200' "$LOG"
}

# A daemon.json written for dockerd: log defaults apply to containers that name no driver, as
# dockerd merges them; storage-driver overlay2 and live-restore are what berth does anyway.
@test "dockerd's log-driver, log-opts, storage-driver and live-restore keys work" {
  cat > "$CONFIG" <<JSON
{"log-driver": "json-file", "log-opts": {"max-size": "10k", "max-file": "3"},
 "storage-driver": "overlay2", "live-restore": true}
JSON
  start_berthd
  [ "$(dk info --format '{{.LoggingDriver}}')" = json-file ]
  id=$(dk create busybox true)
  [ "$(dk inspect -f '{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}} {{index .HostConfig.LogConfig.Config "max-file"}}' "$id")" = "json-file 10k 3" ]
  # a container's own option wins; the others are filled in
  id2=$(dk create --log-opt max-size=20k busybox true)
  [ "$(dk inspect -f '{{index .HostConfig.LogConfig.Config "max-size"}} {{index .HostConfig.LogConfig.Config "max-file"}}' "$id2")" = "20k 3" ]
  # another driver takes none of the defaults' options
  id3=$(dk create --log-driver none busybox true)
  [ "$(dk inspect -f '{{.HostConfig.LogConfig.Type}} {{len .HostConfig.LogConfig.Config}}' "$id3")" = "none 0" ]
  dk rm "$id" "$id2" "$id3" >/dev/null
  stop_berthd
  # --log-driver on the command line: a container that names no driver keeps no log
  start_berthd --log-driver none
  [ "$(dk info --format '{{.LoggingDriver}}')" = none ]
  run dk run --rm busybox echo still-attached
  [ "$output" = still-attached ]
  id=$(dk create busybox true)
  [ "$(dk inspect -f '{{.HostConfig.LogConfig.Type}}' "$id")" = none ]
  dk rm "$id" >/dev/null
}

@test "an unsupported log driver, a bad default log option or another storage driver is refused at start" {
  echo '{"log-driver": "syslog"}' > "$CONFIG"
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK"
  [ "$status" -ne 0 ]
  [[ "$output" == *'logging driver "syslog" is not supported'* ]]
  echo '{"log-opts": {"max-file": "zero"}}' > "$CONFIG"
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK"
  [ "$status" -ne 0 ]
  [[ "$output" == *'max-file'* ]]
  echo '{"storage-driver": "btrfs"}' > "$CONFIG"
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK"
  [ "$status" -ne 0 ]
  [[ "$output" == *'overlayfs only'*'btrfs'* ]]
  [ ! -e "$SOCK" ]
}

# dockerd's container defaults: what a container does not set comes from daemon.json.
@test "daemon.json dns, dns-search, dns-opts and default-ulimits apply where a container sets none" {
  cat > "$CONFIG" <<JSON
{"dns": ["10.7.7.7"], "dns-search": ["corp.example"], "dns-opts": ["ndots:4"],
 "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1234, "Hard": 2345}}}
JSON
  start_berthd
  run dk run --rm busybox cat /etc/resolv.conf
  [ "$output" = $'nameserver 10.7.7.7\nsearch corp.example\noptions ndots:4' ]
  run dk run --rm --dns 10.8.8.8 busybox cat /etc/resolv.conf
  [ "$output" = $'nameserver 10.8.8.8\nsearch corp.example\noptions ndots:4' ]
  run dk run --rm busybox sh -c 'ulimit -n; ulimit -Hn'
  [ "$output" = $'1234\n2345' ]
  run dk run --rm --ulimit nofile=100:200 busybox sh -c 'ulimit -n; ulimit -Hn'
  [ "$output" = $'100\n200' ]
  stop_berthd
  echo '{"default-ulimits": {"nofile": {"Name": "nofile", "Soft": 10, "Hard": 5}}}' > "$CONFIG"
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK"
  [ "$status" -ne 0 ]
  [[ "$output" == *'soft limit must be less than or equal to hard limit'* ]]
  echo '{"dns": ["not-an-ip"]}' > "$CONFIG"
  run "$BERTHD" --config-file "$CONFIG" --pidfile "$PIDFILE" -H "unix://$SOCK"
  [ "$status" -ne 0 ]
  [[ "$output" == *'IP address is not correctly formatted: not-an-ip'* ]]
}
