// What a run of HLS segments holds, for the real-time check of scripts/bench-pipelines: a
// pipeline that kept up wrote every frame (fps x seconds) and started each segment with an
// IDR. Prints "segments N frames F idr_starts K audio_pes A" for the files given, summed.
#include <cstdio>
#include <exception>

#include "ts_probe.hpp"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs("usage: stagehub_ts_frames SEGMENT.ts...\n", stderr);
        return 2;
    }
    long frames = 0;
    long audio = 0;
    int idr_starts = 0;
    try {
        for (int i = 1; i < argc; ++i) {
            const auto summary = stagehub::testing::probe_ts(argv[i]);
            frames += summary.video_pes;
            audio += summary.audio_pes;
            idr_starts += summary.starts_with_idr ? 1 : 0;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "stagehub_ts_frames: %s\n", e.what());
        return 1;
    }
    std::printf("segments %d frames %ld idr_starts %d audio_pes %ld\n", argc - 1, frames,
                idr_starts, audio);
    return 0;
}
