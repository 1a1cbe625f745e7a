// What every format in schedule/formats/ shares: the options of exports and imports, what an
// import gives back, and import_programme, which picks the format of a text by its content
// type (an HTTP upload) or its file name extension (the CLI) or, failing both, its content.
//
// Imports report every bad row at once, each with its place: "line 7" for CSV and XML (the
// physical line the row starts on, 1 = the CSV header), a JSON path for frab JSON
// ("schedule.conference.days[0].rooms.Aulan[2]"). Any bad row fails the whole import
// (Error "invalid_import", one problem per line, "line 7: start: '25:00' is not a time of
// day like 08:30") unless skip_bad_rows leaves them out and lists them in `skipped`. The
// programme built is then validated (schedule/validation.hpp); what validation finds (an
// overlap, a double-booked speaker) fails the import too: those are not rows to skip.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/instant.hpp"
#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule::formats {

struct ExportOptions {
    std::string base_url;  // the public site, e.g. "https://stagehub.example.org"; "": no URLs
    std::string version = "0.1.0";  // stagehub's version, for generator / PRODID fields
    int64_t revision = 0;           // the programme store's revision: frab "version"
    Instant generated_at{};         // when the export is made: iCalendar DTSTAMP
};

struct ImportOptions {
    // The id of the imported event; unset: from the document (frab acronym, programme file
    // id, the base programme's for CSV).
    std::optional<std::string> event_id;
    // Title of a new event made for a CSV import without a base programme; unset: the id.
    std::optional<std::string> event_title;
    bool skip_bad_rows = false;
};

struct RowProblem {
    std::string where;  // "line 7" (CSV, XML) or a JSON path (frab JSON)
    std::string message;

    bool operator==(const RowProblem&) const = default;
};

struct ImportResult {
    Programme programme;
    std::vector<RowProblem> skipped;  // rows left out (only with skip_bad_rows), one per row
};

// content_type: a MIME type ("application/json", "application/xml", "text/xml",
// "text/csv"; parameters like "; charset=utf-8" are ignored) or a file name extension
// (".json", ".xml", ".csv"). Empty or generic ("text/plain", "application/octet-stream"):
// the text decides ('{' JSON, '<' XML, else CSV). JSON with a top-level "schedule" is frab
// JSON, with "format": "stagehub-programme/1" a programme file. CSV needs `base` (the
// programme whose sessions it replaces) or options.event_id for a new event.
// Errors: "unsupported_format", "invalid_import", and for programme files "invalid_programme".
Result<ImportResult> import_programme(std::string_view text, std::string_view content_type,
                                      const Programme* base, const ImportOptions& options);

}  // namespace stagehub::schedule::formats
