#!/usr/bin/env bats
# `berth ps` -a -q -n -l -s --no-trunc --filter --format (Go templates, json, table): the real
# docker CLI rendering the same daemon's list is the oracle. One berthd for the file; the
# containers are made once in setup_file.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() {
  cli_setup_file
  b run -d --name web -l tier=front -l app=shop busybox sleep 300 >/dev/null
  b run -d --name db -l tier=back busybox sh -c 'echo x > /tmp/grow; sleep 300' >/dev/null
  b run --name done1 busybox sh -c 'exit 3' >/dev/null || true
  b create --name fresh busybox true >/dev/null
}
teardown_file() { cli_teardown_file; }
setup() { [ -n "${BERTHD_PID:-}" ] || skip "no berthd"; }

@test "ps: docker's table, running containers only, newest first" {
  run b ps
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +CREATED\ +STATUS\ +PORTS\ +NAMES$ ]]
  [ "${#lines[@]}" -eq 3 ]
  [[ "${lines[1]}" == *" db" ]]
  [[ "${lines[2]}" == *" web" ]]
  same_output ps
}

@test "ps -a, -q, -aq, -n, -l, --no-trunc" {
  same_output ps -a
  [ "$(b ps -a --format '{{.Names}}' | tr '\n' ' ')" = "fresh done1 db web " ]
  run b ps -q
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]]
  same_output ps -q
  same_output ps -aq
  same_output ps -n 2
  [ "$(b ps -n 2 --format '{{.Names}}' | tr '\n' ' ')" = "fresh done1 " ]
  same_output ps -l
  [ "$(b ps -l --format '{{.Names}}')" = fresh ]
  same_output ps -a --no-trunc
  [[ "$(b ps -q --no-trunc | head -n 1)" =~ ^[0-9a-f]{64}$ ]]
}

@test "ps -s adds docker's SIZE column with the writable layer's size" {
  run b ps -s
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ NAMES\ +SIZE$ ]]
  same_output ps -s --format 'table {{.Names}}\t{{.Size}}'
  # (berthd does not compute SizeRw/SizeRootFs yet, so both CLIs show 0B; the shape is docker's)
  [[ "$(b ps -s --filter name=db --format '{{.Size}}')" =~ ^[0-9.]+k?B(\ \(virtual\ [0-9.]+[kM]B\))?$ ]]
}

@test "ps --filter: name, label, status, exited, id, ancestor, before/since, several" {
  [ "$(b ps --filter name=we --format '{{.Names}}')" = web ]
  [ "$(b ps --filter label=tier=back --format '{{.Names}}')" = db ]
  [ "$(b ps --filter label=tier --format '{{.Names}}' | tr '\n' ' ')" = "db web " ]
  [ "$(b ps -a --filter status=exited --format '{{.Names}}')" = done1 ]
  [ "$(b ps -a --filter status=created --format '{{.Names}}')" = fresh ]
  [ "$(b ps -a --filter exited=3 --format '{{.Names}}')" = done1 ]
  local id; id=$(b inspect -f '{{.Id}}' web)
  [ "$(b ps --filter id="${id:0:8}" --format '{{.Names}}')" = web ]
  [ "$(b ps -a --filter ancestor=busybox --format '{{.Names}}' | wc -l)" -eq 4 ]
  [ "$(b ps -a --filter since=db --format '{{.Names}}' | tr '\n' ' ')" = "fresh done1 " ]
  [ "$(b ps -a --filter before=db --format '{{.Names}}')" = web ]
  # Two values of one key are OR; two keys are AND.
  [ "$(b ps -a --filter name=web --filter name=db --format '{{.Names}}' | tr '\n' ' ')" = "db web " ]
  [ -z "$(b ps --filter name=web --filter label=tier=back --format '{{.Names}}')" ]
  same_output ps -a --filter status=exited --filter status=created
  run -125 b ps --filter nonsense
  [ "${lines[0]}" = 'invalid argument "nonsense" for "-f, --filter" flag: bad format of filter (expected name=value)' ]
  run -1 b ps --filter bogus=1
  [[ "$output" == *"invalid filter 'bogus'"* ]]
}

@test "ps --format: each Go-template field renders as docker renders it" {
  local f
  for f in ID Image Command CreatedAt RunningFor Ports State Status Names Labels Mounts Networks LocalVolumes 'Label "tier"'; do
    same_output ps -a --format "{{.$f}}"
  done
  same_output ps -a --format 'table {{.ID}}\t{{.Names}}\t{{.State}}'
  same_output ps -a --format 'table {{.Label "app"}}\t{{.Names}}'
  same_output ps -a --format '{{.Names}}: {{if eq .State "running"}}up{{else}}down{{end}}'
}

@test "ps --format with template functions: join, upper, lower, title, split, printf, truncate, pad, json" {
  same_output ps --format '{{upper .Names}} {{lower "ABC"}} {{title .State}}'
  same_output ps --format '{{join (split .Labels ",") "|"}}'
  same_output ps --format '{{printf "%-6s|%3d" .Names 7}} {{truncate .ID 4}} [{{pad .Names 1 2}}]'
  same_output ps --format '{{json .Names}} {{range $i, $e := split .Labels ","}}{{$i}}={{$e}};{{end}}'
  same_output ps --format '{{len .Names}} {{index (split .Labels ",") 0}}'
}

@test "ps --format json: one JSON object per line with docker's keys" {
  run b ps -a --format json
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 4 ]
  [ "$(jq -r .Names <<<"${lines[0]}")" = fresh ]
  [ "$(jq -c 'keys' <<<"${lines[0]}")" = '["Command","CreatedAt","ID","Image","Labels","LocalVolumes","Mounts","Names","Networks","Platform","Ports","RunningFor","Size","State","Status"]' ]
  same_output ps -a --format json
  same_output ps -a --format '{{json .}}'
}

@test "ps --format errors: docker's wording and exit 1, before any request; -q wins over --format" {
  run -1 b ps --format '{{.Names'
  [ "$output" = "failed to parse template: template: :1: unclosed action" ]
  [ "$output" = "$(dk ps --format '{{.Names' 2>&1)" ]
  run -1 b ps --format '{{.NoSuchField}}'
  [ "$output" = 'failed to execute template: template: :1:2: executing "" at <.NoSuchField>: can'"'"'t evaluate field NoSuchField in type *formatter.ContainerContext' ]
  [ "$output" = "$(dk ps --format '{{.NoSuchField}}' 2>&1)" ]
  [ "$(b ps -q --format '{{.Names}}' | head -n 1)" = "$(b ps -q | head -n 1)" ]
}
