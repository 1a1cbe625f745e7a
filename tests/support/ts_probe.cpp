#include "ts_probe.hpp"

#include <fstream>
#include <set>
#include <stdexcept>
#include <vector>

namespace stagehub::testing {

namespace {

constexpr size_t kPacketSize = 188;
constexpr uint8_t kSyncByte = 0x47;
constexpr int kPatPid = 0x0000;
constexpr uint8_t kStreamTypeH264 = 0x1B;
constexpr uint8_t kStreamTypeAacAdts = 0x0F;
constexpr uint8_t kNalTypeIdr = 5;

using Bytes = std::span<const uint8_t>;

int read_u16(const uint8_t* p) {
    return (p[0] << 8) | p[1];
}
int read_pid(const uint8_t* p) {
    return ((p[0] & 0x1F) << 8) | p[1];
}

// A 33-bit timestamp spread over five bytes with marker bits (ISO 13818-1 2.4.3.7).
int64_t read_timestamp(const uint8_t* p) {
    return (static_cast<int64_t>((p[0] >> 1) & 0x07) << 30) | (static_cast<int64_t>(p[1]) << 22) |
           (static_cast<int64_t>(p[2] >> 1) << 15) | (static_cast<int64_t>(p[3]) << 7) |
           (p[4] >> 1);
}

// Annex-B: a NAL unit follows every 00 00 01 start code (the 4-byte form ends the same
// way). Emulation prevention guarantees the pattern never occurs inside a NAL unit.
bool contains_idr(Bytes es) {
    for (size_t i = 0; i + 3 < es.size(); ++i) {
        if (es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 1 && (es[i + 3] & 0x1F) == kNalTypeIdr)
            return true;
    }
    return false;
}

class TsReader {
  public:
    void packet(const uint8_t* p) {
        const bool unit_start = (p[1] & 0x40) != 0;
        const int pid = read_pid(p + 1);
        const int adaptation_control = (p[3] >> 4) & 0x03;
        if ((adaptation_control & 0x01) == 0)
            return;  // adaptation field only (or reserved): no payload
        size_t start = 4;
        if (adaptation_control == 0x03)
            start += 1 + p[4];  // length byte + adaptation field (PCR, stuffing)
        if (start >= kPacketSize)
            return;
        Bytes payload(p + start, kPacketSize - start);

        if (pid == kPatPid && unit_start)
            read_pat(payload);
        else if (pmt_pids_.contains(pid) && unit_start)
            read_pmt(payload);
        else if (pid == video_pid_)
            video_payload(payload, unit_start);
        else if (pid == audio_pid_ && unit_start)
            audio_payload(payload);
    }

    // The first audio PES's PTS: where the segment's sound begins.
    void audio_payload(Bytes pes) {
        ++summary_.audio_pes;
        if (summary_.first_audio_pts || pes.size() < 14 || pes[0] != 0 || pes[1] != 0 ||
            pes[2] != 1 || (pes[7] & 0x80) == 0)
            return;
        summary_.first_audio_pts = read_timestamp(&pes[9]);
    }

    TsSummary finish() {
        finish_video_pes();
        return summary_;
    }

  private:
    std::set<int> pmt_pids_;
    int video_pid_ = -1;
    int audio_pid_ = -1;
    std::vector<uint8_t> video_pes_;  // the video PES being collected, header included
    bool collecting_video_ = false;
    TsSummary summary_;

    // A PSI section that starts in this packet: skip the pointer field; sections of the
    // PAT and PMT we meet are short enough to fit in one packet.
    static Bytes section(Bytes payload) {
        if (payload.empty() || 1u + payload[0] >= payload.size())
            return {};
        Bytes s = payload.subspan(1 + payload[0]);
        if (s.size() < 3)
            return {};
        const size_t length = std::min<size_t>(read_u16(&s[1]) & 0x0FFF, s.size() - 3);
        return s.subspan(0, 3 + length);
    }

    void read_pat(Bytes payload) {
        Bytes s = section(payload);
        if (s.size() < 12 || s[0] != 0x00)
            return;
        // 8-byte header, 4-byte program entries, 4-byte CRC.
        for (size_t i = 8; i + 4 + 4 <= s.size(); i += 4) {
            if (read_u16(&s[i]) != 0)  // program 0 names the network PID, not a PMT
                pmt_pids_.insert(read_pid(&s[i + 2]));
        }
    }

    void read_pmt(Bytes payload) {
        Bytes s = section(payload);
        if (s.size() < 16 || s[0] != 0x02)
            return;
        size_t i = 12 + (read_u16(&s[10]) & 0x0FFF);  // skip program_info descriptors
        while (i + 5 + 4 <= s.size()) {
            const uint8_t stream_type = s[i];
            const int pid = read_pid(&s[i + 1]);
            if (stream_type == kStreamTypeH264 && video_pid_ < 0)
                video_pid_ = pid;
            else if (stream_type == kStreamTypeAacAdts && audio_pid_ < 0)
                audio_pid_ = pid;
            i += 5 + (read_u16(&s[i + 3]) & 0x0FFF);
        }
    }

    void video_payload(Bytes payload, bool unit_start) {
        if (unit_start) {
            finish_video_pes();
            collecting_video_ = true;
            ++summary_.video_pes;
        }
        // Continuation packets before the first unit start belong to a PES we missed.
        if (collecting_video_)
            video_pes_.insert(video_pes_.end(), payload.begin(), payload.end());
    }

    void finish_video_pes() {
        if (!collecting_video_)
            return;
        collecting_video_ = false;
        Bytes pes(video_pes_);
        const bool first = summary_.video_pes == 1;
        // 00 00 01, stream id, length (2), flags (2), header data length, optional fields.
        if (pes.size() >= 9 && pes[0] == 0 && pes[1] == 0 && pes[2] == 1 &&
            9u + pes[8] <= pes.size()) {
            const bool has_pts = (pes[7] & 0x80) != 0;
            if (has_pts && pes.size() >= 14 && !summary_.first_video_pts)
                summary_.first_video_pts = read_timestamp(&pes[9]);
            const bool idr = contains_idr(pes.subspan(9 + pes[8]));
            if (idr)
                ++summary_.video_idr_count;
            if (first)
                summary_.starts_with_idr = idr;
        }
        video_pes_.clear();
    }
};

}  // namespace

TsSummary probe_ts(Bytes bytes) {
    TsReader reader;
    bool synced_once = false;
    size_t offset = 0;
    while (offset + kPacketSize <= bytes.size()) {
        if (bytes[offset] != kSyncByte) {
            // Lost sync (a truncated write): find the next byte that starts two packets.
            ++offset;
            while (offset + kPacketSize <= bytes.size() &&
                   !(bytes[offset] == kSyncByte && (offset + kPacketSize >= bytes.size() ||
                                                    bytes[offset + kPacketSize] == kSyncByte)))
                ++offset;
            continue;
        }
        synced_once = true;
        reader.packet(&bytes[offset]);
        offset += kPacketSize;
    }
    if (!synced_once && !bytes.empty())
        throw std::runtime_error("no MPEG-TS packets found");
    return reader.finish();
}

TsSummary probe_ts(const std::filesystem::path& file) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    std::ifstream in(file, std::ios::binary);
    if (error || !in) {
        std::string message = "cannot read ";
        message += file.string();
        throw std::runtime_error(message);
    }
    std::vector<uint8_t> bytes(size);
    // ifstream reads chars; uint8_t is the same object representation.
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    bytes.resize(static_cast<size_t>(in.gcount()));
    return probe_ts(Bytes(bytes));
}

}  // namespace stagehub::testing
