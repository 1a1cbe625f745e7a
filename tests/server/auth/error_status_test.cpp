// The one table of error codes and HTTP statuses against what docs/API.md promises
// clients: every code the API answers with is documented, with the status it gets.
#include "server/auth/error_status.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace stagehub::server {
namespace {

// Codes that never reach HTTP: the websocket's (docs/PROTOCOL.md) and the command line's.
const std::set<ErrorCode> kNotHttp = {ErrorCode::unsupported, ErrorCode::unknown_channel,
                                      ErrorCode::not_subscribed, ErrorCode::too_many_subscriptions,
                                      ErrorCode::bad_arguments};

// code name -> the statuses docs/API.md's error table lists it under.
std::map<std::string, std::set<int>> documented_statuses() {
    std::ifstream file(STAGEHUB_DOCS_DIR "/API.md");
    std::stringstream text;
    text << file.rdbuf();
    std::map<std::string, std::set<int>> statuses;
    const std::regex row(R"(^\| (\d{3}) \| ([^|]+) \|)");
    const std::regex code("`([a-z_]+)`");
    std::string line;
    while (std::getline(text, line)) {
        std::smatch m;
        if (!std::regex_search(line, m, row))
            continue;
        const int status = std::stoi(m[1]);
        const std::string codes = m[2];
        for (auto it = std::sregex_iterator(codes.begin(), codes.end(), code);
             it != std::sregex_iterator(); ++it) {
            statuses[(*it)[1]].insert(status);
        }
    }
    return statuses;
}

TEST(ErrorStatus, EveryCodeHasADistinctSnakeCaseNameThatRoundTrips) {
    std::set<std::string_view> names;
    for (const ErrorCode code : all_error_codes()) {
        const std::string_view name = to_string(code);
        EXPECT_TRUE(std::regex_match(std::string(name), std::regex("[a-z]+(_[a-z]+)*"))) << name;
        EXPECT_TRUE(names.insert(name).second) << name << " twice";
        EXPECT_EQ(error_code_named(name), code);
    }
    EXPECT_EQ(error_code_named("no_such_code"), std::nullopt);
}

TEST(ErrorStatus, EveryCodeTheApiAnswersIsDocumentedWithItsStatus) {
    const auto documented = documented_statuses();
    ASSERT_GT(documented.size(), 30u) << "docs/API.md's error table was not found";
    for (const ErrorCode code : all_error_codes()) {
        if (kNotHttp.contains(code))
            continue;
        const auto it = documented.find(std::string(to_string(code)));
        ASSERT_NE(it, documented.end()) << to_string(code) << " is not in docs/API.md";
        // A code listed under two statuses (heartbeats answer unknown_stage with 400) has the
        // table's status among them.
        EXPECT_TRUE(it->second.contains(http_status_for(code)))
            << to_string(code) << ": the table says " << http_status_for(code);
    }
}

TEST(ErrorStatus, AnErrorBecomesItsStatusAndTheOneBodyShape) {
    const HttpResponse conflict = error_response(Error{ErrorCode::overlap, "a and b overlap"});
    EXPECT_EQ(conflict.status, 409);
    EXPECT_EQ(conflict.body, R"({"error":{"code":"overlap","message":"a and b overlap"}})");
    const HttpResponse who = error_response(Error{ErrorCode::unauthorized, "no token"});
    EXPECT_EQ(who.status, 401);
    EXPECT_NE(std::find(who.headers.begin(), who.headers.end(),
                        std::pair<std::string, std::string>("www-authenticate",
                                                            "Bearer realm=\"stagehub\"")),
              who.headers.end());
}

}  // namespace
}  // namespace stagehub::server
