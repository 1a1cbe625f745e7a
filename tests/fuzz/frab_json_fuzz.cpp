// frab / pretalx schedule JSON (schedule/formats/frab_json), as organisers upload it from
// their conference tools. Each input is imported strictly and skipping bad rows; an accepted
// programme exports in every format. Seeds are whole files as the tools write them.
#include <cstddef>
#include <cstdint>

#include "exports.hpp"
#include "fuzz_support.hpp"
#include "schedule/formats/frab_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    stagehub::fuzz::import_both_ways_and_export(stagehub::fuzz::as_text(data, size),
                                                stagehub::schedule::formats::import_frab_json);
    return 0;
}
