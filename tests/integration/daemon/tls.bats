#!/usr/bin/env bats
# berthd on tcp:// with TLS: --tlsverify requires client certificates from our CA; the real
# docker CLI, curl and the berth CLI talk to it (requests, hijacked attach, chunked streams);
# clients without a good certificate and plain HTTP are refused while the daemon keeps serving.
load helpers

BERTH=${BERTH:-$REPO/build/src/cli/berth}

setup_file() {
  PKI=$(mktemp -d /tmp/berth-tls-pki.XXXXXX)
  "$BATS_TEST_DIRNAME/make-tls-certs.sh" "$PKI"
  # A client certificate directory in the layout DOCKER_CERT_PATH expects.
  mkdir "$PKI/client"
  cp "$PKI/ca.pem" "$PKI/cert.pem" "$PKI/key.pem" "$PKI/client/"
  mkdir "$PKI/empty"
  export PKI
}

teardown_file() { rm -rf "$PKI"; }

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  setup_dirs
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ADDR=tcp://127.0.0.1:$PORT
  # Nothing from the caller's environment may pick the daemon or the certificates.
  unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_TLS DOCKER_CERT_PATH
  unset BERTH_HOST BERTH_TLS_VERIFY BERTH_TLS BERTH_CERT_PATH
  export DOCKER_CONFIG=$D/docker-config  # no ~/.docker defaults
}
teardown() { teardown_berthd; }

start_tls() {
  start_berthd -H "$ADDR" --tlsverify --tlscacert "$PKI/ca.pem" \
    --tlscert "$PKI/server-cert.pem" --tlskey "$PKI/server-key.pem" "$@"
}

# tdk ARG...: the docker CLI over TLS with our client certificate (a hang fails the test).
tdk() {
  timeout 60 "$DOCKER" --tlsverify --tlscacert "$PKI/ca.pem" --tlscert "$PKI/cert.pem" \
    --tlskey "$PKI/key.pem" -H "$ADDR" "$@"
}

# wait_log PATTERN: a refused handshake is logged once the client had its time to read why.
wait_log() {
  local i
  for i in $(seq 1 600); do grep -q "$1" "$LOG" && return 0; sleep 0.05; done
  echo "not in the log: $1" >&2
  return 1
}

# tcurl PATH [ARG...]: curl over TLS with our client certificate.
tcurl() {
  local path=$1; shift
  curl -sS --cacert "$PKI/ca.pem" --cert "$PKI/cert.pem" --key "$PKI/key.pem" "$@" \
    "https://127.0.0.1:$PORT$path"
}

@test "docker CLI with a client certificate: version and run over TLS" {
  start_tls
  grep -q "API listening on $ADDR (TLS)" "$LOG"
  run tdk version --format '{{.Server.APIVersion}}'
  [ "$status" -eq 0 ]
  [ "$output" = 1.47 ]
  run tdk run --rm busybox echo hi
  [ "$status" -eq 0 ]
  [ "$output" = hi ]
  # The unix socket next to it is plain HTTP as ever.
  [ "$(api /_ping)" = OK ]
  [ "$(tcurl /_ping)" = OK ]
}

@test "docker run -i over TLS: stdin through the hijacked stream, both ways" {
  start_tls
  run tdk run -i --rm busybox sh -c 'cat; echo done' <<<'hello over tls'
  [ "$status" -eq 0 ]
  [ "$output" = "hello over tls
done" ]
  # A megabyte each way: many TLS records, stdin ended by the CLI's TCP half-close. Text, as
  # berthd (unlike dockerd) applies the detach keys (ctrl-p ctrl-q) without a tty too.
  head -c 750000 /dev/urandom | base64 -w 0 > "$D/blob"
  want=$(md5sum < "$D/blob" | cut -d' ' -f1)
  tdk run -i --rm busybox sh -c 'cat > /tmp/b; md5sum < /tmp/b; cat /tmp/b' <"$D/blob" >"$D/back"
  [ "$(head -c 32 "$D/back")" = "$want" ]
  [ "$(tail -c +37 "$D/back" | md5sum | cut -d' ' -f1)" = "$want" ]
}

@test "docker exec -i over TLS: the exec start hijack" {
  start_tls
  cid=$(tdk run -d busybox sleep 60)
  run tdk exec -i "$cid" sh -c 'cat; echo exec-done' <<<'stdin to exec'
  [ "$status" -eq 0 ]
  [ "$output" = "stdin to exec
exec-done" ]
  run tdk exec "$cid" sh -c 'exit 3'
  [ "$status" -eq 3 ]
  tdk rm -f "$cid" >/dev/null
}

@test "logs -f and events --until stream over TLS" {
  start_tls
  since=$(date +%s)
  cid=$(tdk run -d busybox sh -c 'echo one; sleep 1; echo two')
  run tdk logs -f "$cid"
  [ "$status" -eq 0 ]
  [ "$output" = "one
two" ]
  run tdk events --since "$since" --until "$(( $(date +%s) + 1 ))" --filter "container=$cid" \
    --format '{{.Action}}'
  [ "$status" -eq 0 ]
  [[ "$output" == *start* ]]
  [[ "$output" == *die* ]]
  tdk rm "$cid" >/dev/null
}

@test "a client without a certificate is refused (curl, docker); the daemon keeps serving" {
  start_tls
  run curl -sS --cacert "$PKI/ca.pem" "https://127.0.0.1:$PORT/_ping"
  [ "$status" -ne 0 ]
  [[ "$output" != *OK* ]]
  # DOCKER_CERT_PATH at an empty dir: the docker CLI has no default certificate to send.
  run env DOCKER_CERT_PATH="$PKI/empty" "$DOCKER" --tlsverify --tlscacert "$PKI/ca.pem" \
    -H "$ADDR" version --format '{{.Server.APIVersion}}'
  [ "$status" -ne 0 ]
  [[ "$output" == *certificate* ]]
  wait_log "TLS handshake with 127.0.0.1:[0-9]* failed: peer did not return a certificate"
  [ "$(tcurl /_ping)" = OK ]
}

@test "a client certificate from another CA is refused" {
  start_tls
  run curl -sS --cacert "$PKI/ca.pem" --cert "$PKI/other/cert.pem" --key "$PKI/other/key.pem" \
    "https://127.0.0.1:$PORT/_ping"
  [ "$status" -ne 0 ]
  run "$DOCKER" --tlsverify --tlscacert "$PKI/ca.pem" --tlscert "$PKI/other/cert.pem" \
    --tlskey "$PKI/other/key.pem" -H "$ADDR" version --format '{{.Server.APIVersion}}'
  [ "$status" -ne 0 ]
  wait_log "failed: certificate verify failed"
  [ "$(tcurl /_ping)" = OK ]
}

@test "plain HTTP to the TLS port gets a clear 400; a stalled handshake blocks nobody" {
  start_tls
  run curl -sS -w ' %{http_code}' "http://127.0.0.1:$PORT/_ping"
  [ "$output" = "Client sent an HTTP request to an HTTPS server.
 400" ]
  run "$DOCKER" -H "$ADDR" version --format '{{.Server.APIVersion}}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Client sent an HTTP request to an HTTPS server."* ]]
  wait_log "failed: client sent plain HTTP"
  # A client that connects and never starts its handshake holds up nobody else: the docker CLI
  # is served while the stalled connection is still waiting, i.e. before the daemon gave up on
  # it at its 10 s handshake timeout (which it logs). 30 s is only a ceiling for a hang.
  exec {stalled}<>"/dev/tcp/127.0.0.1/$PORT"
  run timeout 30 "$DOCKER" --tlsverify --tlscacert "$PKI/ca.pem" --tlscert "$PKI/cert.pem" \
    --tlskey "$PKI/key.pem" -H "$ADDR" version --format '{{.Server.APIVersion}}'
  if grep "no handshake within" "$LOG"; then echo "served only after the stalled handshake timed out" >&2; false; fi
  exec {stalled}<&-
  [ "$status" -eq 0 ]
  [ "$output" = 1.47 ]
  [ "$(api /_ping)" = OK ]
}

@test "tcp without TLS flags is refused saying what to pass; --tls=false warns" {
  run "$BERTHD" --data-root "$DATA" --exec-root "$EXEC" -H "$ADDR" \
    --pidfile "$PIDFILE" --config-file "$CONFIG"
  [ "$status" -ne 0 ]
  [[ "$output" == *"refusing to listen on $ADDR without TLS"* ]]
  [[ "$output" == *"--tlsverify"* ]]
  [[ "$output" == *"--tls=false"* ]]
  [ ! -e "$SOCK" ]
  start_berthd -H "$ADDR" --tls=false
  grep -q "level=warning.*listening on $ADDR WITHOUT TLS" "$LOG"
  [ "$(curl -sS "http://127.0.0.1:$PORT/_ping")" = OK ]
}

@test "--tls without --tlsverify: encrypted, any client served, with a warning" {
  start_berthd -H "$ADDR" --tls --tlscert "$PKI/server-cert.pem" --tlskey "$PKI/server-key.pem"
  grep -q "level=warning.*with TLS but without --tlsverify" "$LOG"
  [ "$(curl -sS --cacert "$PKI/ca.pem" "https://127.0.0.1:$PORT/_ping")" = OK ]
  run "$DOCKER" --tls --tlscacert "$PKI/ca.pem" -H "$ADDR" version --format '{{.Server.APIVersion}}'
  [ "$status" -eq 0 ]
  [ "$output" = 1.47 ]
}

@test "TLS files that are missing or wrong stop berthd naming the file" {
  run "$BERTHD" --data-root "$DATA" --exec-root "$EXEC" -H "unix://$SOCK" -H "$ADDR" \
    --pidfile "$PIDFILE" --config-file "$CONFIG" --tlsverify --tlscacert "$PKI/ca.pem" \
    --tlscert "$D/nope.pem" --tlskey "$PKI/server-key.pem"
  [ "$status" -ne 0 ]
  [[ "$output" == *"\"$D/nope.pem\" (--tlscert): No such file or directory"* ]]
  [ ! -e "$SOCK" ]
  # Readable but the wrong key: found when the daemon loads them.
  run "$BERTHD" --data-root "$DATA" --exec-root "$EXEC" -H "unix://$SOCK" -H "$ADDR" \
    --pidfile "$PIDFILE" --config-file "$CONFIG" --tlsverify --tlscacert "$PKI/ca.pem" \
    --tlscert "$PKI/server-cert.pem" --tlskey "$PKI/key.pem"
  [ "$status" -ne 0 ]
  [[ "$output" == *"TLS key \\\"$PKI/key.pem\\\" does not belong to the certificate"* ]]
  [ ! -e "$SOCK" ]
}

@test "berth CLI over TLS: flags, DOCKER_CERT_PATH/DOCKER_TLS_VERIFY, BERTH_ equivalents" {
  [ -x "$BERTH" ] || skip "berth not built"
  start_tls
  tb() {
    timeout 60 "$BERTH" --tlsverify --tlscacert "$PKI/ca.pem" --tlscert "$PKI/cert.pem" \
      --tlskey "$PKI/key.pem" -H "$ADDR" "$@"
  }
  run tb version --format '{{.Server.APIVersion}}'
  [ "$status" -eq 0 ]
  [ "$output" = 1.47 ]
  run tb run --rm busybox echo hi
  [ "$status" -eq 0 ]
  [ "$output" = hi ]
  run tb run -i --rm busybox cat <<<'stdin over tls'
  [ "$status" -eq 0 ]
  [ "$output" = "stdin over tls" ]
  run env DOCKER_CERT_PATH="$PKI/client" DOCKER_TLS_VERIFY=1 "$BERTH" -H "$ADDR" \
    version --format '{{.Server.APIVersion}}'
  [ "$status" -eq 0 ]
  [ "$output" = 1.47 ]
  # By name: the certificate's DNS name is checked (and sent as SNI).
  run env DOCKER_CERT_PATH="$PKI/client" DOCKER_TLS_VERIFY=1 "$BERTH" -H "tcp://localhost:$PORT" \
    version --format '{{.Server.APIVersion}}'
  [ "$status" -eq 0 ]
  [ "$output" = 1.47 ]
  run env BERTH_CERT_PATH="$PKI/client" BERTH_TLS_VERIFY=1 "$BERTH" -H "$ADDR" \
    run --rm busybox echo env
  [ "$status" -eq 0 ]
  [ "$output" = env ]
  # The real docker CLI with the same environment.
  run env DOCKER_CERT_PATH="$PKI/client" DOCKER_TLS_VERIFY=1 DOCKER_HOST="$ADDR" "$DOCKER" \
    version --format '{{.Server.APIVersion}}'
  [ "$output" = 1.47 ]
  # Without a certificate, and without TLS at all: refused, saying why.
  run env BERTH_CERT_PATH="$PKI/empty" "$BERTH" --tlsverify --tlscacert "$PKI/ca.pem" \
    -H "$ADDR" version --format '{{.Server.APIVersion}}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"certificate required"* ]]
  run "$BERTH" -H "$ADDR" version --format '{{.Server.APIVersion}}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Client sent an HTTP request to an HTTPS server."* ]]
  # A CA that did not sign the daemon's certificate.
  run "$BERTH" --tlsverify --tlscacert "$PKI/other/ca.pem" -H "$ADDR" version
  [ "$status" -ne 0 ]
  [[ "$output" == *"TLS handshake with $ADDR failed: certificate verify failed"* ]]

  run "$BERTH" --tlsverify --tlscacert "$D/none.pem" -H "$ADDR" version
  [ "$status" -ne 0 ]
  [[ "$output" == *"could not read CA certificate \"$D/none.pem\""* ]]
}

@test "clients check the daemon's certificate is for the address they dialled" {
  [ -x "$BERTH" ] || skip "berth not built"
  start_berthd -H "$ADDR" --tlsverify --tlscacert "$PKI/ca.pem" \
    --tlscert "$PKI/elsewhere-cert.pem" --tlskey "$PKI/elsewhere-key.pem"
  run env DOCKER_CERT_PATH="$PKI/client" DOCKER_TLS_VERIFY=1 "$BERTH" -H "$ADDR" version
  [ "$status" -ne 0 ]
  [[ "$output" == *"TLS handshake with $ADDR failed: certificate verify failed (IP address mismatch)"* ]]
  run env DOCKER_CERT_PATH="$PKI/client" DOCKER_TLS_VERIFY=1 "$BERTH" -H "tcp://localhost:$PORT" version
  [ "$status" -ne 0 ]
  [[ "$output" == *"(hostname mismatch)"* ]]
  run env DOCKER_CERT_PATH="$PKI/client" DOCKER_TLS_VERIFY=1 DOCKER_HOST="$ADDR" "$DOCKER" version
  [ "$status" -ne 0 ]
  # --tls without --tlsverify does not check the daemon (as docker); the client still proves itself.
  run env DOCKER_CERT_PATH="$PKI/client" "$BERTH" --tls -H "$ADDR" version --format '{{.Server.APIVersion}}'
  [ "$status" -eq 0 ]
  [ "$output" = 1.47 ]
}
