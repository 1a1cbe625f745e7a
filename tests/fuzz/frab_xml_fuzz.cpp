// frab's schedule.xml (schedule/formats/frab_xml, parsed by pugixml), as organisers upload it
// from older conference tools. Each input is imported strictly and skipping bad
// rows; an accepted programme exports in every format. Seeds are whole files.
#include <cstddef>
#include <cstdint>

#include "exports.hpp"
#include "fuzz_support.hpp"
#include "schedule/formats/frab_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    stagehub::fuzz::import_both_ways_and_export(stagehub::fuzz::as_text(data, size),
                                                stagehub::schedule::formats::import_frab_xml);
    return 0;
}
