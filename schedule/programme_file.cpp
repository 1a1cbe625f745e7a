#include "schedule/programme_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "schedule/audio_inputs.hpp"
#include "schedule/ids.hpp"
#include "schedule/json_text.hpp"
#include "schedule/time_zone.hpp"
#include "schedule/validation.hpp"

namespace stagehub::schedule {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "stagehub-programme/1";

// Collects problems with the JSON location they are at, instead of stopping at the first:
// an organiser fixing a file wants the whole list at once.
class Reader {
  public:
    explicit Reader(std::vector<std::string>& problems) : problems_(problems) {}

    void problem(const std::string& where, const std::string& what) {
        problems_.push_back((where.empty() ? "" : where + ".") + what);
    }

    const json* find(const json& object, const char* key, const std::string& where, bool required) {
        const auto it = object.find(key);
        if (it == object.end() || it->is_null()) {
            if (required)
                problem(where, std::string(key) + ": missing");
            return nullptr;
        }
        return &*it;
    }

    std::string text(const json& object, const char* key, const std::string& where, bool required,
                     std::string fallback = {}) {
        const json* value = find(object, key, where, required);
        if (value == nullptr)
            return fallback;
        if (!value->is_string()) {
            problem(where, std::string(key) + ": must be a string");
            return fallback;
        }
        return value->get<std::string>();
    }

    bool flag(const json& object, const char* key, const std::string& where, bool fallback) {
        const json* value = find(object, key, where, false);
        if (value == nullptr)
            return fallback;
        if (!value->is_boolean()) {
            problem(where, std::string(key) + ": must be true or false");
            return fallback;
        }
        return value->get<bool>();
    }

    std::optional<Instant> instant(const json& object, const char* key, const std::string& where,
                                   bool required) {
        const std::string value = text(object, key, where, required);
        if (value.empty())
            return std::nullopt;
        auto parsed = parse_instant(value);
        if (!parsed) {
            problem(where, std::string(key) + ": " + parsed.error().message);
            return std::nullopt;
        }
        return *parsed;
    }

    const json* array(const json& object, const char* key, const std::string& where,
                      bool required) {
        const json* value = find(object, key, where, required);
        if (value != nullptr && !value->is_array()) {
            problem(where, std::string(key) + ": must be a list");
            return nullptr;
        }
        return value;
    }

    // A list of strings; a single string is accepted as a list of one (older files had
    // "organiser" and "language" as plain strings).
    std::vector<std::string> texts(const json& object, const char* key, const std::string& where) {
        std::vector<std::string> values;
        const json* value = find(object, key, where, false);
        if (value == nullptr)
            return values;
        if (value->is_string()) {
            values.push_back(value->get<std::string>());
            return values;
        }
        if (!value->is_array()) {
            problem(where, std::string(key) + ": must be a list of strings");
            return values;
        }
        for (const json& item : *value) {
            if (!item.is_string()) {
                problem(where, std::string(key) + ": must be a list of strings");
                return {};
            }
            values.push_back(item.get<std::string>());
        }
        return values;
    }

    bool is_object(const json& value, const std::string& where) {
        if (value.is_object())
            return true;
        problems_.push_back((where.empty() ? "body" : where) + ": must be an object");
        return false;
    }

  private:
    std::vector<std::string>& problems_;
};

std::string at(const std::string& list, size_t index) {
    return list + "[" + std::to_string(index) + "]";
}

// Ids and guids are checked here to name their place in the file ("stages[2]: stage id
// '/tmp/x' is not an id: ..."); validate() checks them again on every other way in. Missing
// ids are reported by the readers already.
void check_ids(const Programme& programme, std::vector<std::string>& problems) {
    const auto check = [&](const std::string& where, std::string_view what, const std::string& id,
                           const std::string& guid) {
        if (!id.empty() && !is_id(id))
            problems.push_back(where + ": " + id_problem(what, id));
        if (!guid.empty() && !is_uuid(guid))
            problems.push_back(where +
                               ".guid: not a UUID (like 8079583e-8321-506c-95af-fd2903a5f075)");
    };
    check("event", "event", programme.event.id, "");
    for (size_t i = 0; i < programme.stages.size(); ++i)
        check(at("stages", i), "stage", programme.stages[i].id, programme.stages[i].guid);
    for (size_t i = 0; i < programme.people.size(); ++i)
        check(at("people", i), "person", programme.people[i].id, "");
    for (size_t i = 0; i < programme.sessions.size(); ++i)
        check(at("sessions", i), "session", programme.sessions[i].id, programme.sessions[i].guid);
}

json optional_instant(const std::optional<Instant>& at) {
    return at ? json(format_instant(*at)) : json(nullptr);
}

}  // namespace

Event read_event_json(const json& item, const std::string& where,
                      std::vector<std::string>& problems) {
    Reader r(problems);
    Event event;
    if (!r.is_object(item, where))
        return event;
    event.id = r.text(item, "id", where, true);
    event.title = r.text(item, "title", where, true);
    event.organisers =
        r.texts(item, item.contains("organisers") ? "organisers" : "organiser", where);
    event.time_zone = r.text(item, "time_zone", where, false, event.time_zone);
    if (auto languages =
            r.texts(item, item.contains("languages") ? "languages" : "language", where);
        !languages.empty()) {
        event.languages = std::move(languages);
    }
    event.venue = r.text(item, "venue", where, false);
    event.description = r.text(item, "description", where, false);
    event.published = r.flag(item, "published", where, true);
    if (const json* days = r.array(item, "days", where, false)) {
        for (size_t i = 0; i < days->size(); ++i) {
            const std::string dwhere = at(where + ".days", i);
            if (!r.is_object((*days)[i], dwhere))
                continue;
            const auto start = r.instant((*days)[i], "start", dwhere, true);
            const auto end = r.instant((*days)[i], "end", dwhere, true);
            if (start && end)
                event.days.push_back(EventDay{*start, *end});
        }
    }
    return event;
}

Stage read_stage_json(const json& item, const std::string& where,
                      std::vector<std::string>& problems) {
    Reader r(problems);
    Stage stage;
    if (!r.is_object(item, where))
        return stage;
    stage.id = r.text(item, "id", where, true);
    stage.name = r.text(item, "name", where, true);
    stage.guid = r.text(item, "guid", where, false);
    stage.broadcast = r.flag(item, "broadcast", where, true);
    stage.location = r.text(item, "location", where, false);
    if (const json* source = r.find(item, "source", where, false)) {
        const std::string swhere = where.empty() ? "source" : where + ".source";
        if (r.is_object(*source, swhere)) {
            const std::string kind = r.text(*source, "kind", swhere, true);
            if (const auto parsed = source_kind_from_string(kind)) {
                stage.source.kind = *parsed;
            } else if (!kind.empty()) {
                r.problem(swhere,
                          "kind: '" + kind + "' is not one of test_pattern, srt, rtmp, rtsp, file");
            }
            stage.source.url = r.text(*source, "url", swhere, false);
            stage.source.passphrase = r.text(*source, "passphrase", swhere, false);
        }
    }
    if (const json* inputs = r.find(item, "audio_inputs", where, false)) {
        stage.audio_inputs = read_audio_inputs_json(*inputs, where, problems);
    }
    const std::string lower_third = r.text(item, "lower_third", where, false, "automatic");
    if (const auto parsed = lower_third_mode_from_string(lower_third)) {
        stage.lower_third = *parsed;
    } else {
        r.problem(where, "lower_third: '" + lower_third +
                             "' is not one of automatic, burned_in, player, off");
    }
    if (const json* capacity = r.find(item, "capacity", where, false)) {
        if (!capacity->is_number_integer() || capacity->get<long long>() < 0 ||
            capacity->get<long long>() > 1'000'000) {
            r.problem(where, "capacity: must be a whole number of seats, 0 or more");
        } else {
            stage.capacity = capacity->get<int>();
        }
    }
    return stage;
}

Person read_person_json(const json& item, const std::string& where,
                        std::vector<std::string>& problems) {
    Reader r(problems);
    Person person;
    if (!r.is_object(item, where))
        return person;
    person.id = r.text(item, "id", where, true);
    person.name = r.text(item, "name", where, true);
    person.affiliation = r.text(item, "affiliation", where, false);
    return person;
}

Session read_session_json(const json& item, const std::string& where,
                          std::vector<std::string>& problems) {
    Reader r(problems);
    Session s;
    if (!r.is_object(item, where))
        return s;
    s.id = r.text(item, "id", where, true);
    s.guid = r.text(item, "guid", where, false);
    s.stage_id = r.text(item, "stage", where, true);
    s.title = r.text(item, "title", where, true);
    s.abstract = r.text(item, "abstract", where, false);
    s.theme = r.text(item, "theme", where, false);
    s.language = r.text(item, "language", where, false);
    const std::string kind = r.text(item, "kind", where, true);
    if (const auto parsed = session_kind_from_string(kind)) {
        s.kind = *parsed;
    } else if (!kind.empty()) {
        r.problem(where, "kind: '" + kind + "' is not one of " + session_kind_names());
    }
    if (const auto start = r.instant(item, "start", where, true))
        s.start = *start;
    if (const json* minutes = r.find(item, "duration_minutes", where, true)) {
        if (!minutes->is_number() || minutes->get<double>() <= 0 ||
            minutes->get<double>() > 60 * 24 * 31) {
            r.problem(where, "duration_minutes: must be a number above zero");
        } else {
            s.duration = Seconds{std::llround(minutes->get<double>() * 60)};
        }
    }
    s.actual_start = r.instant(item, "actual_start", where, false);
    s.actual_end = r.instant(item, "actual_end", where, false);
    const std::string attendance = r.text(item, "attendance", where, false, "hybrid");
    if (const auto parsed = attendance_mode_from_string(attendance)) {
        s.attendance = *parsed;
    } else {
        r.problem(where, "attendance: '" + attendance + "' is not one of in_person, web, hybrid");
    }
    s.cancelled = r.flag(item, "cancelled", where, false);
    s.replay_allowed = r.flag(item, "replay_allowed", where, true);
    s.published = r.flag(item, "published", where, true);
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
                r.problem(pwhere,
                          "role: '" + role + "' is not one of speaker, panelist, moderator");
            }
            s.people.push_back(std::move(sp));
        }
    }
    s.follows_up = r.texts(item, "follows_up", where);
    return s;
}

json event_file_json(const Event& e) {
    json days = json::array();
    for (const EventDay& day : e.days)
        days.push_back({{"start", format_instant(day.start)}, {"end", format_instant(day.end)}});
    return {{"id", e.id},
            {"title", e.title},
            {"organisers", e.organisers},
            {"time_zone", e.time_zone},
            {"languages", e.languages},
            {"venue", e.venue},
            {"description", e.description},
            {"days", std::move(days)},
            {"published", e.published}};
}

json stage_file_json(const Stage& stage, Secrets secrets) {
    json source = {{"kind", to_string(stage.source.kind)}, {"url", stage.source.url}};
    if (secrets == Secrets::include && !stage.source.passphrase.empty())
        source["passphrase"] = stage.source.passphrase;
    json item = {{"id", stage.id},
                 {"name", stage.name},
                 {"guid", stage.guid},
                 {"broadcast", stage.broadcast},
                 {"capacity", stage.capacity},
                 {"location", stage.location},
                 {"source", std::move(source)},
                 {"lower_third", to_string(stage.lower_third)}};
    if (!stage.audio_inputs.empty())
        item["audio_inputs"] = audio_inputs_json(stage.audio_inputs, secrets == Secrets::include);
    return item;
}

json session_file_json(const Session& s) {
    json people = json::array();
    for (const SessionPerson& p : s.people)
        people.push_back({{"person", p.person_id}, {"role", to_string(p.role)}});
    // Whole seconds as a fraction of minutes would not survive a round trip as text, so
    // durations that are not whole minutes are written as exact decimals.
    const json minutes = s.duration.count() % 60 == 0
                             ? json(s.duration.count() / 60)
                             : json(static_cast<double>(s.duration.count()) / 60.0);
    return {{"id", s.id},
            {"guid", s.guid},
            {"stage", s.stage_id},
            {"kind", to_string(s.kind)},
            {"title", s.title},
            {"abstract", s.abstract},
            {"theme", s.theme},
            {"language", s.language},
            {"start", format_instant(s.start)},
            {"duration_minutes", minutes},
            {"actual_start", optional_instant(s.actual_start)},
            {"actual_end", optional_instant(s.actual_end)},
            {"attendance", to_string(s.attendance)},
            {"cancelled", s.cancelled},
            {"replay_allowed", s.replay_allowed},
            {"published", s.published},
            {"people", std::move(people)},
            {"follows_up", s.follows_up}};
}

json programme_file_json(const Programme& programme, Secrets secrets) {
    json stages = json::array();
    for (const Stage& stage : programme.stages)
        stages.push_back(stage_file_json(stage, secrets));
    json people = json::array();
    for (const Person& p : programme.people)
        people.push_back({{"id", p.id}, {"name", p.name}, {"affiliation", p.affiliation}});
    json sessions = json::array();
    for (const Session& s : programme.sessions)
        sessions.push_back(session_file_json(s));
    return {{"format", kFormat},
            {"event", event_file_json(programme.event)},
            {"stages", std::move(stages)},
            {"people", std::move(people)},
            {"sessions", std::move(sessions)}};
}

std::vector<EventDay> days_covering_sessions(const Programme& programme) {
    std::set<std::chrono::sys_days> dates;
    for (const Session& s : programme.sessions) {
        for (const Instant at : {s.effective_start(), s.effective_end() - Seconds{1}}) {
            if (auto local = to_local(at, programme.event.time_zone))
                dates.insert(std::chrono::sys_days{local->date});
        }
    }
    std::vector<EventDay> days;
    for (const auto date : dates) {
        auto start = from_local(date, Seconds{0}, programme.event.time_zone);
        auto end = from_local(date + std::chrono::days{1}, Seconds{0}, programme.event.time_zone);
        if (!start || !end)
            continue;
        // Consecutive dates make one stretch: a session may run past midnight.
        if (!days.empty() && days.back().end == *start) {
            days.back().end = *end;
        } else {
            days.push_back(EventDay{*start, *end});
        }
    }
    return days;
}

Result<Programme> parse_programme_file(std::string_view json_text) {
    auto parsed = parse_json(json_text);
    if (!parsed)
        return Error{ErrorCode::invalid_programme, "the programme file: " + parsed.error().message};
    const json root = std::move(parsed).value();
    if (!root.is_object())
        return Error{ErrorCode::invalid_programme, "the programme file must be an object"};

    std::vector<std::string> problems;
    Reader r(problems);
    if (r.text(root, "format", "", true) != kFormat)
        r.problem("", "format: must be \"" + std::string(kFormat) + "\"");
    Programme programme;
    if (const json* event = r.find(root, "event", "", true))
        programme.event = read_event_json(*event, "event", problems);
    if (const json* stages = r.array(root, "stages", "", true)) {
        for (size_t i = 0; i < stages->size(); ++i)
            programme.stages.push_back(read_stage_json((*stages)[i], at("stages", i), problems));
    }
    if (const json* people = r.array(root, "people", "", false)) {
        for (size_t i = 0; i < people->size(); ++i)
            programme.people.push_back(read_person_json((*people)[i], at("people", i), problems));
    }
    if (const json* sessions = r.array(root, "sessions", "", true)) {
        for (size_t i = 0; i < sessions->size(); ++i) {
            programme.sessions.push_back(
                read_session_json((*sessions)[i], at("sessions", i), problems));
        }
    }
    check_ids(programme, problems);
    if (problems.empty() && programme.event.days.empty() &&
        is_known_time_zone(programme.event.time_zone)) {
        programme.event.days = days_covering_sessions(programme);
    }
    if (problems.empty()) {
        for (const Error& e : validate(programme))
            problems.push_back(e.message);
    }
    if (!problems.empty()) {
        std::string message = "the programme file has " + std::to_string(problems.size()) +
                              (problems.size() == 1 ? " problem:" : " problems:");
        for (const std::string& p : problems)
            message += "\n- " + p;
        return Error{ErrorCode::invalid_programme, message};
    }
    programme.sort_sessions();
    return programme;
}

Result<Programme> read_programme_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error{ErrorCode::not_found, "cannot read programme file " + path.string() +
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
        const Instant end = std::max(map(s.planned_end()), start + Seconds{1});
        s.start = start;
        s.duration = end - start;
        if (s.actual_start)
            s.actual_start = map(*s.actual_start);
        if (s.actual_end)
            s.actual_end = map(*s.actual_end);
    }
    for (EventDay& day : programme.event.days) {
        day.start = map(day.start);
        day.end = map(day.end);
    }
    return programme;
}

}  // namespace stagehub::schedule
