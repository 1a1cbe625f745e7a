// `stagehub admin create-captioner` (server/cli/admin_command): the token it prints opens a
// captioner's account for exactly the events named, as the API then judges it.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "schedule/database.hpp"
#include "server/app/options.hpp"
#include "server/auth/token_store.hpp"
#include "server/cli/admin_command.hpp"
#include "temp_dir.hpp"

namespace stagehub::server {
namespace {

TEST(AdminCaptioner, CreatesACaptionerOfTheNamedEventsAndPrintsItsToken) {
    stagehub::testing::TempDir dir;
    auto options = parse_options({"admin", "create-captioner", "--name", "Skrivtolk", "--event",
                                  "tillsammans-for-fornyelse", "--data", dir.path().string()});
    ASSERT_TRUE(options.ok()) << options.error().message;
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(run_admin(*options, out, err), 0) << err.str();

    const std::string printed = out.str();
    EXPECT_NE(printed.find("created captioner"), std::string::npos) << printed;
    const size_t token_at = printed.find("shb_");
    ASSERT_NE(token_at, std::string::npos) << printed;
    const std::string token = printed.substr(token_at, printed.find('\n', token_at) - token_at);

    schedule::Database db(dir.path() / "stagehub.db");
    TokenStore tokens(db);
    const auto account = tokens.authenticate(token);
    ASSERT_TRUE(account);
    EXPECT_EQ(account->role, Role::captioner);
    EXPECT_EQ(account->name, "Skrivtolk");
    EXPECT_TRUE(account->acts_in("tillsammans-for-fornyelse"));
    EXPECT_FALSE(account->acts_in("innovationsveckan"));
}

}  // namespace
}  // namespace stagehub::server
