#!/usr/bin/env bats
# docker cp into a container when berthd dies in the middle (kill -9): the next berthd rolls
# the half-applied archive back, and the journal's dir (.berth-apply-*) and log are gone; no
# cp, export or diff ever shows them.
load helpers

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  [ -x "$DOCKER" ] || skip "no docker CLI at $DOCKER"
  start_berthd
}
teardown() {
  [ -z "${CLIENT_PID:-}" ] || { kill -KILL "$CLIENT_PID" 2>/dev/null; wait "$CLIENT_PID" 2>/dev/null; } || true
  if [ -n "${BERTHD_PID:-}" ]; then dk rm -f "${CID:-none}" >/dev/null 2>&1 || true; fi
  teardown_berthd
}

# slow_put PATH-IN-CONTAINER: PUTs an archive that replaces passwd, then sends only the first
# MiB of an 8 MiB file and waits (until killed) for the rest that never comes.
slow_put() {
  python3 - "$SOCK" "$CID" "$1" <<'PY' &
import io, socket, sys, tarfile, time
sock_path, cid, dest = sys.argv[1:4]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
    data = b"evil:x:0:0::/:/bin/sh\n"
    info = tarfile.TarInfo("passwd"); info.size = len(data); info.mode = 0o644
    t.addfile(info, io.BytesIO(data))
    big = b"b" * (8 << 20)
    info = tarfile.TarInfo("big"); info.size = len(big); info.mode = 0o644
    t.addfile(info, io.BytesIO(big))
body = buf.getvalue()
s = socket.socket(socket.AF_UNIX)
s.connect(sock_path)
s.sendall((f"PUT /v1.47/containers/{cid}/archive?path={dest}&noOverwriteDirNonDir=true HTTP/1.1\r\n"
           f"Host: berth\r\nContent-Type: application/x-tar\r\nContent-Length: {len(body)}\r\n\r\n").encode())
s.sendall(body[: (1 << 20)])
time.sleep(120)
PY
  CLIENT_PID=$!
}

upper() { echo "$DATA/containers/$CID/upper"; }

@test "kill -9 during a PUT archive: the next start rolls it back, no journal left anywhere" {
  CID=$(dk create busybox true)
  orig=$(dk cp "$CID:/etc/passwd" - | tar -xO)
  [ -n "$orig" ]
  slow_put /etc
  # Wait until berthd is in the middle: passwd replaced, part of big written.
  for i in $(seq 1 200); do
    [ -s "$(upper)/etc/big" ] && grep -q evil "$(upper)/etc/passwd" 2>/dev/null && break
    sleep 0.05
  done
  [ -s "$(upper)/etc/big" ]
  stop_berthd KILL
  kill -KILL "$CLIENT_PID"; wait "$CLIENT_PID" 2>/dev/null || true; CLIENT_PID=
  start_berthd
  # The archive is undone: the old passwd, no partial file.
  [ "$(dk cp "$CID:/etc/passwd" - | tar -xO)" = "$orig" ]
  run dk cp "$CID:/etc/big" -
  [ "$status" -ne 0 ]
  # And the journal is nowhere: not in the layer, export, diff, nor the container's dir.
  run bash -c "ls -a '$(upper)/etc' | grep berth-apply"
  [ "$status" -ne 0 ]
  run bash -c "DOCKER_HOST=unix://$SOCK $DOCKER export $CID | tar -t | grep berth-apply"
  [ "$status" -ne 0 ]
  run dk diff "$CID"
  [[ "$output" != *berth-apply* ]]
  [[ "$output" != *big* ]]
  [ -z "$(ls "$DATA/containers/$CID" | grep -i apply)" ]
  grep -q "rolled back a copy" "$LOG"
}

@test "a refused PUT archive leaves no journal behind, and the next copy works" {
  CID=$(dk create busybox true)
  mkdir "$D/d"
  echo x > "$D/d/x"
  dk cp "$D/d" "$CID:/etc/"
  dk cp "$CID:/etc/passwd" "$D/passwd.orig"
  # A file over that directory is refused after passwd was already replaced: all undone.
  python3 - "$D/bad.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name, data in (("passwd", b"evil\n"), ("d", b"x")):
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
PY
  run dk cp - "$CID:/etc" < "$D/bad.tar"
  [ "$status" -ne 0 ]
  [[ "$output" == *'cannot overwrite directory "/etc/d" with non-directory "/etc"'* ]]
  [ -z "$(ls -a "$DATA/containers/$CID" | grep -i apply)" ]
  run bash -c "ls -a '$(upper)/etc' | grep berth-apply"
  [ "$status" -ne 0 ]
  dk cp "$CID:/etc/passwd" "$D/passwd.now"
  cmp "$D/passwd.orig" "$D/passwd.now"
  echo ok > "$D/after"
  dk cp "$D/after" "$CID:/etc/after"
  [ "$(dk cp "$CID:/etc/after" - | tar -xO)" = ok ]
}
