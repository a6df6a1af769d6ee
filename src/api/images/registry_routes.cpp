// The images router's registry routes: pull, push, login, distribution inspect. Pull and
// push answer with Docker's JSON message stream, started by the first progress message, so
// an error found before it (no such manifest, refused credentials) is a plain HTTP error
// with its status, as dockerd's; an error after it is an errorDetail message in the stream.
#include "api/images/images_router.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace {

// Writes the backend's progress messages; the backend calls it one message at a time (the
// ProgressFn contract), so it needs no lock of its own.
class ProgressStream {
  public:
    explicit ProgressStream(Context& ctx) : ctx_(ctx) {}

    ProgressFn writer() {
        return [this](const Json& m) { write(m); };
    }
    void write(const Json& m) {
        if (!stream_) stream_ = &ctx_.stream("application/json");
        stream_->write(m.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
    }
    bool started() const { return stream_ != nullptr; }

    // Runs `op`; an error after the stream started goes into it.
    template <class Op>
    Response run(Op op) {
        try {
            op();
        } catch (const Error& e) {
            if (!started()) throw;
            try {
                write({{"errorDetail", {{"message", e.what()}}}, {"error", e.what()}});
            } catch (const Error&) {
                // the client is gone
            }
        }
        return {};
    }

  private:
    Context& ctx_;
    ResponseStream* stream_ = nullptr;
};

}  // namespace

Response ImagesRouter::pull(Context& ctx) {
    const Query& q = ctx.query();
    PullRequest r;
    std::string image = q.get_or("fromImage", "");
    std::string tag = q.get_or("tag", "");
    r.reference = join_reference(image, tag);
    // An empty tag on a name without one asks for every tag (docker pull -a).
    std::string last = image.substr(image.rfind('/') == std::string::npos ? 0 : image.rfind('/'));
    r.all_tags = tag.empty() && last.find(':') == std::string::npos &&
                 image.find('@') == std::string::npos;
    r.platform = q.get_or("platform", "");
    r.auth_header = ctx.header("X-Registry-Auth").value_or("");
    ProgressStream stream(ctx);
    return stream.run([&] { backend_.pull(r, stream.writer()); });
}

Response ImagesRouter::push(Context& ctx) {
    std::string reference = join_reference(ctx.param("name"), ctx.query().get_or("tag", ""));
    std::string auth = ctx.header("X-Registry-Auth").value_or("");
    std::string platform = ctx.query().get_or("platform", "");
    ProgressStream stream(ctx);
    return stream.run([&] { backend_.push(reference, auth, platform, stream.writer()); });
}

Response ImagesRouter::auth(Context& ctx) {
    Json body = ctx.json_body();
    if (!body.is_object())
        throw Error(Errc::invalid_argument, "invalid JSON: the body of POST /auth must be an AuthConfig object");
    return Response::json(200, backend_.login(body));
}

Response ImagesRouter::distribution(Context& ctx) {
    return Response::json(200, backend_.distribution_inspect(
                                   ctx.param("name"), ctx.header("X-Registry-Auth").value_or("")));
}

}  // namespace berth::api
