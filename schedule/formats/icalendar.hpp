// The programme as an iCalendar file (RFC 5545) for calendar apps: one VEVENT per session
// (or only one, for an "add to my calendar" link, or one day's), in the event's time zone
// with a VTIMEZONE built from the tz database, so Outlook and Google show local times right.
//
// Per session: UID = guid + "@stagehub" (the frab guid), DTSTAMP = options.generated_at,
// DTSTART/DTEND;TZID=<zone> local effective times, SUMMARY title, DESCRIPTION abstract then
// one line per person ("Name (role), affiliation"; the role only when it is not the usual
// one), LOCATION "stage, venue", CATEGORIES theme, STATUS CONFIRMED or CANCELLED, URL when
// options.base_url is set. Export only: calendars are not a way into stagehub.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "schedule/formats/import.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule::formats {

// Which sessions a calendar holds; by default every one of the programme. A session or day
// the programme lacks gives a calendar without events (and without a VTIMEZONE).
struct CalendarSelection {
    // The id of the one session to include.
    std::optional<std::string_view> session = {};
    // One day of the event: the sessions whose effective start falls on that date in the
    // event's time zone, whatever the length of the date (23 or 25 hours when the clocks
    // change). A session that runs past midnight belongs to the day it starts on; one
    // delayed past midnight, to the next. None when the event's zone is unknown.
    std::optional<std::chrono::year_month_day> day = {};
};

std::string export_icalendar(const Programme& programme, const ExportOptions& options,
                             const CalendarSelection& selection = {});

}  // namespace stagehub::schedule::formats
