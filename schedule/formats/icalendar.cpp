#include "schedule/formats/icalendar.hpp"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <vector>

#include "schedule/formats/export_ids.hpp"
#include "schedule/formats/ical_content_lines.hpp"
#include "schedule/time_zone.hpp"

namespace stagehub::schedule::formats {
namespace {

using namespace std::chrono;

// Zero-padded decimal. Not snprintf: GCC's -Wformat-truncation cannot see the ranges.
void append_padded(std::string& out, long long value, size_t width) {
    const std::string digits = std::to_string(value);
    if (digits.size() < width)
        out.append(width - digits.size(), '0');
    out.append(digits);
}

// "20191008T091500": a date-time in basic format, without a zone.
std::string basic_date_time(year_month_day date, Seconds time_of_day) {
    const long long s = time_of_day.count();
    std::string text;
    append_padded(text, int(date.year()), 4);
    append_padded(text, unsigned(date.month()), 2);
    append_padded(text, unsigned(date.day()), 2);
    text += 'T';
    append_padded(text, s / 3600, 2);
    append_padded(text, s / 60 % 60, 2);
    append_padded(text, s % 60, 2);
    return text;
}

std::string utc_date_time(Instant at) {
    const auto day = floor<days>(at);
    return basic_date_time(year_month_day{day}, at - day) + "Z";
}

// "+0200", "-0330"; seconds only when there are some ("+002030").
std::string utc_offset(Seconds offset) {
    const long long total = offset.count() < 0 ? -offset.count() : offset.count();
    std::string text(1, offset.count() < 0 ? '-' : '+');
    append_padded(text, total / 3600, 2);
    append_padded(text, total / 60 % 60, 2);
    if (total % 60 != 0)
        append_padded(text, total % 60, 2);
    return text;
}

std::string concat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (const std::string_view part : parts)
        out.append(part);
    return out;
}

class Calendar {
  public:
    void line(std::string_view name, std::string_view value) {
        std::string l(name);
        l.append(":").append(value);
        text_.append(ical_content_line(l));
    }
    void text(std::string_view name, std::string_view value) {
        line(name, escape_ical_text(value));
    }
    std::string take() { return std::move(text_); }

  private:
    std::string text_;
};

// The observances of the zone around [from, to]: the change in force at `from` (with its
// real onset), every change inside, and the next change after, so a calendar app knows the
// offsets on either side of the event (a day in October gets both CEST and CET).
void write_time_zone(Calendar& cal, const std::string& zone, Instant from, Instant to) {
    auto changes = zone_transitions(zone, from - days{400}, to + days{400});
    if (!changes)
        return;
    std::vector<ZoneTransition> chosen;
    const std::vector<ZoneTransition>& all = *changes;
    // all[0] is no change, only the offset in force 400 days before `from`.
    const ZoneTransition* in_force = &all.front();
    for (size_t i = 1; i < all.size(); ++i) {
        if (all[i].at <= from)
            in_force = &all[i];
    }
    chosen.push_back(*in_force);
    for (size_t i = 1; i < all.size(); ++i) {
        if (all[i].at > from && all[i].at <= to)
            chosen.push_back(all[i]);
        if (all[i].at > to) {
            chosen.push_back(all[i]);
            break;
        }
    }

    cal.line("BEGIN", "VTIMEZONE");
    cal.line("TZID", zone);
    for (const ZoneTransition& change : chosen) {
        const bool first_entry = &change == &chosen.front() && in_force == &all.front();
        cal.line("BEGIN", change.daylight_after ? "DAYLIGHT" : "STANDARD");
        // DTSTART is the local time of the change in the offset before it (RFC 5545 3.6.5).
        // A zone with no change in the window gets a start long before any event.
        if (first_entry) {
            cal.line("DTSTART", "19700101T000000");
        } else {
            const Instant local_wall = change.at + change.offset_before;
            const auto day = floor<days>(local_wall);
            cal.line("DTSTART", basic_date_time(year_month_day{day}, local_wall - day));
        }
        cal.line("TZOFFSETFROM", utc_offset(change.offset_before));
        cal.line("TZOFFSETTO", utc_offset(change.offset_after));
        if (!change.abbreviation_after.empty())
            cal.text("TZNAME", change.abbreviation_after);
        cal.line("END", change.daylight_after ? "DAYLIGHT" : "STANDARD");
    }
    cal.line("END", "VTIMEZONE");
}

PersonRole usual_role(SessionKind kind) {
    return kind == SessionKind::panel ? PersonRole::panelist : PersonRole::speaker;
}

std::string description(const Programme& programme, const Session& s) {
    std::string text = s.abstract;
    std::string people;
    for (const SessionPerson& sp : s.people) {
        const Person* person = programme.find_person(sp.person_id);
        if (person == nullptr)
            continue;
        people.append(people.empty() ? "" : "\n").append(person->name);
        if (sp.role != usual_role(s.kind))
            people.append(" (").append(to_string(sp.role)).append(")");
        if (!person->affiliation.empty())
            people.append(", ").append(person->affiliation);
    }
    if (!people.empty())
        text.append(text.empty() ? "" : "\n\n").append(people);
    return text;
}

// In the event's zone, as people read the programme; in UTC where the local time would name
// another instant: an unknown zone (validation reports it), or the second pass of the hour
// the clocks go back over, which a local time names the first pass of (RFC 5545 3.3.5).
void write_time(Calendar& cal, std::string_view name, Instant at, const std::string& zone) {
    const auto local = to_local(at, zone);
    if (local) {
        const auto named = from_local(local->date, local->time_of_day, zone);
        if (named && *named == at) {
            cal.line(concat({name, ";TZID=", zone}),
                     basic_date_time(local->date, local->time_of_day));
            return;
        }
    }
    cal.line(name, utc_date_time(at));
}

void write_session(Calendar& cal, const Programme& programme, const Session& s,
                   const ExportOptions& options) {
    const Event& event = programme.event;
    cal.line("BEGIN", "VEVENT");
    // UID is TEXT (RFC 5545 3.8.4.7): escaped like any, though guids are UUIDs by now, since a
    // guid stored before that rule could hold anything.
    cal.text("UID", concat({session_guid(event, s), "@stagehub"}));
    cal.line("DTSTAMP", utc_date_time(options.generated_at));
    write_time(cal, "DTSTART", s.effective_start(), event.time_zone);
    write_time(cal, "DTEND", s.effective_end(), event.time_zone);
    cal.text("SUMMARY", s.title);
    if (const std::string text = description(programme, s); !text.empty())
        cal.text("DESCRIPTION", text);
    std::string location;
    if (const Stage* stage = programme.find_stage(s.stage_id))
        location = stage->name;
    if (!event.venue.empty())
        location.append(location.empty() ? "" : ", ").append(event.venue);
    if (!location.empty())
        cal.text("LOCATION", location);
    if (!s.theme.empty())
        cal.text("CATEGORIES", s.theme);  // escaped: a comma in a theme is not two themes
    cal.line("STATUS", s.cancelled ? "CANCELLED" : "CONFIRMED");
    if (!options.base_url.empty())
        cal.line("URL", session_url(options.base_url, s.id));
    cal.line("END", "VEVENT");
}

bool starts_on(const Session& s, year_month_day day, const std::string& zone) {
    const auto start = to_local(s.effective_start(), zone);
    return start && start->date == day;
}

bool selected(const Session& s, const CalendarSelection& selection, const std::string& zone) {
    return (!selection.session || s.id == *selection.session) &&
           (!selection.day || starts_on(s, *selection.day, zone));
}

}  // namespace

std::string export_icalendar(const Programme& programme, const ExportOptions& options,
                             const CalendarSelection& selection) {
    const Event& event = programme.event;
    std::vector<const Session*> sessions;
    for (const Session& s : programme.sessions) {
        if (selected(s, selection, event.time_zone))
            sessions.push_back(&s);
    }
    Calendar cal;
    cal.line("BEGIN", "VCALENDAR");
    cal.line("VERSION", "2.0");
    cal.line("PRODID", concat({"-//stagehub//stagehub ", options.version, "//EN"}));
    cal.line("CALSCALE", "GREGORIAN");
    cal.line("METHOD", "PUBLISH");
    cal.text("X-WR-CALNAME", event.title);
    cal.line("X-WR-TIMEZONE", event.time_zone);
    if (!sessions.empty() && is_known_time_zone(event.time_zone)) {
        Instant from = sessions.front()->effective_start();
        Instant to = sessions.front()->effective_end();
        for (const Session* s : sessions) {
            from = std::min(from, s->effective_start());
            to = std::max(to, s->effective_end());
        }
        write_time_zone(cal, event.time_zone, from, to);
    }
    for (const Session* s : sessions)
        write_session(cal, programme, *s, options);
    cal.line("END", "VCALENDAR");
    return cal.take();
}

}  // namespace stagehub::schedule::formats
