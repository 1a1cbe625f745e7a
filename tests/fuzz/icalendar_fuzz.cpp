// iCalendar (schedule/formats/icalendar, ical_content_lines). Calendars are export only, so
// the untrusted text here is not a calendar but what organisers type and import (titles,
// abstracts, themes, names, venues) on its way into calendar apps: it must never add or break
// a line (a title with a line break must not become an ATTENDEE or a second VEVENT), and
// folding must keep every line within 75 octets without splitting a UTF-8 character.
//
// The input is split at NUL bytes into a session's text fields; each is also folded alone.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "schedule/formats/ical_content_lines.hpp"
#include "schedule/formats/icalendar.hpp"
#include "schedule/utf8.hpp"

namespace {

using namespace stagehub;

// Checks the folding of a whole iCalendar text and returns its unfolded lines.
std::vector<std::string> unfold(std::string_view text, bool utf8) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const size_t end = text.find("\r\n");
        fuzz::require(end != std::string_view::npos, "every line ends in CRLF");
        const std::string_view physical = text.substr(0, end);
        fuzz::require(physical.size() <= 75, "no line is longer than 75 octets");
        fuzz::require(physical.find_first_of("\r\n") == std::string_view::npos,
                      "no bare CR or LF inside a line");
        if (!physical.empty() && physical.front() == ' ') {
            fuzz::require(!lines.empty(), "a continuation follows a line");
            const std::string_view rest = physical.substr(1);
            fuzz::require(!utf8 || rest.empty() ||
                              (static_cast<unsigned char>(rest.front()) & 0xC0u) != 0x80u,
                          "folding does not split a UTF-8 character");
            lines.back().append(rest);
        } else {
            lines.emplace_back(physical);
        }
        text.remove_prefix(end + 2);
    }
    return lines;
}

size_t count_starting(const std::vector<std::string>& lines, std::string_view prefix) {
    size_t count = 0;
    for (const std::string& line : lines)
        count += line.starts_with(prefix) ? 1 : 0;
    return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace stagehub::schedule;
    const std::string_view text = fuzz::as_text(data, size);
    const bool utf8 = is_utf8(text);

    // One property alone: escaped, folded, unfolded back to what was written.
    const std::string line = "SUMMARY:" + formats::escape_ical_text(text);
    const auto folded = unfold(formats::ical_content_line(line), utf8);
    fuzz::require(folded.size() == 1 && folded.front() == line, "unfolding gives the line back");

    // The same text in every free-text field of one session of the demo calendar.
    // The demo's first session alone keeps each run fast; the fields are what vary.
    static const Programme demo = [] {
        Programme first = fuzz::demo_programme();
        first.sessions.resize(1);
        return first;
    }();
    static const size_t events = [] {
        formats::ExportOptions options;
        return count_starting(unfold(formats::export_icalendar(demo, options), true), "BEGIN:");
    }();
    Programme programme = demo;
    const auto fields = fuzz::fields_of<6>(text);
    Session& session = programme.sessions.front();
    session.title = fields[0];
    session.abstract = fields[1];
    session.theme = fields[2];
    programme.event.venue = fields[3];
    programme.stages.front().name = fields[4];
    for (Person& person : programme.people)
        person.name = fields[5];
    formats::ExportOptions options;
    options.base_url = "https://stagehub.example.org";
    const auto lines = unfold(formats::export_icalendar(programme, options), utf8);
    fuzz::require(count_starting(lines, "BEGIN:") == events,
                  "organisers' text adds no calendar component");
    return 0;
}
