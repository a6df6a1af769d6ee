#pragma once
// Threads that run handlers. A handler may block for as long as it likes (container wait,
// logs -f, an attach session), so a fixed pool could starve: instead a task always gets a
// thread at once, reusing an idle one when there is one, and threads idle for a while exit so
// an idle daemon holds only the io threads.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace berth::api {

class WorkerPool {
  public:
    explicit WorkerPool(std::chrono::milliseconds idle_timeout = std::chrono::seconds(30));
    ~WorkerPool();  // waits for running tasks (call drain() first to bound the wait)
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void submit(std::function<void()> task);
    // Stops taking tasks and waits up to timeout for the running ones; true if all finished.
    bool drain(std::chrono::milliseconds timeout);
    size_t thread_count() const;

  private:
    void run();

    mutable std::mutex mu_;
    std::condition_variable work_cv_;
    std::condition_variable done_cv_;
    std::deque<std::function<void()>> tasks_;
    size_t threads_ = 0;
    size_t idle_ = 0;
    bool stopping_ = false;
    std::chrono::milliseconds idle_timeout_;
};

}  // namespace berth::api
