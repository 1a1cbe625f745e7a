// Name-based UUIDs (RFC 4122 version 5: SHA-1 of a namespace and a name). The same name
// always gives the same UUID, so exports stay the same for sessions, stages and people the
// store has not given a guid yet, and a re-export does not look like a new programme.
#pragma once

#include <string>
#include <string_view>

#include "schedule/ids.hpp"

namespace stagehub::schedule::formats {

// RFC 4122's namespace for names that are URLs or URNs.
inline constexpr std::string_view kUrlNamespace = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

// Lower-case "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx"; `namespace_uuid` must be a UUID.
std::string uuid_v5(std::string_view namespace_uuid, std::string_view name);

// 8-4-4-4-12 hex digits, either case (defined beside the id rule, which guids are part of).
using schedule::is_uuid;

}  // namespace stagehub::schedule::formats
