#include "schedule/programme_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "schedule/validation.hpp"

namespace stagehub::schedule {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "stagehub-programme/1";

// Collects problems with the JSON location they are at, instead of stopping at the first:
// an organiser fixing a file wants the whole list at once.
class Reader {
  public:
    std::vector<std::string> problems;

    std::string text(const json& object, const char* key, const std::string& where, bool required) {
        const auto it = object.find(key);
        if (it == object.end() || it->is_null()) {
            if (required)
                problems.push_back(where + "." + key + ": missing");
            return {};
        }
        if (!it->is_string()) {
            problems.push_back(where + "." + key + ": must be a string");
            return {};
        }
        return it->get<std::string>();
    }

    const json* array(const json& object, const char* key, const std::string& where,
                      bool required) {
        const auto it = object.find(key);
        if (it == object.end()) {
            if (required)
                problems.push_back(where + "." + key + ": missing");
            return nullptr;
        }
        if (!it->is_array()) {
            problems.push_back(where + "." + key + ": must be a list");
            return nullptr;
        }
        return &*it;
    }

    bool is_object(const json& value, const std::string& where) {
        if (value.is_object())
            return true;
        problems.push_back(where + ": must be an object");
        return false;
    }
};

std::string at(const std::string& list, size_t index) {
    return list + "[" + std::to_string(index) + "]";
}

void read_event(Reader& r, const json& root, Event& event) {
    const auto it = root.find("event");
    if (it == root.end()) {
        r.problems.push_back("event: missing");
        return;
    }
    if (!r.is_object(*it, "event"))
        return;
    event.id = r.text(*it, "id", "event", true);
    event.title = r.text(*it, "title", "event", true);
    event.organiser = r.text(*it, "organiser", "event", false);
    if (auto tz = r.text(*it, "time_zone", "event", false); !tz.empty())
        event.time_zone = tz;
    if (auto lang = r.text(*it, "language", "event", false); !lang.empty())
        event.language = lang;
    event.venue = r.text(*it, "venue", "event", false);
    event.description = r.text(*it, "description", "event", false);
}

void read_session(Reader& r, const json& item, const std::string& where, Session& s) {
    s.id = r.text(item, "id", where, true);
    s.stage_id = r.text(item, "stage", where, true);
    s.title = r.text(item, "title", where, true);
    s.abstract = r.text(item, "abstract", where, false);
    s.theme = r.text(item, "theme", where, false);
    const std::string kind = r.text(item, "kind", where, true);
    if (const auto parsed = session_kind_from_string(kind)) {
        s.kind = *parsed;
    } else if (!kind.empty()) {
        r.problems.push_back(where + ".kind: '" + kind +
                             "' is not one of talk, panel, keynote, break, study_visit, "
                             "remote_training, workshop");
    }
    const std::string start = r.text(item, "start", where, true);
    if (!start.empty()) {
        if (auto parsed = parse_instant(start)) {
            s.start = *parsed;
        } else {
            r.problems.push_back(where + ".start: " + parsed.error().message);
        }
    }
    const auto minutes = item.find("duration_minutes");
    if (minutes == item.end()) {
        r.problems.push_back(where + ".duration_minutes: missing");
    } else if (!minutes->is_number() || minutes->get<double>() <= 0) {
        r.problems.push_back(where + ".duration_minutes: must be a number above zero");
    } else {
        s.duration = Seconds{std::llround(minutes->get<double>() * 60)};
    }
    if (const json* people = r.array(item, "people", where, false)) {
        for (size_t i = 0; i < people->size(); ++i) {
            const std::string pwhere = at(where + ".people", i);
            const json& p = (*people)[i];
            if (!r.is_object(p, pwhere))
                continue;
            SessionPerson sp;
            sp.person_id = r.text(p, "person", pwhere, true);
            const std::string role = r.text(p, "role", pwhere, false);
            if (role.empty()) {
                sp.role = s.kind == SessionKind::panel ? PersonRole::panelist : PersonRole::speaker;
            } else if (const auto parsed = person_role_from_string(role)) {
                sp.role = *parsed;
            } else {
                r.problems.push_back(pwhere + ".role: '" + role +
                                     "' is not one of speaker, panelist, moderator");
            }
            s.people.push_back(std::move(sp));
        }
    }
}

}  // namespace

Result<Programme> parse_programme_file(std::string_view json_text) {
    const json root = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) {
        return Error{"invalid_programme", "the programme file is not valid JSON"};
    }
    if (!root.is_object())
        return Error{"invalid_programme", "the programme file must be an object"};

    Reader r;
    if (r.text(root, "format", "", true) != kFormat) {
        r.problems.push_back(".format: must be \"" + std::string(kFormat) + "\"");
    }
    Programme programme;
    read_event(r, root, programme.event);
    if (const json* stages = r.array(root, "stages", "", true)) {
        for (size_t i = 0; i < stages->size(); ++i) {
            const std::string where = at("stages", i);
            if (!r.is_object((*stages)[i], where))
                continue;
            programme.stages.push_back(Stage{r.text((*stages)[i], "id", where, true),
                                             r.text((*stages)[i], "name", where, true)});
        }
    }
    if (const json* people = r.array(root, "people", "", false)) {
        for (size_t i = 0; i < people->size(); ++i) {
            const std::string where = at("people", i);
            const json& p = (*people)[i];
            if (!r.is_object(p, where))
                continue;
            programme.people.push_back(Person{r.text(p, "id", where, true),
                                              r.text(p, "name", where, true),
                                              r.text(p, "affiliation", where, false)});
        }
    }
    if (const json* sessions = r.array(root, "sessions", "", true)) {
        for (size_t i = 0; i < sessions->size(); ++i) {
            const std::string where = at("sessions", i);
            if (!r.is_object((*sessions)[i], where))
                continue;
            Session s;
            read_session(r, (*sessions)[i], where, s);
            programme.sessions.push_back(std::move(s));
        }
    }
    for (auto& p : r.problems) {
        if (p.starts_with("."))
            p.erase(0, 1);
    }
    if (r.problems.empty()) {
        for (const Error& e : validate(programme))
            r.problems.push_back(e.message);
    }
    if (!r.problems.empty()) {
        std::string message = "the programme file has " + std::to_string(r.problems.size()) +
                              (r.problems.size() == 1 ? " problem:" : " problems:");
        for (const std::string& p : r.problems)
            message += "\n- " + p;
        return Error{"invalid_programme", message};
    }
    programme.sort_sessions();
    return programme;
}

Result<Programme> read_programme_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error{"not_found", "cannot read programme file " + path.string() +
                                      " (does it exist and is it readable?)"};
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto programme = parse_programme_file(text.str());
    if (!programme) {
        return Error{programme.error().code, path.string() + ": " + programme.error().message};
    }
    return programme;
}

Programme retimed(Programme programme, Instant new_start, double speed) {
    if (programme.sessions.empty() || speed <= 0)
        return programme;
    Instant first = programme.sessions.front().start;
    for (const Session& s : programme.sessions)
        first = std::min(first, s.start);
    // Map both ends of each session through the same function, so sessions that touched
    // still touch and sessions that did not overlap still do not.
    const auto map = [&](Instant t) {
        const double offset = static_cast<double>((t - first).count()) / speed;
        return new_start + Seconds{std::llround(offset)};
    };
    for (Session& s : programme.sessions) {
        const Instant start = map(s.start);
        const Instant end = std::max(map(s.end()), start + Seconds{1});
        s.start = start;
        s.duration = end - start;
    }
    return programme;
}

}  // namespace stagehub::schedule
