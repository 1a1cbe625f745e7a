#include "test_programmes.hpp"

#include <gtest/gtest.h>

#include "schedule/programme_file.hpp"
#include "schedule/validation.hpp"

namespace stagehub::schedule::formats::samples {

Instant at(const char* iso) {
    auto parsed = parse_instant(iso);
    EXPECT_TRUE(parsed.ok()) << iso;
    return parsed.ok() ? *parsed : Instant{};
}

namespace {

Programme read_sample(const char* path) {
    auto programme = read_programme_file(path);
    EXPECT_TRUE(programme.ok()) << path << ": " << programme.error().message;
    return programme.ok() ? *programme : Programme{};
}

}  // namespace

Programme demo_day() {
    return read_sample(STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json");
}

Programme innovation_week() {
    return read_sample(STAGEHUB_TEST_DATA "/innovation_week.json");
}

Programme tricky_programme() {
    Programme p;
    p.event.id = "innovationsdag";
    p.event.title = "Innovationsdag i Piteå, Luleå & \"Norrbotten\"";
    p.event.time_zone = "Europe/Stockholm";
    p.event.venue = "Piteå stadshus; plan 2";
    p.event.description = "En dag om förnyelse.\nVälkommen!";
    p.event.days = {EventDay{at("2019-10-08T06:00:00Z"), at("2019-10-08T16:00:00Z")}};
    p.stages = {
        Stage{"stora-salen", "Stora salen", "", true, 120, "Plan 2, vid entrén", {}, {}},
        Stage{"sal-b-ovre", "Sal B, övre", "", false, 0, "", {}, {}},
    };
    p.people = {
        Person{"ann-oberg", "Ann Öberg", "Piteå kommun"},
        Person{"bo-astrom", "Bo Åström", ""},
        Person{"cia-cj-lind", "Cia \"CJ\" Lind", "Luleå tekniska universitet, LTU"},
        Person{"dan-ek", "Dan Ek", ""},
    };

    Session opening;
    opening.id = "oppning";
    opening.stage_id = "stora-salen";
    opening.kind = SessionKind::keynote;
    opening.title = "Öppning: \"Tillsammans\", för förnyelse";
    opening.abstract = "Rad ett; med semikolon, och komma.\nRad två \\ med bakstreck.";
    opening.theme = "Systematik, del 1";
    opening.start = at("2019-10-08T07:15:00Z");
    opening.duration = Seconds{15 * 60};
    opening.people = {{"ann-oberg", PersonRole::moderator}};

    Session panel;
    panel.id = "panel-a";
    panel.stage_id = "stora-salen";
    panel.kind = SessionKind::panel;
    panel.title = "Panel – åäö ÅÄÖ";
    panel.abstract = "Med de som talat.";
    panel.theme = "Systematik, del 1";
    panel.start = at("2019-10-08T07:30:00Z");
    panel.duration = Seconds{30 * 60};
    panel.people = {{"ann-oberg", PersonRole::moderator},
                    {"bo-astrom", PersonRole::panelist},
                    {"cia-cj-lind", PersonRole::panelist}};
    panel.follows_up = {"oppning"};

    Session cancelled;
    cancelled.id = "installt";
    cancelled.stage_id = "sal-b-ovre";
    cancelled.title = "Inställt, tyvärr";
    cancelled.start = at("2019-10-08T07:15:00Z");
    cancelled.duration = Seconds{20 * 60};
    cancelled.cancelled = true;
    cancelled.people = {{"bo-astrom", PersonRole::speaker}};

    Session workshop;
    workshop.id = "workshop";
    workshop.stage_id = "sal-b-ovre";
    workshop.kind = SessionKind::workshop;
    workshop.title = "Workshop: tjänstedesign på riktigt";
    workshop.abstract =
        "En lång rad som måste vikas: åäö ÅÄÖ åäö ÅÄÖ åäö ÅÄÖ åäö ÅÄÖ åäö ÅÄÖ åäö ÅÄÖ åäö "
        "ÅÄÖ åäö ÅÄÖ åäö ÅÄÖ slut.";
    workshop.language = "en";
    workshop.start = at("2019-10-08T08:00:00Z");
    workshop.duration = Seconds{45 * 60};
    workshop.attendance = AttendanceMode::in_person;
    workshop.replay_allowed = false;
    workshop.published = false;
    workshop.people = {{"dan-ek", PersonRole::speaker}, {"cia-cj-lind", PersonRole::moderator}};

    Session lunch;
    lunch.id = "lunch";
    lunch.stage_id = "stora-salen";
    lunch.kind = SessionKind::break_;
    lunch.title = "Lunch";
    lunch.start = at("2019-10-08T10:00:00Z");
    lunch.duration = Seconds{60 * 60};

    p.sessions = {opening, panel, cancelled, workshop, lunch};
    p.sort_sessions();
    const auto problems = validate(p);
    for (const Error& e : problems)
        ADD_FAILURE() << "the tricky programme is invalid: " << e.message;
    return p;
}

ExportOptions export_options() {
    ExportOptions options;
    options.base_url = "https://stagehub.example.org/";
    options.version = "0.1.0";
    options.revision = 12;
    options.generated_at = at("2026-05-12T08:00:00Z");
    return options;
}

}  // namespace stagehub::schedule::formats::samples
