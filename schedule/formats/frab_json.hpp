// The c3voc schedule JSON (https://c3voc.de/schedule/schema.json), as frab and pretalx
// export it and recording, streaming and app tools read it. The mapping is frab_schedule's.
//
// Export: pretty-printed (2 spaces, keys in frab's order), deterministic, so an import of the
// export exports the same bytes. Persons carry both frab's shape (id, public_name) and the
// stagehub person id as pretalx's "code".
//
// Not carried (left out on export, defaults on import): cancelled sessions (left out),
// attendance, published, follow-ups, roles (imported as speaker, panelist in panels), actual
// times (exported as the times: an import makes them the plan), seconds of starts and
// durations, people's affiliations and people in no session, stage broadcast flags, the
// event's organisers, venue, languages (re-derived from the sessions) and publication.
#pragma once

#include <string>
#include <string_view>

#include "schedule/formats/import.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule::formats {

std::string export_frab_json(const Programme& programme, const ExportOptions& options);

// Bad rows are placed by JSON path: "schedule.conference.days[0].rooms.Aulan[2]".
Result<ImportResult> import_frab_json(std::string_view text, const ImportOptions& options);

}  // namespace stagehub::schedule::formats
