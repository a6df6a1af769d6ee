#include "runtime/cgroups/v2_devices.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "common/error.hpp"
#include "runtime/cgroups/device_rules.hpp"

namespace berth::runtime::cgroups {

namespace {

// Register use: r1 = ctx (struct bpf_cgroup_dev_ctx), r2 = device type, r3 = access
// bits, r4 = major, r5 = minor, r1 reused as scratch once the context is read.
class Assembler {
  public:
    int new_label() { return next_label_++; }
    void bind(int label) { labels_[label] = static_cast<int>(insns_.size()); }

    void ldx_w(uint8_t dst, uint8_t src, int16_t off) {
        emit(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
    }
    void mov32_reg(uint8_t dst, uint8_t src) { emit(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
    void mov32_imm(uint8_t dst, int32_t imm) { emit(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm); }
    void and32_imm(uint8_t dst, int32_t imm) { emit(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm); }
    void rsh32_imm(uint8_t dst, int32_t imm) { emit(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm); }
    void jne_imm(uint8_t dst, int32_t imm, int label) {
        jump(BPF_JMP | BPF_JNE | BPF_K, dst, imm, label);
    }
    void jeq_imm(uint8_t dst, int32_t imm, int label) {
        jump(BPF_JMP | BPF_JEQ | BPF_K, dst, imm, label);
    }
    void ja(int label) { jump(BPF_JMP | BPF_JA, 0, 0, label); }
    void exit_with(int32_t value) {
        mov32_imm(BPF_REG_0, value);
        emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }

    std::vector<bpf_insn> finish() {
        for (const auto& [at, label] : fixups_) {
            insns_[at].off = static_cast<int16_t>(labels_.at(label) - (at + 1));
        }
        return std::move(insns_);
    }

  private:
    void emit(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
        bpf_insn insn{};
        insn.code = code;
        insn.dst_reg = dst & 0xf;
        insn.src_reg = src & 0xf;
        insn.off = off;
        insn.imm = imm;
        insns_.push_back(insn);
    }
    void jump(uint8_t code, uint8_t dst, int32_t imm, int label) {
        fixups_.emplace_back(static_cast<int>(insns_.size()), label);
        emit(code, dst, 0, 0, imm);
    }

    std::vector<bpf_insn> insns_;
    std::map<int, int> labels_;
    std::vector<std::pair<int, int>> fixups_;
    int next_label_ = 0;
};

int64_t sys_bpf(int cmd, bpf_attr* attr) {
    return ::syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

}  // namespace

std::vector<bpf_insn> build_device_program(const std::vector<DeviceRule>& rules) {
    for (const auto& rule : rules) check_device_rule(rule);
    Assembler a;
    a.ldx_w(BPF_REG_2, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, access_type));
    a.mov32_reg(BPF_REG_3, BPF_REG_2);
    a.and32_imm(BPF_REG_2, 0xffff);  // BPF_DEVCG_DEV_BLOCK / _CHAR
    a.rsh32_imm(BPF_REG_3, 16);      // BPF_DEVCG_ACC_MKNOD | _READ | _WRITE
    a.ldx_w(BPF_REG_4, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, major));
    a.ldx_w(BPF_REG_5, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, minor));
    const std::pair<char, int32_t> kBits[] = {
        {'m', BPF_DEVCG_ACC_MKNOD}, {'r', BPF_DEVCG_ACC_READ}, {'w', BPF_DEVCG_ACC_WRITE}};
    for (const auto& [letter, bit] : kBits) {
        int next_bit = a.new_label();
        a.mov32_reg(BPF_REG_1, BPF_REG_3);
        a.and32_imm(BPF_REG_1, bit);
        a.jeq_imm(BPF_REG_1, 0, next_bit);  // this bit is not requested
        bool decided = false;
        for (auto it = rules.rbegin(); it != rules.rend() && !decided; ++it) {
            const DeviceRule& rule = *it;
            if (rule_access(rule).find(letter) == std::string::npos) continue;
            int rule_end = a.new_label();
            bool conditional = false;
            // Type 'a' covers every device whatever major/minor say (as in the v1 kernel).
            if (rule.type != 'a') {
                a.jne_imm(BPF_REG_2, rule.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
                          rule_end);
                if (rule.major) a.jne_imm(BPF_REG_4, static_cast<int32_t>(*rule.major), rule_end);
                if (rule.minor) a.jne_imm(BPF_REG_5, static_cast<int32_t>(*rule.minor), rule_end);
                conditional = true;
            }
            if (rule.allow) {
                a.ja(next_bit);
            } else {
                a.exit_with(0);
            }
            a.bind(rule_end);
            // A rule matching every device hides the earlier ones for this bit.
            decided = !conditional;
        }
        if (!decided) a.exit_with(0);  // no rule covers it: the deny-all start
        a.bind(next_bit);
    }
    a.exit_with(1);
    return a.finish();
}

UniqueFd load_device_program(const std::vector<bpf_insn>& program) {
    static const char kLicense[] = "Apache";
    auto load = [&](char* log, uint32_t log_size) {
        bpf_attr attr{};
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = reinterpret_cast<uintptr_t>(program.data());
        attr.insn_cnt = static_cast<uint32_t>(program.size());
        attr.license = reinterpret_cast<uintptr_t>(kLicense);
        if (log) {
            attr.log_buf = reinterpret_cast<uintptr_t>(log);
            attr.log_size = log_size;
            attr.log_level = 1;
        }
        return static_cast<int>(sys_bpf(BPF_PROG_LOAD, &attr));
    };
    int fd = load(nullptr, 0);
    if (fd >= 0) return UniqueFd(fd);
    int err = errno;
    // Load again with the verifier log to say why.
    std::string log(size_t{64} * 1024, '\0');
    if (load(log.data(), static_cast<uint32_t>(log.size())) >= 0) {
        throw Error(Errc::internal, "cgroup: load device eBPF program failed once, then succeeded");
    }
    log.resize(std::strlen(log.c_str()));
    std::string what =
        "cgroup: load device eBPF program (" + std::to_string(program.size()) + " instructions)";
    if (!log.empty()) what += " [verifier: " + log + "]";
    throw_sys(what, err);
}

void attach_device_program(const std::string& cgroup_dir, const std::vector<bpf_insn>& program) {
    UniqueFd dir(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno("cgroup: open " + cgroup_dir);
    UniqueFd prog = load_device_program(program);

    std::vector<uint32_t> old_ids(64);
    bpf_attr query{};
    query.query.target_fd = static_cast<uint32_t>(dir.get());
    query.query.attach_type = BPF_CGROUP_DEVICE;
    query.query.prog_ids = reinterpret_cast<uintptr_t>(old_ids.data());
    query.query.prog_cnt = static_cast<uint32_t>(old_ids.size());
    if (sys_bpf(BPF_PROG_QUERY, &query) < 0)
        throw_errno("cgroup: query device programs of " + cgroup_dir);
    old_ids.resize(std::min<size_t>(query.query.prog_cnt, old_ids.size()));

    bpf_attr attach{};
    attach.target_fd = static_cast<uint32_t>(dir.get());
    attach.attach_bpf_fd = static_cast<uint32_t>(prog.get());
    attach.attach_type = BPF_CGROUP_DEVICE;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, &attach) < 0)
        throw_errno("cgroup: attach device program to " + cgroup_dir);

    for (uint32_t id : old_ids) {
        bpf_attr get{};
        get.prog_id = id;
        UniqueFd old(static_cast<int>(sys_bpf(BPF_PROG_GET_FD_BY_ID, &get)));
        if (!old) continue;  // gone already
        bpf_attr detach{};
        detach.target_fd = static_cast<uint32_t>(dir.get());
        detach.attach_bpf_fd = static_cast<uint32_t>(old.get());
        detach.attach_type = BPF_CGROUP_DEVICE;
        if (sys_bpf(BPF_PROG_DETACH, &detach) < 0 && errno != ENOENT) {
            throw_errno("cgroup: detach old device program " + std::to_string(id) + " from " +
                        cgroup_dir);
        }
    }
}

}  // namespace berth::runtime::cgroups
