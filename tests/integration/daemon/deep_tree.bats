#!/usr/bin/env bats
# A directory tree far deeper than any stack or fd limit, made by an unprivileged user in a
# container: every walk of the container's files (cp, diff, export, commit, rm) must finish or
# fail with a message, and berthd must survive each of them. 2,000 levels overflowed berthd's
# stack on `docker cp`; 60,000 levels crashed export and commit too, and left `rm -f` failing
# with EMFILE and the container "Removal In Progress" for good.
load helpers

setup_file() {
  start_file_berthd
}

teardown_file() {
  [ -n "${D:-}" ] || return 0
  dk rm -f deep >/dev/null 2>&1 || true
  dk rmi -f deep-img >/dev/null 2>&1 || true
  teardown_berthd
}

teardown() {
  dk rm -f deep >/dev/null 2>&1 || true
}

still_serving() {
  kill -0 "$BERTHD_PID"
  [ "$(api /_ping)" = OK ]
}

# make_deep LEVELS: a container "deep" whose user 1000 made /tmp/t/d/d/.../d (LEVELS of d) with
# a file at the bottom. Built from the top down, 500 levels (1,000 bytes of path) at a time: a
# fresh 500-level chain gets the tree so far moved (renamed) into its bottom, so no path the
# shell or a syscall sees is longer than ~1 KB (busybox's cd refuses a PWD past PATH_MAX).
make_deep() {
  dk run -d --name deep busybox sleep 1000 >/dev/null
  dk exec -u 1000:1000 deep sh -c '
    set -e
    step=$(i=0; while [ $i -lt 500 ]; do printf d/; i=$((i+1)); done)
    mkdir -p "/tmp/t/$step" /tmp/w
    echo bottom > "/tmp/t/${step}f"
    n=500
    while [ $n -lt '"$1"' ]; do
      mkdir -p "/tmp/w/$step"
      mv /tmp/t/d "/tmp/w/$step"
      mv /tmp/w/d /tmp/t/d
      n=$((n+500))
    done
    rmdir /tmp/w'
}

@test "a 2,000-level tree: cp, diff, export, commit and rm -f all work; berthd lives" {
  make_deep 2000
  # 2,000 levels of d, and the file: a path of 4,006 bytes below /tmp.
  run bash -c "DOCKER_HOST=unix://$SOCK $DOCKER cp deep:/tmp - | tar -t | wc -l"
  echo "cp: $output"
  [ "$status" -eq 0 ]
  [ "$output" -ge 2002 ]
  still_serving

  run bash -c "DOCKER_HOST=unix://$SOCK $DOCKER diff deep | wc -l"
  echo "diff: $output"
  [ "$status" -eq 0 ]
  [ "$output" -ge 2002 ]
  still_serving

  run bash -c "DOCKER_HOST=unix://$SOCK $DOCKER export deep | tar -t | grep -c '^tmp/t/'"
  echo "export: $output"
  [ "$status" -eq 0 ]
  [ "$output" -ge 2001 ]
  still_serving

  dk commit deep deep-img >/dev/null
  still_serving
  run bash -c "DOCKER_HOST=unix://$SOCK $DOCKER run --rm deep-img sh -c 'find /tmp/t | wc -l'"
  echo "committed image: $output"
  [ "$output" -eq 2002 ]
  dk rmi deep-img >/dev/null

  dk rm -f deep
  still_serving
  ! dk inspect deep >/dev/null 2>&1
  [ -z "$(ls "$DATA/containers")" ]
}

@test "a 60,000-level tree: cp, diff, export, commit fail with a message, size counts it, rm -f removes it; berthd lives" {
  make_deep 60000
  local before
  before=$(ls /proc/"$BERTHD_PID"/fd | wc -l)

  run dk diff deep
  echo "diff: ${output:0:300}"
  [ "$status" -ne 0 ]
  [[ "$output" == *"path longer than 4096 bytes"* ]]
  still_serving

  run bash -c "DOCKER_HOST=unix://$SOCK $DOCKER cp deep:/tmp - | tar -t | wc -l"
  echo "cp: ${output:0:300}"
  still_serving

  run bash -c "DOCKER_HOST=unix://$SOCK $DOCKER export deep | tar -t | wc -l"
  echo "export: ${output:0:300}"
  still_serving

  # The size walk has no path limit: it counts the whole tree (the file's 7 bytes at least).
  run api '/containers/deep/json?size=1'
  echo "size: ${output:0:300}"
  [ "$(echo "$output" | jq -r .SizeRw)" -ge 7 ]
  still_serving

  run dk commit deep deep-img
  echo "commit: ${output:0:300}"
  [ "$status" -ne 0 ]
  [[ "$output" == *"path longer than 4096 bytes"* ]]
  still_serving
  # No walk left descriptors behind.
  [ "$(ls /proc/"$BERTHD_PID"/fd | wc -l)" -le $((before + 5)) ]

  dk rm -f deep
  still_serving
  ! dk inspect deep >/dev/null 2>&1
  [ -z "$(ls "$DATA/containers")" ]
}
