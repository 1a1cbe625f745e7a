// Wall-clock time in an event's IANA time zone ("Europe/Stockholm"), from the system's tz
// database (Debian's tzdata) through Howard Hinnant's date library, the reference of C++20
// <chrono> time zones that GCC 12 lacks. The schedule computes in UTC; these functions are
// for what people read and write: exports, imports, lower thirds.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/instant.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

struct LocalTime {
    std::chrono::year_month_day date;
    Seconds time_of_day{};     // since local midnight
    Seconds utc_offset{};      // local = UTC + offset
    std::string abbreviation;  // "CEST"

    // "2019-05-21", "08:30", "2019-05-21T08:30:00+02:00"
    std::string date_text() const;
    std::string hh_mm() const;
    std::string iso() const;
};

// A change of a zone's offset, for writing VTIMEZONE blocks.
struct ZoneTransition {
    Instant at{};
    Seconds offset_before{};
    Seconds offset_after{};
    bool daylight_after = false;
    std::string abbreviation_after;
};

bool is_known_time_zone(std::string_view zone);

// Errors: "unknown_time_zone" naming the zone.
Result<LocalTime> to_local(Instant at, std::string_view zone);

// The instant a wall-clock time names. A time that does not exist (skipped by a
// daylight-saving jump) is an error ("bad_time"); an ambiguous one (repeated when clocks go
// back) is the earlier of the two.
Result<Instant> from_local(std::chrono::year_month_day date, Seconds time_of_day,
                           std::string_view zone);

// Parses "2019-05-21" and "08:30" / "08:30:00" (local wall clock, no zone), as found in
// frab's day dates and spreadsheet columns. Errors "bad_time" quote the text.
Result<std::chrono::year_month_day> parse_date(std::string_view text);
Result<Seconds> parse_time_of_day(std::string_view text);
// "01:30" → 90 minutes; also "1:30" and "01:30:00". Errors "bad_duration".
Result<Seconds> parse_hh_mm_duration(std::string_view text);
// 90 minutes → "01:30".
std::string format_hh_mm(Seconds duration);

// Offset changes in [from, to), oldest first, plus the offset in force at `from` as a first
// entry (at == from, offset_before == offset_after).
Result<std::vector<ZoneTransition>> zone_transitions(std::string_view zone, Instant from,
                                                     Instant to);

}  // namespace stagehub::schedule
