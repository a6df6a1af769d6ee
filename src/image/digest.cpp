#include "image/digest.hpp"

#include <nettle/sha2.h>

#include <variant>

#include "common/error.hpp"

namespace berth::image {

namespace {
size_t hex_length(std::string_view algorithm) {
    if (algorithm == "sha256") return 64;
    if (algorithm == "sha512") return 128;
    return 0;
}
}  // namespace

Digest Digest::parse(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        throw Error(Errc::invalid_argument, "invalid digest \"" + std::string(text) + "\": expected algorithm:hex");
    }
    std::string algorithm(text.substr(0, colon));
    std::string hex(text.substr(colon + 1));
    size_t want = hex_length(algorithm);
    if (want == 0) {
        throw Error(Errc::invalid_argument,
                    "invalid digest \"" + std::string(text) + "\": unsupported algorithm \"" + algorithm + "\"");
    }
    if (hex.size() != want) {
        throw Error(Errc::invalid_argument, "invalid digest \"" + std::string(text) + "\": " + algorithm +
                                                " needs " + std::to_string(want) + " hex digits, got " +
                                                std::to_string(hex.size()));
    }
    for (char c : hex) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw Error(Errc::invalid_argument,
                        "invalid digest \"" + std::string(text) + "\": not lowercase hex");
        }
    }
    return Digest(std::move(algorithm), std::move(hex));
}

Digest Digest::sha256_of(std::string_view data) {
    Hasher h("sha256");
    h.update(data);
    return h.finish();
}

// Nettle rather than OpenSSL's EVP: the same speed (both use the CPU's SHA extensions), but
// EVP's first use initialises OpenSSL's provider machinery, which left ~2.5 MiB of libcrypto
// resident in berthd for the life of the daemon.
struct Hasher::State {
    std::variant<sha256_ctx, sha512_ctx> ctx;
};

Hasher::Hasher(std::string_view algorithm) : state_(std::make_unique<State>()), algorithm_(algorithm) {
    if (algorithm == "sha256") {
        sha256_init(&state_->ctx.emplace<sha256_ctx>());
    } else if (algorithm == "sha512") {
        sha512_init(&state_->ctx.emplace<sha512_ctx>());
    } else {
        throw Error(Errc::invalid_argument, "unsupported digest algorithm \"" + std::string(algorithm) + "\"");
    }
}

Hasher::~Hasher() = default;

void Hasher::update(const void* data, size_t size) {
    auto* bytes = static_cast<const uint8_t*>(data);
    if (auto* c = std::get_if<sha256_ctx>(&state_->ctx)) sha256_update(c, size, bytes);
    else sha512_update(&std::get<sha512_ctx>(state_->ctx), size, bytes);
}

Digest Hasher::finish() {
    uint8_t out[SHA512_DIGEST_SIZE];
    unsigned len = 0;
    if (auto* c = std::get_if<sha256_ctx>(&state_->ctx)) {
        len = SHA256_DIGEST_SIZE;
        sha256_digest(c, len, out);
    } else {
        len = SHA512_DIGEST_SIZE;
        sha512_digest(&std::get<sha512_ctx>(state_->ctx), len, out);
    }
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    hex.reserve(len * 2);
    for (unsigned i = 0; i < len; ++i) {
        hex.push_back(kHex[out[i] >> 4]);
        hex.push_back(kHex[out[i] & 15]);
    }
    return Digest(algorithm_, std::move(hex));
}

}  // namespace berth::image
