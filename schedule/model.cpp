#include "schedule/model.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

namespace stagehub::schedule {
namespace {

constexpr std::array<std::pair<SessionKind, std::string_view>, 7> kKindNames{{
    {SessionKind::talk, "talk"},
    {SessionKind::panel, "panel"},
    {SessionKind::keynote, "keynote"},
    {SessionKind::break_, "break"},
    {SessionKind::study_visit, "study_visit"},
    {SessionKind::remote_training, "remote_training"},
    {SessionKind::workshop, "workshop"},
}};

constexpr std::array<std::pair<PersonRole, std::string_view>, 3> kRoleNames{{
    {PersonRole::speaker, "speaker"},
    {PersonRole::panelist, "panelist"},
    {PersonRole::moderator, "moderator"},
}};

constexpr std::array<std::pair<AttendanceMode, std::string_view>, 3> kAttendanceNames{{
    {AttendanceMode::in_person, "in_person"},
    {AttendanceMode::web, "web"},
    {AttendanceMode::hybrid, "hybrid"},
}};

constexpr std::array<std::pair<SourceKind, std::string_view>, 5> kSourceNames{{
    {SourceKind::test_pattern, "test_pattern"},
    {SourceKind::srt, "srt"},
    {SourceKind::rtmp, "rtmp"},
    {SourceKind::rtsp, "rtsp"},
    {SourceKind::file, "file"},
}};

constexpr std::array<std::pair<LowerThirdMode, std::string_view>, 4> kLowerThirdNames{{
    {LowerThirdMode::automatic, "automatic"},
    {LowerThirdMode::burned_in, "burned_in"},
    {LowerThirdMode::player, "player"},
    {LowerThirdMode::off, "off"},
}};

constexpr std::array<std::pair<SessionState, std::string_view>, 4> kStateNames{{
    {SessionState::scheduled, "scheduled"},
    {SessionState::live, "live"},
    {SessionState::ended, "ended"},
    {SessionState::cancelled, "cancelled"},
}};

template <typename Enum, size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                         Enum value) {
    for (const auto& [candidate, name] : names) {
        if (candidate == value)
            return name;
    }
    return "unknown";
}

template <typename Enum, size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                             std::string_view text) {
    for (const auto& [value, name] : names) {
        if (name == text)
            return value;
    }
    return std::nullopt;
}

template <typename T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
    const auto it =
        std::find_if(items.begin(), items.end(), [&](const T& t) { return t.id == id; });
    return it == items.end() ? nullptr : &*it;
}

}  // namespace

std::string_view to_string(SessionKind kind) {
    return name_of(kKindNames, kind);
}
std::string_view to_string(PersonRole role) {
    return name_of(kRoleNames, role);
}

std::string_view to_string(AttendanceMode mode) {
    return name_of(kAttendanceNames, mode);
}
std::string_view to_string(SessionState state) {
    return name_of(kStateNames, state);
}

std::string_view to_string(SourceKind kind) {
    return name_of(kSourceNames, kind);
}
std::string_view to_string(LowerThirdMode mode) {
    return name_of(kLowerThirdNames, mode);
}
std::optional<SourceKind> source_kind_from_string(std::string_view text) {
    return value_of(kSourceNames, text);
}
std::optional<LowerThirdMode> lower_third_mode_from_string(std::string_view text) {
    return value_of(kLowerThirdNames, text);
}

LowerThirdMode Stage::effective_lower_third() const {
    if (lower_third != LowerThirdMode::automatic)
        return lower_third;
    const bool encoded = source.kind == SourceKind::test_pattern || source.kind == SourceKind::file;
    return encoded ? LowerThirdMode::burned_in : LowerThirdMode::player;
}

std::string session_kind_names() {
    std::string names;
    for (const auto& [kind, name] : kKindNames)
        names.append(names.empty() ? "" : ", ").append(name);
    return names;
}

std::optional<SessionKind> session_kind_from_string(std::string_view text) {
    return value_of(kKindNames, text);
}
std::optional<PersonRole> person_role_from_string(std::string_view text) {
    return value_of(kRoleNames, text);
}
std::optional<AttendanceMode> attendance_mode_from_string(std::string_view text) {
    return value_of(kAttendanceNames, text);
}

SessionState Session::state_at(Instant at) const {
    if (cancelled)
        return SessionState::cancelled;
    if (at < effective_start())
        return SessionState::scheduled;
    return at < effective_end() ? SessionState::live : SessionState::ended;
}

const std::string& Event::language() const {
    static const std::string fallback = "sv";
    return languages.empty() ? fallback : languages.front();
}

const Person* Programme::find_person(std::string_view id) const {
    return find_by_id(people, id);
}
const Stage* Programme::find_stage(std::string_view id) const {
    return find_by_id(stages, id);
}
const Session* Programme::find_session(std::string_view id) const {
    return find_by_id(sessions, id);
}
Session* Programme::find_session(std::string_view id) {
    return const_cast<Session*>(std::as_const(*this).find_session(id));
}

void Programme::sort_sessions() {
    std::stable_sort(sessions.begin(), sessions.end(), [](const Session& a, const Session& b) {
        return std::tie(a.start, a.stage_id) < std::tie(b.start, b.stage_id);
    });
}

}  // namespace stagehub::schedule
