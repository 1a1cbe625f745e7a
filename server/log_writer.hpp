// Log lines on stderr as "2026-11-22T10:00:00.123Z stagehub WARNING: message", in UTF-8
// whatever the locale (GLib's default writer turns "förnyelse" into "f?rnyelse" under C).
#pragma once

namespace stagehub::server {

void install_log_writer();

}  // namespace stagehub::server
