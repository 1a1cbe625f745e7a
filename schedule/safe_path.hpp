// Paths made from ids and stored names, built so that nothing can leave the folder they are
// meant for, whatever the text: not an absolute id ("/tmp/x" would replace the root under
// std::filesystem::path's operator/), not "..", not a hidden file, not a NUL that C calls
// would cut the path at. This holds even if the id rule (schedule/ids.hpp) were bypassed:
// every place an id becomes a path (live media folders, posters, the segment archive) joins
// through here, and treats a refusal as "no such file" or "not broadcast".
#pragma once

#include <filesystem>
#include <string_view>

#include "schedule/result.hpp"

namespace stagehub::schedule {

// `root`/`component` when `component` is one safe path component: not empty, not "." or
// "..", no '/', '\\', NUL or other control character, not starting with '.', at most 255
// bytes. Else Error{ErrorCode::unsafe_path} naming it.
Result<std::filesystem::path> child_path(const std::filesystem::path& root,
                                         std::string_view component);

// `root`/`relative` for a relative path of such components separated by single '/'
// ("stora-salen/source/seg-1-00001.ts", as the segment archive stores them).
Result<std::filesystem::path> path_below(const std::filesystem::path& root,
                                         std::string_view relative);

}  // namespace stagehub::schedule
