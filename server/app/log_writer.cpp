#include "server/app/log_writer.hpp"

#include <glib.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "schedule/instant.hpp"
#include "schedule/visibility.hpp"

namespace stagehub::server {
namespace {

std::mutex secrets_mutex;
std::vector<std::string> secrets;  // guarded by secrets_mutex

const char* level_name(GLogLevelFlags level) {
    if (level & G_LOG_LEVEL_ERROR)
        return "ERROR";
    if (level & G_LOG_LEVEL_CRITICAL)
        return "CRITICAL";
    if (level & G_LOG_LEVEL_WARNING)
        return "WARNING";
    if (level & G_LOG_LEVEL_MESSAGE)
        return "INFO";
    if (level & G_LOG_LEVEL_INFO)
        return "INFO";
    return "DEBUG";
}

GLogWriterOutput write_line(GLogLevelFlags level, const GLogField* fields, gsize count, gpointer) {
    // Debug output only when asked for, as GLib does (G_MESSAGES_DEBUG).
    if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) &&
        g_getenv("G_MESSAGES_DEBUG") == nullptr) {
        return G_LOG_WRITER_HANDLED;
    }
    std::string domain = "stagehub";
    std::string message;
    for (gsize i = 0; i < count; ++i) {
        const std::string key = fields[i].key;
        const auto* value = static_cast<const char*>(fields[i].value);
        const std::string text = fields[i].length < 0
                                     ? std::string(value)
                                     : std::string(value, static_cast<size_t>(fields[i].length));
        if (key == "MESSAGE")
            message = text;
        if (key == "GLIB_DOMAIN")
            domain = text;
    }
    const auto now =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    std::fprintf(stderr, "%s %s %s: %s\n", format_instant_ms(now).c_str(), domain.c_str(),
                 level_name(level), log_message_text(message).c_str());
    return G_LOG_WRITER_HANDLED;
}

}  // namespace

void set_log_secrets(std::vector<std::string> list) {
    const std::lock_guard lock(secrets_mutex);
    secrets = std::move(list);
}

std::string log_message_text(const std::string& message) {
    const std::lock_guard lock(secrets_mutex);
    return schedule::redact(message, secrets);
}

void install_log_writer() {
    g_log_set_writer_func(write_line, nullptr, nullptr);
}

}  // namespace stagehub::server
