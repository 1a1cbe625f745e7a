#include "server/http/content_disposition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace stagehub::server {
namespace {

using namespace std::string_literals;

struct NameCase {
    std::string filename;
    std::string header;
};

TEST(ContentDisposition, AnyNameGivesOneSafeValueWithAUtf8Twin) {
    const std::vector<NameCase> cases = {
        {"innovationsveckan-sessions.csv",
         "attachment; filename=\"innovationsveckan-sessions.csv\"; "
         "filename*=UTF-8''innovationsveckan-sessions.csv"},
        // A title with CR LF, quotes and ';' cannot end the header or add a parameter.
        {"Dag \"1\"; x=1\r\nSet-Cookie: a=b.ics",
         "attachment; filename=\"Dag__1___x_1__Set-Cookie__a_b.ics\"; "
         "filename*=UTF-8''Dag%20_1_%3B%20x%3D1__Set-Cookie%3A%20a%3Db.ics"},
        {"Piteå–dagen.ics",
         "attachment; filename=\"Pite__dagen.ics\"; "
         "filename*=UTF-8''Pite%C3%A5%E2%80%93dagen.ics"},
        {"../../etc/passwd",
         "attachment; filename=\"_._.._etc_passwd\"; "
         "filename*=UTF-8''_._.._etc_passwd"},
        {"a\\b\0c"s, "attachment; filename=\"a_b_c\"; filename*=UTF-8''a_b_c"},
        {"\xC3(bad utf-8)",
         "attachment; filename=\"__bad_utf-8_\"; "
         "filename*=UTF-8''_%28bad%20utf-8%29"},
        {"", "attachment; filename=\"download\"; filename*=UTF-8''download"},
    };
    for (const NameCase& c : cases) {
        const std::string header = content_disposition(Disposition::attachment, c.filename);
        EXPECT_EQ(header, c.header);
        EXPECT_EQ(header.find_first_of(std::string("\r\n\0", 3)), std::string::npos) << header;
        // Two parameters and no more: no ';' but the two separators.
        EXPECT_EQ(std::count(header.begin(), header.end(), ';'), 2) << header;
    }
    EXPECT_EQ(content_disposition(Disposition::inline_, "x.ics"),
              "inline; filename=\"x.ics\"; filename*=UTF-8''x.ics");
}

}  // namespace
}  // namespace stagehub::server
