#include "pipelines/live_playlist.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include "pipelines/atomic_file.hpp"

namespace stagehub::pipelines {

LivePlaylist::LivePlaylist(std::filesystem::path file, int target_duration_s, size_t window)
    : file_(std::move(file)), target_duration_s_(target_duration_s), window_size_(window) {}

void LivePlaylist::resume() {
    std::ifstream in(file_);
    if (!in)
        return;
    window_.clear();
    bool discontinuity = false;
    double duration = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("#EXT-X-MEDIA-SEQUENCE:")) {
            first_sequence_ = std::stoll(line.substr(22));
        } else if (line.starts_with("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
            discontinuity_sequence_ = std::stoll(line.substr(30));
        } else if (line == "#EXT-X-DISCONTINUITY") {
            discontinuity = true;
        } else if (line.starts_with("#EXTINF:")) {
            duration = std::stod(line.substr(8));
        } else if (!line.empty() && line[0] != '#') {
            window_.push_back(Entry{line, duration, discontinuity});
            discontinuity = false;
        }
    }
    // Whatever ran before is another run: its timestamps do not continue.
    discontinuity_pending_ = !window_.empty();
    ended_ = false;
}

void LivePlaylist::add(const std::string& uri, double duration_s, const std::string& run_id,
                       bool new_picture) {
    const bool new_run =
        (!last_run_.empty() && run_id != last_run_) || discontinuity_pending_ || new_picture;
    discontinuity_pending_ = false;
    last_run_ = run_id;
    ended_ = false;
    window_.push_back(Entry{uri, duration_s, new_run && !window_.empty()});
    while (window_.size() > window_size_) {
        if (window_.front().discontinuity_before)
            ++discontinuity_sequence_;
        window_.pop_front();
        ++first_sequence_;
    }
    // The first entry of a window cannot carry the discontinuity in front of it: the
    // discontinuity sequence counts it instead (RFC 8216 4.3.3.3).
    if (window_.front().discontinuity_before) {
        window_.front().discontinuity_before = false;
        ++discontinuity_sequence_;
    }
    write();
}

void LivePlaylist::end() {
    ended_ = true;
    write();
}

std::string LivePlaylist::text() const {
    double longest = target_duration_s_;
    for (const Entry& e : window_)
        longest = std::max(longest, e.duration_s);
    std::ostringstream out;
    out << "#EXTM3U\n#EXT-X-VERSION:3\n"
        << "#EXT-X-TARGETDURATION:" << static_cast<int>(std::ceil(longest)) << "\n"
        << "#EXT-X-MEDIA-SEQUENCE:" << first_sequence_ << "\n";
    if (discontinuity_sequence_ > 0)
        out << "#EXT-X-DISCONTINUITY-SEQUENCE:" << discontinuity_sequence_ << "\n";
    for (const Entry& e : window_) {
        if (e.discontinuity_before)
            out << "#EXT-X-DISCONTINUITY\n";
        char duration[32];
        std::snprintf(duration, sizeof duration, "%.3f", e.duration_s);
        out << "#EXTINF:" << duration << ",\n" << e.uri << "\n";
    }
    if (ended_)
        out << "#EXT-X-ENDLIST\n";
    return out.str();
}

void LivePlaylist::write() const {
    // A full disk leaves the previous playlist; players keep playing it.
    write_file_atomically(file_, text());
}

}  // namespace stagehub::pipelines
