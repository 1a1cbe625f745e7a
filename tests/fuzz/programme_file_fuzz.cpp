// The stagehub programme file (schedule/programme_file): what an organiser uploads to
// POST /api/v1/events/import and `stagehub import` reads. Any text either parses to a valid
// programme or is refused with a message; an accepted one writes back to a file that parses
// to the same programme (the promise of programme_file.hpp), and exports in every format.
#include <cstddef>
#include <cstdint>

#include "exports.hpp"
#include "fuzz_support.hpp"
#include "schedule/programme_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace stagehub;
    const auto parsed = schedule::parse_programme_file(fuzz::as_text(data, size));
    if (!parsed)
        return 0;
    const std::string written =
        schedule::programme_file_json(*parsed, schedule::Secrets::include).dump();
    const auto again = schedule::parse_programme_file(written);
    fuzz::require(again.ok(), "a written programme file parses");
    fuzz::require(*again == *parsed, "a written programme file parses to the same programme");
    fuzz::export_every_format(*parsed);
    return 0;
}
