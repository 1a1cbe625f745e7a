#include "schedule/formats/frab_json.hpp"

#include <nlohmann/json.hpp>

#include "schedule/bounded_number.hpp"
#include "schedule/formats/frab_schedule.hpp"
#include "schedule/formats/import_problems.hpp"
#include "schedule/json_text.hpp"

namespace stagehub::schedule::formats {
namespace {

// Ordered: keys stay in frab's order, for people reading the file and for stable bytes.
using json = nlohmann::ordered_json;

constexpr std::string_view kSchemaUrl = "https://c3voc.de/schedule/schema.json";

json null_if_empty(const std::string& text) {
    return text.empty() ? json(nullptr) : json(text);
}

json event_json(const FrabEvent& e) {
    json persons = json::array();
    for (const FrabPerson& p : e.persons) {
        // frab's person (id + public_name) with pretalx's code. The code is a stagehub id in
        // lower case, outside pretalx's upper-case pattern, so the c3voc schema's oneOf sees
        // exactly one person shape (frab's) and the id survives a round trip.
        persons.push_back(json{{"id", p.id},
                               {"guid", p.guid},
                               {"code", p.code},
                               {"name", p.name},
                               {"public_name", p.name}});
    }
    return json{{"url", e.url},
                {"id", e.id},
                {"guid", e.guid},
                {"date", e.date},
                {"start", e.start},
                {"duration", e.duration},
                {"room", e.room},
                {"slug", e.slug},
                {"title", e.title},
                {"subtitle", e.subtitle},
                {"track", e.track},
                {"type", e.type},
                {"language", e.language},
                {"abstract", e.abstract},
                {"description", e.description},
                {"recording_license", e.recording_license},
                {"do_not_record", e.do_not_record},
                {"persons", std::move(persons)},
                {"links", json::array()},
                {"attachments", json::array()}};
}

// Reads the fields of one JSON object; a field of the wrong type is a problem named
// "<prefix><key>: ...", kept in `problems`.
class Fields {
  public:
    Fields(const json& object, std::vector<std::string>& problems, std::string prefix = {})
        : object_(object), problems_(problems), prefix_(std::move(prefix)) {}

    // A string; missing or null: "". Numbers are not taken as text: they hint at a mix-up.
    std::string text(const char* key) {
        const json* value = find(key);
        if (value == nullptr)
            return {};
        if (value->is_string())
            return value->get<std::string>();
        problem(key, "must be text");
        return {};
    }

    int64_t integer(const char* key) {
        const json* value = find(key);
        if (value == nullptr)
            return 0;
        // Ids and counts: anything beyond ±2^53 is not one a tool wrote.
        constexpr int64_t kLargest = int64_t{1} << 53;
        if (value->is_number()) {
            if (const auto n = json_integer_within(*value, -kLargest, kLargest))
                return *n;
            problem(key, "is a number too large to be an id or a count");
            return 0;
        }
        problem(key, "must be a number");
        return 0;
    }

    // true/false; also "true"/"false" as text, which some tools write.
    bool flag(const char* key) {
        const json* value = find(key);
        if (value == nullptr)
            return false;
        if (value->is_boolean())
            return value->get<bool>();
        if (value->is_string() && (*value == "true" || *value == "false"))
            return *value == "true";
        problem(key, "must be true or false");
        return false;
    }

    const json* array(const char* key) {
        const json* value = find(key);
        if (value != nullptr && !value->is_array()) {
            problem(key, "must be a list");
            return nullptr;
        }
        return value;
    }

    const json* object(const char* key) {
        const json* value = find(key);
        if (value != nullptr && !value->is_object()) {
            problem(key, "must be an object");
            return nullptr;
        }
        return value;
    }

  private:
    const json* find(const char* key) const {
        const auto it = object_.find(key);
        return it == object_.end() || it->is_null() ? nullptr : &*it;
    }

    void problem(const char* key, const char* what) {
        std::string message = prefix_;
        message.append(key).append(": ").append(what);
        problems_.push_back(std::move(message));
    }

    const json& object_;
    std::vector<std::string>& problems_;
    std::string prefix_;
};

std::string indexed(std::string_view list, size_t index) {
    std::string out(list);
    out.append("[").append(std::to_string(index)).append("]");
    return out;
}

FrabEvent read_event(const json& item, std::string where) {
    FrabEvent e;
    e.where = std::move(where);
    if (!item.is_object()) {
        e.problems.push_back("must be an object");
        return e;
    }
    Fields f(item, e.problems);
    e.id = f.integer("id");
    e.guid = f.text("guid");
    e.date = f.text("date");
    e.start = f.text("start");
    e.duration = f.text("duration");
    e.room = f.text("room");
    e.slug = f.text("slug");
    e.url = f.text("url");
    e.title = f.text("title");
    e.subtitle = f.text("subtitle");
    e.track = f.text("track");
    e.type = f.text("type");
    e.language = f.text("language");
    e.abstract = f.text("abstract");
    e.description = f.text("description");
    e.recording_license = f.text("recording_license");
    e.do_not_record = f.flag("do_not_record");
    if (const json* persons = f.array("persons")) {
        for (size_t i = 0; i < persons->size(); ++i) {
            const json& p = (*persons)[i];
            const std::string prefix = indexed("persons", i) + ".";
            if (!p.is_object()) {
                e.problems.push_back(indexed("persons", i) + ": must be an object");
                continue;
            }
            Fields pf(p, e.problems, prefix);
            FrabPerson person;
            person.id = pf.integer("id");
            person.guid = pf.text("guid");
            person.code = pf.text("code");
            person.name = pf.text("name");
            if (person.name.empty())
                person.name = pf.text("public_name");
            e.persons.push_back(std::move(person));
        }
    }
    return e;
}

void read_day(const json& item, std::string where, FrabSchedule& f) {
    FrabDay day;
    day.where = std::move(where);
    if (!item.is_object()) {
        f.problems.push_back(RowProblem{day.where, "must be an object"});
        return;
    }
    std::vector<std::string> problems;
    Fields fields(item, problems);
    day.index = fields.integer("index");
    day.date = fields.text("date");
    day.start = fields.text("day_start");
    day.end = fields.text("day_end");
    if (const json* rooms = fields.object("rooms")) {
        for (const auto& [name, events] : rooms->items()) {
            std::string room_where = day.where;
            room_where.append(".rooms.").append(name);
            if (!events.is_array()) {
                std::string message = "rooms.";
                message.append(name).append(": must be a list of events");
                problems.push_back(std::move(message));
                continue;
            }
            FrabRoomEvents room{name, {}};
            for (size_t i = 0; i < events.size(); ++i)
                room.events.push_back(read_event(events[i], indexed(room_where, i)));
            day.rooms.push_back(std::move(room));
        }
    }
    for (std::string& p : problems)
        f.problems.push_back(RowProblem{day.where, std::move(p)});
    f.days.push_back(std::move(day));
}

FrabSchedule read_schedule(const json& root) {
    FrabSchedule f;
    f.where = "schedule.conference";
    const json* schedule =
        root.is_object() && root.contains("schedule") ? &root["schedule"] : nullptr;
    if (schedule == nullptr || !schedule->is_object()) {
        f.problems.push_back(RowProblem{"", "the document has no \"schedule\" object"});
        return f;
    }
    std::vector<std::string> problems;
    Fields top(*schedule, problems);
    f.version = top.text("version");
    f.base_url = top.text("base_url");
    const json* conference = top.object("conference");
    for (std::string& p : problems)
        f.problems.push_back(RowProblem{"schedule", std::move(p)});
    if (conference == nullptr) {
        f.problems.push_back(RowProblem{"schedule", "conference: missing"});
        return f;
    }
    problems.clear();
    Fields c(*conference, problems);
    f.acronym = c.text("acronym");
    f.title = c.text("title");
    f.description = c.text("description");
    f.start = c.text("start");
    f.end = c.text("end");
    f.days_count = c.integer("daysCount");
    f.timeslot_duration = c.text("timeslot_duration");
    f.time_zone_name = c.text("time_zone_name");
    f.url = c.text("url");
    if (const json* rooms = c.array("rooms")) {
        for (size_t i = 0; i < rooms->size(); ++i) {
            const json& r = (*rooms)[i];
            if (!r.is_object()) {
                problems.push_back(indexed("rooms", i) + ": must be an object");
                continue;
            }
            Fields rf(r, problems, indexed("rooms", i) + ".");
            FrabRoom room;
            room.name = rf.text("name");
            room.guid = rf.text("guid");
            room.description = rf.text("description");
            room.capacity = static_cast<int>(rf.integer("capacity"));
            if (room.name.empty()) {
                problems.push_back(indexed("rooms", i) + ".name: missing");
                continue;
            }
            f.rooms.push_back(std::move(room));
        }
    }
    const json* days = c.array("days");
    for (std::string& p : problems)
        f.problems.push_back(RowProblem{f.where, std::move(p)});
    if (days != nullptr) {
        for (size_t i = 0; i < days->size(); ++i)
            read_day((*days)[i], indexed(f.where + ".days", i), f);
    }
    return f;
}

}  // namespace

std::string export_frab_json(const Programme& programme, const ExportOptions& options) {
    const FrabSchedule f = frab_from_programme(programme, options);
    json rooms = json::array();
    for (const FrabRoom& room : f.rooms) {
        rooms.push_back(
            json{{"name", room.name},
                 {"guid", room.guid},
                 {"description", null_if_empty(room.description)},
                 {"capacity", room.capacity > 0 ? json(room.capacity) : json(nullptr)}});
    }
    json days = json::array();
    for (const FrabDay& day : f.days) {
        json day_rooms = json::object();
        for (const FrabRoomEvents& room : day.rooms) {
            json events = json::array();
            for (const FrabEvent& e : room.events)
                events.push_back(event_json(e));
            day_rooms[room.name] = std::move(events);
        }
        days.push_back(json{{"index", day.index},
                            {"date", day.date},
                            {"day_start", day.start},
                            {"day_end", day.end},
                            {"rooms", std::move(day_rooms)}});
    }
    json conference = json::object();
    conference["acronym"] = f.acronym;
    conference["title"] = f.title;
    if (!f.description.empty())
        conference["description"] = f.description;
    conference["start"] = f.start;
    conference["end"] = f.end;
    conference["daysCount"] = f.days_count;
    conference["timeslot_duration"] = f.timeslot_duration;
    conference["time_zone_name"] = f.time_zone_name;
    if (!f.url.empty())
        conference["url"] = f.url;
    conference["rooms"] = std::move(rooms);
    conference["days"] = std::move(days);

    const json document{{"$schema", kSchemaUrl},
                        {"generator", json{{"name", "stagehub"}, {"version", f.generator_version}}},
                        {"schedule", json{{"version", f.version},
                                          {"base_url", f.base_url},
                                          {"conference", std::move(conference)}}}};
    // Text that is not UTF-8 is replaced (U+FFFD) rather than failing the whole export.
    return document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<ImportResult> import_frab_json(std::string_view text, const ImportOptions& options) {
    auto root = parse_json(text);
    if (!root) {
        // The parser's message says where: "parse error at line 3, column 5: ...".
        ImportProblems problems;
        problems.document("", "the document is " + root.error().message);
        return problems.finish({}, options);
    }
    return programme_from_frab(read_schedule(*root), options);
}

}  // namespace stagehub::schedule::formats
