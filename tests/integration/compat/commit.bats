#!/usr/bin/env bats
# docker commit, and the rootfs of containers that are not running: docker cp both ways,
# export and diff of created and exited containers (mounted for the call, then unmounted).
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

teardown() {
  local ids
  ids=$(dk ps -aq --no-trunc 2>/dev/null || true)
  [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
}

# run_c NAME ARG...: docker run -d --name NAME busybox ARG..., remembered for the leak check.
run_c() {
  local name=$1
  shift
  local id
  id=$(dk run -d --name "$name" busybox "$@")
  remember "$id"
  echo "$id"
}

# mount_like_a_killed_daemon ID: mounts the container's snapshot as a berthd killed in the
# middle of a docker cp would have left it.
mount_like_a_killed_daemon() {
  local g
  g=$(dk inspect -f '{{.GraphDriver.Data.LowerDir}} {{.GraphDriver.Data.UpperDir}} {{.GraphDriver.Data.WorkDir}} {{.GraphDriver.Data.MergedDir}}' "$1")
  set -- $g
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4"
}

# rootfs_mounted ID: true when the container's rootfs is a mount point.
rootfs_mounted() { awk -v m="$D/data/containers/$1/rootfs" '$5 == m {f=1} END {exit !f}' /proc/self/mountinfo; }

@test "commit with -c CMD and ENV, -m, -a and a tag; the image runs with the changes" {
  id=$(run_c src sh -c 'echo hello > /added; rm /bin/vi; mkdir -p /data/sub; echo x > /data/sub/x')
  dk wait src
  run dk commit -c 'CMD ["cat", "/added"]' -c 'ENV GREETING=hi' -m "first commit" \
    -a "Ann <ann@example.com>" src me/committed:v1
  [ "$status" -eq 0 ] || { echo "$output"; daemon_log; false; }
  [[ "$output" == sha256:* ]]
  image_id=$output
  [ "$(dk image inspect -f '{{.Id}}' me/committed:v1)" = "$image_id" ]
  # The new CMD runs; ENV is there; the added file is there and the deleted one is not.
  [ "$(dk run --rm me/committed:v1)" = hello ]
  [ "$(dk run --rm me/committed:v1 sh -c 'echo $GREETING')" = hi ]
  [ "$(dk run --rm me/committed:v1 cat /data/sub/x)" = x ]
  run dk run --rm me/committed:v1 ls /bin/vi
  [ "$status" -ne 0 ]
  [ "$(dk run --rm me/committed:v1 ls /bin/sh)" = /bin/sh ]
}

@test "inspect of a committed image: Config, Author, Comment, Parent, one more layer" {
  id=$(run_c src2 touch /a)
  dk wait src2
  img=$(dk commit -c 'EXPOSE 8080' -c 'LABEL stage=two' -c 'WORKDIR /srv' -m "the message" \
    -a "Bo" src2 me/inspected)
  [ "$(dk image inspect -f '{{.Author}}' "$img")" = Bo ]
  [ "$(dk image inspect -f '{{.Comment}}' "$img")" = "the message" ]
  [ "$(dk image inspect -f '{{.Parent}}' "$img")" = "$(dk image inspect -f '{{.Id}}' busybox)" ]
  [ "$(dk image inspect -f '{{json .Config.Cmd}}' "$img")" = '["touch","/a"]' ]
  [ "$(dk image inspect -f '{{.Config.WorkingDir}}' "$img")" = /srv ]
  [ "$(dk image inspect -f '{{index .Config.Labels "stage"}}' "$img")" = two ]
  [ "$(dk image inspect -f '{{json .Config.ExposedPorts}}' "$img")" = '{"8080/tcp":{}}' ]
  base=$(dk image inspect -f '{{len .RootFS.Layers}}' busybox)
  [ "$(dk image inspect -f '{{len .RootFS.Layers}}' "$img")" -eq $((base + 1)) ]
  [ "$(dk inspect -f '{{.Config.WorkingDir}}' "$(dk create me/inspected)")" = /srv ]
}

@test "the container's run options become the image's config; the API body replaces Config" {
  id=$(dk create --name opts -e MODE=fast -w /tmp -u 1:2 --label team=core --expose 9000 \
    --stop-signal SIGUSR2 --health-cmd 'true' --health-retries 7 --entrypoint /bin/echo \
    busybox from-opts)
  remember "$id"
  img=$(dk commit opts me/opts)
  [ "$(dk image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$img")" = \
    '["/bin/echo"] ["from-opts"]' ]
  [ "$(dk image inspect -f '{{.Config.WorkingDir}} {{.Config.User}} {{.Config.StopSignal}}' "$img")" = \
    "/tmp 1:2 SIGUSR2" ]
  dk image inspect -f '{{json .Config.Env}}' "$img" | grep -q '"MODE=fast"'
  [ "$(dk image inspect -f '{{index .Config.Labels "team"}}' "$img")" = core ]
  [ "$(dk image inspect -f '{{json .Config.ExposedPorts}}' "$img")" = '{"9000/tcp":{}}' ]
  [ "$(dk image inspect -f '{{json .Config.Healthcheck.Test}} {{.Config.Healthcheck.Retries}}' "$img")" = \
    '["CMD-SHELL","true"] 7' ]
  [ "$(dk run --rm -u 0 "$img")" = from-opts ]
  # A Config in the body is the base; what it leaves empty comes from the container.
  run curl -sf --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
    -d '{"Cmd": ["body"], "Env": ["MODE=slow"]}' "http://berth/commit?container=opts&repo=me/body"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [[ "$output" == *'"Id":"sha256:'* ]]
  [ "$(dk image inspect -f '{{json .Config.Cmd}} {{.Config.WorkingDir}}' me/body)" = '["body"] /tmp' ]
  dk image inspect -f '{{json .Config.Env}}' me/body | grep -q '"MODE=slow"'
  ! dk image inspect -f '{{json .Config.Env}}' me/body | grep -q '"MODE=fast"'
}

@test "docker history shows the commit on top of the parent's entries" {
  id=$(run_c src3 sh -c 'echo b > /b')
  dk wait src3
  dk commit -m "hist" src3 me/hist
  base=$(dk history -q busybox | wc -l)
  [ "$(dk history -q me/hist | wc -l)" -eq $((base + 1)) ]
  run dk history --no-trunc --format '{{.CreatedBy}}|{{.Comment}}|{{.ID}}' me/hist
  [ "$status" -eq 0 ]
  first=${lines[0]}
  [[ "$first" == "sh -c echo b > /b|hist|sha256:"* ]] || { echo "$output"; false; }
  [ "$(dk history --format '{{.Size}}' me/hist | head -n 1)" != 0B ]
}

@test "an opaque directory: rm -rf a lower dir, recreate it with one file" {
  id=$(run_c base sh -c 'mkdir -p /stuff/deep && echo 1 > /stuff/one && echo 2 > /stuff/deep/two')
  dk wait base
  dk commit base me/stuff:1
  id=$(run_c redo sh -c 'rm -rf /stuff && mkdir /stuff && echo 3 > /stuff/three')
  dk wait redo
  dk commit redo me/stuff:2
  [ "$(dk run --rm me/stuff:2 ls -A /stuff)" = three ]
  [ "$(dk run --rm me/stuff:2 cat /stuff/three)" = 3 ]
  # The parent image still has its files.
  [ "$(dk run --rm me/stuff:1 ls -A /stuff | tr '\n' ' ')" = "deep one " ]
}

@test "commit pauses a running container by default and leaves it running" {
  id=$(run_c live sleep 100)
  dk exec live sh -c 'echo live > /live'  # written before the commit, whenever run -d returns
  since=$(date +%s)
  img=$(dk commit live me/live)
  [ "$(dk inspect -f '{{.State.Status}}' live)" = running ]
  [ "$(dk run --rm "$img" cat /live)" = live ]
  actions=$(dk events --since "$since" --until "$(($(date +%s) + 1))" --filter container=live \
    --format '{{.Action}}' | tr '\n' ' ')
  [[ "$actions" == *"pause unpause commit"* ]] || { echo "events: $actions"; false; }
  # --pause=false: no pause at all.
  since=$(date +%s)
  dk commit --pause=false live me/live:nopause
  [ "$(dk inspect -f '{{.State.Status}}' live)" = running ]
  actions=$(dk events --since "$since" --until "$(($(date +%s) + 1))" --filter container=live \
    --format '{{.Action}}' | tr '\n' ' ')
  [[ "$actions" == *commit* ]] && [[ "$actions" != *pause* ]] || { echo "events: $actions"; false; }
}

@test "commit of a paused container leaves it paused" {
  id=$(run_c held sleep 100)
  dk pause held
  dk commit held me/held
  [ "$(dk inspect -f '{{.State.Status}}' held)" = paused ]
  dk unpause held
}

@test "commit of a stopped container, and of a never-started one (no layer added)" {
  id=$(run_c stopped sh -c 'echo s > /s')
  dk wait stopped
  [ "$(dk run --rm "$(dk commit stopped)" cat /s)" = s ]
  ! rootfs_mounted "$id"
  cid=$(dk create --name fresh busybox true)
  remember "$cid"
  img=$(dk commit fresh me/fresh)
  base=$(dk image inspect -f '{{len .RootFS.Layers}}' busybox)
  [ "$(dk image inspect -f '{{len .RootFS.Layers}}' "$img")" -eq "$base" ]
  [ "$(dk history -q "$img" | wc -l)" -eq $(($(dk history -q busybox | wc -l) + 1)) ]
  [ "$(dk image inspect -f '{{.Parent}}' "$img")" = "$(dk image inspect -f '{{.Id}}' busybox)" ]
  # Without a tag the image is dangling.
  untagged=$(dk commit fresh)
  [ "$(dk image inspect -f '{{len .RepoTags}}' "$untagged")" = 0 ]
}

# The runtime makes /etc/resolv.conf in the upper dir when the image lacks it, which copies
# /etc up. Docker keeps that in its init layer: an untouched container has no diff and its
# commit adds no layer. A real change to /etc still shows.
@test "a container that ran but changed nothing: empty docker diff, commit adds no layer" {
  id=$(run_c untouched sleep 100)
  [ -e "$D/data/containers/$id/upper/etc/resolv.conf" ]  # the situation this is about
  run dk diff untouched
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  img=$(dk commit untouched me/untouched)
  [ "$(dk image inspect -f '{{len .RootFS.Layers}}' "$img")" -eq "$(dk image inspect -f '{{len .RootFS.Layers}}' busybox)" ]
  dk exec untouched chmod 700 /etc
  [ "$(dk diff untouched)" = "C /etc" ]
  img2=$(dk commit untouched me/untouched:2)
  [ "$(dk run --rm me/untouched:2 stat -c %a /etc)" = 700 ]
  dk rmi me/untouched me/untouched:2 >/dev/null
}

@test "a bad --change is refused naming it, and leaves nothing behind" {
  id=$(run_c badchg sleep 100)
  before=$(dk images -aq | wc -l)
  run dk commit -c 'RUN rm -rf /' badchg me/bad
  [ "$status" -ne 0 ]
  [[ "$output" == *RUN*"not a valid change command"* ]] || { echo "$output"; false; }
  run dk commit -c 'ENV' badchg me/bad
  [ "$status" -ne 0 ]
  [[ "$output" == *ENV* ]] || { echo "$output"; false; }
  [ "$(dk images -aq | wc -l)" -eq "$before" ]
  [ "$(dk inspect -f '{{.State.Status}}' badchg)" = running ]
  run dk image inspect me/bad
  [ "$status" -ne 0 ]
  run curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" -X POST \
    "http://berth/commit?container=badchg&changes=FROM%20x"
  [ "$output" = 400 ]
}

@test "commit -c HEALTHCHECK: the image carries the check and its containers run it" {
  run_c hcsrc sleep 100 >/dev/null
  dk commit -c 'HEALTHCHECK --interval=200ms --timeout=2s --retries=2 CMD test -e /tmp/ok' hcsrc me/hc >/dev/null
  [ "$(dk image inspect -f '{{json .Config.Healthcheck}}' me/hc)" = \
    '{"Test":["CMD-SHELL","test -e /tmp/ok"],"Interval":200000000,"Timeout":2000000000,"Retries":2}' ]
  id=$(dk run -d me/hc sleep 100)
  remember "$id"
  health_is() { [ "$(dk inspect -f '{{.State.Health.Status}}' "$id")" = "$1" ]; }
  poll_until 30 health_is unhealthy
  dk exec "$id" touch /tmp/ok
  poll_until 30 health_is healthy
  # NONE turns an inherited check off; a malformed one is refused with moby's words
  dk commit -c 'HEALTHCHECK NONE' hcsrc me/hc-off >/dev/null
  [ "$(dk image inspect -f '{{json .Config.Healthcheck.Test}}' me/hc-off)" = '["NONE"]' ]
  run dk commit -c 'HEALTHCHECK --interval=1s RUN true' hcsrc me/hc-bad
  [ "$status" -ne 0 ]
  [[ "$output" == *'Unknown type "RUN" in HEALTHCHECK (try CMD)'* ]]
  dk rm -f "$id" >/dev/null
  dk rmi me/hc me/hc-off >/dev/null
}

@test "commit of an unknown container is a 404" {
  run dk commit nosuchcontainer me/x
  [ "$status" -ne 0 ]
  [[ "$output" == *"No such container: nosuchcontainer"* ]] || { echo "$output"; false; }
  run curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" -X POST \
    "http://berth/commit?container=nosuchcontainer"
  [ "$output" = 404 ]
}

@test "a committed image survives docker save | docker rmi | docker load" {
  id=$(run_c saver sh -c 'echo saved > /saved; rm /bin/vi')
  dk wait saver
  img=$(dk commit -m kept saver me/saved:1)
  dk rm saver
  dk save me/saved:1 -o "$D/saved.tar"
  # The top layer holds the container's changes, whiteout included, and no mount point stubs.
  mkdir "$D/saved"
  tar -xf "$D/saved.tar" -C "$D/saved"
  top=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Layers"][-1])' \
    "$D/saved/manifest.json")
  tar -tf "$D/saved/$top" > "$D/saved/top.list"
  grep -qx saved "$D/saved/top.list"
  grep -qx bin/.wh.vi "$D/saved/top.list"
  ! grep -q resolv.conf "$D/saved/top.list"
  dk rmi me/saved:1
  run dk image inspect "$img"
  [ "$status" -ne 0 ]
  run dk load -i "$D/saved.tar"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Loaded image: me/saved:1"* ]]
  [ "$(dk image inspect -f '{{.Id}}' me/saved:1)" = "$img" ]
  [ "$(dk run --rm me/saved:1 cat /saved)" = saved ]
  run dk run --rm me/saved:1 ls /bin/vi
  [ "$status" -ne 0 ]
}

@test "docker cp both ways on an exited container, no mount left behind" {
  id=$(run_c exited sh -c 'echo inside > /inside')
  dk wait exited
  echo outside > "$D/outside.txt"
  dk cp "$D/outside.txt" exited:/outside.txt
  ! rootfs_mounted "$id"
  dk cp exited:/inside "$D/inside.txt"
  [ "$(cat "$D/inside.txt")" = inside ]
  ! rootfs_mounted "$id"
  run dk cp exited:/no/such "$D/"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Could not find the file /no/such in container exited"* ]]
  ! rootfs_mounted "$id"
  dk start -a exited >/dev/null
  [ "$(dk diff exited | grep -c '^A /outside.txt$')" = 1 ]
  [ "$(dk run --rm "$(dk commit exited)" cat /outside.txt)" = outside ]
}

@test "docker cp into a created container; it sees the file when started" {
  id=$(dk create --name made busybox cat /etc/greeting)
  remember "$id"
  mkdir -p "$D/tree/etc"
  echo "greetings" > "$D/tree/etc/greeting"
  dk cp "$D/tree/etc/greeting" made:/etc/greeting
  ! rootfs_mounted "$id"
  dk cp made:/etc/greeting "$D/back.txt"
  [ "$(cat "$D/back.txt")" = greetings ]
  [ "$(dk start -a made)" = greetings ]
  ! rootfs_mounted "$id"
}

@test "docker export and docker diff of an exited container" {
  id=$(run_c gone sh -c 'echo e > /exported; rm /bin/vi')
  dk wait gone
  dk export gone > "$D/gone.tar"
  tar -tf "$D/gone.tar" > "$D/gone.list"
  grep -qx 'exported\|./exported' "$D/gone.list"
  grep -qx 'bin/busybox\|./bin/busybox' "$D/gone.list"
  ! grep -qx 'bin/vi\|./bin/vi' "$D/gone.list"
  ! rootfs_mounted "$id"
  run dk diff gone
  [ "$status" -eq 0 ]
  [[ "$output" == *"A /exported"* ]]
  [[ "$output" == *"D /bin/vi"* ]]
  # The runtime's mount point for resolv.conf (busybox has none) is not a change.
  [[ "$output" != *"/etc/resolv.conf"* ]]
}

@test "docker cp racing docker start of the same container leaves it running and mounted once" {
  id=$(dk create --name racer busybox sleep 100)
  remember "$id"
  echo r > "$D/r.txt"
  local i
  for i in 1 2 3; do dk cp "$D/r.txt" racer:/r$i.txt & done
  dk start racer
  wait
  [ "$(dk inspect -f '{{.State.Status}}' racer)" = running ]
  rootfs_mounted "$id"
  [ "$(awk -v m="$D/data/containers/$id/rootfs" '$5 == m' /proc/self/mountinfo | wc -l)" = 1 ]
  [ "$(dk exec racer cat /r1.txt /r2.txt /r3.txt | tr -d '\n')" = rrr ]
  dk rm -f racer
  ! rootfs_mounted "$id"
}

@test "a stopped container's leftover rootfs mount is taken over by docker cp and unmounted" {
  id=$(dk create --name leftover busybox true)
  remember "$id"
  mount_like_a_killed_daemon "$id"
  rootfs_mounted "$id"
  dk cp leftover:/etc/passwd "$D/passwd.out"
  grep -q '^root:' "$D/passwd.out"
  ! rootfs_mounted "$id" || { umount "$D/data/containers/$id/rootfs"; false; }
}
