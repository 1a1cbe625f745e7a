#include "pipelines/ts_first_pts.hpp"

#include <fstream>
#include <vector>

namespace stagehub::pipelines {
namespace {

constexpr size_t kPacket = 188;
constexpr uint8_t kSync = 0x47;

using Bytes = std::span<const uint8_t>;

bool is_video(uint8_t stream_type) {
    return stream_type == 0x1B || stream_type == 0x24 || stream_type == 0x02 ||
           stream_type == 0x01;  // H.264, HEVC, MPEG-2, MPEG-1
}

bool is_audio(uint8_t stream_type) {
    return stream_type == 0x0F || stream_type == 0x11 || stream_type == 0x03 ||
           stream_type == 0x04;  // AAC ADTS, AAC LATM, MPEG-1/2 audio
}

// A PSI section's body after the pointer field, bounded by its section_length (CRC left
// off); empty if the section does not fit the packet (stagehub's PAT and PMT always do).
Bytes section_of(Bytes payload) {
    if (payload.empty() || payload[0] + 1u + 3u > payload.size())
        return {};
    const Bytes section = payload.subspan(1 + payload[0]);
    const size_t length = ((section[1] & 0x0F) << 8) | section[2];
    if (length < 4 + 5 || 3 + length > section.size())
        return {};
    return section.subspan(0, 3 + length - 4);
}

// The 33-bit PTS of a PES header at the start of `payload`, if it has one.
std::optional<int64_t> pes_pts(Bytes p) {
    if (p.size() < 14 || p[0] != 0 || p[1] != 0 || p[2] != 1 || (p[7] & 0x80) == 0)
        return std::nullopt;
    return (static_cast<int64_t>((p[9] >> 1) & 0x07) << 30) | (static_cast<int64_t>(p[10]) << 22) |
           (static_cast<int64_t>(p[11] >> 1) << 15) | (static_cast<int64_t>(p[12]) << 7) |
           (p[13] >> 1);
}

// Where packets begin: the first offset with a sync byte there and one packet later.
std::optional<size_t> first_packet(Bytes bytes) {
    for (size_t at = 0; at < kPacket && at < bytes.size(); ++at) {
        if (bytes[at] == kSync && (at + kPacket >= bytes.size() || bytes[at + kPacket] == kSync))
            return at;
    }
    return std::nullopt;
}

}  // namespace

std::optional<int64_t> ts_first_pts(Bytes bytes) {
    bytes = bytes.subspan(0, std::min(bytes.size(), kMaxScanBytes));
    const auto start = first_packet(bytes);
    if (!start)
        return std::nullopt;
    int pmt_pid = -1;
    int video_pid = -1;
    int audio_pid = -1;
    bool pmt_read = false;
    std::optional<int64_t> audio_pts;
    for (size_t at = *start; at + kPacket <= bytes.size(); at += kPacket) {
        const Bytes packet = bytes.subspan(at, kPacket);
        if (packet[0] != kSync)
            return std::nullopt;  // lost sync: not a file a muxer wrote
        const bool unit_start = (packet[1] & 0x40) != 0;
        const int pid = ((packet[1] & 0x1F) << 8) | packet[2];
        const int adaptation = (packet[3] >> 4) & 0x03;
        if ((adaptation & 0x01) == 0 || !unit_start)
            continue;  // no payload, or the middle of a PES or section: headers only matter
        size_t offset = 4;
        if (adaptation == 0x03)
            offset += 1 + packet[4];
        if (offset >= kPacket)
            continue;
        const Bytes payload = packet.subspan(offset);
        if (pid == 0 && pmt_pid < 0) {
            const Bytes pat = section_of(payload);
            // Entries of (program number, PMT PID) follow the 8-byte header; 0 is the NIT.
            for (size_t i = 8; i + 4 <= pat.size(); i += 4) {
                if (((pat[i] << 8) | pat[i + 1]) != 0) {
                    pmt_pid = ((pat[i + 2] & 0x1F) << 8) | pat[i + 3];
                    break;
                }
            }
        } else if (pid == pmt_pid && !pmt_read) {
            const Bytes pmt = section_of(payload);
            if (pmt.size() < 12)
                continue;
            pmt_read = true;
            const size_t info = ((pmt[10] & 0x0F) << 8) | pmt[11];
            for (size_t i = 12 + info; i + 5 <= pmt.size();) {
                const int es_pid = ((pmt[i + 1] & 0x1F) << 8) | pmt[i + 2];
                if (is_video(pmt[i]) && video_pid < 0)
                    video_pid = es_pid;
                else if (is_audio(pmt[i]) && audio_pid < 0)
                    audio_pid = es_pid;
                i += 5 + (((pmt[i + 3] & 0x0F) << 8) | pmt[i + 4]);
            }
        } else if (pmt_read && pid == video_pid) {
            if (const auto pts = pes_pts(payload))
                return pts;
        } else if (pmt_read && pid == audio_pid && !audio_pts) {
            audio_pts = pes_pts(payload);
            if (audio_pts && video_pid < 0)
                return audio_pts;
        }
    }
    return video_pid < 0 ? audio_pts : std::nullopt;
}

std::optional<int64_t> ts_first_pts(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::vector<uint8_t> bytes(kMaxScanBytes);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(in.gcount()));
    return ts_first_pts(Bytes(bytes));
}

}  // namespace stagehub::pipelines
