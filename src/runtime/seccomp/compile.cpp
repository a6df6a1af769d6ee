// compile(): linux.seccomp -> BPF, in the parent, with libseccomp. The child only gets the
// finished instructions (install.cpp), so nothing of libseccomp runs between clone and execve.
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "runtime/seccomp/enosys_stub.hpp"
#include "runtime/seccomp/names.hpp"
#include "runtime/seccomp/seccomp.hpp"

namespace berth::runtime::seccomp {
namespace {

constexpr const char* kDoc = "config.json: ";
constexpr const char* kBase = "linux.seccomp";
constexpr unsigned kMaxArgs = 6;  // seccomp_data.args

[[noreturn]] void invalid(const std::string& path, const std::string& problem) {
    throw Error(Errc::invalid_argument, kDoc + path + ": " + problem);
}

struct CtxRelease {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxRelease>;

struct Action {
    ActionKind kind;
    uint32_t value;  // SCMP_ACT_*
    uint32_t errno_ret;
};

Action resolve_action(const std::string& name, const std::optional<uint32_t>& errno_ret,
                      const std::string& action_path, const std::string& errno_path) {
    auto kind = action_kind(name);
    if (!kind) invalid(action_path, "unknown action \"" + name + "\"");
    if (*kind == ActionKind::notify) {
        invalid(action_path,
                "SCMP_ACT_NOTIFY is not supported: berth has no seccomp notify listener");
    }
    if (errno_ret) {
        if (!action_takes_errno(*kind)) {
            invalid(errno_path,
                    "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not " + name);
        }
        // The kernel keeps 16 bits of return data; a larger value would silently wrap.
        if (*errno_ret > 0xffff)
            invalid(errno_path, "errno " + std::to_string(*errno_ret) + " out of range");
    }
    // EPERM when unset, as runc does for both ERRNO and TRACE.
    uint32_t data = errno_ret.value_or(EPERM);
    return Action{*kind, action_value(*kind, data), data};
}

std::vector<uint32_t> add_architectures(void* ctx, const Seccomp& config) {
    std::vector<uint32_t> arches{seccomp_arch_native()};
    for (size_t i = 0; i < config.architectures.size(); ++i) {
        const auto& name = config.architectures[i];
        std::string path = std::string(kBase) + ".architectures[" + std::to_string(i) + "]";
        auto arch = arch_token(name);
        if (!arch) invalid(path, "unknown architecture \"" + name + "\"");
        if (!arch->token) continue;  // valid, but this libseccomp cannot filter it: see names.cpp
        int rc = seccomp_arch_add(ctx, *arch->token);
        if (rc == -EEXIST) continue;  // the native one, or listed twice
        // libseccomp puts only architectures of the native byte order in one filter (EDOM).
        // A big-endian process cannot run on a little-endian kernel or the reverse (qemu-user
        // makes native syscalls), so there is nothing to filter: skip, as for unknown arches.
        if (rc == -EDOM) continue;
        if (rc < 0)
            invalid(path, "cannot add architecture \"" + name + "\": " + std::strerror(-rc));
        arches.push_back(*arch->token);
    }
    return arches;
}

unsigned resolve_flags(const Seccomp& config) {
    unsigned flags = 0;
    for (size_t i = 0; i < config.flags.size(); ++i) {
        auto bit = filter_flag(config.flags[i]);
        if (!bit) {
            invalid(std::string(kBase) + ".flags[" + std::to_string(i) + "]",
                    "unknown flag \"" + config.flags[i] + "\"");
        }
        flags |= *bit;
    }
    return flags;
}

std::vector<scmp_arg_cmp> conditions(const SeccompSyscall& call, const std::string& path) {
    std::vector<scmp_arg_cmp> out;
    for (size_t j = 0; j < call.args.size(); ++j) {
        const auto& arg = call.args[j];
        std::string arg_path = path + ".args[" + std::to_string(j) + "]";
        auto op = compare_op(arg.op);
        if (!op) invalid(arg_path + ".op", "unknown operator \"" + arg.op + "\"");
        if (arg.index >= kMaxArgs) {
            invalid(arg_path + ".index",
                    "argument index " + std::to_string(arg.index) + " out of range (0-5)");
        }
        // For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the expected result, which is
        // libseccomp's datum_a/datum_b order; the other operators ignore datum_b.
        out.push_back(scmp_arg_cmp{arg.index, *op, arg.value, arg.value_two});
    }
    return out;
}

// libseccomp refuses (EINVAL) a rule with two comparisons on the same argument. runc then
// adds one rule per comparison, which turns the rule's AND into an OR; configs written for
// runc (and tested against it) expect exactly that, so berth does the same.
bool repeats_an_argument(const std::vector<scmp_arg_cmp>& conds) {
    std::array<unsigned, kMaxArgs> count{};
    for (const auto& cond : conds) {
        if (++count[cond.arg] > 1) return true;
    }
    return false;
}

void add_rule(void* ctx, const Action& action, int nr, const std::vector<scmp_arg_cmp>& conds,
              const std::string& name, const std::string& path) {
    auto check = [&](int rc) {
        if (rc < 0) {
            invalid(path, "cannot add rule for syscall \"" + name + "\": " + std::strerror(-rc));
        }
    };
    if (repeats_an_argument(conds)) {
        for (const auto& cond : conds)
            check(seccomp_rule_add_array(ctx, action.value, nr, 1, &cond));
    } else {
        check(seccomp_rule_add_array(ctx, action.value, nr, static_cast<unsigned>(conds.size()),
                                     conds.empty() ? nullptr : conds.data()));
    }
}

std::vector<sock_filter> export_bpf(void* ctx) {
    // libseccomp 2.5 can only export to a file descriptor. An anonymous memfd touches no
    // filesystem and, unlike a pipe, cannot fill up and block the writer with no reader.
    UniqueFd fd(::memfd_create("berth-seccomp-bpf", MFD_CLOEXEC));
    if (!fd) throw_errno("seccomp: memfd_create");
    int rc = seccomp_export_bpf(ctx, fd.get());
    if (rc < 0) throw_sys("seccomp: exporting BPF", -rc);
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) throw_errno("seccomp: fstat of exported BPF");
    auto size = static_cast<size_t>(st.st_size);
    if (size == 0 || size % sizeof(sock_filter) != 0) {
        throw Error(Errc::internal, "seccomp: libseccomp exported " + std::to_string(size) +
                                        " bytes, not a whole number of BPF instructions");
    }
    std::vector<sock_filter> filter(size / sizeof(sock_filter));
    auto* out = reinterpret_cast<char*>(filter.data());
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd.get(), out + done, size - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("seccomp: reading exported BPF");
        if (n == 0) throw Error(Errc::internal, "seccomp: exported BPF shrank while reading it");
        done += static_cast<size_t>(n);
    }
    return filter;
}

// The stub would turn "not allowed" into ENOSYS for new syscalls; with a default that already
// lets them through (or traces them: a tracer should cope with new syscalls itself), or that
// already answers ENOSYS, it has nothing to add. runc makes the same choice.
bool wants_enosys_stub(const Action& default_action) {
    switch (default_action.kind) {
        case ActionKind::allow:
        case ActionKind::log:
        case ActionKind::trace:
            return false;
        case ActionKind::errno_ret:
            return default_action.errno_ret != ENOSYS;
        default:
            return true;
    }
}

}  // namespace

Program compile(const Seccomp& config) {
    std::string base = kBase;
    Action default_action = resolve_action(config.default_action, config.default_errno_ret,
                                           base + ".defaultAction", base + ".defaultErrnoRet");
    Ctx ctx(seccomp_init(default_action.value));
    if (!ctx) throw Error(Errc::internal, "seccomp: seccomp_init failed");
    // berth sets no_new_privs itself, only when process.noNewPrivileges asks for it.
    int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
    if (rc < 0) throw_sys("seccomp: clearing SCMP_FLTATR_CTL_NNP", -rc);

    std::vector<uint32_t> arches = add_architectures(ctx.get(), config);
    Program program;
    program.flags = resolve_flags(config);

    std::vector<std::string> all_names;
    for (size_t i = 0; i < config.syscalls.size(); ++i) {
        const auto& call = config.syscalls[i];
        std::string path =
            call.json_path.empty() ? base + ".syscalls[" + std::to_string(i) + "]" : call.json_path;
        // Validate everything before deciding to skip, so a mistake is reported even in a rule
        // that happens to repeat the default action.
        Action action =
            resolve_action(call.action, call.errno_ret, path + ".action", path + ".errnoRet");
        auto conds = conditions(call, path);
        all_names.insert(all_names.end(), call.names.begin(), call.names.end());
        // libseccomp refuses a rule that repeats the default action (EACCES); it is a no-op.
        if (action.value == default_action.value) continue;
        for (const auto& name : call.names) {
            int nr = seccomp_syscall_resolve_name(name.c_str());
            // A name this libseccomp does not know (newer kernel, other architecture) is
            // skipped, as runc does, so one profile serves many hosts.
            if (nr == __NR_SCMP_ERROR) continue;
            add_rule(ctx.get(), action, nr, conds, name, path);
        }
    }

    std::vector<sock_filter> filter = export_bpf(ctx.get());
    if (wants_enosys_stub(default_action)) {
        std::vector<sock_filter> stub = enosys_stub(arches, all_names);
        filter.insert(filter.begin(), stub.begin(), stub.end());
    }
    if (filter.size() > BPF_MAXINSNS) {
        invalid(base, "the filter has " + std::to_string(filter.size()) +
                          " BPF instructions, more than the kernel's limit of " +
                          std::to_string(BPF_MAXINSNS));
    }
    program.filter = std::move(filter);
    return program;
}

}  // namespace berth::runtime::seccomp
