// An event's accessibility statement as its organisers set it (docs/ACCESSIBILITY.md):
// what DIGG's model statement (tillgänglighetsredogörelse, lag 2018:1937) and Norway's
// tilgjengelighetserklæring ask a public body to say that stagehub cannot know by itself:
// who publishes it, how well the site complies, the gaps the body knows of in its own
// words, when the statement was prepared and last reviewed, and where to write. What
// stagehub does know (which replays lack complete captions) is added when the statement
// is shown, never stored here.
//
// Threads: the loop thread, on the server's connection.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "schedule/result.hpp"

namespace stagehub::schedule {
class Database;
}

namespace stagehub::accessibility {

// The three statuses DIGG's model statement lets a body choose from.
enum class Compliance { full, partial, none };

std::string_view to_string(Compliance compliance);
std::optional<Compliance> compliance_from_string(std::string_view text);

// How compliance was judged (DIGG asks for the method).
enum class Evaluation { self, external };
std::string_view to_string(Evaluation evaluation);
std::optional<Evaluation> evaluation_from_string(std::string_view text);

// Whose law the publisher is under, and so which supervisory authority the statement
// names: Sweden's DIGG, or Norway's Uu-tilsynet (complaints to Diskrimineringsnemnda).
// Not the page's language: a Swedish body's statement read in Norwegian still names DIGG.
enum class Country { se, no };
std::string_view to_string(Country country);  // "SE", "NO"
std::optional<Country> country_from_string(std::string_view text);

// Bounds: a statement is a page, not a document store.
inline constexpr size_t kMaxGapsText = 8000;  // bytes per language
inline constexpr size_t kMaxLanguages = 8;
inline constexpr size_t kMaxShortText = 200;  // publisher, email

struct StatementSettings {
    std::string event_id;
    std::string
        publisher;  // the body responsible, e.g. "Exempel kommun"; empty: the event's organisers
    std::string contact_email;  // empty: the server's --accessibility-contact
    Compliance compliance = Compliance::partial;
    std::map<std::string, std::string> known_gaps;  // BCP 47 language → the body's own text
    std::string prepared;  // "YYYY-MM-DD": when the statement was first prepared
    std::string reviewed;  // "YYYY-MM-DD": last reviewed; empty when never
    Evaluation evaluation = Evaluation::self;
    Country country = Country::se;
    int64_t updated_ms = 0;
    std::string updated_by;  // the account that saved it
};

// The settings a PUT body sets, checked: every field is optional and a missing one keeps
// `current`'s value. Errors "bad_field" naming each field at fault.
Result<StatementSettings> read_statement_settings(const nlohmann::json& body,
                                                  StatementSettings current);

class StatementStore {
  public:
    explicit StatementStore(schedule::Database& db) : db_(db) {}

    // The stored settings, or nullopt when the organisers never saved any.
    std::optional<StatementSettings> find(std::string_view event_id) const;
    // Replaces the event's settings.
    void save(const StatementSettings& settings);

  private:
    schedule::Database& db_;
};

}  // namespace stagehub::accessibility
