// The free-space floor of the data folder's filesystem (docs/OPERATIONS.md, "Disk space"):
// below it the replay archive stops taking new segments, so that the live broadcast and
// the database (which need little) keep working instead of failing on a full disk. Its
// state is ok or low, with hysteresis so that free space wobbling at the floor does not
// switch archiving on and off at every look; off when the floor is 0.
//
// The figure comes from a FreeSpace function (statvfs of the data folder in production,
// a figure a test sets): the state machine itself is pure.
//
// Threads: the loop thread (the periodic timer calls check()); figures() is a copy.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace stagehub::server {

enum class DiskState { off, ok, low };

std::string_view name_of(DiskState state);

// What the floor knows, for health, the ops channel and metrics.
struct DiskFigures {
    std::optional<uint64_t> free_bytes;  // nullopt: never measured, or the last look failed
    uint64_t floor_bytes = 0;            // 0: the check is off
    uint64_t resume_bytes = 0;           // free space at which a low disk counts as ok again
    DiskState state = DiskState::off;
    bool archiving = true;   // new segments are kept for replays
    uint64_t times_low = 0;  // transitions to low since the server started
};

// {"state", "archiving"}; with `figures` also "free_bytes", "floor_bytes" and "resume_bytes"
// (the public health says only the state: how full the server's disk is, is the staff's).
nlohmann::json disk_json(const DiskFigures& disk, bool figures);

// Bytes an unprivileged process may still write on the filesystem holding `path`
// (statvfs: f_bavail × f_frsize; root's reserved blocks do not count: the service does not
// run as root). nullopt when statvfs fails.
std::optional<uint64_t> free_bytes_at(const std::filesystem::path& path);

class DiskFloor {
  public:
    using FreeSpace = std::function<std::optional<uint64_t>()>;

    // Back to ok at floor + a tenth of the floor (at least 1 MiB): archiving a few segments
    // more must not push it back below at once.
    static uint64_t resume_at(uint64_t floor_bytes);

    // `floor_bytes` 0 turns the check off (state off, archiving always on).
    DiskFloor(uint64_t floor_bytes, FreeSpace free_space);

    // Looks at the free space; returns the new state when it changed (ok ↔ low). A failed
    // look keeps the state it had: a transient error must not stop the archive.
    std::optional<DiskState> check();

    DiskState state() const { return figures_.state; }
    bool archiving() const { return figures_.archiving; }
    // Read-only figures for health, ops and /metrics (stagehub_disk_* gauges).
    const DiskFigures& figures() const { return figures_; }

  private:
    FreeSpace free_space_;
    DiskFigures figures_;
};

}  // namespace stagehub::server
