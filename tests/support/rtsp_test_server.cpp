// stagehub_rtsp_test_server PORT: the RTSP camera the tests pull from
// (docs/BROADCAST_DESIGN.md §3). Debian ships no gst-rtsp-server test-launch binary, so
// this is its equivalent: rtsp://127.0.0.1:PORT/stage, H.264 640x360@25 (keyframe every
// 2 s) + AAC, one shared pipeline for all clients. Prints "ready" once it listens;
// SIGTERM or SIGINT ends it.
#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

constexpr const char* kLaunch =
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=25/1"
    " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=50 ! rtph264pay name=pay0 pt=96"
    " audiotestsrc is-live=true ! audio/x-raw,rate=48000,channels=2 ! avenc_aac"
    " ! rtpmp4gpay name=pay1 pt=97 )";

// Runs on the main loop (a GLib unix-signal source, not a signal handler).
gboolean quit_loop(gpointer loop) {
    g_main_loop_quit(static_cast<GMainLoop*>(loop));
    return G_SOURCE_REMOVE;
}

}  // namespace

int main(int argc, char** argv) {
    gst_init(&argc, &argv);
    if (argc != 2 || std::atoi(argv[1]) <= 0) {
        std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }

    GMainLoop* loop = g_main_loop_new(nullptr, FALSE);
    GstRTSPServer* server = gst_rtsp_server_new();
    gst_rtsp_server_set_address(server, "127.0.0.1");
    gst_rtsp_server_set_service(server, argv[1]);

    GstRTSPMediaFactory* factory = gst_rtsp_media_factory_new();
    gst_rtsp_media_factory_set_launch(factory, kLaunch);
    // One pipeline for every client, like a camera; a second client joins the running one.
    gst_rtsp_media_factory_set_shared(factory, TRUE);
    GstRTSPMountPoints* mounts = gst_rtsp_server_get_mount_points(server);
    gst_rtsp_mount_points_add_factory(mounts, "/stage", factory);  // takes factory
    // Parenthesised calls: the macro forms of g_object_unref cast old-style.
    (g_object_unref)(mounts);

    // attach() binds and listens before it returns, so "ready" is true when printed.
    int status = 0;
    if (gst_rtsp_server_attach(server, nullptr) == 0) {
        std::fprintf(stderr, "cannot listen on 127.0.0.1:%s\n", argv[1]);
        status = 1;
    } else {
        g_unix_signal_add(SIGTERM, quit_loop, loop);
        g_unix_signal_add(SIGINT, quit_loop, loop);
        std::printf("ready\n");
        std::fflush(stdout);  // stdout is a log file, fully buffered
        g_main_loop_run(loop);
    }

    (g_object_unref)(server);
    g_main_loop_unref(loop);
    return status;
}
