// frab's schedule.xml (the c3voc validator's schedule.xml.xsd), the older sibling of the
// schedule JSON that many recording and display tools still read. The mapping is
// frab_schedule's; the document keeps to the XSD, so it carries less than the JSON:
//
// Not carried, beyond what frab_json.hpp lists: the event description, the rooms' guids,
// locations and capacities, stages are known only by name (so only stages listed in a
// day survive, which every stage is while the event has a day), and people's ids (an import
// makes them from the names).
#pragma once

#include <string>
#include <string_view>

#include "schedule/formats/import.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule::formats {

std::string export_frab_xml(const Programme& programme, const ExportOptions& options);

// Bad rows are placed by the line their <event> element is on.
Result<ImportResult> import_frab_xml(std::string_view text, const ImportOptions& options);

}  // namespace stagehub::schedule::formats
