#!/usr/bin/env bats
# Requests meant to hurt the daemon: JSON nested far deeper than any real document, many
# connections that never finish their headers. Each must cost the client its request, never
# berthd its life: after each test berthd still answers and is the same process.
load helpers

setup_file() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  [ -x "${BERTHD:-}" ] || skip "berthd not built"
  setup_dirs
  # A login shell's limit: berthd must raise its own (and give containers this one).
  ulimit -Sn 1024
  start_berthd
  export D SOCK DATA EXEC PIDFILE LOG CONFIG BERTHD_PID
  # A running container: the watchdog reads its shim's /proc/<pid>/stat every second.
  dk run -d --name idle busybox sleep 1000 >/dev/null
}

teardown_file() {
  [ -n "${D:-}" ] || return 0
  dk rm -f idle >/dev/null 2>&1 || true
  teardown_berthd
}

# deep N OPEN CLOSE: OPEN N times, a 1, CLOSE N times (e.g. deep 60000 '[' ']').
deep() {
  python3 -c 'import sys; n=int(sys.argv[1]); sys.stdout.write(sys.argv[2]*n + "1" + sys.argv[3]*n)' "$@"
}

# post_file METHOD PATH FILE: sets $code and $msg (the JSON error's message).
post_file() {
  local out
  out=$(mktemp "$D/resp.XXXXXX")
  code=$(curl -gsS --unix-socket "$SOCK" -X "$1" -H 'Content-Type: application/json' \
    --data-binary "@$3" -o "$out" -w '%{http_code}' "http://berth$2")
  msg=$(jq -r '.message // empty' "$out" 2>/dev/null || cat "$out")
  rm -f "$out"
}

still_serving() {
  kill -0 "$BERTHD_PID"
  [ "$(api /_ping)" = OK ]
}

@test "JSON nested 60,000 levels deep is 400 exceeded max depth at every body; berthd lives" {
  deep 60000 '[' ']' > "$D/arrays.json"
  { printf '{"Image":"busybox","Labels":'; deep 60000 '{"a":' '}'; printf '}'; } > "$D/objects.json"
  for body in arrays objects; do
    for route in "POST /containers/create" "POST /containers/x/update" \
      "POST /containers/x/exec" "POST /commit?container=x" "POST /exec/x/start"; do
      post_file ${route% *} "${route#* }" "$D/$body.json"
      echo "$route $body: $code $msg"
      [ "$code" = 400 ] || [ "$code" = 404 ]
      if [ "$code" = 400 ]; then [[ "$msg" == *"exceeded max depth"* ]]; fi
      still_serving
    done
  done
  # The create body is read before the container is looked up: that one must be 400.
  post_file POST /containers/create "$D/objects.json"
  [ "$code" = 400 ]
  [[ "$msg" == *"exceeded max depth"* ]]
}

@test "JSON 1,000 levels deep is still parsed; 1,001 is refused" {
  { printf '{"Image":"busybox","Cmd":["true"],"Labels":{"a":"b"},"Healthcheck":{"Test":'; deep 998 '[' ']'; printf '}}'; } > "$D/ok.json"
  post_file POST /containers/create "$D/ok.json"
  echo "$code $msg"
  # Parsed: the answer is about the value (a Test that is not a list of strings), not the depth.
  [[ "$msg" != *"exceeded max depth"* ]]
  { printf '{"Image":"busybox","Cmd":["true"],"Labels":{"a":"b"},"Healthcheck":{"Test":'; deep 999 '[' ']'; printf '}}'; } > "$D/deep.json"
  post_file POST /containers/create "$D/deep.json"
  [ "$code" = 400 ]
  [[ "$msg" == *"exceeded max depth"* ]]
  api '/containers/json?all=1' | jq -e 'length == 0 or all(.Names[0] | true)'
  still_serving
}

@test "filters nested deeply are 400 invalid filter; berthd lives" {
  local f
  f=$(deep 1500 '[' ']')
  code=$(curl -gsS --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' \
    "http://berth/containers/json?filters=$f")
  echo "$code"
  [ "$code" = 400 ] || [ "$code" = 431 ] || [ "$code" = 414 ]
  still_serving
}

@test "an image tar whose manifest.json nests 60,000 levels is refused; berthd lives" {
  python3 - "$D/deep.tar" <<'PY'
import io, sys, tarfile
n = 60000
data = ("[" * n + "1" + "]" * n).encode()
with tarfile.open(sys.argv[1], "w") as t:
    info = tarfile.TarInfo("manifest.json"); info.size = len(data)
    t.addfile(info, io.BytesIO(data))
PY
  local out
  out=$(curl -sS --unix-socket "$SOCK" -X POST -H 'Content-Type: application/x-tar' \
    --data-binary "@$D/deep.tar" -w '\n%{http_code}' 'http://berth/images/load?quiet=1')
  echo "$out"
  [[ "$out" == *"exceeded max depth"* ]]
  still_serving
}

@test "1,100 connections stuck in their headers under ulimit -n 1024: berthd serves on, closes them after 30 s" {
  run python3 - "$SOCK" 1100 <<'PY'
import resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
path, n = sys.argv[1], int(sys.argv[2])
held = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(path)
    s.sendall(b"GET /_ping HTTP/1.1\r\nHost: berth\r\nX-Partial: ")  # never finished
    held.append(s)
time.sleep(2.5)  # the watchdog's rounds run while all of them are open

def request(target):
    c = socket.socket(socket.AF_UNIX)
    c.settimeout(10)
    c.connect(path)
    c.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: berth\r\nConnection: close\r\n\r\n")
    data = b""
    while chunk := c.recv(65536):
        data += chunk
    c.close()
    return data.split(b"\r\n")[0].decode()

print("ping:", request(b"/_ping"))
print("inspect:", request(b"/containers/idle/json"))
start = time.time()
closed = 0
for s in held[:20]:
    s.settimeout(max(1.0, 45 - (time.time() - start)))
    try:
        if s.recv(1) == b"":
            closed += 1
    except OSError:
        closed += 1
print("closed: %d of 20 after %.0f s" % (closed, time.time() - start))
PY
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ping: HTTP/1.1 200"* ]]
  [[ "$output" == *"inspect: HTTP/1.1 200"* ]]
  [[ "$output" == *"closed: 20 of 20"* ]]
  still_serving
  # Containers keep the limit berthd was started with, as Docker's keep dockerd's original one.
  [ "$(dk exec idle sh -c 'ulimit -n')" = 1024 ]
  # The container's parent, its shim, was given back berthd's original soft limit too.
  local shim
  shim=$(ps -o ppid= -p "$(dk inspect -f '{{.State.Pid}}' idle)" | tr -d ' ')
  grep "^Max open files" /proc/"$shim"/limits
  grep -q "^Max open files *1024 " /proc/"$shim"/limits
  # berthd itself runs with the hard limit.
  grep -q "^Max open files *$(ulimit -Hn) " /proc/"$BERTHD_PID"/limits
}
