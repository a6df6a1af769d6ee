#!/usr/bin/env bats
# docker cp both ways, and docker export.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

setup() {
  id=$(dk run -d --name cx busybox sleep 100)
  remember "$id"
  T=$(mktemp -d "$D/cp.XXXXXX")
}
teardown() { dk rm -f cx >/dev/null 2>&1 || true; }

@test "docker cp a file from the host into the container" {
  echo "from host" > "$T/in.txt"
  dk cp "$T/in.txt" cx:/tmp/in.txt
  [ "$(dk exec cx cat /tmp/in.txt)" = "from host" ]
}

@test "docker cp a file from the container to the host" {
  dk exec cx sh -c 'echo "from container" > /tmp/out.txt'
  dk cp cx:/tmp/out.txt "$T/out.txt"
  [ "$(cat "$T/out.txt")" = "from container" ]
}

@test "docker cp a directory both ways" {
  mkdir -p "$T/dir/sub"
  echo a > "$T/dir/a"
  echo b > "$T/dir/sub/b"
  dk cp "$T/dir" cx:/tmp/
  [ "$(dk exec cx cat /tmp/dir/sub/b)" = b ]
  dk cp cx:/tmp/dir "$T/back"
  [ "$(cat "$T/back/a")" = a ]
  [ "$(cat "$T/back/sub/b")" = b ]
}

@test "docker cp of a missing path says so" {
  run dk cp cx:/no/such "$T/"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Could not find the file /no/such in container cx"* ]]
}

@test "docker export writes the rootfs as a tar" {
  dk export cx > "$T/fs.tar"
  tar -tf "$T/fs.tar" | grep -qx 'bin/busybox\|./bin/busybox\|bin/busybox'
}

# mktar OUT NAME=CONTENT|NAME/ ...: a tar with exactly these member names (absolute ones and
# `..` included, which tar(1) would rewrite); NAME/ is a directory.
mktar() {
  python3 - "$@" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
    for spec in sys.argv[2:]:
        name, _, data = spec.partition("=")
        info = tarfile.TarInfo(name.rstrip("/") if name.endswith("/") else name)
        info.mtime = 1700000000
        if name.endswith("/"):
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            t.addfile(info)
        else:
            info.mode, info.size = 0o644, len(data)
            t.addfile(info, io.BytesIO(data.encode()))
PY
}

@test "cp: a .wh. file is an ordinary file, it deletes nothing (as Docker)" {
  echo not-a-whiteout > "$T/.wh.passwd"
  run dk cp "$T/.wh.passwd" cx:/etc/.wh.passwd
  [ "$status" -eq 0 ] || { echo "$output"; daemon_log; false; }
  dk exec cx grep -q '^root:' /etc/passwd
  [ "$(dk exec cx cat /etc/.wh.passwd)" = not-a-whiteout ]
}

@test "cp: a directory holding .wh..wh..opq does not empty the target (as Docker)" {
  dk exec cx sh -c 'mkdir -p /tmp/d && echo kept > /tmp/d/keep'
  mkdir "$T/d"
  touch "$T/d/.wh..wh..opq"
  echo new > "$T/d/new"
  run dk cp "$T/d" cx:/tmp/
  [ "$status" -eq 0 ] || { echo "$output"; daemon_log; false; }
  [ "$(dk exec cx cat /tmp/d/keep)" = kept ]
  [ "$(dk exec cx cat /tmp/d/new)" = new ]
  dk exec cx test -f /tmp/d/.wh..wh..opq
}

@test "cp: a file over a directory is refused with moby's words, the directory stays" {
  dk exec cx sh -c 'mkdir -p /tmp/x && echo inside > /tmp/x/data'
  echo file > "$T/x"
  run dk cp "$T/x" cx:/tmp/
  [ "$status" -ne 0 ]
  [[ "$output" == *'cannot overwrite directory "/tmp/x" with non-directory "/tmp"'* ]] || { echo "$output"; false; }
  [ "$(dk exec cx cat /tmp/x/data)" = inside ]
}

@test "cp: a directory over a file is refused with moby's words, the file stays" {
  dk exec cx sh -c 'echo plain > /tmp/y'
  mkdir "$T/y"
  echo sub > "$T/y/sub"
  run dk cp "$T/y" cx:/tmp/
  [ "$status" -ne 0 ]
  [[ "$output" == *'cannot overwrite non-directory "/tmp/y" with directory "/tmp"'* ]] || { echo "$output"; false; }
  [ "$(dk exec cx cat /tmp/y)" = plain ]
}

@test "cp: the refusal rolls back what the same archive already changed" {
  dk exec cx sh -c 'mkdir -p /tmp/r/dir && echo old > /tmp/r/first'
  mktar "$T/r.tar" "first=new" "dir=file-over-dir"
  run dk cp - cx:/tmp/r < "$T/r.tar"
  [ "$status" -ne 0 ]
  [[ "$output" == *'cannot overwrite directory "/tmp/r/dir" with non-directory "/tmp/r"'* ]] || { echo "$output"; false; }
  [ "$(dk exec cx cat /tmp/r/first)" = old ]
  dk exec cx test -d /tmp/r/dir
}

@test "cp into a --read-only container: container rootfs is marked read-only (400)" {
  id=$(dk run -d --read-only -v "$T:/rw" busybox sleep 100)
  remember "$id"
  echo x > "$T/f"
  run dk cp "$T/f" "$id:/"
  [ "$status" -ne 0 ]
  [[ "$output" == *"container rootfs is marked read-only"* ]] || { echo "$output"; false; }
  run dk exec "$id" test -e /f
  [ "$status" -ne 0 ]
  code=$(tar -C "$T" -cf - f | curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" \
    -X PUT -H 'Content-Type: application/x-tar' --data-binary @- \
    "http://berth/containers/$id/archive?path=/&noOverwriteDirNonDir=true")
  [ "$code" = 400 ]
  # A writable bind in it is not the rootfs: that copy works, as with Docker.
  mkdir -p "$T/sub"
  echo y > "$T/sub/g"
  run dk cp "$T/sub/g" "$id:/rw/copied"
  [ "$status" -eq 0 ] || { echo "$output"; daemon_log; false; }
  [ "$(cat "$T/copied")" = y ]
  dk rm -f "$id"
}

@test "cp: absolute member names are relative to the extraction dir; only escapes are refused" {
  mktar "$T/abs.tar" "/abs.txt=abs" "sub/../rel.txt=rel" "/../up.txt=up"
  run dk cp - cx:/tmp < "$T/abs.tar"
  [ "$status" -eq 0 ] || { echo "$output"; daemon_log; false; }
  [ "$(dk exec cx cat /tmp/abs.txt)" = abs ]
  [ "$(dk exec cx cat /tmp/rel.txt)" = rel ]
  [ "$(dk exec cx cat /tmp/up.txt)" = up ]
  mktar "$T/esc.tar" "ok.txt=ok" "../escape.txt=bad"
  run dk cp - cx:/tmp < "$T/esc.tar"
  [ "$status" -ne 0 ]
  [[ "$output" == *'"../escape.txt" is outside of "/tmp"'* ]] || { echo "$output"; false; }
  run dk exec cx test -e /escape.txt
  [ "$status" -ne 0 ]
  run dk exec cx test -e /tmp/ok.txt
  [ "$status" -ne 0 ]
}
