#include "schedule/formats/sessions_csv.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "schedule/formats/csv.hpp"
#include "schedule/formats/import_problems.hpp"
#include "schedule/formats/slug.hpp"
#include "schedule/programme_file.hpp"
#include "schedule/time_zone.hpp"
#include "schedule/trim.hpp"

namespace stagehub::schedule::formats {
namespace {

enum class Column {
    id,
    stage,
    kind,
    title,
    date,
    start,
    duration,
    theme,
    language,
    speakers,
    abstract,
    attendance,
    replay_allowed,
    published,
    cancelled
};
constexpr size_t kColumnCount = 15;
constexpr std::array<std::string_view, kColumnCount> kColumnNames{
    "id",       "stage",      "kind",           "title",     "date",
    "start",    "duration",   "theme",          "language",  "speakers",
    "abstract", "attendance", "replay_allowed", "published", "cancelled"};
constexpr std::array<Column, 6> kRequired{Column::stage, Column::kind,  Column::title,
                                          Column::date,  Column::start, Column::duration};

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view name_of(Column column) {
    return kColumnNames[static_cast<size_t>(column)];
}

std::string column_list() {
    std::string list;
    for (const std::string_view name : kColumnNames)
        list.append(list.empty() ? "" : ", ").append(name);
    return list;
}

// "Study visit", "in-person" → "study_visit", "in_person".
std::string keyword(std::string_view text) {
    std::string out = ascii_lower(schedule::trim(text));
    std::replace(out.begin(), out.end(), '-', '_');
    std::replace(out.begin(), out.end(), ' ', '_');
    return out;
}

std::optional<bool> parse_flag(std::string_view text) {
    static const std::set<std::string, std::less<>> yes{"yes", "y", "ja", "j", "true", "1", "x"};
    static const std::set<std::string, std::less<>> no{"no", "n", "nej", "false", "0"};
    const std::string word = ascii_lower(schedule::trim(text));
    if (yes.count(word) != 0)
        return true;
    if (no.count(word) != 0)
        return false;
    return std::nullopt;
}

PersonRole default_role(SessionKind kind) {
    return kind == SessionKind::panel ? PersonRole::panelist : PersonRole::speaker;
}

// "'<text>' <why>" after "<column>: ", built with append (GCC 12 -Wrestrict, see time_zone).
std::string quoted(Column column, std::string_view text, std::string_view why) {
    std::string message(name_of(column));
    message.append(": '").append(text).append("' ").append(why);
    return message;
}

std::string in_column(Column column, std::string_view message) {
    std::string out(name_of(column));
    out.append(": ").append(message);
    return out;
}

// --- export -----------------------------------------------------------------------------

std::string speakers_text(const Programme& programme, const Session& session) {
    std::string text;
    for (const SessionPerson& sp : session.people) {
        const Person* person = programme.find_person(sp.person_id);
        text.append(text.empty() ? "" : "; ").append(person ? person->name : sp.person_id);
        if (sp.role != default_role(session.kind))
            text.append(" (").append(to_string(sp.role)).append(")");
    }
    return text;
}

std::string yes_no(bool value) {
    return value ? "yes" : "no";
}

// --- import -----------------------------------------------------------------------------

struct Speaker {
    std::string name;
    PersonRole role;
};

class CsvImport {
  public:
    CsvImport(const Programme& base, ImportProblems& problems)
        : base_(base), problems_(problems), programme_(base) {
        programme_.sessions.clear();
        for (const Stage& stage : programme_.stages)
            stage_ids_.insert(stage.id);
        for (const Person& person : programme_.people)
            person_ids_.insert(person.id);
    }

    bool read_header(const CsvRecord& header) {
        for (size_t i = 0; i < header.fields.size(); ++i) {
            const std::string name = ascii_lower(schedule::trim(header.fields[i]));
            const auto known = std::find(kColumnNames.begin(), kColumnNames.end(), name);
            const std::string where = line_where(header.line);
            if (name.empty() && i + 1 == header.fields.size())
                continue;  // a trailing separator
            if (known == kColumnNames.end()) {
                std::string message = "unknown column '";
                message.append(name).append("' (the columns are ").append(column_list());
                message.append(")");
                problems_.document(where, std::move(message));
                continue;
            }
            const auto column = static_cast<Column>(known - kColumnNames.begin());
            if (!columns_.emplace(column, i).second) {
                std::string message = "column '";
                message.append(name).append("' appears twice");
                problems_.document(where, std::move(message));
            }
        }
        for (const Column column : kRequired) {
            if (columns_.count(column) == 0) {
                std::string message = "missing column '";
                message.append(name_of(column)).append("' (required: stage, kind, title, date, ");
                message.append("start, duration)");
                problems_.document(line_where(header.line), std::move(message));
            }
        }
        header_size_ = header.fields.size();
        return !problems_.has_document_problems();
    }

    void reserve_explicit_ids(const std::vector<CsvRecord>& rows) {
        for (const CsvRecord& row : rows) {
            const std::string id = id_slug(field(row, Column::id));
            if (id.empty() || is_blank(row))
                continue;
            const auto [it, inserted] = explicit_ids_.emplace(id, row.line);
            if (!inserted) {
                std::string message = "id: '";
                message.append(id).append("' is used on line ").append(std::to_string(it->second));
                message.append(" too");
                problems_.row(where(row), std::move(message));
            }
            session_ids_.insert(id);
        }
    }

    void read_row(const CsvRecord& row) {
        if (is_blank(row))
            return;
        const std::string at = where(row);
        if (row.fields.size() > header_size_) {
            std::string message = "has ";
            message.append(std::to_string(row.fields.size())).append(" fields, the header ");
            message.append(std::to_string(header_size_));
            message.append(" (a separator in a field that is not quoted?)");
            problems_.row(at, std::move(message));
        }
        Session s;
        std::vector<std::string> row_problems;
        const auto problem = [&](std::string message) {
            row_problems.push_back(std::move(message));
        };

        for (const Column column : kRequired) {
            if (schedule::trim(field(row, column)).empty())
                problem(in_column(column, "missing"));
        }
        s.title = field(row, Column::title);
        s.abstract = field(row, Column::abstract);
        s.theme = field(row, Column::theme);
        s.language = std::string(schedule::trim(field(row, Column::language)));

        const std::string kind_text = keyword(field(row, Column::kind));
        if (const auto kind = session_kind_from_string(kind_text)) {
            s.kind = *kind;
        } else if (!kind_text.empty()) {
            std::string why = "is not one of ";
            why.append(session_kind_names());
            problem(quoted(Column::kind, field(row, Column::kind), why));
        }
        read_start(row, s, problem);
        read_duration(row, s, problem);
        if (const std::string text = keyword(field(row, Column::attendance)); !text.empty()) {
            if (const auto mode = attendance_mode_from_string(text)) {
                s.attendance = *mode;
            } else {
                problem(quoted(Column::attendance, field(row, Column::attendance),
                               "is not one of in_person, web, hybrid"));
            }
        }
        s.replay_allowed = flag(row, Column::replay_allowed, true, problem);
        s.published = flag(row, Column::published, true, problem);
        s.cancelled = flag(row, Column::cancelled, false, problem);
        const std::vector<Speaker> speakers = read_speakers(row, s.kind, problem);

        for (std::string& message : row_problems)
            problems_.row(at, std::move(message));
        if (problems_.row_is_bad(at))
            return;
        commit(row, std::move(s), speakers);
    }

    Programme take_programme() {
        // Follow-ups carried over from the base may name sessions the CSV left out.
        for (Session& s : programme_.sessions) {
            std::erase_if(s.follows_up, [&](const std::string& id) {
                return programme_.find_session(id) == nullptr;
            });
        }
        if (base_.event.days.empty())
            programme_.event.days = days_covering_sessions(programme_);
        return std::move(programme_);
    }

  private:
    static std::string where(const CsvRecord& row) { return line_where(row.line); }

    static bool is_blank(const CsvRecord& row) {
        return std::all_of(row.fields.begin(), row.fields.end(),
                           [](const std::string& f) { return schedule::trim(f).empty(); });
    }

    const std::string& field(const CsvRecord& row, Column column) const {
        static const std::string none;
        const auto it = columns_.find(column);
        if (it == columns_.end() || it->second >= row.fields.size())
            return none;
        return row.fields[it->second];
    }

    template <typename Problem>
    bool flag(const CsvRecord& row, Column column, bool fallback, Problem& problem) const {
        const std::string& text = field(row, column);
        if (schedule::trim(text).empty())
            return fallback;
        if (const auto value = parse_flag(text))
            return *value;
        problem(quoted(column, text, "is not yes or no"));
        return fallback;
    }

    template <typename Problem>
    void read_start(const CsvRecord& row, Session& s, Problem& problem) const {
        const std::string_view date_text = schedule::trim(field(row, Column::date));
        const std::string_view typed = schedule::trim(field(row, Column::start));
        if (date_text.empty() || typed.empty())
            return;
        // "8:30", as spreadsheets show times. Built by append: GCC 12 -Wrestrict, see quoted().
        std::string time_text = typed.size() == 4 && typed[1] == ':' ? "0" : "";
        time_text.append(typed);
        const auto date = parse_date(date_text);
        if (!date)
            problem(in_column(Column::date, date.error().message));
        const auto time = parse_time_of_day(time_text);
        if (!time)
            problem(quoted(Column::start, schedule::trim(field(row, Column::start)),
                           "is not a time of day like 08:30"));
        if (!date || !time)
            return;
        const auto start = from_local(*date, *time, programme_.event.time_zone);
        if (!start) {
            problem(in_column(Column::start, start.error().message));
            return;
        }
        s.start = *start;
    }

    template <typename Problem>
    void read_duration(const CsvRecord& row, Session& s, Problem& problem) const {
        const std::string_view text = schedule::trim(field(row, Column::duration));
        if (text.empty())
            return;
        const bool digits = text.size() <= 6 && std::all_of(text.begin(), text.end(), [](char c) {
                                return c >= '0' && c <= '9';
                            });
        const long minutes = digits ? std::stol(std::string(text)) : 0;
        if (minutes <= 0 || minutes > 60L * 24 * 31) {
            problem(quoted(Column::duration, text,
                           "is not a whole number of minutes above zero, like 20"));
            return;
        }
        s.duration = Seconds{minutes * 60};
    }

    template <typename Problem>
    std::vector<Speaker> read_speakers(const CsvRecord& row, SessionKind kind,
                                       Problem& problem) const {
        std::vector<Speaker> speakers;
        std::string_view rest = field(row, Column::speakers);
        while (!rest.empty()) {
            const size_t semicolon = rest.find(';');
            std::string_view item = schedule::trim(rest.substr(0, semicolon));
            rest = semicolon == std::string_view::npos ? std::string_view{}
                                                       : rest.substr(semicolon + 1);
            if (item.empty())
                continue;
            Speaker speaker{std::string(item), default_role(kind)};
            if (item.back() == ')') {
                if (const size_t open = item.rfind('('); open != std::string_view::npos) {
                    const std::string role = keyword(item.substr(open + 1, item.size() - open - 2));
                    if (const auto parsed = person_role_from_string(role)) {
                        speaker.role = *parsed;
                        speaker.name = std::string(schedule::trim(item.substr(0, open)));
                    } else {
                        std::string message = "speakers: '";
                        message.append(role).append("' in '").append(item);
                        message.append("' is not one of speaker, panelist, moderator");
                        problem(std::move(message));
                    }
                }
            }
            if (speaker.name.empty())
                problem(quoted(Column::speakers, item, "has no name"));
            speakers.push_back(std::move(speaker));
        }
        return speakers;
    }

    // The stage a row names: by id or name, then by name ignoring case, accents and
    // punctuation (their slugs match); else a new one.
    std::string stage_for(const std::string& text) {
        const std::string_view name = schedule::trim(text);
        for (const Stage& stage : programme_.stages) {
            if (stage.id == text || stage.name == text || stage.id == name ||
                schedule::trim(stage.name) == name)
                return stage.id;
        }
        const std::string slug = slugify(name);
        for (const Stage& stage : programme_.stages) {
            if (!slug.empty() && slugify(stage.name) == slug)
                return stage.id;
        }
        Stage stage;
        stage.id = unique_id(slugify(name), "stage", stage_ids_);
        stage.name = std::string(name);
        programme_.stages.push_back(stage);
        return stage.id;
    }

    // A person by name, then by name ignoring case, accents and punctuation, then by id;
    // else a new one.
    std::string person_for(const std::string& name) {
        for (const Person& p : programme_.people) {
            if (schedule::trim(p.name) == name)
                return p.id;
        }
        const std::string slug = slugify(name);
        for (const Person& p : programme_.people) {
            if (!slug.empty() && slugify(p.name) == slug)
                return p.id;
        }
        if (programme_.find_person(name) != nullptr)
            return name;
        Person person;
        person.id = unique_id(slugify(name), "person", person_ids_);
        person.name = name;
        programme_.people.push_back(person);
        return person.id;
    }

    void commit(const CsvRecord& row, Session s, const std::vector<Speaker>& speakers) {
        s.id = id_slug(field(row, Column::id));
        if (s.id.empty())
            s.id = unique_id(slugify(s.title), "session", session_ids_);
        s.stage_id = stage_for(field(row, Column::stage));
        for (const Speaker& speaker : speakers) {
            const std::string id = person_for(speaker.name);
            // The same person twice in a row: once is what was meant.
            if (std::none_of(s.people.begin(), s.people.end(),
                             [&](const SessionPerson& p) { return p.person_id == id; }))
                s.people.push_back(SessionPerson{id, speaker.role});
        }
        // What the CSV has no column for stays as it was for a session the base has.
        if (const Session* before = base_.find_session(s.id)) {
            s.guid = before->guid;
            s.actual_start = before->actual_start;
            s.actual_end = before->actual_end;
            if (s.kind == SessionKind::panel)
                s.follows_up = before->follows_up;
        }
        programme_.sessions.push_back(std::move(s));
    }

    const Programme& base_;
    ImportProblems& problems_;
    Programme programme_;
    std::map<Column, size_t> columns_;
    size_t header_size_ = 0;
    std::map<std::string, int> explicit_ids_;
    std::set<std::string> session_ids_;
    std::set<std::string> stage_ids_;
    std::set<std::string> person_ids_;
};

}  // namespace

std::string export_sessions_csv(const Programme& programme) {
    std::string out(kBom);
    out.append(csv_record({kColumnNames.begin(), kColumnNames.end()}));
    const std::string& zone = programme.event.time_zone;
    for (const Session& s : programme.sessions) {
        auto local = to_local(s.start, zone);
        if (!local)
            local = to_local(s.start, "Etc/UTC");
        const Stage* stage = programme.find_stage(s.stage_id);
        const long long minutes = std::max<long long>(1, (s.duration.count() + 30) / 60);
        out.append(csv_record(
            {s.id, stage ? stage->name : s.stage_id, std::string(to_string(s.kind)), s.title,
             local->date_text(), local->hh_mm(), std::to_string(minutes), s.theme, s.language,
             speakers_text(programme, s), s.abstract, std::string(to_string(s.attendance)),
             yes_no(s.replay_allowed), yes_no(s.published), yes_no(s.cancelled)}));
    }
    return out;
}

Result<ImportResult> import_sessions_csv(std::string_view text, const Programme& base,
                                         const ImportOptions& options) {
    ImportProblems problems;
    auto table = read_csv(text);
    if (!table) {
        problems.document("", table.error().message);
        return problems.finish(base, options);
    }
    if (table->records.empty()) {
        std::string message = "the CSV is empty: it needs a header line naming the columns (";
        message.append(column_list()).append(")");
        problems.document("", std::move(message));
        return problems.finish(base, options);
    }
    CsvImport import(base, problems);
    const std::vector<CsvRecord> rows(table->records.begin() + 1, table->records.end());
    // Without the right columns every row would be wrong too: the header problems suffice.
    if (!import.read_header(table->records.front()))
        return problems.finish(base, options);
    import.reserve_explicit_ids(rows);
    for (const CsvRecord& row : rows)
        import.read_row(row);
    return problems.finish(import.take_programme(), options);
}

}  // namespace stagehub::schedule::formats
