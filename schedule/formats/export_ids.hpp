// The identifiers exports give things: UUIDs (the stored guid, else one derived from the
// event and the thing's id, see name_uuid.hpp), the positive integers frab wants, and the
// web address of a session. Shared by every export so a session has one identity in all of
// them (the .ics UID and the frab guid are the same UUID).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "schedule/model.hpp"

namespace stagehub::schedule::formats {

std::string session_guid(const Event& event, const Session& session);
std::string stage_guid(const Event& event, const Stage& stage);
std::string person_guid(const Event& event, const Person& person);

// "<base_url>/#session-<id>": the session on the public agenda page.
std::string session_url(std::string_view base_url, std::string_view session_id);

// Positive integers (frab's event and person ids) from a hash of what identifies the thing,
// so a number stays when other sessions are added or moved; on a collision the next free
// number is taken, in the order things are asked for (the document order, which is stable).
class NumberAllocator {
  public:
    // The number of `key`; the first call for a key picks it from a hash of `hashed`.
    int64_t number_for(const std::string& key, std::string_view hashed);

  private:
    std::map<std::string, int64_t> by_key_;
    std::set<int64_t> used_;
};

}  // namespace stagehub::schedule::formats
