#include "schedule/accessibility/statement_settings.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "schedule/database.hpp"
#include "schedule/time_zone.hpp"
#include "schedule/utf8.hpp"

namespace stagehub::accessibility {

using nlohmann::json;

namespace {

// Each enum's wire names, in one table per enum: to_string and its inverse read the same.
constexpr std::array<std::pair<Compliance, std::string_view>, 3> kCompliance{
    {{Compliance::full, "full"}, {Compliance::partial, "partial"}, {Compliance::none, "none"}}};
constexpr std::array<std::pair<Evaluation, std::string_view>, 2> kEvaluation{
    {{Evaluation::self, "self"}, {Evaluation::external, "external"}}};
constexpr std::array<std::pair<Country, std::string_view>, 2> kCountry{
    {{Country::se, "SE"}, {Country::no, "NO"}}};

template <typename E, size_t N>
std::string_view name_in(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
    for (const auto& [e, name] : names) {
        if (e == value)
            return name;
    }
    return names.front().second;
}

template <typename E, size_t N>
std::optional<E> value_in(const std::array<std::pair<E, std::string_view>, N>& names,
                          std::string_view text) {
    for (const auto& [e, name] : names) {
        if (name == text)
            return e;
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(Compliance compliance) {
    return name_in(kCompliance, compliance);
}
std::optional<Compliance> compliance_from_string(std::string_view text) {
    return value_in(kCompliance, text);
}
std::string_view to_string(Evaluation evaluation) {
    return name_in(kEvaluation, evaluation);
}
std::optional<Evaluation> evaluation_from_string(std::string_view text) {
    return value_in(kEvaluation, text);
}
std::string_view to_string(Country country) {
    return name_in(kCountry, country);
}
std::optional<Country> country_from_string(std::string_view text) {
    return value_in(kCountry, text);
}

namespace {

// A plain address a person can write to: one '@' with something either side, nothing
// that could break out of a mailto: link.
bool plausible_email(std::string_view text) {
    const size_t at = text.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= text.size() ||
        text.find('@', at + 1) != std::string_view::npos || text.size() > kMaxShortText)
        return false;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= ' ' || u >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' || c == ',' ||
            c == ';' || c == '?' || c == '&' || c == '/')
            return false;
    }
    return true;
}

// "sv", "nb", "en", "se-FI": the tags the pages are in, and room for a few more.
bool plausible_language(std::string_view tag) {
    if (tag.size() < 2 || tag.size() > 12)
        return false;
    size_t letters = 0;
    for (const char c : tag) {
        if (c == '-') {
            if (letters < 2)
                return false;
            letters = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
        ++letters;
    }
    return letters >= 2;
}

// A field that names one of an enum's values: set when good, a problem when not.
template <typename E, size_t N>
void read_choice(const json& body, const char* key,
                 const std::array<std::pair<E, std::string_view>, N>& names, E& into,
                 std::vector<std::string>& problems, const char* expected) {
    const auto v = body.find(key);
    if (v == body.end())
        return;
    const auto parsed = v->is_string() ? value_in(names, v->get<std::string>()) : std::nullopt;
    if (parsed)
        into = *parsed;
    else
        problems.push_back(std::string(key) + ": " + expected);
}

bool plausible_date(const json& value) {
    return value.is_string() && value.get<std::string>().size() == 10 &&
           schedule::parse_date(value.get<std::string>()).ok();
}

}  // namespace

Result<StatementSettings> read_statement_settings(const json& body, StatementSettings current) {
    if (!body.is_object())
        return Error{ErrorCode::bad_json, "the body must be a JSON object"};
    std::vector<std::string> problems;
    static const std::vector<std::string> settable = {"publisher",  "contact_email", "compliance",
                                                      "known_gaps", "prepared",      "reviewed",
                                                      "evaluation", "country"};
    // What GET answers besides the settings: a client may send the statement back whole.
    static const std::vector<std::string> shown = {"event",
                                                   "configured",
                                                   "replays",
                                                   "replays_without_complete_captions",
                                                   "feedback",
                                                   "server_time",
                                                   "updated",
                                                   "updated_by",
                                                   "own_publisher",
                                                   "own_contact_email",
                                                   "server_contact_email"};
    const auto listed = [](const std::vector<std::string>& names, const std::string& key) {
        return std::find(names.begin(), names.end(), key) != names.end();
    };
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!listed(settable, it.key()) && !listed(shown, it.key()))
            problems.push_back(it.key() + ": not a setting of the statement");
    }
    if (const auto v = body.find("publisher"); v != body.end()) {
        if (!v->is_string() || v->get<std::string>().size() > kMaxShortText ||
            !schedule::is_utf8(v->get<std::string>()))
            problems.emplace_back("publisher: a text of at most 200 bytes (the body responsible)");
        else
            current.publisher = v->get<std::string>();
    }
    if (const auto v = body.find("contact_email"); v != body.end()) {
        if (v->is_string() &&
            (v->get<std::string>().empty() || plausible_email(v->get<std::string>())))
            current.contact_email = v->get<std::string>();
        else
            problems.emplace_back(
                "contact_email: an address like tillganglighet@kommun.se (or \"\" for the "
                "server's)");
    }
    read_choice(body, "compliance", kCompliance, current.compliance, problems,
                "\"full\", \"partial\" or \"none\"");
    if (const auto v = body.find("known_gaps"); v != body.end()) {
        bool good = v->is_object() && v->size() <= kMaxLanguages;
        std::map<std::string, std::string> gaps;
        if (good) {
            for (auto it = v->begin(); it != v->end(); ++it) {
                if (!plausible_language(it.key()) || !it.value().is_string() ||
                    it.value().get<std::string>().size() > kMaxGapsText ||
                    !schedule::is_utf8(it.value().get<std::string>())) {
                    good = false;
                    break;
                }
                if (!it.value().get<std::string>().empty())
                    gaps[it.key()] = it.value().get<std::string>();
            }
        }
        if (good)
            current.known_gaps = std::move(gaps);
        else
            problems.emplace_back(
                "known_gaps: an object of at most 8 languages, each a text of at most 8000 "
                "bytes, e.g. {\"sv\": \"…\", \"en\": \"…\"}");
    }
    if (const auto v = body.find("prepared"); v != body.end()) {
        if (plausible_date(*v))
            current.prepared = v->get<std::string>();
        else
            problems.emplace_back("prepared: a date like \"2026-12-07\"");
    }
    if (const auto v = body.find("reviewed"); v != body.end()) {
        if (v->is_null() || (v->is_string() && v->get<std::string>().empty()))
            current.reviewed.clear();
        else if (plausible_date(*v))
            current.reviewed = v->get<std::string>();
        else
            problems.emplace_back("reviewed: a date like \"2026-12-07\", or null");
    }
    read_choice(body, "evaluation", kEvaluation, current.evaluation, problems,
                "\"self\" (self-assessment) or \"external\"");
    read_choice(body, "country", kCountry, current.country, problems,
                "\"SE\" (DIGG supervises) or \"NO\" (Uu-tilsynet)");
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems)
            message.append(message.empty() ? "" : "; ").append(p);
        return Error{ErrorCode::bad_field, std::move(message)};
    }
    return current;
}

std::optional<StatementSettings> StatementStore::find(std::string_view event_id) const {
    schedule::Statement query = db_.prepare(
        "SELECT publisher, contact_email, compliance, known_gaps, prepared, reviewed, "
        "updated_ms, updated_by, evaluation, country FROM accessibility_statements "
        "WHERE event_id = ?");
    query.bind(1, event_id);
    if (!query.step())
        return std::nullopt;
    StatementSettings s;
    s.event_id = std::string(event_id);
    s.publisher = query.column_text(0);
    s.contact_email = query.column_text(1);
    s.compliance = compliance_from_string(query.column_text(2)).value_or(Compliance::partial);
    const json gaps = json::parse(query.column_text(3), nullptr, false);
    if (gaps.is_object()) {
        for (auto it = gaps.begin(); it != gaps.end(); ++it) {
            if (it.value().is_string())
                s.known_gaps[it.key()] = it.value().get<std::string>();
        }
    }
    s.prepared = query.column_text(4);
    s.reviewed = query.column_text(5);
    s.updated_ms = query.column_int(6);
    s.updated_by = query.column_text(7);
    s.evaluation = evaluation_from_string(query.column_text(8)).value_or(Evaluation::self);
    s.country = country_from_string(query.column_text(9)).value_or(Country::se);
    return s;
}

void StatementStore::save(const StatementSettings& s) {
    schedule::Statement upsert = db_.prepare(
        "INSERT INTO accessibility_statements (event_id, publisher, contact_email, compliance, "
        "known_gaps, prepared, reviewed, updated_ms, updated_by, evaluation, country) VALUES (?, "
        "?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET publisher = "
        "excluded.publisher, "
        "contact_email = excluded.contact_email, compliance = excluded.compliance, "
        "known_gaps = excluded.known_gaps, prepared = excluded.prepared, "
        "reviewed = excluded.reviewed, updated_ms = excluded.updated_ms, "
        "updated_by = excluded.updated_by, evaluation = excluded.evaluation, "
        "country = excluded.country");
    upsert.bind(1, s.event_id)
        .bind(2, s.publisher)
        .bind(3, s.contact_email)
        .bind(4, to_string(s.compliance))
        .bind(5, json(s.known_gaps).dump())
        .bind(6, s.prepared)
        .bind(7, s.reviewed)
        .bind(8, s.updated_ms)
        .bind(9, s.updated_by)
        .bind(10, to_string(s.evaluation))
        .bind(11, to_string(s.country));
    upsert.run();
}

}  // namespace stagehub::accessibility
