# Shared by the registry bats files: a private berthd (../cli/cli_helpers), private registries
# (Debian's docker-registry, never its systemd service on :5000), a bearer-token server and a
# fault-injecting proxy, all on 127.0.0.1, all started by these helpers and stopped by pid.
#
#   registry_setup_file       berthd for the file + $RT (registry temp dir) + private $HOME
#   start_registry FLAVOUR    open | basic | token; sets REG (127.0.0.1:PORT), REG_PID
#   start_proxy UPSTREAM      sets PROXY (127.0.0.1:PORT), PROXY_LOG
#   fault MODE [K=V...]       chooses the proxy's fault (fault_proxy.py's docstring)
#   registry_teardown_file    stops every process started here (by pid), then berthd
#
# Nothing here contacts any address but 127.0.0.1. Each process started is appended to
# $RT/pids, so teardown_file (another process than setup_file) can stop exactly those.
load ../cli/cli_helpers
load fixtures

REG_DIR_HERE=$BATS_TEST_DIRNAME
REG_USER=berthuser
REG_PASS='s3cret-Pass'

# bats 1.8 (Debian 12) cannot `skip` in setup_file (it reports "setup_file failed"), so a
# missing prerequisite is remembered in REG_SKIP and every test skips in registry_setup:
#   setup_file() { registry_prereqs || return 0; registry_setup_file; ...; }
#   setup() { registry_setup; ...; }
# (two calls: a function called left of `||` runs without errexit, so its failures would pass)
registry_prereqs() {
  REG_SKIP=
  if [ "$(id -u)" != 0 ]; then REG_SKIP="needs root (real containers)"
  elif [ -z "${BERTH:-}" ] || [ ! -x "$BERTH" ]; then REG_SKIP="berth binary not built (set BERTH)"
  elif [ -z "${BERTHD:-}" ] || [ ! -x "$BERTHD" ]; then REG_SKIP="berthd binary not built (set BERTHD)"
  fi
  export REG_SKIP
  [ -z "$REG_SKIP" ]
}

registry_setup() { [ -z "${REG_SKIP:-}" ] || skip "$REG_SKIP"; }

registry_setup_file() {
  cli_setup_file
  RT=$(mktemp -d /tmp/berth-reg.XXXXXX)
  # A private HOME: logins (berth's and docker's config.json) never touch root's real one.
  mkdir -p "$RT/home/.docker"
  export RT HOME="$RT/home" DOCKER_CONFIG="$RT/home/.docker" REG_USER REG_PASS
  # skopeo's credentials file: never root's /run/containers/0/auth.json.
  export REGISTRY_AUTH_FILE="$RT/skopeo-auth.json"
}

registry_teardown_file() {
  stop_registry_processes
  # A test that restarted berthd (the kill -9 test) left a new pid in berthd's pid file.
  if [ -s "${PIDFILE:-}" ]; then BERTHD_PID=$(cat "$PIDFILE"); fi
  cli_teardown_file
  [ -z "${RT:-}" ] || rm -rf "$RT"
}

# free_port: a port nothing listens on now (the kernel's pick for port 0). Another process may
# take it before we bind it: start_registry retries with a new one when that happens.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# http_answers URL: the URL gives any HTTP answer (401 counts: the server is up).
http_answers() {
  local c
  c=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null)
  [ -n "$c" ] && [ "$c" != 000 ]
}

# spawn LOG CMD...: CMD in the background, its pid recorded in $RT/pids and in $SPAWNED.
# fd 3 is closed: a process holding bats' fd 3 would keep bats waiting after the last test.
spawn() {
  local log=$1; shift
  "$@" </dev/null >>"$log" 2>&1 3>&- &
  SPAWNED=$!
  echo "$SPAWNED" >> "$RT/pids"
}

# stop_pid_wait PID: TERM, then KILL after 10 s. The pid may not be our child (setup_file
# started it), so the wait is a poll on /proc, not `wait`.
stop_pid_wait() {
  kill -TERM "$1" 2>/dev/null || return 0
  poll_until 10 process_gone "$1" || kill -KILL "$1" 2>/dev/null || true
  poll_until 5 process_gone "$1" || true
}

stop_registry_processes() {
  [ -n "${RT:-}" ] && [ -f "$RT/pids" ] || return 0
  local pid
  while read -r pid; do stop_pid_wait "$pid"; done < "$RT/pids"
  : > "$RT/pids"
}

# wait_port_file FILE PID: a python server writes its port (it binds port 0) to FILE.
wait_port_file() {
  poll_until 30 test -s "$1" || { echo "no port in $1 after 30 s" >&2; return 1; }
  kill -0 "$2" 2>/dev/null || { echo "server $2 exited" >&2; return 1; }
  cat "$1"
}

# start_token_server: sets TOKEN_URL, TOKEN_LOG (one line per token request), TOKEN_CERT, and
# TOKEN_DENY: while that file exists, tokens grant nothing (the registry then answers 401).
start_token_server() {
  local dir=$RT/token.$RANDOM port
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" \
    -days 2 -subj /CN=berth-test-token >/dev/null 2>&1
  TOKEN_LOG=$dir/requests.log TOKEN_DENY=$dir/deny
  : > "$TOKEN_LOG"
  spawn "$dir/server.log" python3 "$REG_DIR_HERE/token_server.py" --port-file "$dir/port" \
    --key "$dir/key.pem" --cert "$dir/cert.pem" --service berth-test-registry \
    --issuer berth-test-issuer --user "$REG_USER" --password "$REG_PASS" --log "$TOKEN_LOG" --deny-file "$TOKEN_DENY"
  port=$(wait_port_file "$dir/port" "$SPAWNED") || { cat "$dir/server.log" >&2; return 1; }
  TOKEN_URL=http://127.0.0.1:$port/token
  TOKEN_CERT=$dir/cert.pem
  export TOKEN_URL TOKEN_LOG TOKEN_CERT TOKEN_DENY
}

# registry_auth_yaml FLAVOUR DIR: the `auth:` section of the config for FLAVOUR.
registry_auth_yaml() {
  case $1 in
    open|tls) ;;
    basic)
      htpasswd -Bbn "$REG_USER" "$REG_PASS" > "$2/htpasswd"
      printf 'auth:\n  htpasswd:\n    realm: berth-test-basic\n    path: %s\n' "$2/htpasswd" ;;
    token)  # start_token_server has run: TOKEN_URL, TOKEN_CERT
      printf 'auth:\n  token:\n    realm: %s\n    service: berth-test-registry\n    issuer: berth-test-issuer\n    rootcertbundle: %s\n' \
        "$TOKEN_URL" "$TOKEN_CERT" ;;
    *) echo "unknown registry flavour $1" >&2; return 1 ;;
  esac
}

# start_registry FLAVOUR: a docker-registry of our own on 127.0.0.1, storage under $RT.
# FLAVOUR tls: open, over https with a self-signed certificate (REG_CERT).
# Sets REG=127.0.0.1:PORT, REG_PID, REG_STORE. Up to 5 tries: a port picked free may be taken
# by someone else before the registry binds it.
start_registry() {
  local flavour=$1 dir try port auth
  dir=$(mktemp -d "$RT/registry-$flavour.XXXXXX")
  if [ "$flavour" = token ]; then start_token_server || return 1; fi
  auth=$(registry_auth_yaml "$flavour" "$dir") || return 1
  local tls="" scheme=http
  if [ "$flavour" = tls ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" \
      -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
    tls=$(printf '  tls:\n    certificate: %s\n    key: %s' "$dir/cert.pem" "$dir/key.pem")
    scheme=https REG_CERT=$dir/cert.pem
    export REG_CERT
  fi
  for try in 1 2 3 4 5; do
    port=$(free_port)
    cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/store
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: berth-test-secret
$tls
$auth
EOF
    # docker-registry reads REGISTRY_* variables as config overrides: skopeo's
    # REGISTRY_AUTH_FILE would become `auth.file` and stop it
    spawn "$dir/registry.log" env -u REGISTRY_AUTH_FILE docker-registry serve "$dir/config.yml"
    REG_PID=$SPAWNED
    if poll_until 30 registry_up "$REG_PID" "$port" "$scheme"; then
      REG=127.0.0.1:$port REG_STORE=$dir/store
      export REG REG_PID REG_STORE
      return 0
    fi
    stop_pid_wait "$REG_PID"
    grep -q 'address already in use' "$dir/registry.log" || break
  done
  echo "docker-registry ($flavour) did not start:" >&2; cat "$dir/registry.log" >&2
  return 1
}

registry_up() { kill -0 "$1" 2>/dev/null && http_answers "${3:-http}://127.0.0.1:$2/v2/"; }

# start_proxy UPSTREAM: the fault-injecting proxy in front of UPSTREAM (127.0.0.1:PORT).
# Sets PROXY=127.0.0.1:PORT and PROXY_LOG (one line per request, see fault_proxy.py).
start_proxy() {
  local dir port
  dir=$(mktemp -d "$RT/proxy.XXXXXX")
  PROXY_LOG=$dir/requests.log
  : > "$PROXY_LOG"
  spawn "$dir/proxy.log" python3 "$REG_DIR_HERE/fault_proxy.py" --upstream "$1" \
    --port-file "$dir/port" --log "$PROXY_LOG"
  port=$(wait_port_file "$dir/port" "$SPAWNED") || { cat "$dir/proxy.log" >&2; return 1; }
  PROXY=127.0.0.1:$port
  export PROXY PROXY_LOG
}

# fault MODE [KEY=VALUE...]: e.g. `fault cut bytes=4096`, `fault fail500 times=2`, `fault pass`.
# Values are URL-encoded (a match regex holds spaces, ^, [ ]).
fault() {
  local args=(--data-urlencode "mode=$1") kv; shift
  for kv in "$@"; do args+=(--data-urlencode "$kv"); done
  [ "$(curl -sS --max-time 5 -G "${args[@]}" "http://$PROXY/__proxy/set")" = ok ] ||
    { echo "fault proxy refused: $*" >&2; return 1; }
}

# proxy_stat KEY: a number from the proxy's /__proxy/stats (requests, faults, max_concurrent).
proxy_stat() { curl -sS --max-time 5 "http://$PROXY/__proxy/stats" | jq -r ".$1"; }

# proxy_clear: empties the proxy's request log (before the step whose requests a test counts).
proxy_clear() { : > "$PROXY_LOG"; }

# proxy_count REGEX: how many logged requests match REGEX (grep -E), e.g.
# proxy_count '^GET /v2/[^ ]*/blobs/sha256:'
proxy_count() { grep -cE "$1" "$PROXY_LOG" || true; }

BLOB_GET_RE='^GET /v2/[^ ]+/blobs/sha256:'
BLOB_UPLOAD_RE='^(POST|PUT|PATCH) /v2/[^ ]+/blobs/uploads/'

# show_proxy_log: for a failing test's output.
show_proxy_log() { echo "--- proxy log ---"; tail -n 60 "$PROXY_LOG"; }

# login_registry REG: berth login with the test credentials (password on stdin).
login_registry() {
  printf '%s' "$REG_PASS" | b login -u "$REG_USER" --password-stdin "$1"
}

# --- the words a Docker user sees (Docker's own, where Docker has them); one place to adjust
msg_pulling() { echo "Pulling from $1"; }                       # repo path, e.g. fx/three
msg_downloaded() { echo "Status: Downloaded newer image for $1"; }
msg_up_to_date() { echo "Status: Image is up to date for $1"; }
msg_manifest_unknown() { echo "manifest for $1 not found: manifest unknown"; }
msg_unable_to_find() { echo "Unable to find image '$1' locally"; }
msg_no_basic_auth() { echo "no basic auth credentials"; }
msg_login_failed() { echo "login attempt to http://$1/v2/ failed with status: 401 Unauthorized"; }
msg_no_such_local() { echo "An image does not exist locally with the tag: $1"; }
MSG_LOGIN_OK="Login Succeeded"
MSG_LAYER_EXISTS="Layer already exists"
MSG_ALREADY_EXISTS="Already exists"

# has TEXT...: $output (bats `run`) contains every TEXT; says which one it lacks.
has() {
  local t
  for t in "$@"; do
    [[ "$output" == *"$t"* ]] || { printf 'output lacks: %s\n--- output ---\n%s\n' "$t" "$output" >&2; return 1; }
  done
}

# has_re REGEX: $output matches the extended REGEX (grep -E, case-insensitive).
has_re() {
  grep -qiE "$1" <<<"$output" || { printf 'output does not match /%s/\n--- output ---\n%s\n' "$1" "$output" >&2; return 1; }
}

# ok: bats' $status is 0, else the output is shown.
ok() { [ "$status" -eq 0 ] || { printf 'exit %s\n--- output ---\n%s\n' "$status" "$output" >&2; return 1; }; }
failed() { [ "$status" -ne 0 ] || { printf 'succeeded, should have failed\n--- output ---\n%s\n' "$output" >&2; return 1; }; }

# ingest_empty: nothing half-written is left in the content store's ingest area.
ingest_empty() { [ -z "$(ls -A "$DATA/content/ingest" 2>/dev/null)" ]; }

# assert_ingest_empty: ingest_empty within 10 s (a failed pull's cleanup may finish just after
# the CLI returns); else the leftovers are listed.
assert_ingest_empty() {
  poll_until 10 ingest_empty || { echo "left in $DATA/content/ingest:" >&2; ls -laR "$DATA/content/ingest" >&2; return 1; }
}

# on_failure: what a failing test shows (berthd's log tail, the proxy's requests).
on_failure() {
  [ -n "${BATS_TEST_COMPLETED:-}" ] || [ -n "${REG_SKIP:-}" ] && return 0
  daemon_log >&2
  [ -z "${PROXY_LOG:-}" ] || show_proxy_log >&2
}

# out_is TEXT: $output is exactly TEXT; else both are shown.
out_is() {
  [ "$output" = "$1" ] || { printf 'want: %s\ngot:  %s\n' "$1" "$output" >&2; return 1; }
}
