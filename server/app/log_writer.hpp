// Log lines on stderr as "2026-11-22T10:00:00.123Z stagehub WARNING: message", in UTF-8
// whatever the locale (GLib's default writer turns "förnyelse" into "f?rnyelse" under C).
// Every line is redacted first (schedule/visibility.hpp): the stages' known secrets and any
// URL's password become "***", whoever logged them (a GStreamer error quoting a camera's
// rtsp://user:password@… included).
//
// Threads: any (GLib logs from streaming threads too); the secrets are behind a mutex.
#pragma once

#include <string>
#include <vector>

namespace stagehub::server {

void install_log_writer();

// The secret strings to redact from now on (replacing the previous set).
void set_log_secrets(std::vector<std::string> secrets);

// A log line's message as it is written: redacted.
std::string log_message_text(const std::string& message);

}  // namespace stagehub::server
