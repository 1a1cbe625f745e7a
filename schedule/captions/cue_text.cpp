#include "schedule/captions/cue_text.hpp"

#include <array>
#include <utility>

namespace stagehub::captions {
namespace {

// "-->" may not appear in a cue's text; "--&gt;" reads the same on screen.
void defuse_arrows(std::string& text) {
    for (size_t at = text.find("-->"); at != std::string::npos; at = text.find("-->", at))
        text.replace(at + 2, 1, "&gt;");
}

}  // namespace

std::string cue_text_from_plain(std::string_view plain) {
    std::string out;
    out.reserve(plain.size());
    bool pending_break = false;
    for (const char c : plain) {
        if (c == '\r' || c == '\n') {
            pending_break = !out.empty();
            continue;
        }
        if (pending_break) {
            out += '\n';
            pending_break = false;
        }
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '\t':
                out += ' ';
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string plain_from_cue_text(std::string_view cue_text) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kReferences{{
        {"&amp;", "&"},
        {"&lt;", "<"},
        {"&gt;", ">"},
        {"&nbsp;", "\xC2\xA0"},
        {"&lrm;", "\xE2\x80\x8E"},
        {"&rlm;", "\xE2\x80\x8F"},
    }};
    std::string out;
    out.reserve(cue_text.size());
    for (size_t i = 0; i < cue_text.size();) {
        const char c = cue_text[i];
        if (c == '<') {
            const size_t close = cue_text.find('>', i);
            if (close == std::string_view::npos)
                break;  // an unclosed tag runs to the end, as a WebVTT parser reads it
            i = close + 1;
            continue;
        }
        if (c == '&') {
            bool replaced = false;
            for (const auto& [reference, character] : kReferences) {
                if (cue_text.substr(i).starts_with(reference)) {
                    out += character;
                    i += reference.size();
                    replaced = true;
                    break;
                }
            }
            if (replaced)
                continue;
        }
        out += c;
        ++i;
    }
    return out;
}

std::string tidy_cue_text(std::string_view cue_text) {
    std::string out;
    out.reserve(cue_text.size());
    size_t line_start = 0;
    while (line_start <= cue_text.size()) {
        // CR, LF and CRLF all end a line in WebVTT.
        size_t line_end = cue_text.find_first_of("\r\n", line_start);
        if (line_end == std::string_view::npos)
            line_end = cue_text.size();
        const std::string_view line = cue_text.substr(line_start, line_end - line_start);
        if (line_end + 1 < cue_text.size() && cue_text[line_end] == '\r' &&
            cue_text[line_end + 1] == '\n')
            ++line_end;
        // A blank line would end the cue in a written file: drop it.
        if (line.find_first_not_of(" \t") != std::string_view::npos) {
            if (!out.empty())
                out += '\n';
            out += line;
        }
        line_start = line_end + 1;
    }
    defuse_arrows(out);
    return out;
}

}  // namespace stagehub::captions
