// The frab schedule ("Fahrplan", as frab, pretalx and the c3voc tools exchange it) as plain
// values, between the programme and the two documents that carry it: frab_json writes and
// reads it as the c3voc schedule JSON, frab_xml as schedule.xml. The mapping to and from
// the programme lives here once, so both documents say the same.
//
// Mapping (programme → frab): event id → acronym, title, description, time zone →
// time_zone_name; each event day → a frab day (index from 1, local date, day_start/day_end
// with offset) listing every stage as a room; each session that is not cancelled → an event
// in the room of its stage, on the day its effective start falls in: guid (stored or derived,
// export_ids.hpp), a numeric id hashed from the guid, date (effective start, ISO with offset),
// start (HH:MM local), duration (HH:MM of the effective length), slug = session id,
// track = theme, type = kind, language (the event's when the session has none), abstract,
// do_not_record = !replay_allowed, persons in speaking order (code = person id).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedule/formats/import.hpp"
#include "schedule/model.hpp"

namespace stagehub::schedule::formats {

struct FrabPerson {
    int64_t id = 0;  // frab's number; 0: none
    std::string guid;
    std::string code;  // pretalx's speaker code; stagehub writes the person id
    std::string name;
};

struct FrabEvent {
    // Import only: where the event is in its document, and what was wrong reading it.
    std::string where;
    std::vector<std::string> problems;

    int64_t id = 0;
    std::string guid;
    std::string date;      // ISO 8601 with offset
    std::string start;     // HH:MM local
    std::string duration;  // HH:MM
    std::string room;
    std::string slug;
    std::string url;
    std::string title;
    std::string subtitle;
    std::string track;
    std::string type;
    std::string language;
    std::string abstract;
    std::string description;
    std::string recording_license;
    bool do_not_record = false;
    std::vector<FrabPerson> persons;
};

// The events of one room on one day.
struct FrabRoomEvents {
    std::string name;
    std::vector<FrabEvent> events;
};

struct FrabDay {
    std::string where;  // import only
    int64_t index = 0;
    std::string date;   // YYYY-MM-DD
    std::string start;  // ISO 8601 with offset
    std::string end;
    std::vector<FrabRoomEvents> rooms;
};

// A room of conference.rooms (JSON only; XML lists rooms only inside days).
struct FrabRoom {
    std::string name;
    std::string guid;
    std::string description;  // stagehub: the stage's location
    int capacity = 0;         // 0: unknown
};

struct FrabSchedule {
    std::string where;                 // import only: the conference's place
    std::vector<RowProblem> problems;  // import only: problems outside any event
    std::string version;
    std::string base_url;
    std::string generator_version;
    std::string acronym;
    std::string title;
    std::string description;
    std::string start;  // YYYY-MM-DD
    std::string end;
    int64_t days_count = 0;
    std::string timeslot_duration;
    std::string time_zone_name;
    std::string url;
    std::vector<FrabRoom> rooms;
    std::vector<FrabDay> days;
};

FrabSchedule frab_from_programme(const Programme& programme, const ExportOptions& options);

// Import rules: event id = options.event_id or the acronym as a slug; stages from the rooms
// (id = name as a slug); days from the days' start/end (or, when missing, derived from the
// sessions); session id = the slug (or the title as a slug), made unique; guid kept; kind
// from type (stagehub kinds, else words like panel/keynote/workshop/break, else talk);
// abstract + description; people from persons (id = code, else name, as a slug). An event
// with a problem is a bad row (see import.hpp).
Result<ImportResult> programme_from_frab(const FrabSchedule& schedule,
                                         const ImportOptions& options);

}  // namespace stagehub::schedule::formats
