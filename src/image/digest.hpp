#pragma once
// Content digests ("sha256:<64 hex>", "sha512:<128 hex>") and a streaming hasher.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace berth::image {

class Digest {
public:
    Digest() = default;
    // Validates "algorithm:hex"; throws invalid_argument saying what is wrong.
    static Digest parse(std::string_view text);
    static Digest sha256_of(std::string_view data);

    const std::string& algorithm() const { return algorithm_; }
    const std::string& hex() const { return hex_; }
    std::string str() const { return algorithm_ + ":" + hex_; }
    bool empty() const { return hex_.empty(); }
    bool operator==(const Digest& o) const = default;
    bool operator<(const Digest& o) const { return str() < o.str(); }

private:
    Digest(std::string algorithm, std::string hex) : algorithm_(std::move(algorithm)), hex_(std::move(hex)) {}
    friend class Hasher;
    std::string algorithm_;
    std::string hex_;
};

// Incremental sha256/sha512 (OpenSSL EVP).
class Hasher {
public:
    explicit Hasher(std::string_view algorithm = "sha256");
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;
    void update(const void* data, size_t size);
    void update(std::string_view data) { update(data.data(), data.size()); }
    Digest finish();

private:
    struct State;
    std::unique_ptr<State> state_;
    std::string algorithm_;
};

}  // namespace berth::image
