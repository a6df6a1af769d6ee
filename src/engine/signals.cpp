#include "engine/signals.hpp"

#include <signal.h>

#include <cctype>
#include <utility>

#include "common/error.hpp"

namespace berth::engine {

namespace {

const std::pair<const char*, int> kSignals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},   {"CHLD", SIGCHLD}, {"CLD", SIGCHLD}, {"CONT", SIGCONT},
    {"FPE", SIGFPE},   {"POLL", SIGPOLL},
    {"HUP", SIGHUP},   {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},     {"IOT", SIGIOT},   {"KILL", SIGKILL},
    {"PIPE", SIGPIPE}, {"PROF", SIGPROF}, {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM}, {"TRAP", SIGTRAP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},   {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM},
    {"WINCH", SIGWINCH}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}};

}  // namespace

int parse_signal(const std::string& text) {
    if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
        int n = 0;
        for (char c : text) {
            if (!std::isdigit(static_cast<unsigned char>(c)) || n > 1000) throw Error(Errc::invalid_argument, "Invalid signal: " + text);
            n = n * 10 + (c - '0');
        }
        if (n < 1 || n > 64) throw Error(Errc::invalid_argument, "Invalid signal: " + text);
        return n;
    }
    std::string up;
    for (char c : text) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (up.starts_with("SIG")) up = up.substr(3);
    for (auto [name, sig] : kSignals) {
        if (up == name) return sig;
    }
    // moby's map has RTMIN, RTMIN+1 .. RTMIN+15, RTMAX-14 .. RTMAX-1 and RTMAX, nothing else.
    auto offset = [&](const char* base, char sign) -> int {
        std::string b = base;
        if (up == b) return 0;
        if (up.size() < b.size() + 2 || up.compare(0, b.size(), b) != 0 || up[b.size()] != sign) return -1;
        std::string digits = up.substr(b.size() + 1);
        if (digits.size() > 2 || digits[0] == '0' || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
        return std::stoi(digits);
    };
    if (int off = offset("RTMIN", '+'); off >= 0 && off <= 15) return SIGRTMIN + off;
    if (int off = offset("RTMAX", '-'); off >= 0 && off <= 14) return SIGRTMAX - off;
    throw Error(Errc::invalid_argument, "Invalid signal: " + text);
}

std::string signal_name(int signal) {
    for (auto [name, sig] : kSignals) {
        if (sig == signal) return std::string("SIG") + name;
    }
    return std::to_string(signal);
}

}  // namespace berth::engine
