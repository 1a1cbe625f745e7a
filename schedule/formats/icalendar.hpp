// The programme as an iCalendar file (RFC 5545) for calendar apps: one VEVENT per session
// (or only one, for an "add to my calendar" link), in the event's time zone with a
// VTIMEZONE built from the tz database, so Outlook and Google show local times right.
//
// Per session: UID = guid + "@stagehub" (the frab guid), DTSTAMP = options.generated_at,
// DTSTART/DTEND;TZID=<zone> local effective times, SUMMARY title, DESCRIPTION abstract then
// one line per person ("Name (role), affiliation"; the role only when it is not the usual
// one), LOCATION "stage, venue", CATEGORIES theme, STATUS CONFIRMED or CANCELLED, URL when
// options.base_url is set. Export only: calendars are not a way into stagehub.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "schedule/formats/import.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule::formats {

// only_session: the id of the one session to include; a session the programme lacks gives
// a calendar without events.
std::string export_icalendar(const Programme& programme, const ExportOptions& options,
                             std::optional<std::string_view> only_session = {});

}  // namespace stagehub::schedule::formats
