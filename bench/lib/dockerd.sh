# Shared by the benches: a private dockerd (Debian's docker.io) with its own containerd, all
# state (roots, sockets, pid files) under one work dir; no bridge, no iptables, no ip
# forwarding, so nothing on the host network changes. Everything started here is stopped by
# pid. Source it, then:
#   start_private_dockerd WORK SOCKET [RUN]  sets containerd_pid, dockerd_pid (exits on failure);
#                                       RUN (default WORK) holds the exec root and containerd's
#                                       state: give a dir on tmpfs (/run) to match a real host
#   stop_private_dockerd WORK           stops both, ends leftover shims, unmounts under WORK
#   dockerd_extra_args=(...)            set before starting: more dockerd flags
#                                       (e.g. --insecure-registry 127.0.0.1:PORT)
# also: stop_pid PID, wait_for SECONDS COMMAND...

containerd_pid="" dockerd_pid="" made_run_docker=0
dockerd_extra_args=()

stop_pid() {  # pid: TERM, wait up to 30 s, then KILL; only our own children
    local pid="$1" i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

wait_for() {  # seconds command...: poll until the command succeeds
    local i
    for i in $(seq 1 $(($1 * 10))); do "${@:2}" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

start_private_dockerd() {  # work socket-path [run-dir]
    local work="$1" sock="$2" run="${3:-$1}"
    mkdir -p "$work/containerd-root" "$run/containerd-state" "$work/docker-data" "$run/docker-exec"
    cat > "$work/containerd.toml" <<EOF
version = 2
root = "$work/containerd-root"
state = "$run/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$run/containerd.sock"
[ttrpc]
  address = "$run/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
    [ -e /run/docker ] || made_run_docker=1
    containerd --config "$work/containerd.toml" > "$work/containerd.log" 2>&1 &
    containerd_pid=$!
    wait_for 30 test -S "$run/containerd.sock" || { tail -20 "$work/containerd.log" >&2; exit 1; }
    # key.json would otherwise go to /etc/docker (dockerd 20.10 has no flag for it, only this key)
    echo "{\"deprecated-key-path\": \"$work/docker-key.json\"}" > "$work/daemon.json"
    dockerd --config-file "$work/daemon.json" --data-root "$work/docker-data" --exec-root "$run/docker-exec" \
        -H "unix://$sock" --pidfile "$work/docker.pid" --containerd "$run/containerd.sock" \
        --storage-driver overlay2 \
        --bridge none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
        "${dockerd_extra_args[@]}" > "$work/dockerd.log" 2>&1 &
    dockerd_pid=$!
    wait_for 60 docker -H "unix://$sock" version ||
        { kill -0 "$dockerd_pid" 2>/dev/null || echo "dockerd exited" >&2; tail -20 "$work/dockerd.log" >&2; exit 1; }
}

stop_private_dockerd() {  # work [run-dir]
    local work="$1" run="${2:-$1}"
    stop_pid "$dockerd_pid"
    stop_pid "$containerd_pid"
    # containerd shims outlive containerd; if a removal failed, end ours (by pid: their container
    # processes first, then the shim), found by our private containerd socket in their arguments
    ps -eo pid=,comm=,args= | awk -v a="$run/containerd.sock" '$2 ~ /^containerd-shim/ && index($0, a) {print $1}' |
        while read -r s; do
            for c in $(cat /proc/"$s"/task/*/children 2>/dev/null); do kill -KILL "$c" 2>/dev/null || true; done
            kill -TERM "$s" 2>/dev/null || true
        done
    # the daemons may leave mounts (overlay, shm, netns, private binds) under their roots
    local d
    for d in "$work" "$run"; do
        awk -v w="$d" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r |
            while read -r m; do umount -l "$m" 2>/dev/null || true; done
    done
    # dockerd's plugin discovery dir is fixed at /run/docker/plugins; remove it if we made it
    if [ "$made_run_docker" = 1 ]; then rmdir /run/docker/plugins /run/docker 2>/dev/null || true; fi
}
