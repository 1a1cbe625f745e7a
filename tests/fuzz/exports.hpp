// Every export format written from a programme an import accepted: what one organiser
// uploads, others download as frab JSON/XML, CSV and iCalendar, so the exporters must take
// whatever the importers let through.
#pragma once

#include <string_view>

#include "schedule/formats/frab_json.hpp"
#include "schedule/formats/frab_xml.hpp"
#include "schedule/formats/icalendar.hpp"
#include "schedule/formats/sessions_csv.hpp"
#include "schedule/programme_file.hpp"

namespace stagehub::fuzz {

inline void export_every_format(const schedule::Programme& programme) {
    schedule::formats::ExportOptions options;
    options.base_url = "https://stagehub.example.org";
    (void)schedule::formats::export_frab_json(programme, options);
    (void)schedule::formats::export_frab_xml(programme, options);
    (void)schedule::formats::export_sessions_csv(programme);
    (void)schedule::formats::export_icalendar(programme, options);
    (void)schedule::programme_file_json(programme).dump();
}

// Imports the text strictly and skipping bad rows (`import(text, options)`), and exports
// what either accepted.
template <typename Import>
void import_both_ways_and_export(std::string_view text, Import import) {
    for (const bool skip_bad_rows : {false, true}) {
        schedule::formats::ImportOptions options;
        options.skip_bad_rows = skip_bad_rows;
        const auto imported = import(text, options);
        if (imported)
            export_every_format(imported->programme);
    }
}

}  // namespace stagehub::fuzz
