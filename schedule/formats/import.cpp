#include "schedule/formats/import.hpp"

#include <nlohmann/json.hpp>

#include "schedule/formats/frab_json.hpp"
#include "schedule/formats/frab_xml.hpp"
#include "schedule/formats/import_problems.hpp"
#include "schedule/formats/sessions_csv.hpp"
#include "schedule/formats/slug.hpp"
#include "schedule/ids.hpp"
#include "schedule/json_text.hpp"
#include "schedule/programme_file.hpp"

namespace stagehub::schedule::formats {
namespace {

enum class Format { unknown, json, xml, csv };

// The MIME type without parameters, or an extension hint; `generic` when the text decides.
Format format_of_type(std::string_view content_type, bool& generic) {
    std::string type = ascii_lower(content_type.substr(0, content_type.find(';')));
    while (!type.empty() && type.back() == ' ')
        type.pop_back();
    while (!type.empty() && type.front() == ' ')
        type.erase(type.begin());
    generic = type.empty() || type == "text/plain" || type == "application/octet-stream";
    if (type == "application/json" || type == ".json" ||
        (type.size() > 5 && type.substr(type.size() - 5) == "+json"))
        return Format::json;
    if (type == "application/xml" || type == "text/xml" || type == ".xml" ||
        (type.size() > 4 && type.substr(type.size() - 4) == "+xml"))
        return Format::xml;
    if (type == "text/csv" || type == ".csv" || type == "application/csv")
        return Format::csv;
    return Format::unknown;
}

Format sniff(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return Format::csv;
    if (text[first] == '{')
        return Format::json;
    if (text[first] == '<')
        return Format::xml;
    return Format::csv;
}

Result<ImportResult> import_json(std::string_view text, const ImportOptions& options) {
    auto parsed = parse_json(text);
    if (!parsed) {
        ImportProblems problems;
        problems.document("", parsed.error().message);
        return problems.finish({}, options);
    }
    const nlohmann::json root = std::move(parsed).value();
    if (root.is_object() && root.contains("schedule"))
        return import_frab_json(text, options);
    if (root.is_object() && root.contains("format")) {
        auto programme = parse_programme_file(text);
        if (!programme)
            return programme.error();
        if (options.event_id)
            programme->event.id = *options.event_id;
        return ImportResult{std::move(*programme), {}};
    }
    if (root.is_discarded())
        return import_frab_json(text, options);  // which says where the JSON breaks
    return Error{ErrorCode::unsupported_format,
                 "JSON that is neither a frab schedule (a top-level \"schedule\") nor a "
                 "stagehub programme file (\"format\": \"stagehub-programme/1\")"};
}

Result<ImportResult> import_csv(std::string_view text, const Programme* base,
                                const ImportOptions& options) {
    if (base != nullptr)
        return import_sessions_csv(text, *base, options);
    if (!options.event_id || options.event_id->empty()) {
        return Error{ErrorCode::invalid_import,
                     "a CSV has sessions only: import it into an existing event, or give the "
                     "id (and title) of the new event it makes"};
    }
    Programme fresh;
    fresh.event.id = *options.event_id;
    fresh.event.title = options.event_title.value_or(*options.event_id);
    return import_sessions_csv(text, fresh, options);
}

}  // namespace

Result<ImportResult> import_programme(std::string_view text, std::string_view content_type,
                                      const Programme* base, const ImportOptions& options) {
    // The event id asked for (?event=, --event) replaces the document's after it is read:
    // held to the id rule here, as the document's own ids are by their readers.
    if (options.event_id && !is_id(*options.event_id)) {
        return Error{ErrorCode::bad_id, "event (the id given for the imported event): " +
                                            id_problem("event", *options.event_id)};
    }
    bool generic = false;
    Format format = format_of_type(content_type, generic);
    if (format == Format::unknown && !generic) {
        std::string message = "cannot import '";
        message.append(content_type).append("': stagehub imports application/json (frab ");
        message.append("schedule or stagehub programme), application/xml or text/xml (frab ");
        message.append("schedule.xml) and text/csv (sessions)");
        return Error{ErrorCode::unsupported_format, std::move(message)};
    }
    if (format == Format::unknown)
        format = sniff(text);
    switch (format) {
        case Format::json:
            return import_json(text, options);
        case Format::xml:
            return import_frab_xml(text, options);
        case Format::csv:
        case Format::unknown:
            break;
    }
    return import_csv(text, base, options);
}

}  // namespace stagehub::schedule::formats
