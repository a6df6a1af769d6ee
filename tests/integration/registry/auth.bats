#!/usr/bin/env bats
# Logins and credentials: a registry with htpasswd basic auth, and one behind a bearer-token
# server (the Docker Hub flow). Docker's messages for missing and wrong credentials; login,
# pull, push, logout with the berth CLI and with the docker CLI; tokens cached per scope.
# $HOME is private to the file (registry_setup_file), so no login reaches root's config.json.
# The tests run in order: each auth state (logged in or not) is set by the test that needs it.
load registry_helpers

setup_file() {
  registry_prereqs || return 0
  registry_setup_file
  make_fixtures "$RT/fx"
  local creds="$REG_USER:$REG_PASS"
  start_registry basic
  BASIC=$REG
  start_registry token
  TOKEN=$REG
  export BASIC TOKEN
  push_fixture "oci:$FX/oci:three" "$BASIC/fx/three:1" --format v2s2 --dest-creds "$creds"
  push_fixture "oci:$FX/oci:three" "$TOKEN/fx/three:1" --format v2s2 --dest-creds "$creds"
  # each pulled by exactly one test, so its token cannot have been cached by another
  push_fixture "oci:$FX/oci:three" "$TOKEN/fx/cache:1" --format v2s2 --dest-creds "$creds"
  push_fixture "oci:$FX/oci:three" "$TOKEN/fx/denied:1" --format v2s2 --dest-creds "$creds"
}

teardown_file() { registry_teardown_file; }
setup() { registry_setup; }
teardown() { on_failure; }

creds() { echo "$REG_USER:$REG_PASS"; }

@test "basic auth: pull without login fails with Docker's 'no basic auth credentials'" {
  run b pull "$BASIC/fx/three:1"
  failed
  has "$(msg_no_basic_auth)"
}

@test "basic auth: login with a wrong password fails with Docker's message" {
  run b login -u "$REG_USER" -p wrong-password "$BASIC"
  failed
  has "$(msg_login_failed "$BASIC")"
}

@test "basic auth: login, then pull, run and push work; logout removes the credentials" {
  run b login -u "$REG_USER" -p "$REG_PASS" "$BASIC"
  ok
  has "$MSG_LOGIN_OK"
  run b pull "$BASIC/fx/three:1"
  ok
  run b run --rm "$BASIC/fx/three:1"
  ok; out_is layer3
  b tag busybox "$BASIC/me/bb:1"
  run b push "$BASIC/me/bb:1"
  ok
  run skopeo inspect --tls-verify=false --raw --creds "$(creds)" "docker://$BASIC/me/bb:1"
  ok
  run b logout "$BASIC"
  ok
  has "Removing login credentials for $BASIC"
  run b pull "$BASIC/fx/three:1"
  failed
  has "$(msg_no_basic_auth)"
}

@test "basic auth: login --password-stdin" {
  run login_registry "$BASIC"
  ok
  has "$MSG_LOGIN_OK"
  run b pull "$BASIC/fx/three:1"
  ok
  b logout "$BASIC"
}

@test "basic auth: the docker CLI logs in, pulls and pushes through berthd" {
  run dk login -u "$REG_USER" -p "$REG_PASS" "$BASIC"
  ok
  has "$MSG_LOGIN_OK"
  run dk pull "$BASIC/fx/three:1"
  ok
  b tag busybox "$BASIC/me/dk:1"
  run dk push "$BASIC/me/dk:1"
  ok
  run dk logout "$BASIC"
  ok
  run dk login -u "$REG_USER" -p wrong-password "$BASIC"
  failed
  has "$(msg_login_failed "$BASIC")"
}

@test "token auth: pull without login is refused" {
  run b pull "$TOKEN/fx/three:1"
  failed
  has_re 'unauthorized|authentication required|no basic auth credentials'
}

@test "token auth: login, pull and push go through the token server" {
  run b login -u "$REG_USER" -p "$REG_PASS" "$TOKEN"
  ok
  has "$MSG_LOGIN_OK"
  : > "$TOKEN_LOG"
  run b pull "$TOKEN/fx/three:1"
  ok
  run b run --rm "$TOKEN/fx/three:1"
  ok; out_is layer3
  grep -q 'scope=repository:fx/three:pull.* status=200' "$TOKEN_LOG"
  b tag busybox "$TOKEN/me/bb:1"
  run b push "$TOKEN/me/bb:1"
  ok
  grep -qE 'scope=[^ ]*repository:me/bb:[^ ]*push[^ ]* status=200' "$TOKEN_LOG"
  run skopeo inspect --tls-verify=false --raw --creds "$(creds)" "docker://$TOKEN/me/bb:1"
  ok
}

@test "token auth: a 3-layer pull asks the token server once for its scope (tokens cached)" {
  login_registry "$TOKEN"
  : > "$TOKEN_LOG"
  run b pull "$TOKEN/fx/cache:1"
  ok
  local n
  n=$(grep -c 'scope=repository:fx/cache:pull' "$TOKEN_LOG" || true)
  [ "$n" -eq 1 ] || { echo "token requests for fx/cache: $n"; cat "$TOKEN_LOG"; false; }
}

@test "token auth: wrong password fails the login, even after a good one" {
  : > "$TOKEN_LOG"
  run b login -u "$REG_USER" -p wrong-password "$TOKEN"
  failed || { echo "--- token server requests ---"; cat "$TOKEN_LOG"; false; }
  has_re 'unauthorized|401'
}

@test "token auth: a 401 with a token ends the pull with an error, without asking in a loop" {
  login_registry "$TOKEN"
  touch "$TOKEN_DENY"
  : > "$TOKEN_LOG"
  run b pull "$TOKEN/fx/denied:1"
  rm -f "$TOKEN_DENY"
  failed
  has_re 'unauthorized|denied|authentication required'
  local n
  n=$(wc -l < "$TOKEN_LOG")
  [ "$n" -le 5 ] || { echo "token requests: $n"; cat "$TOKEN_LOG"; false; }
}
