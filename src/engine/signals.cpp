#include "engine/signals.hpp"

#include <signal.h>

#include <cctype>
#include <utility>

#include "common/error.hpp"

namespace berth::engine {

namespace {

const std::pair<const char*, int> kSignals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},   {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"FPE", SIGFPE},
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
    if (up.starts_with("RTMIN")) {
        int off = up.size() > 6 && up[5] == '+' ? std::stoi(up.substr(6)) : 0;
        return SIGRTMIN + off;
    }
    throw Error(Errc::invalid_argument, "Invalid signal: " + text);
}

std::string signal_name(int signal) {
    for (auto [name, sig] : kSignals) {
        if (sig == signal) return std::string("SIG") + name;
    }
    return std::to_string(signal);
}

}  // namespace berth::engine
