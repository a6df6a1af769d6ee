#include "api/server/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include <thread>

namespace berth::api {

WorkerPool::WorkerPool(std::chrono::milliseconds idle_timeout) : idle_timeout_(idle_timeout) {}

WorkerPool::~WorkerPool() {
    std::unique_lock lock(mu_);
    stopping_ = true;
    work_cv_.notify_all();
    done_cv_.wait(lock, [&] { return threads_ == 0; });
}

void WorkerPool::submit(std::function<void()> task) {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    tasks_.push_back(std::move(task));
    // Every queued task needs its own idle thread; otherwise it would wait behind a handler
    // that may never return (a wait or an events stream).
    if (tasks_.size() > idle_) {
        try {
            std::thread([this] { run(); }).detach();
            ++threads_;  // run() needs the lock we hold, so it cannot exit before this
        } catch (const std::system_error& e) {
            // Out of threads: the task waits for the next free worker.
            spdlog::error("cannot start a worker thread: {}", e.what());
        }
    } else {
        work_cv_.notify_one();
    }
}

void WorkerPool::run() {
    std::unique_lock lock(mu_);
    for (;;) {
        ++idle_;
        bool got =
            work_cv_.wait_for(lock, idle_timeout_, [&] { return !tasks_.empty() || stopping_; });
        --idle_;
        if (!got || tasks_.empty()) break;  // idle too long, or stopping with nothing to do
        auto task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        try {
            task();
        } catch (const std::exception& e) {
            spdlog::error("worker task failed: {}", e.what());
        }
        task = nullptr;  // release captured sessions before taking the lock
        lock.lock();
    }
    --threads_;
    done_cv_.notify_all();
}

bool WorkerPool::drain(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    stopping_ = true;
    work_cv_.notify_all();
    return done_cv_.wait_for(lock, timeout, [&] { return threads_ == 0; });
}

size_t WorkerPool::thread_count() const {
    std::lock_guard lock(mu_);
    return threads_;
}

}  // namespace berth::api
