#include "schedule/formats/export_ids.hpp"

#include "schedule/formats/name_uuid.hpp"

namespace stagehub::schedule::formats {
namespace {

// "stagehub:<event id>:<what>:<id>": event-scoped, as person ids are only unique per event.
std::string derived_guid(const Event& event, std::string_view what, std::string_view id) {
    std::string name = "stagehub:";
    name.append(event.id).append(":").append(what).append(":").append(id);
    return uuid_v5(kUrlNamespace, name);
}

// 32-bit FNV-1a: small, stable across platforms and releases (std::hash is neither).
uint32_t fnv1a(std::string_view text) {
    uint32_t hash = 2166136261u;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 16777619u;
    }
    return hash;
}

}  // namespace

std::string session_guid(const Event& event, const Session& session) {
    return session.guid.empty() ? derived_guid(event, "session", session.id) : session.guid;
}

std::string stage_guid(const Event& event, const Stage& stage) {
    return stage.guid.empty() ? derived_guid(event, "stage", stage.id) : stage.guid;
}

std::string person_guid(const Event& event, const Person& person) {
    return derived_guid(event, "person", person.id);
}

std::string session_url(std::string_view base_url, std::string_view session_id) {
    std::string url(base_url);
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    url.append("/#session-").append(session_id);
    return url;
}

int64_t NumberAllocator::number_for(const std::string& key, std::string_view hashed) {
    if (const auto it = by_key_.find(key); it != by_key_.end())
        return it->second;
    // 1 .. 2^31-1: positive in every consumer's integer type.
    int64_t number = static_cast<int64_t>(fnv1a(hashed) & 0x7FFFFFFFu);
    if (number == 0)
        number = 1;
    while (used_.count(number) != 0)
        number = number == 0x7FFFFFFF ? 1 : number + 1;
    used_.insert(number);
    by_key_.emplace(key, number);
    return number;
}

}  // namespace stagehub::schedule::formats
