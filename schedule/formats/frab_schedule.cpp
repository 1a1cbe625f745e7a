#include "schedule/formats/frab_schedule.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "schedule/formats/export_ids.hpp"
#include "schedule/formats/import_problems.hpp"
#include "schedule/formats/name_uuid.hpp"
#include "schedule/formats/slug.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/time_zone.hpp"

namespace stagehub::schedule::formats {
namespace {

// --- export -----------------------------------------------------------------------------

// Local time in the event's zone; UTC if the zone is unknown (validation reports that).
LocalTime local(Instant at, const std::string& zone) {
    auto in_zone = to_local(at, zone);
    return in_zone ? *in_zone : *to_local(at, "Etc/UTC");
}

FrabEvent frab_event(const Programme& programme, const Session& s, const ExportOptions& options,
                     NumberAllocator& event_numbers, NumberAllocator& person_numbers) {
    const Event& event = programme.event;
    const Stage* stage = programme.find_stage(s.stage_id);
    const LocalTime start = local(s.effective_start(), event.time_zone);
    FrabEvent e;
    e.guid = session_guid(event, s);
    e.id = event_numbers.number_for(e.guid, e.guid);
    e.date = start.iso();
    e.start = start.hh_mm();
    e.duration = format_hh_mm(s.effective_end() - s.effective_start());
    e.room = stage ? stage->name : s.stage_id;
    e.slug = s.id;
    e.url = options.base_url.empty() ? "" : session_url(options.base_url, s.id);
    e.title = s.title;
    e.track = s.theme;
    e.type = to_string(s.kind);
    e.language = s.language.empty() ? event.language() : s.language;
    e.abstract = s.abstract;
    e.do_not_record = !s.replay_allowed;
    for (const SessionPerson& sp : s.people) {
        const Person* person = programme.find_person(sp.person_id);
        if (person == nullptr)
            continue;
        // Numbered by name, not id: schedule.xml carries only the number and the name, and
        // an import makes the id from the name, so this keeps a re-export the same.
        e.persons.push_back(FrabPerson{person_numbers.number_for(person->id, person->name),
                                       person_guid(event, *person), person->id, person->name});
    }
    return e;
}

// --- import -----------------------------------------------------------------------------

// frab's types are free text ("Talk", "Lightning Talk", "Podiumsdiskussion"): stagehub's own
// names first, then a few telling words, else a talk.
SessionKind kind_from_type(std::string_view type) {
    std::string word = ascii_lower(type);
    std::replace(word.begin(), word.end(), '-', '_');
    std::replace(word.begin(), word.end(), ' ', '_');
    if (const auto kind = session_kind_from_string(word))
        return *kind;
    const auto has = [&](std::string_view part) { return word.find(part) != std::string::npos; };
    if (has("panel") || has("diskussion") || has("discussion"))
        return SessionKind::panel;
    if (has("keynote"))
        return SessionKind::keynote;
    if (has("workshop") || has("hands_on"))
        return SessionKind::workshop;
    if (has("break") || has("pause") || has("lunch") || has("fika"))
        return SessionKind::break_;
    return SessionKind::talk;
}

std::string field_problem(std::string_view field, std::string_view message) {
    std::string out(field);
    out.append(": ").append(message);
    return out;
}

class FrabImport {
  public:
    FrabImport(const FrabSchedule& doc, const ImportOptions& options) : doc_(doc) {
        for (const RowProblem& p : doc.problems)
            problems_.document(p.where, p.message);
        read_event(options);
        for (const FrabRoom& room : doc.rooms)
            add_stage(room.name, room.guid, room.description, room.capacity);
        read_days();
    }

    Result<ImportResult> finish(const ImportOptions& options) {
        for (size_t d = 0; d < doc_.days.size(); ++d) {
            for (const FrabRoomEvents& room : doc_.days[d].rooms) {
                for (const FrabEvent& e : room.events)
                    read_session(doc_.days[d], day_starts_[d], room, e);
            }
        }
        event_languages();
        if (derive_days_)
            programme_.event.days = days_covering_sessions(programme_);
        return problems_.finish(std::move(programme_), options);
    }

  private:
    void read_event(const ImportOptions& options) {
        Event& event = programme_.event;
        event.id = options.event_id.value_or(id_slug(doc_.acronym));
        if (event.id.empty())
            problems_.document(doc_.where, "acronym: missing (the event id is made from it)");
        event.title = doc_.title;
        if (event.title.empty())
            problems_.document(doc_.where, "title: missing");
        event.description = doc_.description;
        if (!doc_.time_zone_name.empty()) {
            if (is_known_time_zone(doc_.time_zone_name)) {
                event.time_zone = doc_.time_zone_name;
            } else {
                std::string message = "time_zone_name: '";
                message.append(doc_.time_zone_name).append("' is not a time zone of the tz ");
                message.append("database (use an IANA name like Europe/Stockholm)");
                problems_.document(doc_.where, std::move(message));
            }
        }
    }

    void read_days() {
        for (const FrabDay& day : doc_.days) {
            std::optional<Instant> start;
            if (day.start.empty() || day.end.empty()) {
                derive_days_ = true;
            } else {
                auto parsed_start = parse_instant(day.start);
                auto parsed_end = parse_instant(day.end);
                if (!parsed_start)
                    problems_.document(day.where,
                                       field_problem("start", parsed_start.error().message));
                if (!parsed_end)
                    problems_.document(day.where, field_problem("end", parsed_end.error().message));
                if (parsed_start && parsed_end) {
                    programme_.event.days.push_back(EventDay{*parsed_start, *parsed_end});
                    start = *parsed_start;
                }
            }
            day_starts_.push_back(start);
        }
        // Days given in part cannot be mixed with derived ones: derive them all.
        if (derive_days_)
            programme_.event.days.clear();
    }

    const Stage& add_stage(const std::string& name, const std::string& guid,
                           const std::string& location, int capacity) {
        Stage stage;
        stage.id = unique_id(slugify(name), "stage", stage_ids_);
        stage.name = name;
        stage.guid = is_uuid(guid) ? guid : "";
        stage.location = location;
        stage.capacity = capacity;
        programme_.stages.push_back(std::move(stage));
        return programme_.stages.back();
    }

    std::string stage_for(const std::string& room) {
        for (const Stage& stage : programme_.stages) {
            if (stage.name == room)
                return stage.id;
        }
        return add_stage(room, "", "", 0).id;
    }

    // One person per speaker code (pretalx, stagehub), else guid, else frab number, else name.
    std::string person_for(const FrabPerson& p) {
        std::string key;
        if (!p.code.empty()) {
            key.append("code:").append(p.code);
        } else if (!p.guid.empty()) {
            key.append("guid:").append(p.guid);
        } else if (p.id > 0) {
            key.append("id:").append(std::to_string(p.id));
        } else {
            key.append("name:").append(p.name);
        }
        if (const auto it = people_.find(key); it != people_.end())
            return it->second;
        Person person;
        person.id = unique_id(slugify(p.code.empty() ? p.name : p.code), "person", person_ids_);
        person.name = p.name;
        programme_.people.push_back(person);
        people_.emplace(key, person.id);
        return person.id;
    }

    std::optional<Instant> session_start(const FrabDay& day, std::optional<Instant> day_start,
                                         const FrabEvent& e,
                                         std::vector<std::string>& problems) const {
        if (!e.date.empty()) {
            auto at = parse_instant(e.date);
            if (!at) {
                problems.push_back(field_problem("date", at.error().message));
                return std::nullopt;
            }
            return *at;
        }
        if (e.start.empty()) {
            problems.push_back("date: missing (and no start)");
            return std::nullopt;
        }
        const auto date = parse_date(day.date);
        const auto time = parse_time_of_day(e.start);
        if (!date)
            problems.push_back(field_problem("date", "missing, and the day has no date"));
        if (!time)
            problems.push_back(field_problem("start", time.error().message));
        if (!date || !time)
            return std::nullopt;
        auto at = from_local(*date, *time, programme_.event.time_zone);
        // frab days run past midnight: a start before the day's start is on the next date.
        if (at && day_start && *at < *day_start) {
            at = from_local(std::chrono::sys_days{*date} + std::chrono::days{1}, *time,
                            programme_.event.time_zone);
        }
        if (!at) {
            problems.push_back(field_problem("start", at.error().message));
            return std::nullopt;
        }
        return *at;
    }

    void read_session(const FrabDay& day, std::optional<Instant> day_start,
                      const FrabRoomEvents& room, const FrabEvent& e) {
        std::vector<std::string> problems = e.problems;
        Session s;
        s.title = e.title;
        if (e.title.find_first_not_of(" \t\r\n") == std::string::npos)
            problems.push_back("title: missing");
        const std::optional<Instant> start = session_start(day, day_start, e, problems);
        if (e.duration.empty()) {
            problems.push_back("duration: missing");
        } else if (auto duration = parse_hh_mm_duration(e.duration); !duration) {
            problems.push_back(field_problem("duration", duration.error().message));
        } else if (*duration <= Seconds{0}) {
            problems.push_back("duration: must be longer than 00:00");
        } else {
            s.duration = *duration;
        }
        const std::string& room_name = e.room.empty() ? room.name : e.room;
        if (room_name.empty())
            problems.push_back("room: missing");
        if (!e.guid.empty() && !is_uuid(e.guid)) {
            std::string message = "guid: '";
            message.append(e.guid).append("' is not a UUID");
            problems.push_back(std::move(message));
        }
        for (size_t i = 0; i < e.persons.size(); ++i) {
            if (e.persons[i].name.empty()) {
                std::string message = "persons[";
                message.append(std::to_string(i)).append("]: has no name");
                problems.push_back(std::move(message));
            }
        }
        for (std::string& message : problems)
            problems_.row(e.where, std::move(message));
        if (!problems.empty() || !start)
            return;

        s.start = *start;
        s.id = unique_id(slugify(e.slug.empty() ? e.title : e.slug), "session", session_ids_);
        s.guid = e.guid;
        s.stage_id = stage_for(room_name);
        s.kind = kind_from_type(e.type);
        s.theme = e.track;
        s.language = e.language;
        s.abstract = e.abstract;
        // pretalx has a short abstract and a long description; stagehub one text.
        if (!e.description.empty() && e.description != e.abstract)
            s.abstract.append(s.abstract.empty() ? "" : "\n\n").append(e.description);
        s.replay_allowed = !e.do_not_record;
        for (const FrabPerson& p : e.persons) {
            const std::string id = person_for(p);
            if (std::none_of(s.people.begin(), s.people.end(),
                             [&](const SessionPerson& sp) { return sp.person_id == id; })) {
                s.people.push_back(SessionPerson{
                    id, s.kind == SessionKind::panel ? PersonRole::panelist : PersonRole::speaker});
            }
        }
        programme_.sessions.push_back(std::move(s));
    }

    // The languages the sessions are in, most used first: frab has no event language.
    void event_languages() {
        std::vector<std::pair<std::string, int>> counts;  // in order of first use
        for (const Session& s : programme_.sessions) {
            if (s.language.empty())
                continue;
            const auto it = std::find_if(counts.begin(), counts.end(),
                                         [&](const auto& c) { return c.first == s.language; });
            if (it == counts.end()) {
                counts.emplace_back(s.language, 1);
            } else {
                ++it->second;
            }
        }
        if (counts.empty())
            return;
        std::stable_sort(counts.begin(), counts.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        programme_.event.languages.clear();
        for (const auto& [language, count] : counts)
            programme_.event.languages.push_back(language);
    }

    const FrabSchedule& doc_;
    ImportProblems problems_;
    Programme programme_;
    std::vector<std::optional<Instant>> day_starts_;
    bool derive_days_ = false;
    std::set<std::string> stage_ids_;
    std::set<std::string> session_ids_;
    std::set<std::string> person_ids_;
    std::map<std::string, std::string> people_;  // person key → person id
};

}  // namespace

FrabSchedule frab_from_programme(const Programme& programme, const ExportOptions& options) {
    const Event& event = programme.event;
    FrabSchedule f;
    f.version = "rev ";
    f.version.append(std::to_string(options.revision));
    f.base_url = options.base_url;
    f.generator_version = options.version;
    f.acronym = event.id;
    f.title = event.title;
    f.description = event.description;
    f.timeslot_duration = "00:05";
    f.time_zone_name = event.time_zone;
    f.url = options.base_url;
    for (const Stage& stage : programme.stages) {
        f.rooms.push_back(
            FrabRoom{stage.name, stage_guid(event, stage), stage.location, stage.capacity});
    }

    const std::vector<EventDay> days =
        event.days.empty() ? days_covering_sessions(programme) : event.days;
    f.days_count = static_cast<int64_t>(days.size());
    if (days.empty())
        return f;
    f.start = local(days.front().start, event.time_zone).date_text();
    f.end = local(days.back().end - Seconds{1}, event.time_zone).date_text();
    for (size_t i = 0; i < days.size(); ++i) {
        FrabDay day;
        day.index = static_cast<int64_t>(i + 1);
        day.date = local(days[i].start, event.time_zone).date_text();
        day.start = local(days[i].start, event.time_zone).iso();
        day.end = local(days[i].end, event.time_zone).iso();
        for (const Stage& stage : programme.stages)
            day.rooms.push_back(FrabRoomEvents{stage.name, {}});
        f.days.push_back(std::move(day));
    }

    // frab cannot say "cancelled": a cancelled session is left out, as frab and pretalx do.
    std::vector<const Session*> shown;
    for (const Session& s : programme.sessions) {
        if (!s.cancelled)
            shown.push_back(&s);
    }
    // Document order from the content alone, so an import of the export exports the same.
    std::sort(shown.begin(), shown.end(), [](const Session* a, const Session* b) {
        return std::make_pair(a->effective_start(), a->id) <
               std::make_pair(b->effective_start(), b->id);
    });
    NumberAllocator event_numbers;
    NumberAllocator person_numbers;
    for (const Session* s : shown) {
        size_t d = 0;
        while (d + 1 < days.size() && s->effective_start() >= days[d].end)
            ++d;
        FrabEvent e = frab_event(programme, *s, options, event_numbers, person_numbers);
        std::vector<FrabRoomEvents>& rooms = f.days[d].rooms;
        auto room = std::find_if(rooms.begin(), rooms.end(),
                                 [&](const FrabRoomEvents& r) { return r.name == e.room; });
        if (room == rooms.end())
            room = rooms.insert(rooms.end(), FrabRoomEvents{e.room, {}});
        room->events.push_back(std::move(e));
    }
    return f;
}

Result<ImportResult> programme_from_frab(const FrabSchedule& schedule,
                                         const ImportOptions& options) {
    FrabImport import(schedule, options);
    return import.finish(options);
}

}  // namespace stagehub::schedule::formats
