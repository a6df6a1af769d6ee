// go-units HumanDuration and Go's Duration.String, at the boundaries where the wording changes.
#include "common/duration_format.hpp"

#include <gtest/gtest.h>

namespace berth {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;

TEST(HumanDuration, SecondsAndMinutes) {
    EXPECT_EQ(human_duration(-5 * kSec), "Less than a second");
    EXPECT_EQ(human_duration(0), "Less than a second");
    EXPECT_EQ(human_duration(999 * kMs), "Less than a second");
    EXPECT_EQ(human_duration(1 * kSec), "1 second");
    EXPECT_EQ(human_duration(1999 * kMs), "1 second");
    EXPECT_EQ(human_duration(2 * kSec), "2 seconds");
    EXPECT_EQ(human_duration(59 * kSec + 999 * kMs), "59 seconds");
    EXPECT_EQ(human_duration(60 * kSec), "About a minute");
    EXPECT_EQ(human_duration(119 * kSec), "About a minute");
    EXPECT_EQ(human_duration(2 * kMin), "2 minutes");
    EXPECT_EQ(human_duration(59 * kMin + 59 * kSec), "59 minutes");
}

TEST(HumanDuration, HoursRoundHalfUp) {
    EXPECT_EQ(human_duration(kHour), "About an hour");
    EXPECT_EQ(human_duration(kHour + 29 * kMin), "About an hour");
    EXPECT_EQ(human_duration(kHour + 30 * kMin), "2 hours");
    EXPECT_EQ(human_duration(47 * kHour), "47 hours");
    EXPECT_EQ(human_duration(47 * kHour + 29 * kMin), "47 hours");
    EXPECT_EQ(human_duration(47 * kHour + 30 * kMin), "2 days");  // rounds to 48 hours
}

TEST(HumanDuration, DaysWeeksMonthsYears) {
    EXPECT_EQ(human_duration(2 * kDay), "2 days");
    EXPECT_EQ(human_duration(13 * kDay + 23 * kHour), "13 days");
    EXPECT_EQ(human_duration(14 * kDay), "2 weeks");
    EXPECT_EQ(human_duration(59 * kDay), "8 weeks");
    EXPECT_EQ(human_duration(60 * kDay), "2 months");
    EXPECT_EQ(human_duration(729 * kDay), "24 months");
    EXPECT_EQ(human_duration(730 * kDay), "2 years");
    EXPECT_EQ(human_duration(3 * 365 * kDay + kDay), "3 years");
}

TEST(GoDuration, String) {
    EXPECT_EQ(format_go_duration(0), "0s");
    EXPECT_EQ(format_go_duration(1), "1ns");
    EXPECT_EQ(format_go_duration(1500), "1.5\xC2\xB5s");
    EXPECT_EQ(format_go_duration(300 * kMs), "300ms");
    EXPECT_EQ(format_go_duration(kSec), "1s");
    EXPECT_EQ(format_go_duration(1500 * kMs), "1.5s");
    EXPECT_EQ(format_go_duration(30 * kSec), "30s");
    EXPECT_EQ(format_go_duration(90 * kSec), "1m30s");
    EXPECT_EQ(format_go_duration(kHour), "1h0m0s");
    EXPECT_EQ(format_go_duration(-2 * kSec), "-2s");
    EXPECT_EQ(format_go_duration(INT64_MIN), "-2562047h47m16.854775808s");
}

}  // namespace
}  // namespace berth
