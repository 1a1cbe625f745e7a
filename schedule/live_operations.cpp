#include "schedule/live_operations.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "schedule/ids.hpp"
#include "schedule/time_zone.hpp"
#include "schedule/validation.hpp"

namespace stagehub::schedule {
namespace {

constexpr std::array<std::pair<CascadeMode, std::string_view>, 2> kModeNames{{
    {CascadeMode::shift_all, "shift_all"},
    {CascadeMode::absorb_into_breaks, "absorb_into_breaks"},
}};

// ---- Text for errors and the change log ----

std::string describe(const Session& s) {
    std::string text = "session '";
    text.append(s.id).append("' (").append(s.title).append(")");
    return text;
}

std::string quoted(std::string_view text) {
    std::string out = "'";
    out.append(text).append("'");
    return out;
}

std::string quoted_list(const std::vector<std::string>& ids) {
    std::string text;
    for (const std::string& id : ids)
        text.append(text.empty() ? "" : ", ").append(quoted(id));
    return text;
}

// "10 min", "1 h 30 min", "45 s": delays are entered in minutes, but nothing forces that.
std::string duration_text(Seconds length) {
    const auto total = length < Seconds{0} ? -length.count() : length.count();
    const std::array<std::pair<long long, std::string_view>, 3> units{{
        {total / 3600, " h"},
        {total / 60 % 60, " min"},
        {total % 60, " s"},
    }};
    std::string text;
    for (const auto& [amount, unit] : units) {
        if (amount != 0)
            text.append(text.empty() ? "" : " ").append(std::to_string(amount)).append(unit);
    }
    return text.empty() ? "0 s" : text;
}

// The wall clock of the event: that is what the organiser reads in the change log.
std::string clock_text(const Programme& programme, Instant at) {
    auto local = to_local(at, programme.event.time_zone);
    return local ? local->hh_mm() : format_instant(at);
}

std::string stage_name(const Programme& programme, const std::string& stage_id) {
    const Stage* stage = programme.find_stage(stage_id);
    return stage != nullptr && !stage->name.empty() ? stage->name : stage_id;
}

// "'Välkommen' (Stora salen, 09:25)": a session as the change log names it.
std::string title_place_time(const Programme& programme, const Session& s) {
    std::string text = quoted(s.title);
    text.append(" (")
        .append(stage_name(programme, s.stage_id))
        .append(", ")
        .append(clock_text(programme, s.effective_start()))
        .append(")");
    return text;
}

std::string_view state_phrase(SessionState state) {
    switch (state) {
        case SessionState::scheduled:
            return "has not started yet";
        case SessionState::live:
            return "is live";
        case SessionState::ended:
            return "has already ended";
        case SessionState::cancelled:
            return "is cancelled";
    }
    return "is in an unknown state";
}

// "session 'x' (Title) has already ended; only sessions that are scheduled or live can be
// delayed": what is wrong, then what the rule is, so the organiser knows what would work.
Error bad_state(const Session& s, SessionState state, std::string_view rule) {
    std::string message = describe(s);
    message.append(" ").append(state_phrase(state)).append("; ").append(rule);
    return {ErrorCode::bad_state, message};
}

// ---- Finding and changing sessions ----

Result<size_t> index_of(const Programme& programme, std::string_view session_id) {
    for (size_t i = 0; i < programme.sessions.size(); ++i) {
        if (programme.sessions[i].id == session_id)
            return i;
    }
    std::string message = "there is no session ";
    message.append(quoted(session_id)).append(" in the programme");
    return Error{ErrorCode::not_found, message};
}

// Moves every time of the session, so one that carries actual times (imported, or started
// early by a future actual_start) keeps them consistent with its plan.
void shift(Session& s, Seconds by) {
    s.start += by;
    if (s.actual_start)
        *s.actual_start += by;
    if (s.actual_end)
        *s.actual_end += by;
}

void start_at(Session& s, Instant start) {
    shift(s, start - s.effective_start());
}

// Validates, sorts and lists what changed; the one exit of every operation so that no
// operation can return a programme that breaks a rule.
Result<Outcome> finish(const Programme& before, Programme after, std::string summary) {
    after.sort_sessions();
    // Ids from before the id rule stay usable: live operations never make new ids.
    const std::vector<Error> problems = validate(after, off_form_ids(before));
    if (!problems.empty()) {
        std::string message;
        for (const Error& problem : problems)
            message.append(message.empty() ? "" : "; ").append(problem.message);
        return Error{problems.front().code, message};
    }
    std::vector<std::string> changed;
    for (const Session& s : after.sessions) {
        const Session* old = before.find_session(s.id);
        if (old == nullptr || !(*old == s))
            changed.push_back(s.id);
    }
    return Outcome{std::move(after), std::move(changed), std::move(summary)};
}

// ---- The cascade ----

struct Absorbed {
    std::string title;
    Seconds length{};
};

struct CascadeReport {
    int shifted = 0;  // sessions whose end moved
    std::vector<Absorbed> absorbed;
};

// The sessions a cascade from `origin` may push: on its stage, starting after it, not
// started and not cancelled, in start order. Taken before the origin changes, since the
// origin's new time may put it past some of them; they still come after it on the stage.
std::vector<size_t> movable_after(const Programme& programme, size_t origin, Instant now) {
    const Session& o = programme.sessions[origin];
    std::vector<size_t> later;
    for (size_t i = 0; i < programme.sessions.size(); ++i) {
        const Session& s = programme.sessions[i];
        if (i != origin && s.stage_id == o.stage_id && s.effective_start() > o.effective_start() &&
            s.state_at(now) == SessionState::scheduled) {
            later.push_back(i);
        }
    }
    std::stable_sort(later.begin(), later.end(), [&](size_t a, size_t b) {
        return programme.sessions[a].effective_start() < programme.sessions[b].effective_start();
    });
    return later;
}

// Pushes each of `later` that the previous end overlaps to start exactly at that end. Gaps
// absorb delay by themselves; in absorb mode a break also absorbs by starting later and
// keeping its end, down to kMinimumBreak.
CascadeReport cascade(Programme& programme, const std::vector<size_t>& later, Instant end,
                      CascadeMode mode) {
    CascadeReport report;
    Instant previous_end = end;
    for (const size_t i : later) {
        Session& s = programme.sessions[i];
        const Seconds push = previous_end - s.effective_start();
        if (push > Seconds{0}) {
            Seconds absorbed{0};
            if (mode == CascadeMode::absorb_into_breaks && s.kind == SessionKind::break_) {
                const Seconds keep = std::min(kMinimumBreak, s.duration);
                absorbed = std::min(push, s.duration - keep);
            }
            shift(s, push);
            s.duration -= absorbed;
            if (absorbed > Seconds{0})
                report.absorbed.push_back({s.title, absorbed});
            if (absorbed < push)
                ++report.shifted;
        }
        previous_end = std::max(previous_end, s.effective_end());
    }
    return report;
}

// "; 3 later sessions on Stora salen shifted, break 'Lunch' absorbed 5 min", or "" when the
// delay disappeared into a gap.
std::string cascade_text(const Programme& programme, const std::string& stage_id,
                         const CascadeReport& report) {
    std::string text;
    if (report.shifted > 0) {
        text.append(std::to_string(report.shifted))
            .append(report.shifted == 1 ? " later session on " : " later sessions on ")
            .append(stage_name(programme, stage_id))
            .append(" shifted");
    }
    for (const Absorbed& a : report.absorbed) {
        text.append(text.empty() ? "" : ", ")
            .append("break ")
            .append(quoted(a.title))
            .append(" absorbed ")
            .append(duration_text(a.length));
    }
    return text.empty() ? text : std::string("; ").append(text);
}

}  // namespace

std::string_view to_string(CascadeMode mode) {
    for (const auto& [value, name] : kModeNames) {
        if (value == mode)
            return name;
    }
    return "unknown";
}

std::optional<CascadeMode> cascade_mode_from_string(std::string_view text) {
    for (const auto& [value, name] : kModeNames) {
        if (name == text)
            return value;
    }
    return std::nullopt;
}

Result<Outcome> delay_session(const Programme& programme, std::string_view session_id, Seconds by,
                              CascadeMode mode, Instant now) {
    const auto found = index_of(programme, session_id);
    if (!found)
        return found.error();
    const size_t index = found.value();
    const Session& current = programme.sessions[index];
    if (by <= Seconds{0} || by > kMaximumDelay) {
        std::string message = "a delay must be longer than zero and at most ";
        message.append(duration_text(kMaximumDelay))
            .append("; got ")
            .append(by < Seconds{0} ? "minus " : "")
            .append(duration_text(by))
            .append(" for ")
            .append(describe(current));
        return Error{ErrorCode::bad_field, message};
    }
    const SessionState state = current.state_at(now);
    if (state != SessionState::scheduled && state != SessionState::live)
        return bad_state(current, state, "only sessions that are scheduled or live can be delayed");

    Programme next = programme;
    const std::vector<size_t> later = movable_after(next, index, now);
    Session& s = next.sessions[index];
    std::string summary;
    if (state == SessionState::live) {
        // It keeps running: the room sees it go on, so its length grows, not its start.
        s.duration += by;
        if (s.actual_end)
            *s.actual_end += by;
        summary = "extended live ";
    } else {
        shift(s, by);
        summary = "delayed ";
    }
    summary.append(quoted(s.title)).append(" by ").append(duration_text(by));
    const CascadeReport report = cascade(next, later, s.effective_end(), mode);
    summary.append(cascade_text(next, s.stage_id, report));
    return finish(programme, std::move(next), std::move(summary));
}

Result<Outcome> start_now(const Programme& programme, std::string_view session_id, Instant now,
                          CascadeMode mode) {
    const auto found = index_of(programme, session_id);
    if (!found)
        return found.error();
    const size_t index = found.value();
    const Session& current = programme.sessions[index];
    const SessionState state = current.state_at(now);
    // Live by the clock but never started: its planned start passed while the previous
    // session ran over. Starting it now is exactly what the button is for.
    const bool late = state == SessionState::live && !current.actual_start;
    if (state != SessionState::scheduled && !late) {
        return bad_state(current, state,
                         "only a session that has not started can be started now (a live one is "
                         "ended with end_now, a cancelled one restored first)");
    }

    Programme next = programme;
    const std::vector<size_t> later = movable_after(next, index, now);
    std::string ended;
    for (size_t i = 0; i < next.sessions.size(); ++i) {
        Session& other = next.sessions[i];
        if (i != index && other.stage_id == current.stage_id &&
            other.state_at(now) == SessionState::live) {
            // One stage shows one session: the running one ends as this one starts.
            if (!other.actual_start)
                other.actual_start = other.effective_start();
            other.actual_end = now;
            ended.append(ended.empty() ? "" : ", ").append(quoted(other.title));
        }
    }
    Session& s = next.sessions[index];
    const Seconds offset = now - s.effective_start();
    s.actual_start = now;

    std::string summary = "started ";
    summary.append(quoted(s.title)).append(" at ").append(clock_text(next, now));
    if (offset == Seconds{0}) {
        summary.append(", on time");
    } else {
        summary.append(", ")
            .append(duration_text(offset))
            .append(offset > Seconds{0} ? " late" : " early");
    }
    if (!ended.empty())
        summary.append("; ended ").append(ended);
    const CascadeReport report = cascade(next, later, s.effective_end(), mode);
    summary.append(cascade_text(next, s.stage_id, report));
    return finish(programme, std::move(next), std::move(summary));
}

Result<Outcome> end_now(const Programme& programme, std::string_view session_id, Instant now) {
    const auto found = index_of(programme, session_id);
    if (!found)
        return found.error();
    const size_t index = found.value();
    const Session& current = programme.sessions[index];
    const SessionState state = current.state_at(now);
    if (state != SessionState::live)
        return bad_state(current, state, "only a live session can be ended now");

    Programme next = programme;
    Session& s = next.sessions[index];
    const Seconds early = s.effective_end() - now;
    if (!s.actual_start)
        s.actual_start = s.effective_start();
    s.actual_end = now;
    std::string summary = "ended ";
    summary.append(quoted(s.title))
        .append(" at ")
        .append(clock_text(next, now))
        .append(", ")
        .append(duration_text(early))
        .append(" before its planned end");
    return finish(programme, std::move(next), std::move(summary));
}

Result<Outcome> swap_sessions(const Programme& programme, std::string_view a, std::string_view b,
                              Instant now) {
    const auto found_a = index_of(programme, a);
    if (!found_a)
        return found_a.error();
    const auto found_b = index_of(programme, b);
    if (!found_b)
        return found_b.error();
    const Session& current_a = programme.sessions[found_a.value()];
    const Session& current_b = programme.sessions[found_b.value()];
    if (found_a.value() == found_b.value()) {
        std::string message = "cannot swap ";
        message.append(describe(current_a)).append(" with itself");
        return Error{ErrorCode::bad_field, message};
    }
    for (const Session* s : {&current_a, &current_b}) {
        const SessionState state = s->state_at(now);
        if (state != SessionState::scheduled)
            return bad_state(*s, state, "only sessions that have not started can be swapped");
    }

    Programme next = programme;
    std::string summary = "swapped ";
    if (current_a.stage_id == current_b.stage_id) {
        const bool a_first = current_a.effective_start() < current_b.effective_start();
        const size_t x_index = a_first ? found_a.value() : found_b.value();
        const size_t y_index = a_first ? found_b.value() : found_a.value();
        const Session& x_before = programme.sessions[x_index];
        const Session& y_before = programme.sessions[y_index];
        // The sessions between move by the difference in length, so the block as a whole
        // keeps its start and end and nothing outside it is touched.
        const Seconds difference = y_before.duration - x_before.duration;
        int between = 0;
        for (size_t i = 0; i < next.sessions.size(); ++i) {
            Session& s = next.sessions[i];
            if (s.stage_id == x_before.stage_id &&
                s.effective_start() > x_before.effective_start() &&
                s.effective_start() < y_before.effective_start() &&
                s.state_at(now) == SessionState::scheduled) {
                shift(s, difference);
                ++between;
            }
        }
        start_at(next.sessions[y_index], x_before.effective_start());
        start_at(next.sessions[x_index], y_before.effective_end() - x_before.duration);
        summary.append(quoted(x_before.title))
            .append(" and ")
            .append(quoted(y_before.title))
            .append(" on ")
            .append(stage_name(next, x_before.stage_id));
        if (between > 0 && difference != Seconds{0}) {
            summary.append("; ")
                .append(std::to_string(between))
                .append(between == 1 ? " session between moved " : " sessions between moved ")
                .append(duration_text(difference))
                .append(difference > Seconds{0} ? " later" : " earlier");
        }
    } else {
        Session& sa = next.sessions[found_a.value()];
        Session& sb = next.sessions[found_b.value()];
        std::swap(sa.stage_id, sb.stage_id);
        start_at(sa, current_b.effective_start());
        start_at(sb, current_a.effective_start());
        summary.append(title_place_time(next, current_a))
            .append(" and ")
            .append(title_place_time(next, current_b));
    }
    return finish(programme, std::move(next), std::move(summary));
}

Result<Outcome> move_session(const Programme& programme, std::string_view session_id,
                             std::string_view stage_id, Instant start, Instant now) {
    const auto found = index_of(programme, session_id);
    if (!found)
        return found.error();
    const size_t index = found.value();
    const Session& current = programme.sessions[index];
    if (programme.find_stage(stage_id) == nullptr) {
        std::string message = "there is no stage ";
        message.append(quoted(stage_id))
            .append(" in the event, so ")
            .append(describe(current))
            .append(" cannot move there");
        return Error{ErrorCode::unknown_stage, message};
    }
    const SessionState state = current.state_at(now);
    if (state != SessionState::scheduled && state != SessionState::cancelled) {
        return bad_state(current, state,
                         "only sessions that have not started (or are cancelled) can be moved");
    }
    if (start < now) {
        std::string message = "cannot move ";
        message.append(describe(current))
            .append(" to ")
            .append(clock_text(programme, start))
            .append(", which has already passed (it is ")
            .append(clock_text(programme, now))
            .append(")");
        return Error{ErrorCode::bad_field, message};
    }

    Programme next = programme;
    Session& s = next.sessions[index];
    s.stage_id = std::string(stage_id);
    start_at(s, start);
    std::string summary = "moved ";
    summary.append(quoted(s.title))
        .append(" to ")
        .append(stage_name(next, s.stage_id))
        .append(" at ")
        .append(clock_text(next, start));
    if (s.cancelled)
        summary.append(" (still cancelled)");
    return finish(programme, std::move(next), std::move(summary));
}

Result<Outcome> cancel_session(const Programme& programme, std::string_view session_id,
                               Instant now) {
    const auto found = index_of(programme, session_id);
    if (!found)
        return found.error();
    const size_t index = found.value();
    const Session& current = programme.sessions[index];
    const SessionState state = current.state_at(now);
    if (state != SessionState::scheduled) {
        return bad_state(current, state,
                         "only sessions that have not started can be cancelled (a live one is "
                         "ended with end_now)");
    }

    Programme next = programme;
    Session& s = next.sessions[index];
    s.cancelled = true;
    std::string summary = "cancelled ";
    summary.append(title_place_time(next, s));
    return finish(programme, std::move(next), std::move(summary));
}

Result<Outcome> restore_session(const Programme& programme, std::string_view session_id) {
    const auto found = index_of(programme, session_id);
    if (!found)
        return found.error();
    const size_t index = found.value();
    const Session& current = programme.sessions[index];
    if (!current.cancelled) {
        std::string message = describe(current);
        message.append(" is not cancelled; only a cancelled session can be restored");
        return Error{ErrorCode::bad_state, message};
    }

    Programme next = programme;
    Session& s = next.sessions[index];
    s.cancelled = false;
    std::string summary = "restored ";
    summary.append(title_place_time(next, s));
    return finish(programme, std::move(next), std::move(summary));
}

Result<Outcome> reorder_panel(const Programme& programme, std::string_view session_id,
                              const std::vector<std::string>& person_order) {
    const auto found = index_of(programme, session_id);
    if (!found)
        return found.error();
    const size_t index = found.value();
    const Session& current = programme.sessions[index];

    std::set<std::string> in_session;
    for (const SessionPerson& p : current.people)
        in_session.insert(p.person_id);
    std::set<std::string> seen;
    std::vector<std::string> unknown;
    std::vector<std::string> repeated;
    for (const std::string& id : person_order) {
        if (!seen.insert(id).second) {
            if (std::find(repeated.begin(), repeated.end(), id) == repeated.end())
                repeated.push_back(id);
        } else if (in_session.count(id) == 0) {
            unknown.push_back(id);
        }
    }
    std::vector<std::string> missing;
    for (const SessionPerson& p : current.people) {
        if (seen.count(p.person_id) == 0)
            missing.push_back(p.person_id);
    }
    if (!missing.empty() || !unknown.empty() || !repeated.empty()) {
        std::string message = "the new order of ";
        message.append(describe(current)).append(" must list each of its people exactly once");
        if (!missing.empty())
            message.append("; missing: ").append(quoted_list(missing));
        if (!unknown.empty())
            message.append("; not in the session: ").append(quoted_list(unknown));
        if (!repeated.empty())
            message.append("; listed more than once: ").append(quoted_list(repeated));
        return Error{ErrorCode::bad_panel_order, message};
    }

    Programme next = programme;
    Session& s = next.sessions[index];
    std::vector<SessionPerson> people;
    std::string names;
    for (const std::string& id : person_order) {
        // Roles travel with the person: the moderator stays the moderator wherever listed.
        const auto it = std::find_if(current.people.begin(), current.people.end(),
                                     [&](const SessionPerson& p) { return p.person_id == id; });
        people.push_back(*it);
        const Person* person = next.find_person(id);
        names.append(names.empty() ? "" : ", ")
            .append(person != nullptr && !person->name.empty() ? person->name : id);
    }
    s.people = std::move(people);
    std::string summary = "reordered the people of ";
    summary.append(quoted(s.title)).append(": ").append(names);
    return finish(programme, std::move(next), std::move(summary));
}

}  // namespace stagehub::schedule
