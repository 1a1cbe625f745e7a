// Work handed to the loop thread from other threads (the heartbeat writer's "committed").
// One GSource owned by this object: whatever is posted between two loop iterations runs
// in one dispatch, and nothing posted can outlive the object (a pending g_idle_add would
// keep a pointer to whoever posted it).
//
// Threads: post() from any thread; the work runs on the thread iterating GLib's default
// main context. Destroy only after every thread that posts has stopped.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

typedef struct _GSource GSource;

namespace stagehub::server {

class LoopMailbox {
  public:
    LoopMailbox();
    ~LoopMailbox();
    LoopMailbox(const LoopMailbox&) = delete;
    LoopMailbox& operator=(const LoopMailbox&) = delete;

    void post(std::function<void()> work);

  private:
    static int dispatch(GSource* source, int (*)(void*), void*);
    void run_posted();

    GSource* source_;
    std::mutex mutex_;
    std::vector<std::function<void()>> posted_;
};

}  // namespace stagehub::server
