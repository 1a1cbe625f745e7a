// A request's JSON body as the handlers read it: the object a write sends, or none for an
// operation without parameters; and the dry-run flag that previews an edit.
//
// Threads: any (pure functions of the request).
#pragma once

#include <nlohmann/json.hpp>

#include "schedule/result.hpp"
#include "server/http/http_message.hpp"

namespace stagehub::server {

// The request body as a JSON object. Errors: "bad_json" naming what is wrong.
Result<nlohmann::json> json_body(const HttpRequest& request);
// The same, but an empty body is an empty object: operations without parameters may be
// sent with none.
Result<nlohmann::json> optional_json_body(const HttpRequest& request);
// dry_run from the query (?dry_run=true) or the body ("dry_run": true).
bool wants_dry_run(const HttpRequest& request, const nlohmann::json& body);

}  // namespace stagehub::server
