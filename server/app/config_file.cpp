#include "server/app/config_file.hpp"

#include <fstream>

#include "schedule/trim.hpp"
#include "schedule/utf8.hpp"

namespace stagehub::server {
namespace {

constexpr size_t kMaxFileBytes = 1 << 20;  // a config file is a few KiB; this is not one

std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('\'');
    out.append(text);
    out.push_back('\'');
    return out;
}

bool is_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

std::string config_location(const ConfigFile& file, const ConfigSetting& setting) {
    return file.path.string() + ":" + std::to_string(setting.line) + ": ";
}

Result<ConfigFile> parse_config_text(std::string_view text, const std::filesystem::path& path) {
    ConfigFile file{path, {}};
    const auto at = [&](int line, const std::string& message) {
        return Error{ErrorCode::bad_arguments,
                     path.string() + ":" + std::to_string(line) + ": " + message};
    };
    // A NUL would end a path value early, silently: no text file has one.
    if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
        return Error{
            ErrorCode::bad_arguments,
            path.string() + ": not a text file (a NUL byte at byte " + std::to_string(nul) + ")"};
    }
    if (const auto bad_byte = schedule::first_non_utf8(text)) {
        return Error{ErrorCode::bad_arguments, path.string() + ": not UTF-8 text (at byte " +
                                                   std::to_string(*bad_byte) + ")"};
    }
    int number = 0;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        const std::string_view raw = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++number;
        const std::string_view line = schedule::trim(raw);
        if (line.empty() || line.front() == '#')
            continue;
        const size_t equals = line.find('=');
        if (equals == std::string_view::npos) {
            return at(number, quoted(line) +
                                  " is not a setting; write key = value (a serve option "
                                  "without --, e.g. port = 8080)");
        }
        const std::string_view key = schedule::trim(line.substr(0, equals));
        std::string_view value = schedule::trim(line.substr(equals + 1));
        if (key.empty())
            return at(number, "a setting needs a key before '='");
        for (const char c : key) {
            if (!is_key_char(c) || !(key.front() >= 'a' && key.front() <= 'z')) {
                return at(number, quoted(key) +
                                      " is not a key: keys are lower-case option names "
                                      "without --, e.g. port");
            }
        }
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        else if (!value.empty() && (value.front() == '"' || value.back() == '"'))
            return at(number, std::string(key) + ": a quoted value needs both quotes");
        if (value.empty())
            return at(number, std::string(key) + " needs a value after '='");
        file.settings.push_back({number, std::string(key), std::string(value)});
    }
    return file;
}

Result<ConfigFile> read_config_file(const std::filesystem::path& path) {
    // Looked at before reading: --config /dev/zero must not fill the memory.
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
        return Error{ErrorCode::bad_arguments,
                     path.string() + " is not a file (a configuration file is a text file)"};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error{ErrorCode::bad_arguments, "cannot read the configuration file " +
                                                   path.string() +
                                                   " (does it exist, and may this user read it?)"};
    }
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
        return Error{ErrorCode::bad_arguments,
                     path.string() + ": too large for a configuration file (over 1 MiB)"};
    }
    return parse_config_text(text, path);
}

}  // namespace stagehub::server
