// Replacing a file so that a reader (a player polling a playlist) sees the old or the new
// content, never half of one: written beside it, then renamed over it.
#pragma once

#include <filesystem>
#include <string>

namespace stagehub::pipelines {

// False when it could not be written (a full disk); the old file then stays as it was.
bool write_file_atomically(const std::filesystem::path& file, const std::string& text);

}  // namespace stagehub::pipelines
