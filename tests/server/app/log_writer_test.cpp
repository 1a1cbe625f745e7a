// Log lines in both formats: one line per event, its level, the request id where known,
// and the stages' secrets redacted in either.
#include "server/app/log_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace stagehub::server {
namespace {

TEST(LogWriter, TextIsOneLineWithItsLevelAndSecretsRedacted) {
    set_log_secrets({"key-abc123"});
    const std::string line = log_line(LogFormat::text, "2026-11-22T10:00:00.123Z", "stagehub",
                                      "WARNING", "rtmp://h/live/key-abc123 failed\nsecond", "");
    EXPECT_EQ(line, "2026-11-22T10:00:00.123Z stagehub WARNING: rtmp://h/live/*** failed\\nsecond");
    set_log_secrets({});
}

// Text a client sent can reach a message: it may not fake a line, move a terminal's cursor
// or colour what follows.
TEST(LogWriter, TextEscapesBackslashesAndControlBytes) {
    const std::string line =
        log_line(LogFormat::text, "t", "stagehub", "INFO", "a\\nb \x1b[31mred\x07\x7f\tend", "");
    EXPECT_EQ(line, "t stagehub INFO: a\\\\nb \\x1b[31mred\\x07\\x7f\\x09end");
}

TEST(LogWriter, JsonIsOneObjectALineForLogShippers) {
    set_log_secrets({"key-abc123"});
    const std::string line =
        log_line(LogFormat::json, "2026-11-22T10:00:00.123Z", "stagehub", "INFO",
                 "request 0a1b: GET /x answered 404 not_found: key-abc123\n\"quoted\"", "0a1b");
    EXPECT_EQ(line.find('\n'), std::string::npos);
    const nlohmann::json object = nlohmann::json::parse(line);
    EXPECT_EQ(object["time"], "2026-11-22T10:00:00.123Z");
    EXPECT_EQ(object["level"], "INFO");
    EXPECT_EQ(object["logger"], "stagehub");
    EXPECT_EQ(object["request_id"], "0a1b");
    EXPECT_EQ(object["message"], "request 0a1b: GET /x answered 404 not_found: ***\n\"quoted\"");
    // No request, no field; bytes that are not UTF-8 do not break the line.
    const nlohmann::json plain =
        nlohmann::json::parse(log_line(LogFormat::json, "t", "stagehub", "INFO", "caf\xe9", ""));
    EXPECT_FALSE(plain.contains("request_id"));
    EXPECT_TRUE(log_format_named("json"));
    EXPECT_FALSE(log_format_named("xml"));
    set_log_secrets({});
}

}  // namespace
}  // namespace stagehub::server
