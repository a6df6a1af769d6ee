#include "common/open_files_limit.hpp"

#include <algorithm>
#include <atomic>

namespace berth {

namespace {
std::atomic<rlim_t> g_original_soft{0};
}

bool raise_open_files_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) < 0) return false;
    rlim_t before = lim.rlim_cur;
    if (lim.rlim_cur != lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &lim) < 0) return false;
    }
    g_original_soft = before;
    return true;
}

rlim_t original_open_files_soft_limit() { return g_original_soft; }

void restore_open_files_soft_limit(rlim_t soft) {
    rlimit lim{};
    if (soft == 0 || ::getrlimit(RLIMIT_NOFILE, &lim) < 0) return;
    lim.rlim_cur = std::min(soft, lim.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &lim);
}

}  // namespace berth
