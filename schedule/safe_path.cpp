#include "schedule/safe_path.hpp"

#include <algorithm>
#include <string>

namespace stagehub::schedule {
namespace {

constexpr size_t kMaxComponentBytes = 255;  // NAME_MAX of ext4, xfs, btrfs

bool is_safe_component(std::string_view component) {
    if (component.empty() || component.size() > kMaxComponentBytes || component.front() == '.')
        return false;
    return std::none_of(component.begin(), component.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return c == '/' || c == '\\' || byte < 0x20 || byte == 0x7F;
    });
}

Error unsafe(std::string_view what) {
    // The text itself stays out of the message: it is what could not be trusted.
    return Error{ErrorCode::unsafe_path,
                 std::string(what) +
                     " is refused as a file name (empty, absolute, '..', hidden "
                     "or with a control character)"};
}

}  // namespace

Result<std::filesystem::path> child_path(const std::filesystem::path& root,
                                         std::string_view component) {
    if (!is_safe_component(component))
        return unsafe("a path component");
    return root / std::filesystem::path(std::string(component));
}

Result<std::filesystem::path> path_below(const std::filesystem::path& root,
                                         std::string_view relative) {
    if (relative.empty())
        return unsafe("an empty relative path");
    std::filesystem::path path = root;
    size_t start = 0;
    while (start <= relative.size()) {
        const size_t slash = std::min(relative.find('/', start), relative.size());
        const std::string_view component = relative.substr(start, slash - start);
        if (!is_safe_component(component))
            return unsafe("a relative path");
        path /= std::filesystem::path(std::string(component));
        start = slash + 1;
    }
    return path;
}

}  // namespace stagehub::schedule
