#include "schedule/instant.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace stagehub {
namespace {

// Reads exactly `digits` decimal digits at `pos`, advancing it.
bool read_number(std::string_view text, size_t& pos, int digits, int& out) {
    if (pos + static_cast<size_t>(digits) > text.size())
        return false;
    int value = 0;
    for (int i = 0; i < digits; ++i) {
        const char c = text[pos + static_cast<size_t>(i)];
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
        value = value * 10 + (c - '0');
    }
    pos += static_cast<size_t>(digits);
    out = value;
    return true;
}

bool expect(std::string_view text, size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c)
        return false;
    ++pos;
    return true;
}

Error bad_instant(std::string_view text, std::string_view why) {
    // Built with append: GCC 12 warns falsely (-Wrestrict) on `"'" + std::string(...)`.
    std::string message;
    message.append("'").append(text).append("' is not a date-time like ");
    message.append("2019-05-21T08:30:00+02:00: ").append(why);
    return Error{ErrorCode::bad_time, std::move(message)};
}

}  // namespace

Result<Instant> parse_instant(std::string_view text) {
    using namespace std::chrono;
    size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_number(text, pos, 4, year) || !expect(text, pos, '-') ||
        !read_number(text, pos, 2, month) || !expect(text, pos, '-') ||
        !read_number(text, pos, 2, day)) {
        return bad_instant(text, "the date must be YYYY-MM-DD");
    }
    if (!(expect(text, pos, 'T') || expect(text, pos, ' ')) || !read_number(text, pos, 2, hour) ||
        !expect(text, pos, ':') || !read_number(text, pos, 2, minute)) {
        return bad_instant(text, "the time must be HH:MM or HH:MM:SS");
    }
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!read_number(text, pos, 2, second))
            return bad_instant(text, "bad seconds");
        if (pos < text.size() && text[pos] == '.') {  // fractions are dropped: whole seconds
            ++pos;
            while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
                ++pos;
        }
    }
    int offset_minutes = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!read_number(text, pos, 2, oh))
            return bad_instant(text, "bad zone offset");
        expect(text, pos, ':');
        if (!read_number(text, pos, 2, om))
            return bad_instant(text, "bad zone offset");
        if (oh > 18 || om > 59)
            return bad_instant(text, "zone offset out of range");
        offset_minutes = sign * (oh * 60 + om);
    } else {
        return bad_instant(text, "a zone is required (Z or +02:00)");
    }
    if (pos != text.size())
        return bad_instant(text, "unexpected text after the zone");

    const year_month_day date{std::chrono::year{year},
                              std::chrono::month{static_cast<unsigned>(month)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok())
        return bad_instant(text, "no such calendar date");
    if (hour > 23 || minute > 59 || second > 60)
        return bad_instant(text, "time out of range");
    const auto local =
        sys_days{date} + hours{hour} + minutes{minute} + std::chrono::seconds{second};
    return Instant{local - minutes{offset_minutes}};
}

std::string format_instant(Instant at) {
    using namespace std::chrono;
    const auto day = floor<days>(at);
    const year_month_day date{day};
    const hh_mm_ss time{at - day};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(time.hours().count()),
                  int(time.minutes().count()), int(time.seconds().count()));
    return buffer;
}

std::string format_instant_ms(std::chrono::sys_time<std::chrono::milliseconds> at) {
    using namespace std::chrono;
    const auto whole = floor<seconds>(at);
    const auto millis = (at - whole).count();
    std::string text = format_instant(whole);
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(millis));
    text.pop_back();  // the 'Z', re-added after the fraction
    text += fraction;
    text += 'Z';
    return text;
}

std::string server_time() {
    return format_instant_ms(
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

Instant now_utc() {
    return std::chrono::floor<Seconds>(std::chrono::system_clock::now());
}

}  // namespace stagehub
