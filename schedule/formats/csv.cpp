#include "schedule/formats/csv.hpp"

namespace stagehub::schedule::formats {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

char detect_separator(std::string_view text) {
    int commas = 0;
    int semicolons = 0;
    bool quoted = false;
    for (const char c : text) {
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            break;
        } else if (!quoted) {
            commas += c == ',';
            semicolons += c == ';';
        }
    }
    return semicolons > commas ? ';' : ',';
}

}  // namespace

Result<CsvTable> read_csv(std::string_view text) {
    if (text.substr(0, kBom.size()) == kBom)
        text.remove_prefix(kBom.size());
    CsvTable table;
    table.separator = detect_separator(text);

    int line = 1;
    CsvRecord record{line, {}};
    std::string field;
    bool quoted = false;      // inside a quoted field
    bool had_field = false;   // the current record has content (or a separator) so far
    int quote_opened_on = 0;  // for the error about a quote never closed
    const auto end_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
    };
    const auto end_record = [&] {
        end_field();
        table.records.push_back(std::move(record));
        record = CsvRecord{line, {}};
        had_field = false;
    };

    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool line_break = c == '\n' || c == '\r';
        // CR LF is one line break; a lone CR (old Mac files) is one too.
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            ++i;
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else if (line_break) {
                field += '\n';
                ++line;
            } else {
                field += c;
            }
            continue;
        }
        if (line_break) {
            ++line;
            end_record();
        } else if (c == table.separator) {
            end_field();
            had_field = true;
        } else if (c == '"' && field.empty()) {
            quoted = true;
            had_field = true;
            quote_opened_on = line;
        } else {
            // A quote inside an unquoted field, or text after a closing quote, is taken as
            // it stands, as spreadsheets do.
            field += c;
            had_field = true;
        }
    }
    if (quoted) {
        std::string message = "line ";
        message.append(std::to_string(quote_opened_on))
            .append(": a quoted field starts here and is never closed (a missing \")");
        return Error{ErrorCode::bad_csv, std::move(message)};
    }
    if (had_field || !field.empty())
        end_record();
    return table;
}

namespace {

bool is_plain_number(std::string_view text) {
    size_t at = text.starts_with('-') || text.starts_with('+') ? 1 : 0;
    bool digits = false;
    bool point = false;
    for (; at < text.size(); ++at) {
        const char c = text[at];
        if (c >= '0' && c <= '9') {
            digits = true;
        } else if ((c == '.' || c == ',') && !point) {
            point = true;
        } else {
            return false;
        }
    }
    return digits;
}

}  // namespace

std::string neutralised_cell(std::string cell) {
    if (cell.empty() || is_plain_number(cell))
        return cell;
    switch (cell.front()) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r':
            return "'" + cell;
        default:
            return cell;
    }
}

std::string csv_record(const std::vector<std::string>& fields, char separator) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0)
            out += separator;
        const std::string f = neutralised_cell(fields[i]);
        const bool needs_quotes =
            f.find_first_of(std::string{'"', '\n', '\r', separator}) != std::string::npos;
        if (!needs_quotes) {
            out.append(f);
            continue;
        }
        out += '"';
        for (const char c : f) {
            if (c == '"')
                out += '"';
            out += c;
        }
        out += '"';
    }
    out.append("\r\n");
    return out;
}

}  // namespace stagehub::schedule::formats
