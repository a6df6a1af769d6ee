// The stdin feed against real pipes: a small pipe makes the process side "slow", so bytes wait
// in the feed; the end of input closes the pipe only after they are all written.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "common/file_util.hpp"
#include "shim/stdin_feed.hpp"

using berth::UniqueFd;
using berth::shim::StdinFeed;

namespace {

struct Pipe {
    UniqueFd r, w;
    Pipe() {
        berth::pipe_pair(r, w);
        ::fcntl(w.get(), F_SETPIPE_SZ, 4096);
        ::fcntl(w.get(), F_SETFL, ::fcntl(w.get(), F_GETFL) | O_NONBLOCK);
        ::fcntl(r.get(), F_SETFL, ::fcntl(r.get(), F_GETFL) | O_NONBLOCK);
    }
};

// Reads what is in the pipe now; eof set when the write side is closed and the pipe empty.
std::string drain(int fd, bool& eof) {
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<size_t>(n));
            continue;
        }
        eof = n == 0;
        return out;
    }
}

std::string pattern(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 7 + i / 251);
    return s;
}

}  // namespace

TEST(StdinFeed, EndClosesOnlyAfterQueuedBytesAreWritten) {
    Pipe p;
    StdinFeed feed;
    feed.open(std::move(p.w), true);
    std::string sent = pattern(100000);
    feed.push(sent.data(), sent.size());
    ASSERT_GT(feed.pending(), 0u);  // the 4 KiB pipe took only part of it
    feed.end();
    EXPECT_TRUE(feed.is_open());  // closing now would cut the input short

    std::string got;
    bool eof = false;
    for (int i = 0; i < 1000 && !eof; ++i) {
        got += drain(p.r.get(), eof);
        feed.pump();
    }
    EXPECT_TRUE(eof);
    EXPECT_FALSE(feed.is_open());
    EXPECT_EQ(got.size(), sent.size());
    EXPECT_TRUE(got == sent);
}

TEST(StdinFeed, EndWithNothingQueuedClosesAtOnce) {
    Pipe p;
    StdinFeed feed;
    feed.open(std::move(p.w), true);
    feed.push("abc", 3);
    EXPECT_EQ(feed.pending(), 0u);
    feed.end();
    EXPECT_FALSE(feed.is_open());
    bool eof = false;
    EXPECT_EQ(drain(p.r.get(), eof), "abc");
    EXPECT_TRUE(eof);
}

TEST(StdinFeed, PtyInputGoesOnAfterAClientsEnd) {
    Pipe p;
    StdinFeed feed;
    feed.open(std::move(p.w), false);
    feed.end();  // one attach detached or left
    EXPECT_TRUE(feed.is_open());
    feed.push("exit 5\r", 7);  // the next attach types on
    bool eof = false;
    EXPECT_EQ(drain(p.r.get(), eof), "exit 5\r");
}

TEST(StdinFeed, PipeInputAfterTheEndIsDropped) {
    Pipe p;
    StdinFeed feed;
    feed.open(std::move(p.w), true);
    std::string chunk = pattern(20000);
    feed.push(chunk.data(), chunk.size());
    feed.end();
    size_t queued = feed.pending();
    feed.push("late", 4);
    EXPECT_EQ(feed.pending(), queued);
}

TEST(StdinFeed, FullMeansStopReadingClients) {
    Pipe p;
    StdinFeed feed;
    feed.open(std::move(p.w), true);
    std::string chunk = pattern(StdinFeed::kMaxPending + 8192);
    feed.push(chunk.data(), chunk.size());
    EXPECT_TRUE(feed.full());
    bool eof = false;
    for (int i = 0; i < 1000 && feed.full(); ++i) {
        drain(p.r.get(), eof);
        feed.pump();
    }
    EXPECT_FALSE(feed.full());
}

TEST(StdinFeed, ProcessClosingItsStdinDropsTheQueue) {
    signal(SIGPIPE, SIG_IGN);
    Pipe p;
    StdinFeed feed;
    feed.open(std::move(p.w), true);
    std::string chunk = pattern(20000);
    feed.push(chunk.data(), chunk.size());
    p.r.reset();
    feed.pump();
    EXPECT_FALSE(feed.is_open());
    EXPECT_EQ(feed.pending(), 0u);
    EXPECT_FALSE(feed.full());
    feed.push("x", 1);  // after the process is gone, input goes nowhere
    EXPECT_EQ(feed.pending(), 0u);
}
