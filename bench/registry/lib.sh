# Private docker-registry processes for the registry bench, on 127.0.0.1 only, stopped by pid
# (never Debian's systemd unit on :5000). Needs bench/lib/dockerd.sh (stop_pid, wait_for).
#   start_registry DIR          storage and config under DIR; sets REG_ADDR (127.0.0.1:PORT), REG_PID
#   restart_registry_empty DIR  stops DIR's registry, wipes its storage, starts it on the same port
#   stop_registries             stops every registry started here
declare -A reg_pid_of=() reg_port_of=()

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

registry_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/v2/"; }

# run_registry DIR PORT: 0 once it answers, 1 if it exited (a port taken meanwhile)
run_registry() {
    local dir=$1 port=$2
    mkdir -p "$dir/store"
    cat > "$dir/config.yml" <<EOC
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/store
http:
  addr: 127.0.0.1:$port
  secret: berth-bench
EOC
    # REGISTRY_* variables would override the config (skopeo's REGISTRY_AUTH_FILE among them)
    env -u REGISTRY_AUTH_FILE docker-registry serve "$dir/config.yml" >> "$dir/registry.log" 2>&1 &
    REG_PID=$!
    reg_pid_of[$dir]=$REG_PID reg_port_of[$dir]=$port
    local i
    for i in $(seq 1 300); do
        registry_answers "$port" && return 0
        kill -0 "$REG_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

start_registry() {
    local dir=$1 try port
    for try in 1 2 3 4 5; do
        port=$(free_port)
        if run_registry "$dir" "$port"; then REG_ADDR=127.0.0.1:$port; return 0; fi
        stop_pid "$REG_PID"
    done
    echo "docker-registry did not start:" >&2; tail -20 "$dir/registry.log" >&2
    exit 1
}

restart_registry_empty() {
    local dir=$1
    stop_pid "${reg_pid_of[$dir]}"
    rm -rf "$dir/store"
    run_registry "$dir" "${reg_port_of[$dir]}" ||
        { echo "docker-registry did not restart on port ${reg_port_of[$dir]}" >&2; tail -20 "$dir/registry.log" >&2; exit 1; }
}

stop_registries() {
    local d
    for d in "${!reg_pid_of[@]}"; do stop_pid "${reg_pid_of[$d]}"; done
}
