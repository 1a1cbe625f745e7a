// A missing element is an error of its own type, naming the factory and its package.
#include "pipelines/missing_element.hpp"

#include <gtest/gtest.h>

#include <string>

namespace stagehub::pipelines {
namespace {

TEST(MissingElementTest, NamesTheStageTheElementAndItsDebianPackage) {
    const MissingElementError error("salen", "x264enc");
    EXPECT_EQ(error.missing().factory, "x264enc");
    EXPECT_EQ(error.missing().package, "gstreamer1.0-plugins-ugly");
    EXPECT_EQ(std::string(error.what()),
              "stage salen: GStreamer element 'x264enc' is missing; install the Debian "
              "package gstreamer1.0-plugins-ugly");
}

TEST(MissingElementTest, AnElementOfNoKnownPackageStillReadsAsASentence) {
    const MissingElementError error("salen", "nosuchelement");
    EXPECT_EQ(error.missing().package, "that provides it");
    EXPECT_EQ(std::string(error.what()),
              "stage salen: GStreamer element 'nosuchelement' is missing; install the Debian "
              "package that provides it");
}

}  // namespace
}  // namespace stagehub::pipelines
