#include "image/content_store.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "image/blob_committer.hpp"
#include "image/gc.hpp"
#include "test_dir.hpp"

namespace berth::image {
namespace {

std::string big_payload(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) % 251);
    return s;
}

class ContentStoreTest : public ::testing::Test {
  protected:
    test::TempDir tmp;
    ContentStore store{tmp.path()};
};

TEST_F(ContentStoreTest, PutReadAndLayout) {
    Digest d = store.put("hello");
    EXPECT_EQ(d.str(), "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    EXPECT_TRUE(path_exists(tmp.path() + "/content/blobs/sha256/" + d.hex()));
    EXPECT_TRUE(store.exists(d));
    EXPECT_EQ(store.info(d).size, 5u);
    EXPECT_EQ(store.read_blob(d), "hello");
    EXPECT_NO_THROW(store.verify(d));
    EXPECT_EQ(store.put("hello"), d);  // idempotent
    ASSERT_EQ(store.list().size(), 1u);
    EXPECT_TRUE(store.list_ingests().empty());
}

TEST_F(ContentStoreTest, StreamingWriteVerifiesExpectedDigest) {
    std::string data = big_payload(300000);
    Digest want = Digest::sha256_of(data);
    auto w = store.open_writer("layer-1", want, data.size());
    EXPECT_EQ(w.offset(), 0u);
    for (size_t i = 0; i < data.size(); i += 4096) w.write(std::string_view(data).substr(i, 4096));
    EXPECT_EQ(w.commit(), want);
    UniqueFd fd = store.open_blob(want, data.size());
    EXPECT_TRUE(fd.valid());
    EXPECT_THROW(store.open_blob(want, data.size() + 1), Error);
    EXPECT_TRUE(store.list_ingests().empty());
}

TEST_F(ContentStoreTest, SealedBlobIsVisibleOnlyOnceCommittedOnAnotherThread) {
    std::string data = big_payload(300000);
    Digest want = Digest::sha256_of(data);
    auto w = store.open_writer("sealed", Digest(), std::nullopt);
    w.write(data);
    EXPECT_EQ(w.seal(), want);
    EXPECT_EQ(w.seal(), want) << "idempotent";
    EXPECT_THROW(w.write("more"), Error);
    EXPECT_FALSE(store.exists(want));
    BlobCommitter committer;
    committer.submit(std::move(w), want);
    committer.wait(want);
    EXPECT_TRUE(store.exists(want));
    EXPECT_EQ(store.read_blob(want), data);
    EXPECT_TRUE(store.list_ingests().empty());
    committer.wait(Digest::sha256_of("never submitted"));  // returns at once
}

TEST_F(ContentStoreTest, SealRefusesAMismatchLikeCommit) {
    auto w = store.open_writer("bad", Digest::sha256_of("expected"), std::nullopt);
    w.write("something else");
    EXPECT_THROW(w.seal(), Error);
    EXPECT_TRUE(store.list_ingests().empty());
}

TEST_F(ContentStoreTest, CommitterReportsAFailedCommit) {
    std::string data = big_payload(1000);
    Digest want = Digest::sha256_of(data);
    auto w = store.open_writer("fails", want, data.size());
    w.write(data);
    w.seal();
    // blobs/sha256 turned into a file: the rename into place cannot happen.
    std::string shard = store.blob_path(want).substr(0, store.blob_path(want).rfind('/'));
    remove_all(shard);
    write_file_atomic(shard, "not a directory");
    BlobCommitter committer;
    committer.submit(std::move(w), want);
    EXPECT_THROW(committer.wait(want), Error);
    EXPECT_THROW(committer.wait_all(), Error);
    EXPECT_FALSE(store.exists(want));
    ::unlink(shard.c_str());
    mkdir_all(shard);
}

TEST_F(ContentStoreTest, Sha512Accepted) {
    Hasher h("sha512");
    h.update("abc");
    Digest want = h.finish();
    auto w = store.open_writer("x", want, 3);
    w.write("abc");
    EXPECT_EQ(w.commit(), want);
    EXPECT_EQ(store.read_blob(want), "abc");
    EXPECT_EQ(store.list().size(), 1u);
}

TEST_F(ContentStoreTest, DigestMismatchRefusedAndNothingLeft) {
    Digest want = Digest::sha256_of("expected");
    auto w = store.open_writer("bad", want, 8);
    w.write("Expected");
    try {
        w.commit();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("digest mismatch"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(store.exists(want));
    EXPECT_TRUE(store.list().empty());
    EXPECT_TRUE(store.list_ingests().empty());
}

TEST_F(ContentStoreTest, SizeMismatchRefusedAndNothingLeft) {
    Digest want = Digest::sha256_of("12345");
    {
        auto w = store.open_writer("short", want, 5);
        w.write("1234");
        EXPECT_THROW(w.commit(), Error);
    }
    {
        auto w = store.open_writer("long", want, 5);
        try {
            w.write("123456");
            FAIL();
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("size mismatch"), std::string::npos) << e.what();
        }
    }
    EXPECT_TRUE(store.list().empty());
    EXPECT_TRUE(store.list_ingests().empty());
}

TEST_F(ContentStoreTest, UnknownDigestComputedOnCommit) {
    auto w = store.open_writer("diff-output");
    w.write("abc");
    w.write("def");
    EXPECT_EQ(w.commit(), Digest::sha256_of("abcdef"));
}

TEST_F(ContentStoreTest, InterruptedIngestResumes) {
    std::string data = big_payload(100000);
    Digest want = Digest::sha256_of(data);
    {
        auto w = store.open_writer("pull-1", want, data.size());
        w.write(std::string_view(data).substr(0, 40000));
    }  // dropped connection: writer closed without commit
    ASSERT_EQ(store.list_ingests(), std::vector<std::string>{"pull-1"});
    auto w = store.open_writer("pull-1", want, data.size());
    ASSERT_EQ(w.offset(), 40000u);
    w.write(std::string_view(data).substr(40000));
    EXPECT_EQ(w.commit(), want);
    store.verify(want);
}

TEST_F(ContentStoreTest, ResumeWithDifferentExpectationStartsOver) {
    {
        auto w = store.open_writer("pull-1", Digest::sha256_of("aaaa"), 4);
        w.write("aa");
    }
    auto w = store.open_writer("pull-1", Digest::sha256_of("bbbb"), 4);
    EXPECT_EQ(w.offset(), 0u);
    w.write("bbbb");
    EXPECT_EQ(w.commit(), Digest::sha256_of("bbbb"));
}

TEST_F(ContentStoreTest, CorruptPartialDataIsCaughtAtCommit) {
    std::string data = "0123456789";
    Digest want = Digest::sha256_of(data);
    {
        auto w = store.open_writer("r", want, data.size());
        w.write("01234");
    }
    // Flip a byte in the partial file: the re-hash on resume carries it into the digest.
    std::string dir = tmp.path() + "/content/ingest/" + Digest::sha256_of("r").hex();
    write_file(dir + "/data", "0X234");
    auto w = store.open_writer("r", want, data.size());
    ASSERT_EQ(w.offset(), 5u);
    w.write("56789");
    EXPECT_THROW(w.commit(), Error);
    EXPECT_FALSE(store.exists(want));
}

TEST_F(ContentStoreTest, CorruptBlobDetected) {
    Digest d = store.put("{\"a\":1}");
    std::string path = store.blob_path(d);
    ::chmod(path.c_str(), 0644);
    write_file(path, "{\"a\":2}");
    EXPECT_THROW(store.verify(d), Error);
    try {
        store.read_blob(d);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos) << e.what();
    }
}

TEST_F(ContentStoreTest, MissingBlobIsNotFound) {
    Digest d = Digest::sha256_of("nope");
    EXPECT_FALSE(store.exists(d));
    try {
        store.read_blob(d);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::not_found);
    }
    EXPECT_FALSE(store.remove(d));
}

TEST_F(ContentStoreTest, ReadBlobRefusesLargeBlobs) {
    Digest d = store.put(big_payload(2000));
    EXPECT_THROW(store.read_blob(d, 1000), Error);
}

TEST_F(ContentStoreTest, TwoThreadsWritingTheSameDigest) {
    std::string data = big_payload(500000);
    Digest want = Digest::sha256_of(data);
    std::atomic<int> skipped{0};
    std::atomic<int> failures{0};
    auto writer = [&] {
        try {
            auto w = store.open_writer("same-ref", want, data.size());
            if (w.already_exists()) {
                ++skipped;
            } else {
                for (size_t i = w.offset(); i < data.size(); i += 8192) {
                    w.write(std::string_view(data).substr(i, 8192));
                }
            }
            if (w.commit() != want) ++failures;
        } catch (const std::exception& e) {
            ADD_FAILURE() << e.what();
            ++failures;
        }
    };
    std::thread a(writer), b(writer);
    a.join();
    b.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(skipped.load(), 1);  // the second writer found the blob committed
    store.verify(want);
    EXPECT_TRUE(store.list_ingests().empty());
}

TEST_F(ContentStoreTest, AbortRemovesIngest) {
    auto w = store.open_writer("gone");
    w.write("partial");
    w.abort();
    EXPECT_TRUE(store.list_ingests().empty());
}

TEST_F(ContentStoreTest, CommitAddsToLease) {
    LeaseManager leases;
    Lease lease = leases.acquire("pull");
    Digest d = store.put("leased", &lease);
    EXPECT_TRUE(leases.is_leased(d));
    lease.release();
    EXPECT_FALSE(leases.is_leased(d));
}

}  // namespace
}  // namespace berth::image
