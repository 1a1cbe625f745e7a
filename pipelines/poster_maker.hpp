// Poster thumbnails for replays: one JPEG frame taken from an archived segment, decoded
// and scaled by a short GStreamer pipeline. Posters are made one at a time so a burst of
// ended sessions does not start a burst of decoders beside the live encoders.
//
// Threads: every member runs on the loop thread; the job's bus watch is attached to the
// thread-default context, and `done` is called there.
#pragma once

#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>

typedef struct _GstBus GstBus;
typedef struct _GstMessage GstMessage;

namespace stagehub::pipelines {

class PosterMaker {
  public:
    // `done(key, ok)` after each job, with the key it was queued under.
    using Done = std::function<void(const std::string& key, bool ok)>;

    explicit PosterMaker(Done done, int width = 480);
    ~PosterMaker();
    PosterMaker(const PosterMaker&) = delete;
    PosterMaker& operator=(const PosterMaker&) = delete;

    // Queues a poster of the first frame of `segment` (an MPEG-TS file with H.264) written to
    // `jpeg` (replaced atomically: written beside it, then renamed). A key already queued or
    // being made is not queued again.
    void request(const std::string& key, const std::filesystem::path& segment,
                 const std::filesystem::path& jpeg);

    bool busy() const { return running_ != nullptr; }

  private:
    struct Job;
    void start_next();
    static int on_bus_message(GstBus* bus, GstMessage* message, void* data);
    void finish(bool ok);

    Done done_;
    int width_;
    std::deque<std::unique_ptr<Job>> queue_;
    std::unique_ptr<Job> running_;
    std::set<std::string> keys_;
};

}  // namespace stagehub::pipelines
