#include "server/api/request_body.hpp"

#include "schedule/json_text.hpp"

namespace stagehub::server {

using nlohmann::json;

Result<json> json_body(const HttpRequest& request) {
    if (request.body.empty())
        return Error{ErrorCode::bad_json, "the request needs a JSON object as its body"};
    auto parsed = schedule::parse_json(request.body);
    if (!parsed)
        return Error{ErrorCode::bad_json, "the request body is " + parsed.error().message};
    json body = std::move(parsed).value();
    if (!body.is_object())
        return Error{ErrorCode::bad_json, "the request body must be a JSON object"};
    return body;
}

Result<json> optional_json_body(const HttpRequest& request) {
    if (request.body.empty())
        return json::object();
    return json_body(request);
}

bool wants_dry_run(const HttpRequest& request, const json& body) {
    if (const auto value = request.query_value("dry_run"))
        return *value == "true" || *value == "1";
    const auto it = body.find("dry_run");
    return it != body.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace stagehub::server
