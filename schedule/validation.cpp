#include "schedule/validation.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "schedule/audio_inputs.hpp"
#include "schedule/ids.hpp"
#include "schedule/time_zone.hpp"
#include "schedule/utf8.hpp"

namespace stagehub::schedule {
namespace {

void check_id(std::string_view what, const std::string& id, const std::set<std::string>& kept,
              std::vector<Error>& errors) {
    if (id.empty() || !kept.contains(id)) {
        if (std::string problem = id_problem(what, id); !problem.empty())
            errors.push_back({ErrorCode::bad_id, std::move(problem)});
    }
}

void check_guid(std::string_view what, const std::string& id, const std::string& guid,
                const std::set<std::string>& kept, std::vector<Error>& errors) {
    if (!guid.empty() && !is_uuid(guid) && !kept.contains(guid)) {
        errors.push_back({ErrorCode::bad_id, std::string(what) + " '" + id +
                                                 "': its guid is not a UUID (like "
                                                 "8079583e-8321-506c-95af-fd2903a5f075)"});
    }
}

template <typename T>
void check_unique_ids(const std::vector<T>& items, std::string_view what,
                      const std::set<std::string>& kept, std::vector<Error>& errors) {
    std::set<std::string_view> seen;
    for (const T& item : items) {
        check_id(what, item.id, kept, errors);
        if (!item.id.empty() && !seen.insert(item.id).second) {
            errors.push_back({ErrorCode::duplicate_id,
                              std::string(what) + " id '" + item.id + "' is used twice"});
        }
    }
}

std::string describe(const Session& s) {
    return "session '" + s.id + "' (" + s.title + ")";
}

std::string local_text(Instant at, const std::string& zone) {
    auto local = to_local(at, zone);
    return local ? local->date_text() + " " + local->hh_mm() : format_instant(at);
}

void check_event(const Event& event, const std::set<std::string>& kept,
                 std::vector<Error>& errors) {
    check_id("the event", event.id, kept, errors);
    if (event.title.empty())
        errors.push_back({ErrorCode::bad_field, "the event has no title"});
    if (!is_known_time_zone(event.time_zone)) {
        errors.push_back({ErrorCode::unknown_time_zone, "the event's time zone '" +
                                                            event.time_zone +
                                                            "' is not an IANA time zone like "
                                                            "Europe/Stockholm"});
    }
    for (size_t i = 0; i < event.days.size(); ++i) {
        const EventDay& day = event.days[i];
        if (day.end <= day.start) {
            errors.push_back(
                {ErrorCode::bad_day, "day " + std::to_string(i + 1) + " of the event ends (" +
                                         format_instant(day.end) + ") before it starts (" +
                                         format_instant(day.start) + ")"});
        } else if (i > 0 && day.start < event.days[i - 1].end) {
            errors.push_back({ErrorCode::bad_day,
                              "day " + std::to_string(i + 1) + " of the event starts before day " +
                                  std::to_string(i) + " ends; list days in order"});
        }
    }
}

// Every text is UTF-8, whatever format brought it in: JSON answers, exports and calendars
// carry it, and a Latin-1 spreadsheet stored as is made its event's exports fail. The place
// is named by id only: the text itself is what cannot be shown.
void check_utf8(const Programme& programme, std::vector<Error>& errors) {
    const auto check = [&](const std::string& where, std::string_view field,
                           std::string_view text) {
        if (const auto at = first_non_utf8(text)) {
            errors.push_back(
                {ErrorCode::bad_field, where + ": " + std::string(field) +
                                           " is not UTF-8 text (byte " + std::to_string(*at + 1) +
                                           "); save the file as UTF-8 (in Excel: CSV UTF-8)"});
        }
    };
    const Event& event = programme.event;
    for (const auto& [field, text] : {std::pair<std::string_view, std::string_view>{"id", event.id},
                                      {"title", event.title},
                                      {"time zone", event.time_zone},
                                      {"venue", event.venue},
                                      {"description", event.description}}) {
        check("the event", field, text);
    }
    for (const std::string& organiser : event.organisers)
        check("the event", "an organiser", organiser);
    for (const std::string& language : event.languages)
        check("the event", "a language", language);
    for (const Stage& stage : programme.stages) {
        const std::string where = "stage '" + (is_utf8(stage.id) ? stage.id : "?") + "'";
        check(where, "id", stage.id);
        check(where, "name", stage.name);
        check(where, "location", stage.location);
        check(where, "source", stage.source.url);
        check(where, "passphrase", stage.source.passphrase);
    }
    for (const Person& person : programme.people) {
        const std::string where = "person '" + (is_utf8(person.id) ? person.id : "?") + "'";
        check(where, "id", person.id);
        check(where, "name", person.name);
        check(where, "affiliation", person.affiliation);
    }
    for (const Session& session : programme.sessions) {
        const std::string where = "session '" + (is_utf8(session.id) ? session.id : "?") + "'";
        check(where, "id", session.id);
        check(where, "title", session.title);
        check(where, "abstract", session.abstract);
        check(where, "theme", session.theme);
        check(where, "language", session.language);
    }
}

bool starts_with_one_of(std::string_view text, std::initializer_list<std::string_view> prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](std::string_view p) { return text.starts_with(p); });
}

// What is wrong with a stage's source, if anything: the address its kind needs.
std::optional<std::string> source_problem(const StageSource& source) {
    const std::string& url = source.url;
    switch (source.kind) {
        case SourceKind::test_pattern:
            return std::nullopt;
        case SourceKind::srt: {
            const size_t colon = url.rfind(':');
            const std::string port = colon == std::string::npos ? "" : url.substr(colon + 1);
            const bool numeric = !port.empty() && port.size() <= 5 &&
                                 std::all_of(port.begin(), port.end(),
                                             [](char c) { return c >= '0' && c <= '9'; }) &&
                                 std::stoi(port) > 0 && std::stoi(port) < 65536;
            if (!url.starts_with("srt://") || !numeric)
                return "an SRT source is srt://:PORT (or srt://ADDRESS:PORT) to listen on";
            const size_t length = source.passphrase.size();
            if (length != 0 && (length < 10 || length > 79))
                return "an SRT passphrase has 10 to 79 characters (or none)";
            return std::nullopt;
        }
        case SourceKind::rtmp:
            if (!starts_with_one_of(url, {"rtmp://", "rtmps://"}) || url.size() < 9)
                return "an RTMP source is rtmp://HOST/APP/STREAM, the stream to pull";
            return std::nullopt;
        case SourceKind::rtsp:
            if (!starts_with_one_of(url, {"rtsp://", "rtsps://"}) || url.size() < 9)
                return "an RTSP source is rtsp://CAMERA/PATH, the camera to pull";
            return std::nullopt;
        case SourceKind::file:
            if (!url.starts_with("/"))
                return "a file source is the absolute path of a video file on the server";
            return std::nullopt;
    }
    return std::nullopt;
}

// An event without days sets no limits (programme files may leave days out; importers
// then derive them from the sessions).
bool within_days(const Event& event, const Session& s) {
    if (event.days.empty())
        return true;
    for (const EventDay& day : event.days) {
        if (day.start <= s.effective_start() && s.effective_end() <= day.end)
            return true;
    }
    return false;
}

}  // namespace

std::vector<Error> validate(const Programme& programme, const std::set<std::string>& kept) {
    std::vector<Error> errors;
    check_utf8(programme, errors);
    check_event(programme.event, kept, errors);
    check_unique_ids(programme.stages, "stage", kept, errors);
    check_unique_ids(programme.people, "person", kept, errors);
    check_unique_ids(programme.sessions, "session", kept, errors);

    for (const Session& s : programme.sessions) {
        check_guid("session", s.id, s.guid, kept, errors);
        if (s.title.empty())
            errors.push_back({ErrorCode::bad_field, describe(s) + " has no title"});
        if (s.duration <= Seconds{0}) {
            errors.push_back(
                {ErrorCode::bad_duration, describe(s) + " must last longer than zero"});
        } else if (s.effective_end() <= s.effective_start()) {
            errors.push_back({ErrorCode::bad_duration,
                              describe(s) + " ends (" + format_instant(s.effective_end()) +
                                  ") before it starts (" + format_instant(s.effective_start()) +
                                  ")"});
        } else if (!s.cancelled && !within_days(programme.event, s)) {
            errors.push_back({ErrorCode::outside_event_days,
                              describe(s) + " runs " +
                                  local_text(s.effective_start(), programme.event.time_zone) + "–" +
                                  local_text(s.effective_end(), programme.event.time_zone) +
                                  ", outside the event's days and opening hours"});
        }
        for (const std::string& talk : s.follows_up) {
            const Session* followed = programme.find_session(talk);
            if (s.kind != SessionKind::panel) {
                errors.push_back(
                    {ErrorCode::bad_follow_up, describe(s) + " follows up other sessions, but only "
                                                             "panels can"});
                break;
            }
            if (followed == nullptr || followed == &s) {
                errors.push_back(
                    {ErrorCode::bad_follow_up, describe(s) + " follows up '" + talk +
                                                   "', which is not another session of "
                                                   "the event"});
            }
        }
        if (programme.find_stage(s.stage_id) == nullptr) {
            errors.push_back(
                {ErrorCode::unknown_stage,
                 describe(s) + " is on stage '" + s.stage_id + "', which the event does not have"});
        }
        std::set<std::string_view> in_session;
        for (const SessionPerson& p : s.people) {
            if (programme.find_person(p.person_id) == nullptr) {
                errors.push_back({ErrorCode::unknown_person, describe(s) + " lists person '" +
                                                                 p.person_id +
                                                                 "', who is not among the people"});
            } else if (!in_session.insert(p.person_id).second) {
                errors.push_back({ErrorCode::duplicate_person,
                                  describe(s) + " lists person '" + p.person_id + "' twice"});
            }
        }
    }

    std::map<std::string, std::string> srt_ports;  // port → stage
    for (const Stage& stage : programme.stages) {
        check_guid("stage", stage.id, stage.guid, kept, errors);
        if (stage.capacity < 0) {
            errors.push_back(
                {ErrorCode::bad_field, "stage '" + stage.id + "' has a negative capacity"});
        }
        if (auto problem = audio_inputs_problem(stage)) {
            errors.push_back({ErrorCode::bad_source, "stage '" + stage.id + "': " + *problem});
        } else {
            for (const AudioInput& input : stage.audio_inputs) {
                const std::string port = audio_input_srt_port(input);
                if (port.empty())
                    continue;
                const auto [it, fresh] = srt_ports.emplace(port, stage.id);
                if (!fresh) {
                    errors.push_back(
                        {ErrorCode::bad_source, "stages '" + it->second + "' and '" + stage.id +
                                                    "' both listen for SRT on port " + port});
                }
            }
        }
        if (auto problem = source_problem(stage.source)) {
            errors.push_back({ErrorCode::bad_source, "stage '" + stage.id + "': " + *problem});
        } else if (stage.source.kind == SourceKind::srt) {
            const std::string port = stage.source.url.substr(stage.source.url.rfind(':') + 1);
            const auto [it, fresh] = srt_ports.emplace(port, stage.id);
            if (!fresh) {
                errors.push_back(
                    {ErrorCode::bad_source, "stages '" + it->second + "' and '" + stage.id +
                                                "' both listen for SRT on port " + port});
            }
        }
    }

    // Pairwise checks over start-sorted sessions at their effective times, cancelled ones
    // left out: overlap on a stage, a person in two places. Sessions are few per event (tens
    // to hundreds), so quadratic is fine and clear.
    std::vector<const Session*> by_start;
    for (const Session& s : programme.sessions) {
        if (!s.cancelled && s.effective_end() > s.effective_start())
            by_start.push_back(&s);
    }
    std::stable_sort(by_start.begin(), by_start.end(), [](const Session* a, const Session* b) {
        return a->effective_start() < b->effective_start();
    });
    for (size_t i = 0; i < by_start.size(); ++i) {
        const Session& a = *by_start[i];
        for (size_t j = i + 1;
             j < by_start.size() && by_start[j]->effective_start() < a.effective_end(); ++j) {
            const Session& b = *by_start[j];
            if (a.stage_id == b.stage_id) {
                errors.push_back({ErrorCode::overlap, describe(a) + " and " + describe(b) +
                                                          " overlap on stage '" + a.stage_id +
                                                          "'"});
            }
            for (const SessionPerson& pa : a.people) {
                for (const SessionPerson& pb : b.people) {
                    if (pa.person_id == pb.person_id) {
                        errors.push_back({ErrorCode::person_double_booked,
                                          "person '" + pa.person_id + "' is in both " +
                                              describe(a) + " and " + describe(b) +
                                              " at the same time"});
                    }
                }
            }
        }
    }
    return errors;
}

std::string summarised_problems(const std::vector<std::string>& lines, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < lines.size() && i < kProblemsShown; ++i) {
        if (i > 0)
            out.append(separator);
        out.append(lines[i]);
    }
    if (lines.size() > kProblemsShown) {
        out.append(separator)
            .append("… and ")
            .append(std::to_string(lines.size() - kProblemsShown))
            .append(" more");
    }
    return out;
}

}  // namespace stagehub::schedule
