#include "server/http/content_disposition.hpp"

namespace stagehub::server {
namespace {

bool is_ascii_name_char(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

// RFC 5987 attr-char: what filename*= may carry without percent-encoding.
bool is_attr_char(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Length of the valid UTF-8 sequence of a non-ASCII lead byte at `i`, 0 if not valid.
size_t utf8_length(std::string_view text, size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = lead >= 0xF0 && lead <= 0xF4   ? 4
                          : lead >= 0xE0                 ? (lead <= 0xEF ? 3 : 0)
                          : lead >= 0xC2 && lead <= 0xDF ? 2
                                                         : 0;
    if (length == 0 || i + length > text.size())
        return 0;
    for (size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0u) != 0x80u)
            return 0;
    }
    return length;
}

// The name as UTF-8 without control characters, path separators or quotes (each becomes
// '_'), so that even a client that decodes filename* gets one plain file name.
std::string clean_name(std::string_view name) {
    std::string out;
    for (size_t i = 0; i < name.size();) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c >= 0x80) {
            const size_t length = utf8_length(name, i);
            if (length == 0) {
                out += '_';
                ++i;
            } else {
                out.append(name.substr(i, length));
                i += length;
            }
            continue;
        }
        const bool refused = c < 0x20 || c == 0x7F || c == '/' || c == '\\' || c == '"';
        out += refused ? '_' : static_cast<char>(c);
        ++i;
    }
    if (!out.empty() && out.front() == '.')
        out.front() = '_';
    return out.empty() ? "download" : out;
}

}  // namespace

std::string content_disposition(Disposition disposition, std::string_view filename) {
    const std::string name = clean_name(filename);
    std::string value = disposition == Disposition::attachment ? "attachment" : "inline";
    value.append("; filename=\"");
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte & 0xC0u) != 0x80u)  // one '_' per character, not per byte of UTF-8
            value += is_ascii_name_char(byte) ? c : '_';
    }
    value.append("\"; filename*=UTF-8''");
    constexpr std::string_view kHex = "0123456789ABCDEF";
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (is_attr_char(byte)) {
            value += c;
        } else {
            value.append(1, '%').append(1, kHex[byte >> 4]).append(1, kHex[byte & 0x0Fu]);
        }
    }
    return value;
}

}  // namespace stagehub::server
