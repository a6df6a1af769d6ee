#!/usr/bin/env bats
# berth login / logout: flag checks and messages against the docker CLI's, config.json written
# as docker writes it (mode 0600, other members kept), credential helpers, and a real login
# through berthd to Debian's docker-registry with htpasswd auth on 127.0.0.1 (nothing else is
# contacted). BERTH_CONFIG and DOCKER_CONFIG point into the test's dir: no real ~/.docker is read.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() {
  cli_setup_file
  export REG_PID="" REG_PORT=""
}

# The registry is started by a test, so its pid reaches the file's teardown through a file (a
# variable set in a test does not outlive it): stopped here by that pid, and waited for.
teardown_file() {
  local pid i
  pid=$(cat "$D/registry/pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  cli_teardown_file
}

setup() {
  [ -n "${BERTHD_PID:-}" ] || skip "no berthd"
  export BERTH_CONFIG=$D/berth-config-$BATS_TEST_NUMBER
  export DOCKER_CONFIG=$D/docker-config-$BATS_TEST_NUMBER
  mkdir -p "$DOCKER_CONFIG"
}

# A registry with basic auth (user "alice", password "s3cret"), started once for the file.
start_registry() {
  command -v docker-registry >/dev/null && command -v htpasswd >/dev/null ||
    skip "docker-registry and htpasswd not installed"
  # berthd must serve POST /auth (issue 10's daemon side).
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" -X POST \
    -H 'Content-Type: application/json' -d '{"serveraddress":"127.0.0.1:1"}' http://berth/auth)
  [ "$code" != 404 ] && [ "$code" != 501 ] || skip "berthd has no POST /auth"
  REG_PID=$(cat "$D/registry/pid" 2>/dev/null || true)
  REG_PORT=$(cat "$D/registry/port" 2>/dev/null || true)
  if [ -z "${REG_PID:-}" ] || ! kill -0 "$REG_PID" 2>/dev/null; then
    REG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$D/registry"
    htpasswd -Bbn alice s3cret >"$D/registry/htpasswd"
    cat >"$D/registry/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $D/registry/data
http:
  addr: 127.0.0.1:$REG_PORT
auth:
  htpasswd:
    realm: berth-test
    path: $D/registry/htpasswd
YML
    docker-registry serve "$D/registry/config.yml" >"$D/registry/log" 2>&1 </dev/null 3>&- &
    REG_PID=$!
    echo "$REG_PID" > "$D/registry/pid"
    echo "$REG_PORT" > "$D/registry/port"
    wait_for 30 curl -s -o /dev/null "http://127.0.0.1:$REG_PORT/v2/"
  fi
  REG=127.0.0.1:$REG_PORT
}

@test "logout with nothing stored: docker's message, no file made" {
  run -0 b logout
  [ "$output" = "Removing login credentials for https://index.docker.io/v1/" ]
  run -0 b logout http://127.0.0.1:5000/v2/
  [ "$output" = "Removing login credentials for 127.0.0.1:5000" ]
  [ "$(dk logout http://127.0.0.1:5000/v2/ 2>&1)" = "$output" ]
  [ ! -e "$BERTH_CONFIG/config.json" ]
}

@test "logout removes the server's entry under any of its spellings and keeps the rest" {
  mkdir -p "$BERTH_CONFIG"
  cat >"$BERTH_CONFIG/config.json" <<'JSON'
{"psFormat":"{{.ID}}","auths":{"https://127.0.0.1:5000":{"auth":"dTpw"},"other:1":{"auth":"dTpw"},"https://index.docker.io/v1/":{"auth":"dTpw"}}}
JSON
  run -0 b logout 127.0.0.1:5000
  [ "$output" = "Removing login credentials for 127.0.0.1:5000" ]
  run -0 jq -c . "$BERTH_CONFIG/config.json"
  [ "$output" = '{"psFormat":"{{.ID}}","auths":{"other:1":{"auth":"dTpw"},"https://index.docker.io/v1/":{"auth":"dTpw"}}}' ]
  [ "$(stat -c %a "$BERTH_CONFIG/config.json")" = 600 ]
  # Docker Hub by any name is the default registry's key.
  run -0 b logout docker.io
  [ "$output" = "Removing login credentials for https://index.docker.io/v1/" ]
  [ "$(jq -c .auths "$BERTH_CONFIG/config.json")" = '{"other:1":{"auth":"dTpw"}}' ]
}

@test "login flag mistakes fail as docker's" {
  same_error login -u u -p x --password-stdin
  same_error login -p x --password-stdin
  same_error login --password-stdin
  same_error login -u "" -p x 127.0.0.1:1
  # (docker's own text here has a stray letter before "Run": compared by hand)
  run -1 b login a b
  [ "${lines[0]}" = "berth: 'berth login' requires at most 1 argument" ]
  # Without a terminal nothing can be prompted for.
  run -1 b login 127.0.0.1:1 </dev/null
  [ "$output" = "Error: Cannot perform an interactive login from a non TTY device" ]
  run -1 b login -p x 127.0.0.1:1 </dev/null
  [ "${lines[0]}" = "WARNING! Using --password via the CLI is insecure. Use --password-stdin." ]
  [ "${lines[1]}" = "Error: Cannot perform an interactive login from a non TTY device" ]
}

@test "login to a registry with basic auth stores the login; a wrong password is refused" {
  start_registry
  run -0 --separate-stderr b login -u alice --password-stdin "$REG" <<<"s3cret"
  [ "$output" = "Login Succeeded" ]
  # docker's warning for a password kept in clear text, on stderr
  [ "${stderr_lines[0]}" = "WARNING! Your credentials are stored unencrypted in '$BERTH_CONFIG/config.json'." ]
  [ "$(stat -c %a "$BERTH_CONFIG/config.json")" = 600 ]
  [ "$(jq -r --arg r "$REG" '.auths[$r].auth' "$BERTH_CONFIG/config.json")" = "$(printf alice:s3cret | base64)" ]
  # Without -u/-p the stored login is tried first (no terminal needed when it works).
  run -0 --separate-stderr b login "$REG" </dev/null
  [ "$output" = "Login Succeeded" ]
  [ "${stderr_lines[0]}" = "Authenticating with existing credentials... [Username: alice]" ]
  # The same words as the docker CLI for a wrong password.
  run -1 b login -u alice -p wrong "$REG"
  local berth_out=$output
  run -1 dk login -u alice -p wrong "$REG"
  [ "${berth_out//berth/docker}" = "$output" ]
  # The stored login is kept; logout removes it.
  [ "$(jq -r --arg r "$REG" '.auths[$r].auth' "$BERTH_CONFIG/config.json")" = "$(printf alice:s3cret | base64)" ]
  run -0 b logout "$REG"
  [ "$(jq -c .auths "$BERTH_CONFIG/config.json")" = '{}' ]
}

@test "login and logout through a credential helper (credsStore)" {
  start_registry
  local bin=$D/helper-bin store=$D/helper-store
  mkdir -p "$bin" "$store" "$BERTH_CONFIG"
  # A helper speaking docker-credential-helpers' protocol, keeping one file per server.
  cat >"$bin/docker-credential-batstest" <<SH
#!/bin/sh
key=\$(printf %s "\$2" | od -An -tx1 | tr -d ' \n')
case "\$1" in
store) cat >"$store/req"; url=\$(jq -r .ServerURL "$store/req"); cp "$store/req" "$store/\$(printf %s "\$url" | od -An -tx1 | tr -d ' \n')" ;;
get) url=\$(cat); f="$store/\$(printf %s "\$url" | od -An -tx1 | tr -d ' \n')"; [ -f "\$f" ] && cat "\$f" || { echo "credentials not found in native keychain"; exit 1; } ;;
erase) url=\$(cat); rm -f "$store/\$(printf %s "\$url" | od -An -tx1 | tr -d ' \n')" ;;
esac
SH
  chmod +x "$bin/docker-credential-batstest"
  echo '{"credsStore":"batstest"}' >"$BERTH_CONFIG/config.json"
  PATH=$bin:$PATH run -0 b login -u alice --password-stdin "$REG" <<<"s3cret"
  [ "$output" = "Login Succeeded" ]
  [ "$(jq -c --arg r "$REG" '.auths[$r]' "$BERTH_CONFIG/config.json")" = '{}' ]
  [ "$(jq -c . "$store/req")" = "{\"ServerURL\":\"$REG\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}" ]
  PATH=$bin:$PATH run -0 b logout "$REG"
  [ "$(jq -c .auths "$BERTH_CONFIG/config.json")" = '{}' ]
  [ -z "$(ls "$store" | grep -v '^req$')" ]
}

@test "the stored login goes with push and pull; Docker's own login serves when berth has none" {
  start_registry
  b tag busybox "$REG/bb:auth"
  # No login: refused by the registry, with the words docker prints for it.
  same_error push "$REG/bb:auth"
  b login -u alice --password-stdin "$REG" <<<"s3cret" 2>/dev/null
  run -0 b push -q "$REG/bb:auth"
  [ "$output" = "$REG/bb:auth" ]
  b rmi "$REG/bb:auth" >/dev/null
  run -0 b pull "$REG/bb:auth"
  [ "${lines[-1]}" = "$REG/bb:auth" ]
  b logout "$REG" >/dev/null
  # A login made with the docker CLI (its own config.json) is read when berth's has none.
  dk login -u alice --password-stdin "$REG" <<<"s3cret" >/dev/null 2>&1
  [ "$(jq -r --arg r "$REG" '.auths[$r] // empty' "$BERTH_CONFIG/config.json")" = "" ]
  b rmi "$REG/bb:auth" >/dev/null
  run -0 b pull -q "$REG/bb:auth"
  [ "$output" = "$REG/bb:auth" ]
  b rmi "$REG/bb:auth" >/dev/null
}
