// Log lines on stderr, one per event, each with its level, in UTF-8 whatever the locale
// (GLib's default writer turns "förnyelse" into "f?rnyelse" under C). Two formats:
//   text  "2026-11-22T10:00:00.123Z stagehub WARNING: message" (line breaks in a message
//         written as \n, so an event is one line)
//   json  {"time":"2026-11-22T10:00:00.123Z","level":"WARNING","logger":"stagehub",
//          "message":"…","request_id":"…"} for log shippers; request_id when the event
//         concerns a request (log_with_request_id).
// Every message is redacted first (schedule/visibility.hpp): the stages' known secrets and
// any URL's password become "***", whoever logged them (a GStreamer error quoting a
// camera's rtsp://user:password@… included), in both formats.
//
// Threads: any (GLib logs from streaming threads too); the secrets are behind a mutex.
#pragma once

#include <glib.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stagehub::server {

enum class LogFormat { text, json };

// "text" or "json"; nullopt for anything else.
std::optional<LogFormat> log_format_named(std::string_view name);

void install_log_writer(LogFormat format = LogFormat::text);

// The secret strings to redact from now on (replacing the previous set).
void set_log_secrets(std::vector<std::string> secrets);

// A log line's message as it is written: redacted.
std::string log_message_text(const std::string& message);

// A line about one request: its id goes in the JSON format's request_id field.
void log_with_request_id(GLogLevelFlags level, const std::string& request_id,
                         const std::string& message);

// One event as a line of the format, without the line break (exposed for tests).
std::string log_line(LogFormat format, std::string_view time, std::string_view domain,
                     std::string_view level, const std::string& message,
                     std::string_view request_id);

}  // namespace stagehub::server
