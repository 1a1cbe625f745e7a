#include "schedule/time_zone.hpp"

#include <date/tz.h>

#include <array>
#include <cstdio>
#include <exception>

namespace stagehub::schedule {
namespace {

using namespace std::chrono;

Result<const date::time_zone*> find_zone(std::string_view zone) {
    try {
        return date::locate_zone(zone);
    } catch (const std::exception&) {
        return Error{ErrorCode::unknown_time_zone, "'" + std::string(zone) +
                                                       "' is not a time zone of the tz database "
                                                       "(use an IANA name like Europe/Stockholm)"};
    }
}

// Zero-padded to two digits. Strings are built with append throughout this file: GCC 12
// warns falsely (-Wrestrict) on chains of operator+ with short literals.
void append_two_digits(std::string& out, long long value) {
    if (value < 10)
        out += '0';
    out.append(std::to_string(value));
}

// "'<text>' <why>", built with append (see append_two_digits).
Error quoted_error(ErrorCode code, std::string_view text, std::string_view why) {
    std::string message = "'";
    message.append(text).append("' ").append(why);
    return Error{code, std::move(message)};
}

bool digits(std::string_view text) {
    if (text.empty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

int number(std::string_view text) {
    int value = 0;
    for (const char c : text)
        value = value * 10 + (c - '0');
    return value;
}

// Date library values to std::chrono ones: both are counts since the same epoch.
date::sys_seconds to_date(Instant at) {
    return date::sys_seconds{at.time_since_epoch()};
}
Instant from_date(date::sys_seconds at) {
    return Instant{at.time_since_epoch()};
}

}  // namespace

std::string LocalTime::date_text() const {
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()));
    return text.data();
}

std::string LocalTime::hh_mm() const {
    const auto minutes = time_of_day.count() / 60;
    std::string text;
    append_two_digits(text, minutes / 60);
    text += ':';
    append_two_digits(text, minutes % 60);
    return text;
}

std::string LocalTime::iso() const {
    const auto offset_minutes = utc_offset.count() / 60;
    const long long magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::string text = date_text();
    text += 'T';
    text.append(hh_mm());
    text += ':';
    append_two_digits(text, time_of_day.count() % 60);
    text += offset_minutes < 0 ? '-' : '+';
    append_two_digits(text, magnitude / 60);
    text += ':';
    append_two_digits(text, magnitude % 60);
    return text;
}

bool is_known_time_zone(std::string_view zone) {
    return find_zone(zone).ok();
}

Result<LocalTime> to_local(Instant at, std::string_view zone) {
    auto tz = find_zone(zone);
    if (!tz)
        return tz.error();
    const date::sys_info info = (*tz)->get_info(to_date(at));
    const Seconds offset = duration_cast<Seconds>(info.offset);
    const auto local = at.time_since_epoch() + offset;
    const auto day = floor<days>(local);
    LocalTime result;
    result.date = year_month_day{sys_days{day}};
    result.time_of_day = local - day;
    result.utc_offset = offset;
    result.abbreviation = info.abbrev;
    return result;
}

Result<Instant> from_local(year_month_day day, Seconds time_of_day, std::string_view zone) {
    auto tz = find_zone(zone);
    if (!tz)
        return tz.error();
    const date::local_seconds local{sys_days{day}.time_since_epoch() + time_of_day};
    const date::local_info info = (*tz)->get_info(local);
    switch (info.result) {
        case date::local_info::unique:
        case date::local_info::ambiguous:  // first.offset is the earlier instant's
            return from_date(date::sys_seconds{local.time_since_epoch() -
                                               duration_cast<Seconds>(info.first.offset)});
        case date::local_info::nonexistent:
        default:
            break;
    }
    const LocalTime shown{day, time_of_day, {}, {}};
    std::string message = shown.date_text();
    message.append(" ").append(shown.hh_mm()).append(" does not exist in ").append(zone);
    message.append(" (the clocks skip it)");
    return Error{ErrorCode::bad_time, std::move(message)};
}

Result<year_month_day> parse_date(std::string_view text) {
    if (text.size() == 10 && text[4] == '-' && text[7] == '-' && digits(text.substr(0, 4)) &&
        digits(text.substr(5, 2)) && digits(text.substr(8, 2))) {
        const year_month_day day{
            year{number(text.substr(0, 4))},
            month{static_cast<unsigned>(number(text.substr(5, 2)))},
            std::chrono::day{static_cast<unsigned>(number(text.substr(8, 2)))}};
        if (day.ok())
            return day;
    }
    return quoted_error(ErrorCode::bad_time, text, "is not a date like 2019-05-21");
}

Result<Seconds> parse_time_of_day(std::string_view text) {
    const bool hh_mm = text.size() == 5 && text[2] == ':';
    const bool hh_mm_ss = text.size() == 8 && text[2] == ':' && text[5] == ':';
    if ((hh_mm || hh_mm_ss) && digits(text.substr(0, 2)) && digits(text.substr(3, 2)) &&
        (hh_mm || digits(text.substr(6, 2)))) {
        const int h = number(text.substr(0, 2));
        const int m = number(text.substr(3, 2));
        const int s = hh_mm ? 0 : number(text.substr(6, 2));
        if (h < 24 && m < 60 && s < 60)
            return Seconds{h * 3600 + m * 60 + s};
    }
    return quoted_error(ErrorCode::bad_time, text, "is not a time of day like 08:30");
}

Result<Seconds> parse_hh_mm_duration(std::string_view text) {
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos && colon > 0) {
        const std::string_view hours_text = text.substr(0, colon);
        std::string_view rest = text.substr(colon + 1);
        std::string_view seconds_text;
        if (const size_t second_colon = rest.find(':'); second_colon != std::string_view::npos) {
            seconds_text = rest.substr(second_colon + 1);
            rest = rest.substr(0, second_colon);
        }
        if (digits(hours_text) && rest.size() == 2 && digits(rest) &&
            (seconds_text.empty() || (seconds_text.size() == 2 && digits(seconds_text)))) {
            const int minutes = number(rest);
            const int seconds = seconds_text.empty() ? 0 : number(seconds_text);
            if (minutes < 60 && seconds < 60)
                return Seconds{number(hours_text) * 3600 + minutes * 60 + seconds};
        }
    }
    return quoted_error(ErrorCode::bad_duration, text, "is not a duration like 01:30");
}

std::string format_hh_mm(Seconds duration) {
    const auto minutes = duration.count() / 60;
    std::string text;
    append_two_digits(text, minutes / 60);
    text += ':';
    append_two_digits(text, minutes % 60);
    return text;
}

Result<std::vector<ZoneTransition>> zone_transitions(std::string_view zone, Instant from,
                                                     Instant to) {
    auto tz = find_zone(zone);
    if (!tz)
        return tz.error();
    std::vector<ZoneTransition> result;
    date::sys_info info = (*tz)->get_info(to_date(from));
    const auto offset = [](const date::sys_info& i) { return duration_cast<Seconds>(i.offset); };
    result.push_back(
        ZoneTransition{from, offset(info), offset(info), info.save != minutes{0}, info.abbrev});
    while (from_date(info.end) < to) {
        const date::sys_info next = (*tz)->get_info(info.end);
        result.push_back(ZoneTransition{from_date(info.end), offset(info), offset(next),
                                        next.save != minutes{0}, next.abbrev});
        info = next;
    }
    return result;
}

}  // namespace stagehub::schedule
