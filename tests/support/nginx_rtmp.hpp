// A private nginx with the RTMP module, the relay OBS pushes to and stagehub pulls from
// (docs/BROADCAST_DESIGN.md §3). Its own config and files in a temp prefix, never
// /etc/nginx; one process (no master, no daemon) owned by the test.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "child_process.hpp"

namespace stagehub::testing {

class NginxRtmp {
  public:
    // Writes the config, starts nginx on 127.0.0.1:port (a free one when 0) and waits up to
    // 5 s until nginx has bound the port and it accepts TCP. Throws std::runtime_error with
    // nginx's log otherwise (e.g. the port is taken: nginx gives up after ~2.5 s).
    explicit NginxRtmp(int port = 0);
    ~NginxRtmp();
    NginxRtmp(const NginxRtmp&) = delete;
    NginxRtmp& operator=(const NginxRtmp&) = delete;

    int port() const { return port_; }
    // rtmp://127.0.0.1:PORT/live/STREAM: publish and play URL alike.
    std::string url(const std::string& stream) const;
    // nginx's error log (its stderr and error_log go to one file).
    std::string log() const;
    // Stops nginx now (publishers and players see the connection drop).
    void stop();

  private:
    // Allocated by this.
    std::filesystem::path prefix_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace stagehub::testing
