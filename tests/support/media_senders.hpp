// Command lines for real senders, the OBS stand-ins of docs/BROADCAST_DESIGN.md §3:
// a live test picture with a clock and a tone, H.264 + AAC, pushed over SRT or RTMP.
// Run them with ChildProcess; they are separate processes, as a real encoder would be.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace stagehub::testing {

// What every sender encodes. Small defaults keep two cores free for the code under test.
struct SenderEncode {
    int width = 1280;
    int height = 720;
    int framerate = 25;
    int bitrate_kbps = 2500;
    // Keyframe interval; stagehub tells senders 2 s (segments follow the source GOP).
    double gop_seconds = 2.0;
    bool with_audio = true;
};

struct SrtSenderOptions {
    // Every member has an initializer, so designated initializers may leave any out
    // (GCC 12 warns, -Wmissing-field-initializers, about members without one).
    int port = 0;              // stagehub's SRT listener on 127.0.0.1
    std::string passphrase{};  // empty: unencrypted; otherwise AES-128 (pbkeylen=16)
    SenderEncode encode{};
};

// gst-launch-1.0 -q -e ... mpegtsmux alignment=7 ! srtsink (caller). Start the listener
// first: a caller that finds nobody fails instead of retrying.
std::vector<std::string> srt_sender_args(const SrtSenderOptions& options);

// An interpreter's booth: a live tone (AAC-LC stereo 48 kHz) alone in MPEG-TS, over SRT as a
// caller to stagehub's audio input on 127.0.0.1:port.
std::vector<std::string> srt_audio_sender_args(int port, const std::string& passphrase = {},
                                               double frequency = 880);

// gst-launch-1.0 -q -e ... flvmux streamable=true ! rtmp2sink location=url
// (url as NginxRtmp::url() gives it).
std::vector<std::string> rtmp_sender_args(const std::string& url, const SenderEncode& encode = {});

// The RTSP test camera (stagehub_rtsp_test_server): rtsp://127.0.0.1:port/stage, H.264
// 640x360@25 with keyframes every 2 s + AAC. It prints "ready" once it listens.
std::vector<std::string> rtsp_server_args(int port);

// Writes an MP4 of `seconds` (H.264, keyframe every 2 s, + AAC stereo 48 kHz) as fast as
// the machine can encode it; blocks at most ~30 s plus 5 s per second of media.
// Throws std::runtime_error with gst-launch's output if it fails.
void make_test_mp4(const std::filesystem::path& path, int seconds = 6, int width = 1280,
                   int height = 720);

}  // namespace stagehub::testing
