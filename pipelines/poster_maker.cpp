#include "pipelines/poster_maker.hpp"

#include <gst/gst.h>

#include <system_error>

#include "pipelines/gst_ptr.hpp"

namespace stagehub::pipelines {

struct PosterMaker::Job {
    std::string key;
    std::filesystem::path segment;
    std::filesystem::path jpeg;
    std::filesystem::path partial;  // written here first, renamed when complete
    ElementPtr pipeline;

    ~Job() {
        if (!pipeline)
            return;
        const BusPtr bus(gst_element_get_bus(pipeline.get()));
        gst_bus_remove_watch(bus.get());
        gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    }
};

PosterMaker::PosterMaker(Done done, int width) : done_(std::move(done)), width_(width) {}

PosterMaker::~PosterMaker() = default;

void PosterMaker::request(const std::string& key, const std::filesystem::path& segment,
                          const std::filesystem::path& jpeg) {
    if (!keys_.insert(key).second)
        return;
    auto job = std::make_unique<Job>();
    job->key = key;
    job->segment = segment;
    job->jpeg = jpeg;
    job->partial = jpeg.string() + ".partial";
    queue_.push_back(std::move(job));
    if (!running_)
        start_next();
}

void PosterMaker::start_next() {
    while (!running_ && !queue_.empty()) {
        running_ = std::move(queue_.front());
        queue_.pop_front();
        Job& job = *running_;
        std::error_code ec;
        std::filesystem::create_directories(job.jpeg.parent_path(), ec);
        // A fixed graph: parse_launch links tsdemux's dynamic pad itself. Paths are set as
        // properties afterwards, never spliced into the description.
        const std::string description =
            "filesrc name=in ! tsdemux ! h264parse ! avdec_h264 ! videoconvert ! videoscale ! "
            "video/x-raw,width=" +
            std::to_string(width_) +
            ",pixel-aspect-ratio=1/1 ! jpegenc snapshot=true quality=85 ! filesink name=out";
        GError* raw_error = nullptr;
        GstElement* parsed = gst_parse_launch(description.c_str(), &raw_error);
        const GErrorPtr error(raw_error);
        if (parsed == nullptr || error) {
            if (parsed != nullptr)
                gst_object_unref(parsed);
            g_warning("poster %s: cannot build the pipeline: %s", job.key.c_str(),
                      error ? error->message : "unknown error");
            finish(false);
            continue;
        }
        job.pipeline.reset(static_cast<GstElement*>(gst_object_ref_sink(parsed)));
        const ElementPtr in(gst_bin_get_by_name(as_bin(job.pipeline.get()), "in"));
        const ElementPtr out(gst_bin_get_by_name(as_bin(job.pipeline.get()), "out"));
        g_object_set(as_gobject(in.get()), "location", job.segment.c_str(), nullptr);
        g_object_set(as_gobject(out.get()), "location", job.partial.c_str(), nullptr);

        // On the thread-default context, like the stages' bus watches.
        const BusPtr bus(gst_element_get_bus(job.pipeline.get()));
        gst_bus_add_watch(bus.get(), &PosterMaker::on_bus_message, this);
        if (gst_element_set_state(job.pipeline.get(), GST_STATE_PLAYING) ==
            GST_STATE_CHANGE_FAILURE) {
            g_warning("poster %s: the pipeline would not start", job.key.c_str());
            finish(false);
        }
    }
}

int PosterMaker::on_bus_message(GstBus*, GstMessage* message, void* data) {
    auto* self = static_cast<PosterMaker*>(data);
    if (message->type == GST_MESSAGE_EOS) {
        self->finish(true);
        self->start_next();
    } else if (message->type == GST_MESSAGE_ERROR) {
        GError* raw = nullptr;
        gst_message_parse_error(message, &raw, nullptr);
        const GErrorPtr failure(raw);
        g_warning("poster %s: %s", self->running_->key.c_str(),
                  failure ? failure->message : "error");
        self->finish(false);
        self->start_next();
    }
    // The job (and with it this watch) may be gone: removing an already removed watch is
    // what G_SOURCE_REMOVE would do anyway, and keeping it is harmless otherwise.
    return G_SOURCE_CONTINUE;
}

// Ends the running job: keeps the JPEG if it is whole, reports, and frees the key. The
// job's destructor removes its bus watch, also from inside that watch's own callback.
void PosterMaker::finish(bool ok) {
    std::unique_ptr<Job> job = std::move(running_);
    std::error_code ec;
    const bool written = ok && std::filesystem::file_size(job->partial, ec) > 0 && !ec;
    if (written) {
        std::filesystem::rename(job->partial, job->jpeg, ec);
    } else {
        std::filesystem::remove(job->partial, ec);
    }
    keys_.erase(job->key);
    const std::string key = job->key;
    job.reset();
    done_(key, written && !ec);
}

}  // namespace stagehub::pipelines
