#!/usr/bin/env bats
# Files in and out of containers: cp (both ways, files, directories, tar streams), diff, export
# and import. One berthd for the file.
load cli_helpers
bats_require_minimum_version 1.5.0

setup_file() {
  cli_setup_file
  b run -d --name files busybox sleep 300 >/dev/null
  b run --name changed busybox sh -c 'mkdir /newdir && echo x > /newdir/f && rm /bin/arch' >/dev/null
}
teardown_file() { cli_teardown_file; }
setup() {
  [ -n "${BERTHD_PID:-}" ] || skip "no berthd"
  W=$(mktemp -d "$D/w.XXXX")
}

@test "cp host file into a directory keeps its name; to a new path takes that name" {
  echo hello > "$W/greeting"
  run b cp "$W/greeting" files:/tmp/
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ "$(b exec files cat /tmp/greeting)" = hello ]
  b cp "$W/greeting" files:/tmp/renamed
  [ "$(b exec files cat /tmp/renamed)" = hello ]
  # a mode survives the copy
  chmod 750 "$W/greeting"
  b cp "$W/greeting" files:/tmp/modes
  [ "$(b exec files stat -c %a /tmp/modes)" = 750 ]
}

@test "cp a host directory in, and a container directory out" {
  mkdir -p "$W/tree/sub" && echo 1 > "$W/tree/a" && echo 2 > "$W/tree/sub/b"
  b cp "$W/tree" files:/tmp
  [ "$(b exec files cat /tmp/tree/a /tmp/tree/sub/b | tr '\n' ' ')" = "1 2 " ]
  b cp files:/tmp/tree "$W/back"
  [ "$(cat "$W/back/a" "$W/back/sub/b" | tr '\n' ' ')" = "1 2 " ]
  mkdir "$W/into"
  b cp files:/tmp/tree "$W/into"
  [ -f "$W/into/tree/sub/b" ]
}

@test "cp a container file out: into a directory, to a new name" {
  mkdir "$W/dir"
  b cp files:/etc/passwd "$W/dir"
  cmp "$W/dir/passwd" <(b exec files cat /etc/passwd)
  b cp files:/etc/passwd "$W/pw"
  cmp "$W/pw" "$W/dir/passwd"
}

@test "cp out of a stopped container" {
  run b cp changed:/newdir/f "$W/f-from-stopped"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(cat "$W/f-from-stopped")" = x ]
}

@test "cp with - streams a tar: out to stdout, in from stdin" {
  b cp files:/etc/passwd - > "$W/out.tar"
  [ "$(tar -tf "$W/out.tar")" = passwd ]
  mkdir "$W/src" && echo streamed > "$W/src/s.txt"
  tar -C "$W/src" -cf - s.txt | b cp - files:/tmp
  [ "$(b exec files cat /tmp/s.txt)" = streamed ]
}

@test "cp errors: a missing path, two containers, no container, as docker says them" {
  run -1 b cp files:/no/such/path "$W/x"
  [[ "$output" == *"Could not find the file /no/such/path in container files"* ]]
  same_error cp files:/no/such/path "$W/x"
  run -1 b cp "$W/none" files:/tmp/
  [[ "$output" == *"$W/none"*"no such file or directory"* ]]
  run -1 b cp files:/a files:/b
  [[ "$output" == *"copying between containers is not supported"* ]]
  run -1 b cp "$W/a" "$W/b"
  [[ "$output" == *"must specify at least one container source"* ]]
  run -1 b cp nope-6:/etc "$W"
  [[ "$output" == *"No such container: nope-6"* ]]
}

@test "diff shows docker's A/C/D lines for the writable layer, as docker diff does" {
  run b diff changed
  [ "$status" -eq 0 ]
  [[ "$output" == *"C /bin"* ]]
  [[ "$output" == *"D /bin/arch"* ]]
  [[ "$output" == *"A /newdir"* ]]
  [[ "$output" == *"A /newdir/f"* ]]
  [ "$output" = "$(dk diff changed)" ]
  run -1 b diff nope-7
  [ "$output" = "Error response from daemon: No such container: nope-7" ]
}

@test "export writes the container's filesystem as a tar, to stdout or -o" {
  b export changed > "$W/stdout.tar"
  run tar -tf "$W/stdout.tar"
  [[ "$output" == *"newdir/f"* ]]
  [[ "$output" == *"bin/busybox"* ]]
  [[ "$output" != *"bin/arch"* ]]
  b export -o "$W/file.tar" changed
  cmp <(tar -tf "$W/file.tar" | sort) <(tar -tf "$W/stdout.tar" | sort)
  cmp <(dk export changed | tar -tf - | sort) <(tar -tf "$W/stdout.tar" | sort)
  # a terminal on stdout is refused, as docker does
  run script -qec "'$BERTH' -H 'unix://$SOCK' export changed" /dev/null
  [[ "$output" == *"cowardly refusing to save to a terminal"* ]]
}

@test "import a tar from stdin and from a file, with -c and -m; the image runs" {
  b export changed > "$W/rootfs.tar"
  run b import - imported:v1 < "$W/rootfs.tar"
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  [ "$(b run --rm imported:v1 cat /newdir/f)" = x ]
  run b import -c 'CMD ["cat", "/newdir/f"]' -c 'ENV WHO=me' -m 'from a file' "$W/rootfs.tar" imported:v2
  [ "$status" -eq 0 ]
  [ "$(b run --rm imported:v2)" = x ]
  [ "$(b run --rm imported:v2 sh -c 'echo $WHO')" = me ]
  [ "$(b image inspect -f '{{.Comment}}' imported:v2)" = "from a file" ]
  [ "$(b history --format '{{.Comment}}' imported:v2 | head -n 1)" = "from a file" ]
  # without a repository the image is untagged
  local id; id=$(b import "$W/rootfs.tar")
  [ "$(b image inspect -f '{{len .RepoTags}}' "$id")" = 0 ]
  b rmi imported:v1 imported:v2 "$id" >/dev/null
  run -1 b import "$W/no-such.tar"
  [[ "$output" == *"$W/no-such.tar"* ]]
}
