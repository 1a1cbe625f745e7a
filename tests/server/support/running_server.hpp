// The real server (Application: libwebsockets on the GLib loop, a real SQLite file) on an
// ephemeral loopback port, run on its own thread for a test and shut down at its end.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

#include "net_client.hpp"
#include "schedule/programme_file.hpp"
#include "server/app/application.hpp"
#include "server/auth/token_store.hpp"
#include "temp_dir.hpp"

namespace stagehub::server {

// Runs an Application on its own thread (which owns the GLib default context while it
// runs) and shuts it down, checking the exit code, when the test ends.
class RunningServer {
  public:
    // `adjust` changes the options before start (e.g. a short websocket timeout).
    explicit RunningServer(double demo_speed,
                           const std::function<void(Options&)>& adjust = nullptr) {
        using namespace std::chrono_literals;
        Options options;
        options.data_dir = dir.path();
        options.port = 0;
        options.web_dir = STAGEHUB_WEB_DIR;
        options.programme_file = STAGEHUB_PROGRAMMES "/tillsammans-for-fornyelse.json";
        options.demo_speed = demo_speed;
        options.broadcast = false;
        if (adjust)
            adjust(options);
        data_dir = options.data_dir;
        // One server per process, as in production (Application::run): a test that needs
        // two ends the first before it starts the second.
        if (running_.fetch_add(1) != 0) {
            running_.fetch_sub(1);
            throw std::logic_error("a RunningServer already runs in this process; end it first");
        }
        // A constructor that throws runs no destructor: undo the count (and end the loop)
        // here, or every later test in the process would be refused.
        std::promise<int> ready;  // outlives the thread's use of it, in the catch too
        auto port_future = ready.get_future();
        try {
            app = std::make_unique<Application>(options);
            thread = std::thread(
                [this, &ready] { exit_code = app->run([&ready](int p) { ready.set_value(p); }); });
            if (port_future.wait_for(10s) != std::future_status::ready)
                throw std::runtime_error("server did not start within 10 s");
            port = port_future.get();
        } catch (...) {
            if (thread.joinable()) {
                app->request_shutdown();
                thread.join();
            }
            running_.fetch_sub(1);
            throw;
        }
    }
    ~RunningServer() {
        app->request_shutdown();
        thread.join();
        running_.fetch_sub(1);
        EXPECT_EQ(exit_code, 0);
    }

    // An account made the way `stagehub admin` makes one: in the server's database file.
    std::string token(Role role, const std::string& name, const std::string& event,
                      const std::string& person = "") {
        schedule::Database db(data_dir / "stagehub.db");
        TokenStore tokens(db);
        auto issued = tokens.create_account(name, role, person, {event}, "test");
        EXPECT_TRUE(issued.ok()) << issued.error().message;
        return issued.ok() ? issued->token : std::string();
    }

    // A programme file imported through the API by a new organiser of `event` (its id in
    // the file), as a second organiser would bring their own event; that organiser's token.
    std::string import_event(const std::string& file, const std::string& event) {
        const std::string organiser = token(Role::organiser, "Importör", event);
        const auto programme = schedule::read_programme_file(file);
        EXPECT_TRUE(programme.ok()) << file;
        if (!programme.ok())
            return organiser;
        const auto imported = stagehub::testing::http_request(
            port, "POST", "/api/v1/events/import", schedule::programme_file_json(*programme).dump(),
            "application/json", organiser);
        EXPECT_EQ(imported.status, 200) << imported.body;
        return organiser;
    }

    // One HTTP request, with a bearer token and a JSON body when given.
    stagehub::testing::HttpReply call(const std::string& method, const std::string& target,
                                      const std::string& bearer = "",
                                      const nlohmann::json& body = nullptr) const {
        return stagehub::testing::http_request(port, method, target,
                                               body.is_null() ? "" : body.dump(),
                                               body.is_null() ? "" : "application/json", bearer);
    }

    stagehub::testing::TempDir dir;
    std::filesystem::path data_dir;  // dir, unless the test chose another (a restart)
    std::unique_ptr<Application> app;
    std::thread thread;
    int port = 0;
    int exit_code = -1;

  private:
    inline static std::atomic<int> running_{0};
};

}  // namespace stagehub::server
