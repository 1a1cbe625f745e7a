#include "server/app/disk_floor.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <utility>

namespace stagehub::server {

std::string_view name_of(DiskState state) {
    switch (state) {
        case DiskState::off:
            return "off";
        case DiskState::ok:
            return "ok";
        case DiskState::low:
            return "low";
    }
    return "off";
}

nlohmann::json disk_json(const DiskFigures& disk, bool figures) {
    nlohmann::json json = {{"state", name_of(disk.state)}, {"archiving", disk.archiving}};
    if (figures) {
        json["free_bytes"] = disk.free_bytes ? nlohmann::json(*disk.free_bytes) : nullptr;
        json["floor_bytes"] = disk.floor_bytes;
        json["resume_bytes"] = disk.resume_bytes;
    }
    return json;
}

std::optional<uint64_t> free_bytes_at(const std::filesystem::path& path) {
    struct statvfs fs {};
    if (::statvfs(path.c_str(), &fs) != 0)
        return std::nullopt;
    return static_cast<uint64_t>(fs.f_bavail) * static_cast<uint64_t>(fs.f_frsize);
}

uint64_t DiskFloor::resume_at(uint64_t floor_bytes) {
    constexpr uint64_t kMinMargin = uint64_t{1} << 20;
    return floor_bytes + std::max(floor_bytes / 10, kMinMargin);
}

DiskFloor::DiskFloor(uint64_t floor_bytes, FreeSpace free_space)
    : free_space_(std::move(free_space)) {
    figures_.floor_bytes = floor_bytes;
    figures_.resume_bytes = floor_bytes == 0 ? 0 : resume_at(floor_bytes);
    figures_.state = floor_bytes == 0 ? DiskState::off : DiskState::ok;
}

std::optional<DiskState> DiskFloor::check() {
    figures_.free_bytes = free_space_ ? free_space_() : std::nullopt;
    if (figures_.state == DiskState::off || !figures_.free_bytes)
        return std::nullopt;
    const uint64_t free = *figures_.free_bytes;
    DiskState next = figures_.state;
    if (figures_.state == DiskState::ok && free < figures_.floor_bytes)
        next = DiskState::low;
    else if (figures_.state == DiskState::low && free >= figures_.resume_bytes)
        next = DiskState::ok;
    if (next == figures_.state)
        return std::nullopt;
    figures_.state = next;
    figures_.archiving = next != DiskState::low;
    if (next == DiskState::low)
        ++figures_.times_low;
    return next;
}

}  // namespace stagehub::server
