#pragma once
// Bridges the engine's and the image library's fd-based producers and consumers (export,
// archive, save write to an fd; load, import, cp read from one) to HTTP bodies, through a pipe
// and a helper thread.
#include <functional>

#include "api/context.hpp"

namespace berth::api {

// Runs produce(write_fd) on a thread and streams what it writes as the response body. The
// stream (open) starts with the first byte, so a producer failing before writing anything
// still becomes an ordinary error response: its exception is rethrown here. A client going
// away ends the copy; the producer then sees EPIPE.
void pump_to_response(const std::function<void(int)>& produce,
                      const std::function<ResponseStream&()>& open);

// Runs consume(read_fd) on a thread while the request body is copied into the pipe; returns
// what consume returned, or rethrows its exception.
template <typename T>
T pump_from_request(Context& ctx, const std::function<T(int)>& consume);

void pump_body_into(Context& ctx, const std::function<void(int)>& consume);

template <typename T>
T pump_from_request(Context& ctx, const std::function<T(int)>& consume) {
    T result{};
    pump_body_into(ctx, [&](int fd) { result = consume(fd); });
    return result;
}

}  // namespace berth::api
