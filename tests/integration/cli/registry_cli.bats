#!/usr/bin/env bats
# The registry commands' client-side checks, against the docker CLI on the same berthd: pull and
# push reference errors, run/create --pull values, and --pull never on a missing image. Pulls
# and pushes that reach a registry are in the registry suites.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() { cli_setup_file; }
teardown_file() { cli_teardown_file; }
setup() {
  [ -n "${BERTHD_PID:-}" ] || skip "no berthd"
  export BERTH_CONFIG=$D/berth-config DOCKER_CONFIG=$D/docker-config
}

@test "pull and push refuse what docker refuses, with its words" {
  same_error pull -a busybox:1
  same_error pull Busybox
  same_error pull 'a:b:c'
  same_error push -a busybox:1
  same_error push "busybox@sha256:$(printf '0%.0s' {1..64})"
  same_error pull
  same_error push a b
}

@test "run and create --pull: a bad value is docker's usage error; never does not pull" {
  same_error run --pull sometimes busybox true
  same_error create --pull sometimes busybox true
  same_error run --pull never no-such-image:v1 true
  same_error create --pull never no-such-image:v1 true
  # the image is there: never is fine
  run -0 b run --rm --pull never busybox echo here
  [ "$output" = here ]
}
