// Builds the -ENOSYS stub. Unlike runc, which lays the stub out backwards to compute its
// jumps, this uses a tiny label assembler: emit instructions that name their jump targets,
// place the labels, resolve the offsets at the end. The stub only jumps forward and within
// itself (plus one past its end), so every offset fits BPF's 8-bit conditional jumps as long
// as the stub stays under 256 instructions, which finish() checks.
#include "runtime/seccomp/enosys_stub.hpp"

#include <linux/audit.h>
#include <seccomp.h>
#include <stddef.h>

#include <cerrno>
#include <map>
#include <optional>

namespace berth::runtime::seccomp {
namespace {

constexpr uint32_t kX32SyscallBit = 0x40000000U;

class Assembler {
  public:
    static constexpr int kNext = -1;  // fall through to the following instruction

    int new_label() {
        positions_.push_back(-1);
        return static_cast<int>(positions_.size()) - 1;
    }
    void place(int label) { positions_[label] = static_cast<int>(insns_.size()); }

    void load_word(uint32_t offset) {
        insns_.push_back({BPF_LD | BPF_W | BPF_ABS, offset, kNext, kNext});
    }
    void jump_if(uint16_t op, uint32_t k, int if_true, int if_false) {
        insns_.push_back({static_cast<uint16_t>(BPF_JMP | op | BPF_K), k, if_true, if_false});
    }
    void jump(int label) { insns_.push_back({BPF_JMP | BPF_JA, 0, label, kNext}); }
    void ret(uint32_t value) { insns_.push_back({BPF_RET | BPF_K, value, kNext, kNext}); }

    // nullopt when an offset does not fit (never for the stubs built here).
    std::optional<std::vector<sock_filter>> finish() const {
        std::vector<sock_filter> out;
        for (size_t i = 0; i < insns_.size(); ++i) {
            const Insn& insn = insns_[i];
            auto offset = [&](int label) -> int {
                return label == kNext ? 0 : positions_[label] - static_cast<int>(i) - 1;
            };
            sock_filter f{insn.code, 0, 0, insn.k};
            if (BPF_CLASS(insn.code) == BPF_JMP && BPF_OP(insn.code) == BPF_JA) {
                f.k = static_cast<uint32_t>(offset(insn.jt));
            } else if (BPF_CLASS(insn.code) == BPF_JMP) {
                int jt = offset(insn.jt), jf = offset(insn.jf);
                if (jt < 0 || jt > 255 || jf < 0 || jf > 255) return std::nullopt;
                f.jt = static_cast<uint8_t>(jt);
                f.jf = static_cast<uint8_t>(jf);
            }
            out.push_back(f);
        }
        return out;
    }

  private:
    struct Insn {
        uint16_t code;
        uint32_t k;
        int jt, jf;
    };
    std::vector<Insn> insns_;
    std::vector<int> positions_;
};

// The highest syscalls of one AUDIT_ARCH_* value. x86_64 and x32 share AUDIT_ARCH_X86_64 and
// tell themselves apart by bit 30 of the syscall number, so they get one section, two limits.
struct ArchLimits {
    std::optional<uint32_t> last;
    std::optional<uint32_t> last_x32;
};

std::optional<uint32_t> last_syscall(uint32_t arch, const std::vector<std::string>& names) {
    std::optional<uint32_t> last;
    for (const auto& name : names) {
        // Negative numbers are libseccomp's pseudo-syscalls (socketcall multiplexing on x86,
        // unknown names): not numbers the kernel will ever see.
        int nr = seccomp_syscall_resolve_name_arch(arch, name.c_str());
        if (nr < 0) continue;
        if (!last || static_cast<uint32_t>(nr) > *last) last = static_cast<uint32_t>(nr);
    }
    return last;
}

}  // namespace

std::vector<sock_filter> enosys_stub(const std::vector<uint32_t>& arches,
                                     const std::vector<std::string>& names) {
    std::map<uint32_t, ArchLimits> limits;  // by AUDIT_ARCH_*
    for (uint32_t arch : arches) {
        auto last = last_syscall(arch, names);
        if (!last) continue;
        // SCMP_ARCH_* equals AUDIT_ARCH_* except for x32, which libseccomp invents.
        if (arch == SCMP_ARCH_X32) {
            limits[AUDIT_ARCH_X86_64].last_x32 = last;
        } else {
            limits[arch].last = last;
        }
    }
    if (limits.empty()) return {};

    Assembler as;
    int enosys = as.new_label();
    int filter = as.new_label();
    for (const auto& [audit_arch, limit] : limits) {
        int next_arch = as.new_label();
        as.load_word(offsetof(seccomp_data, arch));
        as.jump_if(BPF_JEQ, audit_arch, Assembler::kNext, next_arch);
        as.load_word(offsetof(seccomp_data, nr));
        if (audit_arch == AUDIT_ARCH_S390 || audit_arch == AUDIT_ARCH_S390X) {
            // s390 multiplexes large syscall numbers through syscall 0 (setup), which is what
            // the filter sees for syscalls the kernel does not know: answer ENOSYS as runc does.
            as.jump_if(BPF_JEQ, 0, enosys, Assembler::kNext);
        }
        auto limit_check = [&](const std::optional<uint32_t>& last) {
            if (last) {
                as.jump_if(BPF_JGT, *last, enosys, filter);
            } else {
                as.jump(filter);  // this ABI is not in the profile: libseccomp decides
            }
        };
        if (audit_arch == AUDIT_ARCH_X86_64) {
            int x32 = as.new_label();
            as.jump_if(BPF_JSET, kX32SyscallBit, x32, Assembler::kNext);
            limit_check(limit.last);
            as.place(x32);
            limit_check(limit.last_x32);
        } else {
            limit_check(limit.last);
        }
        as.place(next_arch);
    }
    as.jump(filter);  // an architecture not in the profile: libseccomp's bad-arch action
    as.place(enosys);
    as.ret(SCMP_ACT_ERRNO(ENOSYS));
    as.place(filter);
    auto program = as.finish();
    return program ? *program : std::vector<sock_filter>{};
}

}  // namespace berth::runtime::seccomp
