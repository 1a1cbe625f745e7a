// RFC 4180 text as spreadsheets write it: fields separated by commas (Excel in a Swedish
// locale uses semicolons), quoted when they hold the separator, a quote or a line break,
// quotes doubled inside quotes; UTF-8, maybe behind a byte order mark. Generic: what the
// columns mean is sessions_csv's business.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedule/result.hpp"

namespace stagehub::schedule::formats {

struct CsvRecord {
    int line = 0;  // the physical line the record starts on, 1-based
    std::vector<std::string> fields;
};

struct CsvTable {
    char separator = ',';
    std::vector<CsvRecord> records;  // the header first
};

// The separator is ';' when the first line has more semicolons than commas outside quotes,
// else ','. Line breaks inside quoted fields come out as "\n" whatever the file used.
// Errors ("bad_csv"): a quoted field that is never closed (naming the line it opened on).
Result<CsvTable> read_csv(std::string_view text);

// A cell a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or a
// carriage return) gets a leading apostrophe, as OWASP advises against CSV injection: a
// session titled "=HYPERLINK(…)" must not run in the staff's Excel. Plain numbers ("-5",
// "+46", "3,5") are left as they are.
std::string neutralised_cell(std::string cell);

// One record: fields neutralised, joined by `separator`, quoted where needed, ending in CRLF.
std::string csv_record(const std::vector<std::string>& fields, char separator = ',');

}  // namespace stagehub::schedule::formats
