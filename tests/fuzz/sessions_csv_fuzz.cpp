// The sessions spreadsheet (schedule/formats/sessions_csv over csv), as Excel and LibreOffice
// write it, imported over the demo programme as an organiser's upload replaces its sessions.
// Each input is imported strictly and skipping bad rows; an accepted programme exports in
// every format, and the CSV it exports imports again. Seeds are whole files.
#include <cstddef>
#include <cstdint>

#include "exports.hpp"
#include "fuzz_support.hpp"
#include "schedule/formats/csv.hpp"
#include "schedule/formats/sessions_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace stagehub;
    const std::string_view text = fuzz::as_text(data, size);
    (void)schedule::formats::read_csv(text);
    const schedule::Programme& base = fuzz::demo_programme();
    for (const bool skip_bad_rows : {false, true}) {
        schedule::formats::ImportOptions options;
        options.skip_bad_rows = skip_bad_rows;
        const auto imported = schedule::formats::import_sessions_csv(text, base, options);
        if (!imported)
            continue;
        fuzz::export_every_format(imported->programme);
        const std::string exported = schedule::formats::export_sessions_csv(imported->programme);
        fuzz::require(
            schedule::formats::import_sessions_csv(exported, imported->programme, {}).ok(),
            "an exported sessions CSV imports again");
    }
    return 0;
}
