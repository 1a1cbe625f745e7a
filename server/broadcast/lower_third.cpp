#include "server/broadcast/lower_third.hpp"

#include <glib.h>

namespace stagehub::server {
namespace {

using schedule::PersonRole;
using schedule::SessionKind;

struct Words {
    const char* next;
    const char* moderator;
    const char* right_back;
};

Words words_for(const std::string& language) {
    if (language.starts_with("sv"))
        return {"Nästa", "moderator", "Vi är strax tillbaka"};
    if (language.starts_with("nb") || language.starts_with("no") || language.starts_with("nn")) {
        return {"Neste", "moderator", "Vi er straks tilbake"};
    }
    return {"Next", "moderator", "We'll be right back"};
}

std::string people_line(const schedule::Programme& programme, const schedule::Session& session,
                        const Words& words) {
    std::string line;
    for (const schedule::SessionPerson& sp : session.people) {
        const schedule::Person* person = programme.find_person(sp.person_id);
        if (!line.empty())
            line += " · ";
        line += person ? person->name : sp.person_id;
        if (sp.role == PersonRole::moderator)
            line += std::string(" (") + words.moderator + ")";
    }
    return line;
}

}  // namespace

std::string local_clock_time(Instant at, const std::string& time_zone) {
    GTimeZone* zone = g_time_zone_new_identifier(time_zone.c_str());
    if (zone == nullptr)
        zone = g_time_zone_new_utc();
    GDateTime* utc = g_date_time_new_from_unix_utc(at.time_since_epoch().count());
    GDateTime* local = g_date_time_to_timezone(utc, zone);
    gchar* text = g_date_time_format(local, "%H:%M");
    std::string result = text ? text : "";
    g_free(text);
    g_date_time_unref(local);
    g_date_time_unref(utc);
    g_time_zone_unref(zone);
    return result;
}

pipelines::LowerThird lower_third_for(const schedule::Programme& programme,
                                      const schedule::NowNext& now_next) {
    const Words words = words_for(programme.event.language());
    const auto next_line = [&]() -> std::string {
        if (now_next.next == nullptr)
            return "";
        return std::string(words.next) + ": " + now_next.next->title + ", " +
               local_clock_time(now_next.next->effective_start(), programme.event.time_zone);
    };
    if (now_next.now == nullptr)
        return {programme.event.title, next_line()};
    if (now_next.now->kind == SessionKind::break_)
        return {now_next.now->title, next_line()};
    return {now_next.now->title, people_line(programme, *now_next.now, words)};
}

pipelines::LowerThird slate_for(const schedule::Programme& programme,
                                const schedule::NowNext& now_next) {
    const Words words = words_for(programme.event.language());
    // What the viewer is waiting for: the session that should be on, else the next one.
    std::string line;
    if (now_next.now != nullptr && now_next.now->kind != SessionKind::break_) {
        line = now_next.now->title;
    } else if (now_next.next != nullptr) {
        line = std::string(words.next) + ": " +
               local_clock_time(now_next.next->effective_start(), programme.event.time_zone) + " " +
               now_next.next->title;
    }
    return {words.right_back, line};
}

}  // namespace stagehub::server
