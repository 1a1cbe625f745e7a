// The sessions of one event as a spreadsheet (CSV), for organisers who plan in Excel or
// LibreOffice: export, edit, import. The import replaces the sessions of a base programme.
//
// Columns, in this order on export (on import in any order, names in any case; the header
// line is required and unknown columns are refused):
//
//   id             session id (a slug). Optional: made from the title, unique ("lunch-2").
//   stage          stage name or id (the name also ignoring case and accents). Required. A
//                  stage the event lacks is created (id = the name as a slug).
//   kind           talk, panel, keynote, break, study_visit, remote_training or workshop.
//                  Required.
//   title          Required.
//   date           local date in the event's time zone, YYYY-MM-DD. Required.
//   start          local time of day, HH:MM (H:MM and HH:MM:SS are accepted). Required.
//                  A time the clocks skip (daylight saving) is refused.
//   duration       minutes, a whole number above zero. Required.
//   theme          the theme / track, e.g. "Systematik".
//   language       BCP 47 ("sv", "en"); empty: the event's main language.
//   speakers       the people in speaking (panel) order, separated by "; ", each "Name" or
//                  "Name (role)" with role speaker, panelist or moderator; without a role a
//                  person is a speaker, in a panel a panelist. A name is matched to the
//                  base programme's people (exact, then ignoring case and accents, then as
//                  an id); an unknown name adds a person (id = the name as a slug).
//   abstract       free text; line breaks allowed (quoted).
//   attendance     in_person, web or hybrid; empty: hybrid.
//   replay_allowed yes/no (also ja/nej, true/false, 1/0); empty: yes.
//   published      yes/no; empty: yes.
//   cancelled      yes/no; empty: no.
//
// Export writes UTF-8 with a byte order mark (so Excel reads å, ä, ö right), commas, CRLF
// line ends, planned times (not the actual ones), in programme order. Import accepts the mark
// or not, commas or semicolons (chosen by the header line), LF or CRLF. Rows whose fields are
// all empty are ignored.
//
// What a CSV import keeps of the base programme: the event (days re-derived from the
// sessions only when the base has none), every stage and person; for a session whose id is in
// the base, its guid, actual times and (for panels) follow-ups.
#pragma once

#include <string>
#include <string_view>

#include "schedule/formats/import.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule::formats {

std::string export_sessions_csv(const Programme& programme);

Result<ImportResult> import_sessions_csv(std::string_view text, const Programme& base,
                                         const ImportOptions& options);

}  // namespace stagehub::schedule::formats
