// The stagehub programme file (format "stagehub-programme/1"): how an organiser hands a
// whole event to stagehub, how the demo theme day is stored, and the shape the organiser
// API takes sessions, stages and event fields in. Documented in docs/PROGRAMME_FORMAT.md.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

// Parses and validates. The error ("invalid_programme") lists every problem found, each
// with the JSON location it is at, e.g. "sessions[3].start: ...". Days left out are derived
// from the sessions: each local date with a session is open all day.
Result<Programme> parse_programme_file(std::string_view json_text);
Result<Programme> read_programme_file(const std::filesystem::path& path);

// Whether a written programme carries secrets (a stage's SRT passphrase): only for the
// event's organisers and the database, never in a public export.
enum class Secrets { omit, include };

// The programme in the same format, every field written: parse(write(p, include)) == p.
nlohmann::json programme_file_json(const Programme& programme, Secrets secrets = Secrets::omit);

// One part of a programme file, for the organiser API. Problems are appended to `problems`
// with `where` as their place (e.g. "sessions[2]" or "body"); nothing is validated against
// the rest of the programme here.
nlohmann::json session_file_json(const Session& session);
nlohmann::json stage_file_json(const Stage& stage, Secrets secrets = Secrets::omit);
nlohmann::json event_file_json(const Event& event);
Session read_session_json(const nlohmann::json& item, const std::string& where,
                          std::vector<std::string>& problems);
Stage read_stage_json(const nlohmann::json& item, const std::string& where,
                      std::vector<std::string>& problems);
Person read_person_json(const nlohmann::json& item, const std::string& where,
                        std::vector<std::string>& problems);
Event read_event_json(const nlohmann::json& item, const std::string& where,
                      std::vector<std::string>& problems);

// One local day per date with sessions, from local midnight to the next, in the event's zone.
std::vector<EventDay> days_covering_sessions(const Programme& programme);

// The programme moved to start at `new_start` and compressed by `speed` (2.0 = twice as
// fast): used by the demo so a visitor sees sessions change within minutes. Relative
// order, gaps and back-to-back boundaries are preserved, so a valid programme stays valid.
Programme retimed(Programme programme, Instant new_start, double speed);

}  // namespace stagehub::schedule
