#include "server/http/loop_mailbox.hpp"

#include <glib.h>

namespace stagehub::server {
namespace {

struct MailboxSource {
    GSource source;
    LoopMailbox* mailbox;
};

}  // namespace

int LoopMailbox::dispatch(GSource* source, int (*)(void*), void*) {
    g_source_set_ready_time(source, -1);
    reinterpret_cast<MailboxSource*>(source)->mailbox->run_posted();
    return G_SOURCE_CONTINUE;
}

LoopMailbox::LoopMailbox() {
    static GSourceFuncs funcs{nullptr, nullptr, &LoopMailbox::dispatch, nullptr, nullptr, nullptr};
    source_ = g_source_new(&funcs, sizeof(MailboxSource));
    reinterpret_cast<MailboxSource*>(source_)->mailbox = this;
    g_source_set_ready_time(source_, -1);
    g_source_set_name(source_, "stagehub mailbox");
    g_source_attach(source_, nullptr);
}

LoopMailbox::~LoopMailbox() {
    g_source_destroy(source_);
    g_source_unref(source_);
}

void LoopMailbox::post(std::function<void()> work) {
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        first = posted_.empty();
        posted_.push_back(std::move(work));
    }
    // Wakes the loop (GLib signals its context when a source's ready time is set from
    // another thread).
    if (first)
        g_source_set_ready_time(source_, 0);
}

void LoopMailbox::run_posted() {
    std::vector<std::function<void()>> work;
    {
        std::lock_guard lock(mutex_);
        work.swap(posted_);
    }
    for (auto& item : work)
        item();
}

}  // namespace stagehub::server
