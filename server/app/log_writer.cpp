#include "server/app/log_writer.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "schedule/instant.hpp"
#include "schedule/visibility.hpp"

namespace stagehub::server {
namespace {

std::mutex secrets_mutex;
std::vector<std::string> secrets;  // guarded by secrets_mutex
std::atomic<LogFormat> chosen_format{LogFormat::text};

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

// One event, one line: a message's own line breaks are written as "\n", a backslash as
// "\\" (so a literal "\n" in a message cannot pass for a break) and every other control
// byte as "\xHH" (so text a client sent cannot move a terminal's cursor or colour a line).
std::string one_line(std::string text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
            out += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

GLogWriterOutput write_line(GLogLevelFlags level, const GLogField* fields, gsize count, gpointer) {
    // Debug output only when asked for, as GLib does (G_MESSAGES_DEBUG).
    if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) &&
        g_getenv("G_MESSAGES_DEBUG") == nullptr) {
        return G_LOG_WRITER_HANDLED;
    }
    std::string domain = "stagehub";
    std::string message;
    std::string request_id;
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
        if (key == "REQUEST_ID")
            request_id = text;
    }
    const auto now =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const std::string line = log_line(chosen_format.load(), format_instant_ms(now), domain,
                                      level_name(level), message, request_id);
    std::fprintf(stderr, "%s\n", line.c_str());
    return G_LOG_WRITER_HANDLED;
}

}  // namespace

std::optional<LogFormat> log_format_named(std::string_view name) {
    if (name == "text")
        return LogFormat::text;
    if (name == "json")
        return LogFormat::json;
    return std::nullopt;
}

std::string log_line(LogFormat format, std::string_view time, std::string_view domain,
                     std::string_view level, const std::string& message,
                     std::string_view request_id) {
    const std::string text = log_message_text(message);
    if (format == LogFormat::text) {
        return std::string(time) + " " + std::string(domain) + " " + std::string(level) + ": " +
               one_line(text);
    }
    nlohmann::ordered_json line = {
        {"time", time}, {"level", level}, {"logger", domain}, {"message", text}};
    if (!request_id.empty())
        line["request_id"] = request_id;
    // A message is not always UTF-8 (a GStreamer error quoting a file name): replaced, not
    // thrown on.
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void set_log_secrets(std::vector<std::string> list) {
    const std::lock_guard lock(secrets_mutex);
    secrets = std::move(list);
}

std::string log_message_text(const std::string& message) {
    const std::lock_guard lock(secrets_mutex);
    return schedule::redact(message, secrets);
}

void log_with_request_id(GLogLevelFlags level, const std::string& request_id,
                         const std::string& message) {
    const GLogField fields[] = {
        {"GLIB_DOMAIN", "stagehub", -1},
        {"REQUEST_ID", request_id.c_str(), -1},
        {"MESSAGE", message.c_str(), -1},
    };
    g_log_structured_array(level, fields, G_N_ELEMENTS(fields));
}

void install_log_writer(LogFormat format) {
    chosen_format = format;
    // GLib takes a writer once per process; a second call only changes the format.
    static std::once_flag installed;
    std::call_once(installed, [] { g_log_set_writer_func(write_line, nullptr, nullptr); });
}

}  // namespace stagehub::server
