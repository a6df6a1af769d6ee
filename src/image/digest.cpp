#include "image/digest.hpp"

#include <openssl/evp.h>

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

struct Hasher::State {
    EVP_MD_CTX* ctx = nullptr;
};

Hasher::Hasher(std::string_view algorithm) : state_(std::make_unique<State>()), algorithm_(algorithm) {
    const EVP_MD* md = algorithm == "sha256" ? EVP_sha256() : algorithm == "sha512" ? EVP_sha512() : nullptr;
    if (!md) throw Error(Errc::invalid_argument, "unsupported digest algorithm \"" + std::string(algorithm) + "\"");
    state_->ctx = EVP_MD_CTX_new();
    if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, md, nullptr) != 1) {
        throw Error(Errc::internal, "cannot initialise " + algorithm_ + " digest");
    }
}

Hasher::~Hasher() {
    if (state_ && state_->ctx) EVP_MD_CTX_free(state_->ctx);
}

void Hasher::update(const void* data, size_t size) { EVP_DigestUpdate(state_->ctx, data, size); }

Digest Hasher::finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(state_->ctx, out, &len);
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
