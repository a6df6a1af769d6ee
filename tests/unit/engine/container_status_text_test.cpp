// ps Status text for each state, with the clock pinned.
#include "engine/container_status_text.hpp"

#include <gtest/gtest.h>

#include "engine/log_reader.hpp"

namespace berth::engine {
namespace {

constexpr int64_t kSec = 1'000'000'000;
const int64_t kNow = parse_rfc3339_ns("2026-01-01T12:00:00Z");

ContainerState running(const std::string& started, const std::string& health = "") {
    ContainerState s;
    s.status = "running";
    s.started_at = started;
    s.health = health;
    return s;
}

TEST(ContainerStatusText, Up) {
    EXPECT_EQ(container_status_text(running("2026-01-01T11:59:59.5Z"), kNow),
              "Up Less than a second");
    EXPECT_EQ(container_status_text(running("2026-01-01T11:59:59Z"), kNow), "Up 1 second");
    EXPECT_EQ(container_status_text(running("2026-01-01T11:59:55.123456789Z"), kNow),
              "Up 4 seconds");
    EXPECT_EQ(container_status_text(running("2026-01-01T11:58:30Z"), kNow), "Up About a minute");
    EXPECT_EQ(container_status_text(running("2026-01-01T10:00:00Z"), kNow), "Up 2 hours");
}

TEST(ContainerStatusText, Health) {
    EXPECT_EQ(container_status_text(running("2026-01-01T11:57:00Z", "starting"), kNow),
              "Up 3 minutes (health: starting)");
    EXPECT_EQ(container_status_text(running("2026-01-01T10:00:00Z", "healthy"), kNow),
              "Up 2 hours (healthy)");
    EXPECT_EQ(container_status_text(running("2026-01-01T11:59:50Z", "unhealthy"), kNow),
              "Up 10 seconds (unhealthy)");
}

TEST(ContainerStatusText, PausedRestartingExited) {
    ContainerState p = running("2026-01-01T11:59:56Z", "healthy");
    p.status = "paused";
    EXPECT_EQ(container_status_text(p, kNow), "Up 4 seconds (Paused)");

    ContainerState r;
    r.status = "restarting";
    r.exit_code = 1;
    r.started_at = "2026-01-01T11:00:00Z";
    r.finished_at = "2026-01-01T11:59:58Z";
    EXPECT_EQ(container_status_text(r, kNow), "Restarting (1) 2 seconds ago");

    ContainerState e = r;
    e.status = "exited";
    e.exit_code = 0;
    e.finished_at = "2026-01-01T11:59:57Z";
    EXPECT_EQ(container_status_text(e, kNow), "Exited (0) 3 seconds ago");
    e.exit_code = 137;
    e.finished_at = "2025-12-30T12:00:00Z";
    EXPECT_EQ(container_status_text(e, kNow), "Exited (137) 2 days ago");
}

TEST(ContainerStatusText, CreatedRemovingDead) {
    ContainerState c;
    EXPECT_EQ(container_status_text(c, kNow), "Created");
    c.status = "removing";
    EXPECT_EQ(container_status_text(c, kNow), "Removal In Progress");
    c.status = "dead";
    EXPECT_EQ(container_status_text(c, kNow), "Dead");
    // Exited without ever starting (a start that failed): Docker says "Created".
    c.status = "exited";
    EXPECT_EQ(container_status_text(c, kNow), "Created");
}

}  // namespace
}  // namespace berth::engine
