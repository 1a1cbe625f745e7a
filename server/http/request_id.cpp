#include "server/http/request_id.hpp"

#include <algorithm>
#include <cstdio>

namespace stagehub::server {
namespace {

bool safe_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':';
}

bool json_error_shape(const HttpResponse& response) {
    return response.status >= 400 && response.file.empty() && !response.file_bytes &&
           response.content_type.starts_with("application/json");
}

}  // namespace

bool acceptable_request_id(std::string_view id) {
    return !id.empty() && id.size() <= kMaxRequestIdBytes &&
           std::all_of(id.begin(), id.end(), safe_char);
}

RequestIds::RequestIds() : random_(std::random_device{}()) {}

std::string RequestIds::id_for(std::string_view incoming) {
    if (acceptable_request_id(incoming))
        return std::string(incoming);
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random_()));
    return text;
}

void stamp_request_id(HttpResponse& response, const std::string& id) {
    response.header("x-request-id", id);
    if (!json_error_shape(response))
        return;
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object())
        return;
    body["error"]["request_id"] = id;
    response.body = body.dump();
}

std::optional<ErrorSummary> error_summary(const HttpResponse& response) {
    if (!json_error_shape(response))
        return std::nullopt;
    const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object())
        return std::nullopt;
    const nlohmann::json& error = body["error"];
    const auto text = [&](const char* key) {
        return error.contains(key) && error[key].is_string() ? error[key].get<std::string>()
                                                             : std::string();
    };
    return ErrorSummary{text("code"), text("message")};
}

}  // namespace stagehub::server
