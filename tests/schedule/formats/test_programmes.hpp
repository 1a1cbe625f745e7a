// Programmes the format tests export and import: the demo theme day as shipped, and a small
// one with everything that breaks naive writers (Swedish letters, quotes, commas,
// semicolons, backslashes, line breaks, a cancelled session, a panel with a moderator).
#pragma once

#include "schedule/formats/import.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule::formats::samples {

Programme demo_day();

// Event "innovationsdag", Europe/Stockholm, one day 2019-10-08 08:00–18:00 local. Session
// "oppning" starts 07:15Z (09:15 CEST); "installt" is cancelled; "panel-a" is a panel with
// a moderator; "workshop" is unpublished, in English, without replays.
Programme tricky_programme();

// tests/data/innovation_week.json: event "innovationsveckan", Europe/Stockholm, over the
// end of summer time (25 October 2026, a 25-hour day), with a session over midnight.
Programme innovation_week();

ExportOptions export_options();

Instant at(const char* iso);

}  // namespace stagehub::schedule::formats::samples
