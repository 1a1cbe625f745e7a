#include "media_senders.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "child_process.hpp"

namespace stagehub::testing {

namespace {

using Args = std::vector<std::string>;

void append(Args& args, std::initializer_list<std::string> more) {
    args.insert(args.end(), more);
}

int key_int_max(const SenderEncode& encode) {
    return std::max(1, static_cast<int>(std::lround(encode.framerate * encode.gop_seconds)));
}

std::string raw_video_caps(int width, int height, int framerate) {
    std::string caps = "video/x-raw,width=";
    caps += std::to_string(width);
    caps += ",height=";
    caps += std::to_string(height);
    caps += ",framerate=";
    caps += std::to_string(framerate);
    caps += "/1";
    return caps;
}

// gst-launch-1.0 joins its argv into one description, so every element, property and "!"
// is one argument, with no shell quoting.
Args launch_prefix() {
    return {"gst-launch-1.0", "-q", "-e"};
}

// Live picture + clock, H.264 for streaming: no B-frames, fixed keyframe interval, SPS/PPS
// before every keyframe so a receiver can join at any keyframe. Ends linked into `mux`.
void append_live_video(Args& args, const SenderEncode& encode, const std::string& mux) {
    append(args, {"videotestsrc",
                  "is-live=true",
                  "pattern=ball",
                  "!",
                  raw_video_caps(encode.width, encode.height, encode.framerate),
                  "!",
                  "clockoverlay",
                  "!",
                  "x264enc",
                  "speed-preset=ultrafast",
                  "tune=zerolatency",
                  "bitrate=" + std::to_string(encode.bitrate_kbps),
                  "key-int-max=" + std::to_string(key_int_max(encode)),
                  "!",
                  "h264parse",
                  "config-interval=-1",
                  "!",
                  "queue",
                  "!",
                  mux});
}

// Live tone, AAC-LC stereo 48 kHz 128 kb/s, linked into the muxer named `mux_name`.
void append_live_audio(Args& args, const std::string& mux_name) {
    append(args, {"audiotestsrc", "is-live=true", "!", "audioconvert", "!",
                  "audio/x-raw,rate=48000,channels=2", "!", "avenc_aac", "bitrate=128000", "!",
                  "aacparse", "!", "queue", "!", mux_name + "."});
}

}  // namespace

std::vector<std::string> srt_sender_args(const SrtSenderOptions& options) {
    Args args = launch_prefix();
    append_live_video(args, options.encode, "mpegtsmux");
    // alignment=7: seven TS packets per write, i.e. one 1316-byte SRT payload.
    append(args, {"name=m", "alignment=7", "!", "srtsink"});
    std::string uri = "uri=srt://127.0.0.1:";
    uri += std::to_string(options.port);
    uri += "?mode=caller";
    args.push_back(uri);
    if (!options.passphrase.empty())
        append(args, {"passphrase=" + options.passphrase, "pbkeylen=16"});
    if (options.encode.with_audio)
        append_live_audio(args, "m");
    return args;
}

std::vector<std::string> srt_audio_sender_args(int port, const std::string& passphrase,
                                               double frequency) {
    Args args = launch_prefix();
    append(args, {"audiotestsrc", "is-live=true", "freq=" + std::to_string(frequency), "!",
                  "audioconvert", "!", "audio/x-raw,rate=48000,channels=2", "!", "avenc_aac",
                  "bitrate=96000", "!", "aacparse", "!", "mpegtsmux", "alignment=7", "!", "srtsink",
                  "uri=srt://127.0.0.1:" + std::to_string(port) + "?mode=caller"});
    if (!passphrase.empty())
        append(args, {"passphrase=" + passphrase, "pbkeylen=16"});
    return args;
}

std::vector<std::string> rtmp_sender_args(const std::string& url, const SenderEncode& encode) {
    Args args = launch_prefix();
    append_live_video(args, encode, "flvmux");
    append(args, {"name=m", "streamable=true", "!", "rtmp2sink", "location=" + url});
    if (encode.with_audio)
        append_live_audio(args, "m");
    return args;
}

std::vector<std::string> rtsp_server_args(int port) {
    return {STAGEHUB_RTSP_TEST_SERVER, std::to_string(port)};
}

void make_test_mp4(const std::filesystem::path& path, int seconds, int width, int height) {
    constexpr int kFramerate = 25;
    // 960 samples at 48 kHz = 20 ms, so 50 buffers are exactly one second of audio.
    constexpr int kAudioBuffersPerSecond = 50;
    // Not live and bounded by num-buffers: both sources end, mp4mux writes its index at EOS.
    Args args = {"gst-launch-1.0",
                 "-q",
                 "videotestsrc",
                 "pattern=ball",
                 "num-buffers=" + std::to_string(seconds * kFramerate),
                 "!",
                 raw_video_caps(width, height, kFramerate),
                 "!",
                 "clockoverlay",
                 "!",
                 "x264enc",
                 "speed-preset=ultrafast",
                 "key-int-max=" + std::to_string(2 * kFramerate),
                 "!",
                 "h264parse",
                 "!",
                 "queue",
                 "!",
                 "mp4mux",
                 "name=m",
                 "!",
                 "filesink",
                 "location=" + path.string(),
                 "audiotestsrc",
                 "samplesperbuffer=960",
                 "num-buffers=" + std::to_string(seconds * kAudioBuffersPerSecond),
                 "!",
                 "audioconvert",
                 "!",
                 "audio/x-raw,rate=48000,channels=2",
                 "!",
                 "avenc_aac",
                 "bitrate=128000",
                 "!",
                 "aacparse",
                 "!",
                 "queue",
                 "!",
                 "m."};

    std::filesystem::path log_file = path;
    log_file += ".log";
    {
        ChildProcess encoder(args, log_file);
        std::optional<int> status = encoder.wait_exit(std::chrono::seconds(30 + 5 * seconds));
        if (status != 0) {
            std::string message = "make_test_mp4 failed (";
            message += status ? "exit " + std::to_string(*status) : std::string("timed out");
            message += "): ";
            message += encoder.command_line();
            message += "\n";
            message += encoder.log();
            throw std::runtime_error(message);  // the destructor kills a timed-out encoder
        }
    }
    std::error_code ignored;
    std::filesystem::remove(log_file, ignored);
}

}  // namespace stagehub::testing
