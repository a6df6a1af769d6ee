#!/usr/bin/env bats
# Cross-check against runc: what the container sees of its filesystem (/dev, mounts, /proc,
# /sys, masked and read-only paths, sysctls, cgroups).
load helpers

setup() { xc_setup; }
teardown() { xc_teardown; }

USERNS='.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'

# Legitimate differences in the mount table of the default spec:
#  - /sys/fs/cgroup on a v1 host is a tmpfs holding the hierarchies. The config asks for it
#    "ro". berth remounts the tmpfs read-only (what runc did up to 1.0); Debian's runc 1.1.5
#    leaves the tmpfs mounted rw and makes its root directory 0555 instead. Either way the
#    container cannot create anything there (see "writability" below); only the flag differs.
#  - nosuid/nodev/noexec on procfs: procfs holds no device nodes, no set-id files and nothing
#    executable, so these flags cannot change what a container can do there. berth adds them
#    to the read-only binds of readonlyPaths, runc keeps the flags of the underlying mount.
#    Elsewhere that difference matters and is a berth bug: see "readonlyPaths outside /proc".
#  - The source of a cgroup v1 mount is a free-text label (the hierarchy is chosen by the
#    super options): runc labels the name=systemd hierarchy "systemd", berth "cgroup".
xc_norm_mounts() {
  xc_norm_mountinfo | awk '
    $2 == "cgroup" { $3 = "<label>" }
    $1 == "/sys/fs/cgroup" && $2 == "tmpfs" { sub(/^(ro|rw),/, "<ro-or-rw>,", $5) }
    $2 == "proc" { gsub(/,(nosuid|nodev|noexec)/, "", $5) }
    { print }'
}

xc_norm_cgroup_ls() {
  xc_norm_ls | sed -E 's/^d[rwx-]{9}( +[0-9]+ +root +root +[0-9]+ <date> \.)$/d<mode>\1/'
}

@test "crosscheck: ls /dev" {
  xc_run sh -c 'ls -a /dev; stat -c "%A %U %G %t:%T %s %N" /dev/* /dev/pts/* /dev/shm /dev/mqueue'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: ls /dev in a user namespace" {
  # /dev/mqueue's owner differs: see the next test.
  xc_config "$USERNS"
  xc_run sh -c 'ls -a /dev; stat -c "%A %U %G %t:%T %s %N" $(ls -d /dev/* | grep -v mqueue) /dev/pts/* /dev/shm'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: owner of /dev/mqueue in a user namespace" {
  # The IPC namespace (and with it the mqueue instance) is created after the init has become
  # root of the new user namespace, in both runtimes, so the mqueue root is the container's root's.
  xc_config "$USERNS"
  xc_run stat -c '%A %U %G %N' /dev/mqueue
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: mounts (default spec)" {
  xc_run cat /proc/self/mountinfo
  xc_compare xc_norm_mounts
  xc_expect_exit 0
}

@test "crosscheck: mounts in a user namespace" {
  xc_config "$USERNS"
  xc_run cat /proc/self/mountinfo
  xc_compare xc_norm_mounts
  xc_expect_exit 0
}

@test "crosscheck: bind, rbind and tmpfs mounts with options" {
  local host=$XC_DIR/hostdir
  mkdir -p "$host/sub"
  echo from-host > "$host/file"
  xc_config ".mounts += [
      {\"destination\": \"/mnt/ro\", \"type\": \"bind\", \"source\": \"$host\", \"options\": [\"bind\", \"ro\", \"nosuid\", \"nodev\"]},
      {\"destination\": \"/mnt/rw\", \"type\": \"bind\", \"source\": \"$host\", \"options\": [\"rbind\", \"rw\", \"noexec\", \"rprivate\"]},
      {\"destination\": \"/mnt/file\", \"type\": \"bind\", \"source\": \"$host/file\", \"options\": [\"bind\", \"ro\"]},
      {\"destination\": \"/run\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"nodev\", \"size=1m\", \"mode=700\"]}]"
  xc_run sh -c 'exec 2>&1; grep -E " /(mnt|run)" /proc/self/mountinfo; cat /mnt/ro/file /mnt/file
                touch /mnt/ro/x || true; touch /mnt/rw/y && echo wrote; stat -c "%a %U" /run /mnt/ro/sub'
  xc_compare xc_norm_mountinfo
  xc_expect_exit 0
}

@test "crosscheck: read-only rootfs" {
  xc_run sh -c 'exec 2>&1; touch /x; mkdir /y; echo > /tmp/z; touch /dev/shm/ok && echo shm writable
                awk "\$5 == \"/\"" /proc/self/mountinfo'
  xc_compare xc_norm_mountinfo
}

@test "crosscheck: /proc/sys and other kernel files are not writable" {
  # `: >` opens for writing without writing anything, so a wrongly writable file is not changed
  # (in a subshell: a failed redirection of a special built-in ends the shell).
  xc_run sh -c 'exec 2>&1
    for p in /proc/sys/kernel/hostname /proc/sys/net/ipv4/ip_forward /proc/sys/vm/overcommit_memory \
             /proc/sysrq-trigger /proc/irq/default_smp_affinity /proc/bus /sys/kernel/mm/transparent_hugepage/enabled \
             /sys/fs/cgroup/x /sys/fs/cgroup/memory/memory.limit_in_bytes /proc/self/oom_score_adj; do
      if [ -w "$p" ]; then w=w; else w=-; fi
      if (: > "$p") 2>/dev/null; then o=opened; else o=refused; fi
      echo "$p $w $o"
    done
    mkdir /sys/fs/cgroup/x 2>/dev/null && echo "mkdir /sys/fs/cgroup/x succeeded"
    mkdir /sys/fs/cgroup/memory/x 2>/dev/null && echo "mkdir /sys/fs/cgroup/memory/x succeeded"
    true'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: masked paths" {
  xc_run sh -c 'exec 2>&1
    for p in /proc/acpi /proc/asound /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list \
             /proc/timer_stats /proc/sched_debug /sys/firmware /proc/scsi; do
      echo "== $p"
      ls -la "$p" | grep -v " \.\.$"   # drop ..: its link count is the number of host processes
      [ -f "$p" -o -c "$p" ] && { cat "$p" | wc -c; }
      touch "$p/x" 2>&1
    done; true'
  xc_compare xc_norm_ls
  xc_expect_exit 0
}

@test "crosscheck: readonlyPaths outside /proc keep exec, suid and dev" {
  # runc re-binds a read-only path with MS_RDONLY plus the flags the mount already has.
  # berth adds nosuid,nodev,noexec too, so a program under a read-only path cannot run.
  xc_add_file /opt/hello 755 $'#!/bin/sh\necho hello from opt\n'
  xc_config '.linux.readonlyPaths += ["/opt"]'
  xc_run sh -c 'exec 2>&1; /opt/hello; touch /opt/x; grep " /opt " /proc/self/mountinfo'
  xc_compare xc_norm_mountinfo
}

@test "crosscheck: sysctl via linux.sysctl (default readonlyPaths)" {
  # runc writes sysctls before it makes readonlyPaths read-only; berth writes them after, so
  # with the default spec (/proc/sys read-only) every sysctl fails with EROFS.
  xc_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789", "net.ipv4.ping_group_range": "0 0"}'
  xc_run sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ping_group_range'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: sysctl via linux.sysctl (/proc/sys writable)" {
  # The same sysctls with /proc/sys left out of readonlyPaths: the values agree.
  xc_config '.linux.readonlyPaths -= ["/proc/sys"]
             | .linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789", "net.ipv4.ping_group_range": "0 0"}'
  xc_run sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ping_group_range'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: ls -la /sys/fs/cgroup" {
  # The "." line: berth's cgroup tmpfs is mode 0755 on a read-only mount, runc's is 0555 on a
  # read-write mount (see xc_norm_mounts above).
  xc_run sh -c 'ls -la /sys/fs/cgroup; cat /proc/self/cgroup'
  xc_compare xc_norm_cgroup_ls
  xc_expect_exit 0
}

@test "crosscheck: cgroup limits as seen from inside" {
  xc_config '.linux.resources.memory = {"limit": 268435456, "swap": 536870912, "reservation": 134217728}
             | .linux.resources.pids = {"limit": 77}
             | .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
  xc_run sh -c 'cd /sys/fs/cgroup
    cat memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes memory/memory.soft_limit_in_bytes \
        pids/pids.max cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us 2>&1
    ls memory | wc -l; ls pids | sort'
  xc_compare
  xc_expect_exit 0
}
