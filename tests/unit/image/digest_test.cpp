#include "image/digest.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

using berth::image::Digest;

TEST(Digest, Sha256OfKnownInput) {
    EXPECT_EQ(Digest::sha256_of("").str(),
              "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(Digest::sha256_of("abc").hex(),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, ParseValidatesAlgorithmAndLength) {
    EXPECT_NO_THROW(Digest::parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    EXPECT_THROW(Digest::parse("md5:abc"), berth::Error);
    EXPECT_THROW(Digest::parse("sha256:abc"), berth::Error);
    EXPECT_THROW(Digest::parse("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), berth::Error);
    EXPECT_THROW(Digest::parse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
                 berth::Error);
}
