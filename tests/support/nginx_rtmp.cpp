#include "nginx_rtmp.hpp"

#include <stdlib.h>

#include <fstream>
#include <stdexcept>

#include "ports.hpp"

namespace stagehub::testing {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(5);
constexpr const char* kReadyLine = "getrlimit(RLIMIT_NOFILE)";

// No http{} block, so nginx needs none of its temp paths (/var/lib/nginx/...), and a
// single process without master never switches user, so this runs as root or not.
// pid and error_log live in the prefix, so nothing outside it is written.
std::string config(const std::filesystem::path& prefix, int port) {
    std::string text = "load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;\n";
    text += "daemon off;\nmaster_process off;\n";
    text += "pid ";
    text += (prefix / "nginx.pid").string();
    text += ";\nerror_log ";
    text += (prefix / "nginx.log").string();
    text += " info;\n";
    text += "events { worker_connections 256; }\n";
    text += "rtmp {\n  server {\n    listen 127.0.0.1:";
    text += std::to_string(port);
    text += ";\n    chunk_size 4096;\n";
    text += "    application live {\n";
    text += "      live on;\n      record off;\n";
    text += "      allow publish 127.0.0.1;\n      deny publish all;\n";
    text += "      allow play 127.0.0.1;\n      deny play all;\n";
    text += "      drop_idle_publisher 5s;\n";
    text += "    }\n  }\n}\n";
    return text;
}

}  // namespace

NginxRtmp::NginxRtmp(int port) : port_(port == 0 ? free_tcp_port() : port) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "stagehub-nginx-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    prefix_ = pattern;
    std::filesystem::path conf = prefix_ / "nginx.conf";
    std::ofstream(conf) << config(prefix_, port_);

    // One log file for all: nginx's stderr (ChildProcess), its startup log (-e) and error_log
    // from the config; every writer opens it O_APPEND.
    const std::filesystem::path log_file = prefix_ / "nginx.log";
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"nginx", "-p", prefix_.string(), "-e", log_file.string(), "-c",
                                 conf.string()},
        log_file);
    // nginx logs its getrlimit line right after it has bound every listening socket
    // (ngx_init_cycle, then ngx_os_status). Connecting alone is not proof: another process
    // may hold the port while nginx retries bind() for 2.5 s and then exits.
    const bool listening = process_->wait_for_log(kReadyLine, kStartTimeout) &&
                           wait_for_tcp_listen(port_, std::chrono::seconds(1));
    if (!listening) {
        std::string message = "nginx did not listen on 127.0.0.1:";
        message += std::to_string(port_);
        message += "\n";
        message += log();
        stop();
        std::error_code ignored;  // no destructor runs for a constructor that throws
        std::filesystem::remove_all(prefix_, ignored);
        throw std::runtime_error(message);
    }
}

NginxRtmp::~NginxRtmp() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(prefix_, ignored);
}

std::string NginxRtmp::url(const std::string& stream) const {
    std::string text = "rtmp://127.0.0.1:";
    text += std::to_string(port_);
    text += "/live/";
    text += stream;
    return text;
}

std::string NginxRtmp::log() const {
    return process_ ? process_->log() : std::string();
}

void NginxRtmp::stop() {
    // SIGTERM is nginx's fast shutdown; it exits within milliseconds.
    if (process_)
        process_->terminate(std::chrono::seconds(2));
}

}  // namespace stagehub::testing
