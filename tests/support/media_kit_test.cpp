// The media test kit checked against real GStreamer, nginx and the RTSP test camera: each
// sender must reach a receiver with H.264 + AAC, and the TS reader must read real segments.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <thread>

#include "child_process.hpp"
#include "media_probe.hpp"
#include "media_senders.hpp"
#include "nginx_rtmp.hpp"
#include "ports.hpp"
#include "temp_dir.hpp"
#include "ts_probe.hpp"

namespace stagehub::testing {
namespace {

using namespace std::chrono_literals;
using Args = std::vector<std::string>;

// Small pictures: these tests run beside others on two cores.
constexpr SenderEncode kSmallEncode{
    .width = 640, .height = 360, .framerate = 25, .bitrate_kbps = 800, .gop_seconds = 1.0};

std::string describe(const TsSummary& s) {
    std::string text = "first_video_pts=";
    text += s.first_video_pts ? std::to_string(*s.first_video_pts) : std::string("none");
    text += " starts_with_idr=";
    text += s.starts_with_idr ? "yes" : "no";
    text += " video_pes=" + std::to_string(s.video_pes);
    text += " audio_pes=" + std::to_string(s.audio_pes);
    text += " video_idr_count=" + std::to_string(s.video_idr_count);
    return text;
}

std::string logs(const ChildProcess& a, const ChildProcess& b) {
    std::string text = "--- ";
    text += a.command_line();
    text += "\n";
    text += a.log();
    text += "--- ";
    text += b.command_line();
    text += "\n";
    text += b.log();
    return text;
}

// A gst-launch command line written as one string, split on spaces: test pipelines read
// as in a shell. Only for text without spaces inside an argument (temp paths have none).
Args words(const std::string& text) {
    Args args;
    std::istringstream in(text);
    for (std::string word; in >> word;)
        args.push_back(word);
    return args;
}

// After h264parse in a receiver: whole access units for mpegtsmux. rtph264depay
// negotiates alignment=nal here, and mpegtsmux then writes one PES per NAL unit, most
// without a PTS.
constexpr const char* kH264AccessUnits = "video/x-h264,stream-format=byte-stream,alignment=au";

// Reads the growing TS file a receiver writes until it holds two keyframes and some
// audio: proof that H.264 with its GOP structure and AAC both came through.
TsSummary wait_for_media(const std::filesystem::path& ts, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    TsSummary summary;
    while (std::chrono::steady_clock::now() < deadline) {
        if (std::filesystem::exists(ts)) {
            summary = probe_ts(ts);
            if (summary.video_idr_count >= 2 && summary.audio_pes > 0)
                break;
        }
        std::this_thread::sleep_for(200ms);
    }
    return summary;
}

bool wait_for_file_text(const std::filesystem::path& file, std::string_view text,
                        std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_text_file(file).find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

// The tail of a receiver: remux whatever H.264 + AAC arrives into a TS file for probe_ts.
// Unbuffered, so the file grows as data arrives.
std::string ts_file_sink(const std::filesystem::path& ts) {
    std::string text = " mpegtsmux name=m ! filesink buffer-mode=unbuffered location=";
    text += ts.string();
    return text;
}

// A socket bound to 127.0.0.1:port, or -1.
int bound_socket(int type, int port) {
    int fd = socket(AF_INET, type, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

// ---- ChildProcess and ports ----

TEST(ChildProcess, CollectsOutputAndExitCode) {
    TempDir dir;
    ChildProcess child({"sh", "-c", "echo hello; echo oops >&2; exit 3"}, dir / "child.log");
    EXPECT_EQ(child.wait_exit(5s), 3);
    EXPECT_FALSE(child.running());
    EXPECT_NE(child.log().find("hello"), std::string::npos);
    EXPECT_NE(child.log().find("oops"), std::string::npos);
}

TEST(ChildProcess, TerminatesPolitelyOrHard) {
    TempDir dir;
    ChildProcess polite({"sleep", "30"}, dir / "polite.log");
    EXPECT_TRUE(polite.running());
    EXPECT_TRUE(polite.terminate(2s));
    EXPECT_EQ(polite.exit_status(), 128 + SIGTERM);

    // Ignoring SIGTERM survives exec, so sleep itself ignores it.
    ChildProcess stubborn({"sh", "-c", "trap '' TERM; echo armed; exec sleep 30"},
                          dir / "stubborn.log");
    ASSERT_TRUE(stubborn.wait_for_log("armed", 5s));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(stubborn.terminate(300ms));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_EQ(stubborn.exit_status(), 128 + SIGKILL);
}

TEST(ChildProcess, WaitsForLogText) {
    TempDir dir;
    ChildProcess child({"sh", "-c", "sleep 0.2; echo ready; sleep 30"}, dir / "child.log");
    EXPECT_TRUE(child.wait_for_log("ready", 5s));
    EXPECT_FALSE(child.wait_for_log("never", 100ms));
}

TEST(ChildProcess, ThrowsWhenTheProgramIsMissing) {
    TempDir dir;
    EXPECT_THROW(ChildProcess({"stagehub-no-such-program"}, dir / "x.log"), std::runtime_error);
}

TEST(Ports, FreeUdpPortIsSeenOnceBound) {
    const int port = free_udp_port();
    EXPECT_FALSE(wait_for_udp_bound(port, 50ms));
    const int fd = bound_socket(SOCK_DGRAM, port);
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(wait_for_udp_bound(port, 1s));
    close(fd);
    EXPECT_GT(free_tcp_port(), 0);
}

// ---- ts_probe ----

// One 188-byte packet; a payload shorter than 184 bytes is padded in front with an
// adaptation field of stuffing, as muxers do.
std::vector<uint8_t> ts_packet(int pid, bool unit_start, const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> packet = {0x47, static_cast<uint8_t>((unit_start ? 0x40 : 0) | (pid >> 8)),
                                   static_cast<uint8_t>(pid & 0xFF), 0x10};
    if (payload.size() < 184) {
        packet[3] = 0x30;
        const size_t field = 183 - payload.size();  // bytes after the length byte
        packet.push_back(static_cast<uint8_t>(field));
        if (field > 0) {
            packet.push_back(0x00);  // no flags
            packet.insert(packet.end(), field - 1, 0xFF);
        }
    }
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

std::vector<uint8_t> pes_header(uint8_t stream_id, int64_t pts) {
    return {0x00,
            0x00,
            0x01,
            stream_id,
            0x00,
            0x00,
            0x80,
            0x80,
            0x05,
            static_cast<uint8_t>(0x21 | ((pts >> 29) & 0x0E)),
            static_cast<uint8_t>(pts >> 22),
            static_cast<uint8_t>(((pts >> 14) & 0xFE) | 1),
            static_cast<uint8_t>(pts >> 7),
            static_cast<uint8_t>(((pts << 1) & 0xFE) | 1)};
}

TEST(TsProbe, ReadsHandBuiltStream) {
    const std::vector<uint8_t> pat = {0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00,
                                      0x00, 0x01, 0xE1, 0x00, 0,    0,    0,    0};
    const std::vector<uint8_t> pmt = {0x00, 0x02, 0xB0, 0x17, 0x00, 0x01, 0xC1, 0x00, 0x00,
                                      0xE1, 0x01, 0xF0, 0x00, 0x1B, 0xE1, 0x01, 0xF0, 0x00,
                                      0x0F, 0xE1, 0x02, 0xF0, 0x00, 0,    0,    0,    0};
    constexpr int64_t kPts = 0x1'2345'6789;  // uses all 33 bits
    // Access unit delimiter and SEI in the first packet, the IDR slice in the next one.
    std::vector<uint8_t> first = pes_header(0xE0, kPts);
    first.insert(first.end(), {0x00, 0x00, 0x00, 0x01, 0x09, 0xF0, 0x00, 0x00, 0x01, 0x06});
    first.resize(184, 0x80);
    std::vector<uint8_t> second = {0x00, 0x00, 0x01, 0x65, 0x88, 0x84};
    std::vector<uint8_t> delta = pes_header(0xE0, kPts + 3600);
    delta.insert(delta.end(), {0x00, 0x00, 0x00, 0x01, 0x41, 0x9A});
    std::vector<uint8_t> audio = pes_header(0xC0, kPts);
    audio.insert(audio.end(), {0xFF, 0xF1, 0x50, 0x80});

    std::vector<uint8_t> stream;
    for (const auto& packet : {ts_packet(0x000, true, pat), ts_packet(0x100, true, pmt),
                               ts_packet(0x101, true, first), ts_packet(0x101, false, second),
                               ts_packet(0x102, true, audio), ts_packet(0x101, true, delta)})
        stream.insert(stream.end(), packet.begin(), packet.end());
    ASSERT_EQ(stream.size(), 6u * 188);

    TsSummary summary = probe_ts(stream);
    EXPECT_EQ(summary.first_video_pts, kPts);
    EXPECT_TRUE(summary.starts_with_idr);
    EXPECT_EQ(summary.video_pes, 2);
    EXPECT_EQ(summary.video_idr_count, 1);
    EXPECT_EQ(summary.audio_pes, 1);

    // Without the continuation packet the first PES has no IDR.
    std::vector<uint8_t> without(stream.begin(), stream.begin() + 3 * 188);
    EXPECT_FALSE(probe_ts(without).starts_with_idr);
    EXPECT_THROW(probe_ts(std::vector<uint8_t>(400, 0x00)), std::runtime_error);
}

// (a) Real HLS segments: 4 s at 25 fps, a keyframe every second, 2 s segments -> two
// segments of 50 frames, each opening with an IDR, the second exactly 2 s later.
TEST(TsProbe, HlsSegmentsStartWithIdrTwoSecondsApart) {
    TempDir dir;
    std::string pipeline =
        "gst-launch-1.0 -q videotestsrc pattern=ball num-buffers=100"
        " ! video/x-raw,width=640,height=360,framerate=25/1"
        " ! x264enc speed-preset=ultrafast tune=zerolatency key-int-max=25"
        " option-string=scenecut=0 ! h264parse ! queue"
        " ! hlssink2 name=h target-duration=2 max-files=0 playlist-length=0 location=";
    pipeline += (dir / "seg-%05d.ts").string();
    pipeline += " playlist-location=";
    pipeline += (dir / "index.m3u8").string();
    pipeline +=
        " audiotestsrc samplesperbuffer=960 num-buffers=200 ! audioconvert ! avenc_aac"
        " ! aacparse ! queue ! h.audio";
    ChildProcess encoder(words(pipeline), dir / "encoder.log");
    // GStreamer 1.22.0 here: about one run in three, hlssink2 (splitmuxsink) writes both
    // segments and #EXT-X-ENDLIST but never posts EOS, so gst-launch never exits. The
    // playlist's end marker is the reliable sign that the files are complete.
    ASSERT_TRUE(wait_for_file_text(dir / "index.m3u8", "#EXT-X-ENDLIST", 15s)) << encoder.log();
    encoder.terminate(1s);

    const auto segments = playlist_segments(read_text_file(dir / "index.m3u8"));
    ASSERT_EQ(segments.size(), 2u) << read_text_file(dir / "index.m3u8");
    std::vector<int64_t> first_pts;
    for (const auto& segment : segments) {
        const TsSummary s = probe_ts(dir / segment);
        first_pts.push_back(s.first_video_pts.value_or(-1));
        SCOPED_TRACE(segment + ": " + describe(s));
        EXPECT_TRUE(s.first_video_pts.has_value());
        EXPECT_TRUE(s.starts_with_idr);
        EXPECT_EQ(s.video_pes, 50);
        EXPECT_EQ(s.video_idr_count, 2);
        EXPECT_GT(s.audio_pes, 0);
    }
    EXPECT_EQ(first_pts[1] - first_pts[0], 2 * 90000);
}

// ---- senders ----

Args srt_receiver_args(int port, const std::string& passphrase, const std::filesystem::path& ts) {
    std::string pipeline = "gst-launch-1.0 -q -e srtsrc uri=srt://127.0.0.1:";
    pipeline += std::to_string(port);
    pipeline += "?mode=listener pbkeylen=16 passphrase=";
    pipeline += passphrase;
    pipeline += " ! filesink buffer-mode=unbuffered location=";
    pipeline += ts.string();
    return words(pipeline);
}

// (b) The SRT sender's TS, received unchanged by a listener with the same passphrase.
TEST(MediaSenders, SrtSenderReachesListenerWithPassphrase) {
    TempDir dir;
    const int port = free_udp_port();
    ChildProcess receiver(srt_receiver_args(port, "stagehub-secret-1", dir / "in.ts"),
                          dir / "receiver.log");
    ASSERT_TRUE(wait_for_udp_bound(port, 5s)) << receiver.log();
    ChildProcess sender(
        srt_sender_args({.port = port, .passphrase = "stagehub-secret-1", .encode = kSmallEncode}),
        dir / "sender.log");

    TsSummary summary = wait_for_media(dir / "in.ts", 10s);
    EXPECT_GE(summary.video_idr_count, 2) << describe(summary) << logs(sender, receiver);
    EXPECT_GT(summary.audio_pes, 0) << describe(summary);
    EXPECT_TRUE(summary.starts_with_idr) << describe(summary);
    // EOS at the sender closes the SRT connection cleanly; the listener then ends at once.
    EXPECT_TRUE(sender.interrupt(3s)) << sender.log();
    EXPECT_TRUE(receiver.wait_exit(3s).has_value()) << receiver.log();
}

TEST(MediaSenders, SrtSenderWithWrongPassphraseIsRefused) {
    TempDir dir;
    const int port = free_udp_port();
    ChildProcess receiver(srt_receiver_args(port, "stagehub-secret-1", dir / "in.ts"),
                          dir / "receiver.log");
    ASSERT_TRUE(wait_for_udp_bound(port, 5s)) << receiver.log();
    ChildProcess sender(
        srt_sender_args({.port = port, .passphrase = "not-the-secret", .encode = kSmallEncode}),
        dir / "sender.log");
    // The caller is rejected during the handshake and its pipeline fails (< 1 s here).
    std::optional<int> status = sender.wait_exit(10s);
    ASSERT_TRUE(status.has_value()) << sender.log();
    EXPECT_NE(*status, 0);
    EXPECT_NE(sender.log().find("Connection does not exist"), std::string::npos) << sender.log();
    EXPECT_TRUE(receiver.running());
    std::error_code missing;
    EXPECT_EQ(std::filesystem::file_size(dir / "in.ts", missing), 0u) << receiver.log();
}

TEST(MediaSenders, SrtSenderWithoutAudioSendsVideoOnly) {
    EXPECT_EQ(std::ranges::count(srt_sender_args({.port = 1}), std::string("audiotestsrc")), 1);
    SrtSenderOptions options{.port = 1};
    options.encode.with_audio = false;
    const Args args = srt_sender_args(options);
    EXPECT_EQ(std::ranges::count(args, std::string("audiotestsrc")), 0);
    EXPECT_EQ(std::ranges::count(args, std::string("key-int-max=50")), 1);
    EXPECT_EQ(std::ranges::count(args, std::string("passphrase=")), 0);
}

// (c) RTMP: the sender publishes to a private nginx, a player pulls the same stream.
TEST(MediaSenders, RtmpSenderThroughNginxReachesPlayer) {
    TempDir dir;
    NginxRtmp nginx;
    ChildProcess sender(rtmp_sender_args(nginx.url("stage1"), kSmallEncode), dir / "sender.log");
    std::string pipeline = "gst-launch-1.0 -q -e rtmp2src location=";
    pipeline += nginx.url("stage1");
    pipeline += " ! flvdemux name=d d.video ! queue ! h264parse ! ";
    pipeline += kH264AccessUnits;
    pipeline += " ! m. d.audio ! queue ! aacparse ! m.";
    pipeline += ts_file_sink(dir / "in.ts");
    ChildProcess player(words(pipeline), dir / "player.log");

    TsSummary summary = wait_for_media(dir / "in.ts", 10s);
    EXPECT_GE(summary.video_idr_count, 2)
        << describe(summary) << logs(sender, player) << nginx.log();
    EXPECT_GT(summary.audio_pes, 0) << describe(summary);
    EXPECT_TRUE(summary.starts_with_idr) << describe(summary);
}

// (d) The RTSP test camera, pulled over TCP as stagehub pulls a camera.
TEST(MediaSenders, RtspTestServerServesH264AndAac) {
    TempDir dir;
    const int port = free_tcp_port();
    ChildProcess server(rtsp_server_args(port), dir / "server.log");
    ASSERT_TRUE(server.wait_for_log("ready", 5s)) << server.log();
    std::string pipeline = "gst-launch-1.0 -q -e rtspsrc name=src latency=200 protocols=tcp";
    pipeline += " location=rtsp://127.0.0.1:";
    pipeline += std::to_string(port);
    pipeline += "/stage src. ! rtph264depay ! h264parse ! ";
    pipeline += kH264AccessUnits;
    pipeline += " ! queue ! m. src. ! rtpmp4gdepay ! aacparse ! queue ! m.";
    pipeline += ts_file_sink(dir / "in.ts");
    ChildProcess client(words(pipeline), dir / "client.log");

    // Keyframes every 2 s: two of them take up to 4 s.
    TsSummary summary = wait_for_media(dir / "in.ts", 12s);
    EXPECT_GE(summary.video_idr_count, 2) << describe(summary) << logs(server, client);
    EXPECT_GT(summary.audio_pes, 0) << describe(summary);
    // No starts_with_idr: a client joining a shared camera gets whatever frame is next.
    EXPECT_TRUE(server.terminate(3s)) << server.log();
}

// (e) A file for playlist tests, read back by the discoverer.
TEST(MediaSenders, MakeTestMp4GivesH264AndAac) {
    TempDir dir;
    make_test_mp4(dir / "talk.mp4", 2, 640, 360);
    const std::string streams = discover_streams(dir / "talk.mp4");
    EXPECT_NE(streams.find("video/x-h264"), std::string::npos) << streams;
    EXPECT_NE(streams.find("audio/mpeg"), std::string::npos) << streams;
    EXPECT_FALSE(std::filesystem::exists(dir / "talk.mp4.log"));
}

TEST(MediaSenders, MakeTestMp4ThrowsWithTheLog) {
    TempDir dir;
    try {
        make_test_mp4(dir / "no-such-dir" / "talk.mp4", 1, 64, 64);
        FAIL() << "no exception";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("gst-launch-1.0"), std::string::npos)
            << error.what();
    }
}

}  // namespace
}  // namespace stagehub::testing
