// A GMainLoop for pipeline tests, on a fresh context made thread-default as the server's
// loop thread would have it.
#pragma once

#include <glib.h>

#include <chrono>
#include <functional>

#include "pipelines/gst_ptr.hpp"

namespace stagehub::pipelines {

// The test's main loop on a fresh context made thread-default, as a loop thread would have.
// The pipeline must attach its bus watch and stop timer here: anything it attached to
// another context would never run, and the waits below would time out.
class Loop {
  public:
    Loop() : context_(g_main_context_new()), loop_(g_main_loop_new(context_.get(), FALSE)) {
        g_main_context_push_thread_default(context_.get());
    }
    ~Loop() { g_main_context_pop_thread_default(context_.get()); }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Runs the loop until `done()` holds (checked after every listener report) or `timeout`
    // has passed; returns `done()`.
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
        if (done())
            return true;
        done_ = &done;
        const SourcePtr timer(g_timeout_source_new(static_cast<guint>(timeout.count())));
        g_source_set_callback(
            timer.get(),
            [](gpointer loop) -> gboolean {
                g_main_loop_quit(static_cast<GMainLoop*>(loop));
                return G_SOURCE_REMOVE;
            },
            loop_.get(), nullptr);
        g_source_attach(timer.get(), context_.get());
        g_main_loop_run(loop_.get());
        g_source_destroy(timer.get());
        done_ = nullptr;
        return done();
    }

    // Runs the loop for exactly `duration`: only for proving that something does NOT happen
    // within a window the implementation defines (the stop timeout).
    void run_for(std::chrono::milliseconds duration) {
        run_until([] { return false; }, duration);
    }

    void reported() {
        if (done_ != nullptr && (*done_)())
            g_main_loop_quit(loop_.get());
    }

  private:
    MainContextPtr context_;
    MainLoopPtr loop_;
    const std::function<bool()>* done_ = nullptr;
};

}  // namespace stagehub::pipelines
