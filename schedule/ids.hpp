// The one form every id of the programme has (events, stages, sessions, people), and the
// guids exports carry. Ids name URLs (/live/{stage}/, /api/v1/events/{event}/...), folders
// (DATA/media/live/{stage}/), files (posters/{session}.jpg, Content-Disposition names) and
// iCalendar lines, so the form is narrow enough to be safe in all of them at once:
//
//   1 to 64 characters of a-z, 0-9 and '-', the first a letter or a digit.
//
// No upper case (URLs and file systems disagree on case), no '_' or '.' (slugify never
// makes them, and without '.' no id is "." or ".." or has a file extension), no '/', no
// space, nothing outside ASCII. Real ids are slugs already ("stora-salen", "anna-berg"); the
// importers map foreign ids (pretalx codes like "OPNDTA", frab numbers, titles) into the
// form (schedule/formats/slug), so no real file is refused for the shape of its ids.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/model.hpp"

namespace stagehub::schedule {

inline constexpr size_t kMaxIdLength = 64;

bool is_id(std::string_view text);

// What an id must look like, for error messages: "ids are 1 to 64 characters ...".
std::string_view id_form();

// The problem with `id` as the id of `what` ("stage", "session", ...), for an error message
// that names the thing and the form; empty when it is an id.
std::string id_problem(std::string_view what, std::string_view id);

// An id in quotes for a message or a log line: printable ASCII as it is, anything else (a
// line break, a NUL, UTF-8) as \xNN, cut after 80 characters, so that a hostile id can
// reshape neither.
std::string quoted_id(std::string_view id);

// A slug (a-z, 0-9, single hyphens, as slugify makes) cut to at most `max` characters, at a
// hyphen when there is one in the last third, without a trailing hyphen.
std::string shortened_slug(std::string_view slug, size_t max = kMaxIdLength);

// 8-4-4-4-12 hex digits, either case.
bool is_uuid(std::string_view text);

// The ids and guids of a programme that do not have their form: stored before the rule
// (an older database), kept so that what carries them can still be edited, renamed and
// removed. Empty for every programme made since.
std::set<std::string> off_form_ids(const Programme& programme);

// One line per thing of the programme whose id or guid is off form, naming it and saying
// what to do (for the start-up log); empty for every programme made since.
std::vector<std::string> off_form_notes(const Programme& programme);

}  // namespace stagehub::schedule
