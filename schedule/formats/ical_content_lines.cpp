#include "schedule/formats/ical_content_lines.hpp"

namespace stagehub::schedule::formats {
namespace {

// RFC 5545 3.1: a content line holds no control character but HTAB.
bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7F;
}

}  // namespace

std::string escape_ical_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        switch (c) {
            case '\\':
                out.append("\\\\");
                break;
            case ';':
                out.append("\\;");
                break;
            case ',':
                out.append("\\,");
                break;
            case '\r':
                if (i + 1 < text.size() && text[i + 1] == '\n')
                    ++i;
                out.append("\\n");
                break;
            case '\n':
                out.append("\\n");
                break;
            default:
                if (!is_control(c))
                    out += c;
        }
    }
    return out;
}

std::string ical_content_line(std::string_view text) {
    constexpr size_t kMaxOctets = 75;
    std::string kept;
    kept.reserve(text.size());
    for (const char c : text) {
        if (!is_control(c))
            kept += c;
    }
    std::string_view line = kept;
    std::string out;
    size_t limit = kMaxOctets;  // continuation lines lose one octet to their leading space
    while (line.size() > limit) {
        size_t cut = limit;
        // Back up to the first byte of a UTF-8 character (continuation bytes are 10xxxxxx).
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0u) == 0x80u)
            --cut;
        if (cut == 0)
            cut = limit;  // not UTF-8 at all: split where the octets say
        out.append(line.substr(0, cut)).append("\r\n ");
        line.remove_prefix(cut);
        limit = kMaxOctets - 1;
    }
    out.append(line).append("\r\n");
    return out;
}

}  // namespace stagehub::schedule::formats
