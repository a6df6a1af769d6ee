#include "api/containers/fd_pump.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <thread>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace berth::api {

namespace {

struct Pipe {
    UniqueFd r, w;
    Pipe() {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
        r.reset(p[0]);
        w.reset(p[1]);
    }
};

// A write to a pipe whose reader left: false instead of SIGPIPE (ignored by berthd) + throw.
bool write_fd(int fd, const char* data, size_t n) {
    while (n > 0) {
        ssize_t got = ::write(fd, data, n);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        data += got;
        n -= static_cast<size_t>(got);
    }
    return true;
}

}  // namespace

void pump_to_response(const std::function<void(int)>& produce,
                      const std::function<ResponseStream&()>& open) {
    Pipe pipe;
    std::exception_ptr failure;
    std::thread producer([&, w = std::move(pipe.w)]() mutable {
        try {
            produce(w.get());
        } catch (...) {
            failure = std::current_exception();
        }
        w.reset();  // EOF for the reader
    });
    ResponseStream* out = nullptr;
    try {
        char buf[65536];
        for (;;) {
            ssize_t n = ::read(pipe.r.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            if (!out) out = &open();
            out->write(std::string_view(buf, static_cast<size_t>(n)));
        }
    } catch (...) {
        pipe.r.reset();  // the producer's next write fails and it ends
        producer.join();
        if (!out) throw;
        return;  // client gone mid-stream: nothing more to say to it
    }
    pipe.r.reset();
    producer.join();
    if (failure && !out) std::rethrow_exception(failure);
    if (!out) open();  // an empty body is still a body
}

void pump_body_into(Context& ctx, const std::function<void(int)>& consume) {
    Pipe pipe;
    std::exception_ptr failure;
    std::thread consumer([&, r = std::move(pipe.r)]() mutable {
        try {
            consume(r.get());
        } catch (...) {
            failure = std::current_exception();
        }
        r.reset();  // a writer still copying the body gets EPIPE and stops
    });
    std::exception_ptr read_failure;
    try {
        char buf[65536];
        while (size_t n = ctx.read_body(buf, sizeof buf)) {
            if (!write_fd(pipe.w.get(), buf, n)) break;
        }
    } catch (...) {
        read_failure = std::current_exception();
    }
    pipe.w.reset();
    consumer.join();
    if (failure) std::rethrow_exception(failure);
    if (read_failure) std::rethrow_exception(read_failure);
}

}  // namespace berth::api
