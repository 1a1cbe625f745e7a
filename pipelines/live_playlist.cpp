#include "pipelines/live_playlist.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
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
    std::optional<int64_t> starts_ms;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("#EXT-X-MEDIA-SEQUENCE:")) {
            first_sequence_ = std::stoll(line.substr(22));
        } else if (line.starts_with("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
            discontinuity_sequence_ = std::stoll(line.substr(30));
        } else if (line == "#EXT-X-DISCONTINUITY") {
            discontinuity = true;
        } else if (line.starts_with("#EXT-X-PROGRAM-DATE-TIME:")) {
            starts_ms = parse_program_date_time(line.substr(25));
        } else if (line.starts_with("#EXTINF:")) {
            duration = std::stod(line.substr(8));
        } else if (!line.empty() && line[0] != '#') {
            window_.push_back(Entry{line, duration, discontinuity, starts_ms});
            discontinuity = false;
            starts_ms.reset();
        }
    }
    // Whatever ran before is another run: its timestamps do not continue.
    discontinuity_pending_ = !window_.empty();
    ended_ = false;
}

void LivePlaylist::add(const std::string& uri, double duration_s, const std::string& run_id,
                       bool new_picture,
                       std::optional<std::chrono::system_clock::time_point> started_at) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    if (!started_at) {
        // Called as the segment closes, which splitmuxsink reports only once it holds the
        // whole first GOP of the next segment (at most a segment's length), so the first
        // frame was made at most about two segments before now.
        // Measured against the archive's first-frame times: docs/BENCHMARKS.md.
        started_at = std::chrono::system_clock::now() -
                     duration_cast<std::chrono::system_clock::duration>(
                         std::chrono::duration<double>(duration_s + target_duration_s_));
    }
    const int64_t starts_ms = duration_cast<milliseconds>(started_at->time_since_epoch()).count();
    const bool new_run =
        (!last_run_.empty() && run_id != last_run_) || discontinuity_pending_ || new_picture;
    discontinuity_pending_ = false;
    last_run_ = run_id;
    ended_ = false;
    window_.push_back(Entry{uri, duration_s, new_run && !window_.empty(), starts_ms});
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

int LivePlaylist::target_duration_s() const {
    double longest = target_duration_s_;
    for (const Entry& e : window_)
        longest = std::max(longest, e.duration_s);
    return static_cast<int>(std::ceil(longest));
}

std::string LivePlaylist::text() const {
    std::ostringstream out;
    out << "#EXTM3U\n#EXT-X-VERSION:3\n"
        << "#EXT-X-TARGETDURATION:" << target_duration_s() << "\n"
        << "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n"
        << "#EXT-X-MEDIA-SEQUENCE:" << first_sequence_ << "\n";
    if (discontinuity_sequence_ > 0)
        out << "#EXT-X-DISCONTINUITY-SEQUENCE:" << discontinuity_sequence_ << "\n";
    for (const Entry& e : window_) {
        if (e.discontinuity_before)
            out << "#EXT-X-DISCONTINUITY\n";
        if (e.starts_ms)
            out << "#EXT-X-PROGRAM-DATE-TIME:" << program_date_time(*e.starts_ms) << "\n";
        char duration[32];
        std::snprintf(duration, sizeof duration, "%.3f", e.duration_s);
        out << "#EXTINF:" << duration << ",\n" << e.uri << "\n";
    }
    if (ended_)
        out << "#EXT-X-ENDLIST\n";
    return out.str();
}

std::string LivePlaylist::program_date_time(int64_t unix_ms) {
    // Floor division, so an instant before 1970 still gets a fraction in [0, 1000).
    const int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
    const auto seconds = static_cast<std::time_t>((unix_ms - ms) / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[80];  // room for any int the compiler can imagine; 24 are written
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(ms));
    return text;
}

std::optional<int64_t> LivePlaylist::parse_program_date_time(const std::string& text) {
    std::tm utc{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon,
                    &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &consumed) != 6)
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    int64_t ms = 0;
    size_t at = static_cast<size_t>(consumed);
    if (at < text.size() && text[at] == '.') {
        int64_t scale = 100;
        for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
            ms += (text[at] - '0') * scale;
            scale /= 10;
        }
    }
    if (at + 1 != text.size() || text[at] != 'Z')
        return std::nullopt;
    return static_cast<int64_t>(timegm(&utc)) * 1000 + ms;
}

void LivePlaylist::write() const {
    // A full disk leaves the previous playlist; players keep playing it.
    write_file_atomically(file_, text());
}

bool LivePlaylist::lists(const std::string& uri) const {
    return std::any_of(window_.begin(), window_.end(),
                       [&](const Entry& entry) { return entry.uri == uri; });
}

std::vector<LivePlaylist::Listed> LivePlaylist::listed() const {
    std::vector<Listed> listed;
    for (const Entry& entry : window_)
        listed.push_back(Listed{entry.uri, entry.duration_s, entry.starts_ms});
    return listed;
}

}  // namespace stagehub::pipelines
