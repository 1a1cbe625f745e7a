#include "schedule/formats/name_uuid.hpp"

#include <gtest/gtest.h>

#include "schedule/formats/export_ids.hpp"

namespace stagehub::schedule::formats {
namespace {

TEST(NameUuid, MatchesTheRfc4122VersionFiveReference) {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
    EXPECT_EQ(uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
              "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(NameUuid, IsStableAndDiffersByName) {
    const std::string a = uuid_v5(kUrlNamespace, "stagehub:e:session:a");
    EXPECT_EQ(a, uuid_v5(kUrlNamespace, "stagehub:e:session:a"));
    EXPECT_NE(a, uuid_v5(kUrlNamespace, "stagehub:e:session:b"));
    EXPECT_TRUE(is_uuid(a));
    EXPECT_EQ(a[14], '5');
}

TEST(NameUuid, RecognisesUuids) {
    EXPECT_TRUE(is_uuid("8079583E-8321-506c-95af-fd2903a5f075"));
    EXPECT_FALSE(is_uuid("8079583e8321506c95affd2903a5f075"));
    EXPECT_FALSE(is_uuid("8079583e-8321-506c-95af-fd2903a5f07g"));
    EXPECT_FALSE(is_uuid(""));
}

TEST(ExportIds, StoredGuidsWinAndNumbersArePositiveAndDistinct) {
    // Ids moved in, not assigned from literals: GCC 12 warns falsely (-Wrestrict) at -O3.
    Event event;
    event.id = std::string("e");
    Session s;
    s.id = std::string("a");
    EXPECT_TRUE(is_uuid(session_guid(event, s)));
    s.guid = "0d8a3b52-51c4-4f57-8d8e-2f1f5e3d6a10";
    EXPECT_EQ(session_guid(event, s), s.guid);
    NumberAllocator numbers;
    const int64_t first = numbers.number_for("a", "same");
    const int64_t second = numbers.number_for("b", "same");  // a collision
    EXPECT_GT(first, 0);
    EXPECT_NE(first, second);
    EXPECT_EQ(numbers.number_for("a", "anything"), first);
    EXPECT_EQ(session_url("https://x.org/", "s1"), "https://x.org/#session-s1");
}

}  // namespace
}  // namespace stagehub::schedule::formats
