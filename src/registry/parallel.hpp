#pragma once
// Runs `job(i)` for i in [0, n) on up to `workers` threads, in order of i, and rethrows the
// first exception once every thread has stopped (the others stop taking new work then).
// Pull downloads and push uploads use it; each job brings its own HttpClient.
#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace berth::registry {

inline void run_parallel(size_t n, int workers, const std::function<void(size_t)>& job) {
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex mutex;
    auto work = [&] {
        for (size_t i; !failed && (i = next++) < n;) {
            try {
                job(i);
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    size_t count = std::min<size_t>(n, static_cast<size_t>(std::max(1, workers)));
    std::vector<std::thread> threads;
    for (size_t t = 1; t < count; ++t) threads.emplace_back(work);
    work();  // the calling thread is one of the workers
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace berth::registry
