// The error code of an answer, for tests that check refusals: every refusal is
// {"error":{"code","message"}} (docs/API.md), so an answer that is not says so in the
// code it returns, and one without a message fails the test that reads it.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "net_client.hpp"

namespace stagehub::testing {

inline std::string error_code(const HttpReply& reply) {
    const nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object() ||
        !body["error"].contains("code") || !body["error"]["code"].is_string())
        return "(no JSON error: " + reply.body + ")";
    EXPECT_TRUE(body["error"].contains("message") && body["error"]["message"].is_string())
        << reply.body;
    return body["error"]["code"].get<std::string>();
}

}  // namespace stagehub::testing
