#include "schedule/validation.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace stagehub::schedule {
namespace {

template <typename T>
void check_unique_ids(const std::vector<T>& items, std::string_view what,
                      std::vector<Error>& errors) {
    std::set<std::string_view> seen;
    for (const T& item : items) {
        if (item.id.empty()) {
            errors.push_back({"bad_field", std::string(what) + " without an id"});
        } else if (!seen.insert(item.id).second) {
            errors.push_back(
                {"duplicate_id", std::string(what) + " id '" + item.id + "' is used twice"});
        }
    }
}

std::string describe(const Session& s) {
    return "session '" + s.id + "' (" + s.title + ")";
}

}  // namespace

std::vector<Error> validate(const Programme& programme) {
    std::vector<Error> errors;
    if (programme.event.id.empty())
        errors.push_back({"bad_field", "the event has no id"});
    if (programme.event.title.empty())
        errors.push_back({"bad_field", "the event has no title"});
    check_unique_ids(programme.stages, "stage", errors);
    check_unique_ids(programme.people, "person", errors);
    check_unique_ids(programme.sessions, "session", errors);

    for (const Session& s : programme.sessions) {
        if (s.title.empty())
            errors.push_back({"bad_field", describe(s) + " has no title"});
        if (s.duration <= Seconds{0}) {
            errors.push_back({"bad_duration", describe(s) + " must last longer than zero"});
        }
        if (programme.find_stage(s.stage_id) == nullptr) {
            errors.push_back({"unknown_stage", describe(s) + " is on stage '" + s.stage_id +
                                                   "', which the event does not have"});
        }
        std::set<std::string_view> in_session;
        for (const SessionPerson& p : s.people) {
            if (programme.find_person(p.person_id) == nullptr) {
                errors.push_back({"unknown_person", describe(s) + " lists person '" + p.person_id +
                                                        "', who is not among the people"});
            } else if (!in_session.insert(p.person_id).second) {
                errors.push_back({"duplicate_person",
                                  describe(s) + " lists person '" + p.person_id + "' twice"});
            }
        }
    }

    // Pairwise checks over start-sorted sessions: overlap on a stage, a person in two
    // places. Sessions are few per event (tens to hundreds), so quadratic is fine and clear.
    std::vector<const Session*> by_start;
    for (const Session& s : programme.sessions)
        by_start.push_back(&s);
    std::stable_sort(by_start.begin(), by_start.end(),
                     [](const Session* a, const Session* b) { return a->start < b->start; });
    for (size_t i = 0; i < by_start.size(); ++i) {
        const Session& a = *by_start[i];
        for (size_t j = i + 1; j < by_start.size() && by_start[j]->start < a.end(); ++j) {
            const Session& b = *by_start[j];
            if (a.stage_id == b.stage_id) {
                errors.push_back({"overlap", describe(a) + " and " + describe(b) +
                                                 " overlap on stage '" + a.stage_id + "'"});
            }
            for (const SessionPerson& pa : a.people) {
                for (const SessionPerson& pb : b.people) {
                    if (pa.person_id == pb.person_id) {
                        errors.push_back(
                            {"person_double_booked", "person '" + pa.person_id + "' is in both " +
                                                         describe(a) + " and " + describe(b) +
                                                         " at the same time"});
                    }
                }
            }
        }
    }
    return errors;
}

}  // namespace stagehub::schedule
