#!/usr/bin/env bats
# Cross-check against runc: who the container process is (ids, capabilities, limits, env).
load helpers

setup() { xc_setup; }
teardown() { xc_teardown; }

@test "crosscheck: id" {
  xc_run id
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: hostname" {
  # Not domainname: runc 1.1.5 (Debian 12, runtime-spec 1.0.2) predates the field and ignores
  # it, while berth implements runtime-spec 1.2 and sets it.
  xc_config '.hostname = "xc-host"'
  xc_run sh -c 'hostname; cat /proc/sys/kernel/hostname'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: pid namespace (pid 1, its cmdline, the next pid is not 1)" {
  # runc's init is a multi-threaded Go program whose threads take pids 2..5 in the new pid
  # namespace before it execs; berth's init is single-threaded. Only pid 1 is comparable.
  # ps is not piped: a concurrent pipe member would show up in the listing.
  xc_run sh -c 'echo $$; tr "\0" " " < /proc/1/cmdline; echo; ps -o pid,user,comm; true'
  xc_compare sed -E 's/^ +[2-9][0-9]* /    N /'
  xc_expect_exit 0
}

@test "crosscheck: capabilities, no_new_privs and seccomp status (default spec)" {
  xc_run sh -c "grep -E 'Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp' /proc/self/status"
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: capabilities with inheritable and ambient sets, non-root user, no_new_privs off" {
  xc_config '.process.capabilities.ambient = ["CAP_KILL"] | .process.capabilities.inheritable = ["CAP_KILL"]
             | .process.user.uid = 1000 | .process.noNewPrivileges = false'
  xc_run sh -c "grep -E 'Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs' /proc/self/status"
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: capabilities of a container with every capability" {
  local all='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID",
    "CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SYS_CHROOT","CAP_MKNOD","CAP_AUDIT_WRITE",
    "CAP_SETFCAP","CAP_SYS_ADMIN","CAP_NET_ADMIN","CAP_SYS_PTRACE"]'
  xc_config ".process.capabilities.bounding = $all | .process.capabilities.effective = $all
             | .process.capabilities.permitted = $all"
  xc_run sh -c "grep -E 'Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status"
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: seccomp status with a filter" {
  xc_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
             "syscalls": [{"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
             | .root.readonly = false'
  xc_run sh -c "grep -E '^Seccomp' /proc/self/status; mkdir /tmp/x 2>&1 || echo mkdir failed"
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: user, groups and umask from process.user" {
  xc_config '.process.user = {"uid": 65534, "gid": 65534, "additionalGids": [5, 10], "umask": 63}'
  xc_run sh -c 'id; umask; grep -E "^(Uid|Gid|Groups)" /proc/self/status'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: ulimit -n and the other rlimits" {
  xc_config '.process.rlimits += [{"type": "RLIMIT_NPROC", "soft": 100, "hard": 200},
                                  {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
  xc_run sh -c 'ulimit -n; ulimit -Hn; ulimit -a'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: umask (default)" {
  xc_run sh -c umask
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: pwd (default, given and missing cwd)" {
  xc_run pwd
  xc_compare
  xc_config '.process.cwd = "/tmp"'
  xc_run pwd
  xc_compare
  # A missing cwd is created by both runtimes (the rootfs must be writable for that).
  xc_config '.process.cwd = "/work/new/dir" | .root.readonly = false'
  xc_run pwd
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: env | sort" {
  # runc sets HOME from the rootfs's /etc/passwd entry of process.user.uid ("/" when there is
  # none) when process.env has no HOME; berth passes process.env through unchanged.
  xc_run sh -c 'env | sort'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: env | sort for a non-root user" {
  xc_config '.process.user = {"uid": 65534, "gid": 65534}'
  xc_run sh -c 'env | sort'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: env | sort with HOME given" {
  # The same as above with HOME in process.env: everything else about the environment agrees.
  xc_config '.process.env += ["HOME=/home/xc", "XC_VAR=a b=c"]'
  xc_run sh -c 'env | sort'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: uid_map, gid_map and setgroups in a user namespace" {
  xc_config '.linux.namespaces += [{"type": "user"}]
             | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
             | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  xc_run sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id'
  xc_compare
  xc_expect_exit 0
}

@test "crosscheck: capabilities in a user namespace" {
  xc_config '.linux.namespaces += [{"type": "user"}]
             | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
             | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  xc_run sh -c "grep -E 'Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs' /proc/self/status"
  xc_compare
  xc_expect_exit 0
}
