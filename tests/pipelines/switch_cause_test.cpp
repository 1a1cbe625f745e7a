// The switch causes' wire names are protocol (docs/PROTOCOL.md, `ops` / `switch`).
#include "pipelines/switch_cause.hpp"

#include <gtest/gtest.h>

#include <string>

namespace stagehub::pipelines {
namespace {

TEST(SwitchCauseTest, EveryCauseHasItsProtocolName) {
    EXPECT_EQ(std::string(name_of(SwitchCause::input_back)), "input_back");
    EXPECT_EQ(std::string(name_of(SwitchCause::input_lost)), "input_lost");
    EXPECT_EQ(std::string(name_of(SwitchCause::organiser)), "organiser");
}

}  // namespace
}  // namespace stagehub::pipelines
