#include "server/api/stage_control_api.hpp"

#include <algorithm>

#include "schedule/instant.hpp"
#include "schedule/json_text.hpp"
#include "server/api/api_errors.hpp"
#include "server/api/caller_route.hpp"
#include "server/auth/access.hpp"

namespace stagehub::server {

using nlohmann::json;

namespace {

size_t characters_in(const std::string& utf8) {
    // Every byte but UTF-8's continuation bytes (10xxxxxx) starts a character.
    return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string trimmed(const std::string& text) {
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return "";
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The slate's first line from a body {"text": "…"}, or why not.
Result<std::string> slate_text_of(const std::string& body) {
    const json parsed = schedule::parse_json(body).value_or(json());
    if (!parsed.is_object()) {
        return Error{ErrorCode::bad_json,
                     "the body must be a JSON object such as {\"text\": \"Vi är strax tillbaka\"}"};
    }
    const auto text = parsed.find("text");
    if (text == parsed.end() || !text->is_string())
        return Error{ErrorCode::bad_field, "\"text\" must be the slate's text, a string"};
    std::string line = trimmed(text->get<std::string>());
    if (line.empty())
        return Error{ErrorCode::bad_field, "\"text\" is empty: write what the slate should say"};
    if (std::any_of(line.begin(), line.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        return Error{ErrorCode::bad_field, "\"text\" must be one line, without control characters"};
    }
    if (characters_in(line) > StageControlApi::kMaxSlateChars) {
        return Error{ErrorCode::bad_field, "\"text\" has " + std::to_string(characters_in(line)) +
                                               " characters; the slate shows at most " +
                                               std::to_string(StageControlApi::kMaxSlateChars)};
    }
    return line;
}

}  // namespace

void StageControlApi::add_routes(ApiRouter& router) {
    // Each route: who may, which stage, what the control becomes; stored, applied, answered.
    using Change = std::function<Status(const HttpRequest&, StageControl&)>;
    const auto control_route = [&](HttpMethod method, const std::string& action, Change change) {
        add_caller_route(
            router, tokens_, method, "/api/v1/stages/{stage}/" + action,
            [this, change](const HttpRequest& request, const PathParams& p, const Caller& c) {
                const std::string& stage_id = p.at("stage");
                const schedule::Programme* owner = catalog_.find_stage_owner(stage_id);
                if (owner == nullptr)
                    return error_response(
                        Error{ErrorCode::not_found, "there is no stage " + in_quotes(stage_id)});
                if (const Status allowed = require_organiser_of(c, owner->event.id); !allowed)
                    return error_response(allowed.error());
                const schedule::Stage& stage = *owner->find_stage(stage_id);
                if (!stage.broadcast) {
                    return error_response(
                        Error{ErrorCode::not_broadcast,
                              "stage " + in_quotes(stage_id) +
                                  " is not broadcast; turn its broadcast on in the "
                                  "programme (\"broadcast\": true) first"});
                }
                const StageControl& before = controls_.get(stage_id);
                StageControl after = before;
                if (const Status changed = change(request, after); !changed)
                    return error_response(changed.error());
                if (after != before) {  // the same again changes nothing, and is no error
                    after.changed_at = server_time();
                    after.changed_by = c.actor();
                    controls_.put(stage_id, after);
                    on_changed_(stage, after);
                }
                json answer = control_json(controls_.get(stage_id));
                answer["stage"] = stage_id;
                return json_response(200, answer);
            });
    };
    control_route(HttpMethod::post, "off-air", [](const HttpRequest&, StageControl& control) {
        control.off_air = true;
        return ok_status();
    });
    control_route(HttpMethod::post, "on-air", [](const HttpRequest&, StageControl& control) {
        control.off_air = false;
        return ok_status();
    });
    control_route(HttpMethod::put, "slate", [](const HttpRequest& request, StageControl& control) {
        auto text = slate_text_of(request.body);
        if (!text)
            return Status(text.error());
        control.slate_text = std::move(*text);
        return ok_status();
    });
    control_route(HttpMethod::delete_, "slate", [](const HttpRequest&, StageControl& control) {
        control.slate_text.reset();
        return ok_status();
    });
}

}  // namespace stagehub::server
