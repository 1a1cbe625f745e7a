// GET /metrics on the real server: who may read it, the text format as Prometheus' own
// checker (promtool) reads it, figures that move with traffic, stages that come and go with
// the programme; request ids on answers and errors; the shipped Grafana dashboard naming
// only metrics that exist.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "net_client.hpp"
#include "running_server.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::http_exchange;
using stagehub::testing::http_get;
using stagehub::testing::HttpReply;
using stagehub::testing::WebsocketClient;

constexpr const char* kEvent = "tillsammans-for-fornyelse";

HttpReply get_with(int port, const std::string& target, const std::string& headers) {
    return http_exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
                                   "Connection: close\r\n\r\n");
}

// A sample's value by its series as written ("name{a=\"b\"}"), or nullopt when absent.
std::optional<double> sample(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(series + " "))
            return std::stod(line.substr(series.size() + 1));
    }
    return std::nullopt;
}

std::string scrape(int port) {
    const HttpReply reply = http_get(port, "/metrics");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.body;
}

// Runs `command` through the shell; its exit status and what it printed.
std::pair<int, std::string> run(const std::string& command) {
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr)
        return {-1, "cannot run " + command};
    std::string output;
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe))
        output.append(buffer, n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

json error_of(const HttpReply& reply) {
    const json body = json::parse(reply.body);
    EXPECT_TRUE(body["error"]["code"].is_string()) << reply.body;
    EXPECT_TRUE(body["error"]["message"].is_string()) << reply.body;
    EXPECT_TRUE(body["error"]["request_id"].is_string()) << reply.body;
    return body["error"];
}

TEST(Metrics, PromtoolAcceptsTheScrapeAfterTraffic) {
    RunningServer server(1.0);
    http_get(server.port, "/api/v1/programme");
    http_get(server.port, "/api/v1/no-such-route");
    http_get(server.port, "/watch/stora-salen");
    {
        WebsocketClient socket(server.port, "/ws");
        socket.send_text(R"({"type":"subscribe","channels":["now:stora-salen"]})");
        ASSERT_TRUE(socket.receive(5s).has_value());
    }
    const HttpReply reply = http_get(server.port, "/metrics");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(reply.body.find("# TYPE stagehub_database_commit_duration_seconds histogram"),
              std::string::npos);

    const std::filesystem::path file = server.dir.path() / "scrape.txt";
    std::ofstream(file) << reply.body;
    const auto [status, output] = run("promtool check metrics < " + file.string());
    EXPECT_EQ(status, 0) << "promtool (Debian package prometheus, scripts/setup) said:\n"
                         << output << "\nof:\n"
                         << reply.body;
}

TEST(Metrics, ARequestMovesItsCounterByRouteClassAndStatus) {
    RunningServer server(1.0);
    const std::string api_ok = R"(stagehub_http_requests_total{class="api",code="200"})";
    const std::string api_404 = R"(stagehub_http_requests_total{class="api",code="404"})";
    const std::string page_ok = R"(stagehub_http_requests_total{class="page",code="200"})";
    const std::string before = scrape(server.port);
    http_get(server.port, "/api/v1/programme");
    http_get(server.port, "/api/v1/programme");
    http_get(server.port, "/api/v1/events/no-such-event");
    http_get(server.port, "/organise");
    const std::string after = scrape(server.port);
    EXPECT_EQ(sample(after, api_ok).value_or(0) - sample(before, api_ok).value_or(0), 2) << after;
    EXPECT_EQ(sample(after, api_404).value_or(0) - sample(before, api_404).value_or(0), 1);
    EXPECT_EQ(sample(after, page_ok).value_or(0) - sample(before, page_ok).value_or(0), 1);
    // The scrape before counted itself once its answer went out.
    EXPECT_GE(sample(after, R"(stagehub_http_requests_total{class="metrics",code="200"})"), 1);
    // Route classes, never raw paths: no series names an event.
    EXPECT_EQ(after.find("no-such-event"), std::string::npos);
}

TEST(Metrics, AHeartbeatMovesWrittenAndARejectedOneItsReason) {
    RunningServer server(1.0);
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const json beat = {{"viewer", "viewer-metrics-1"},
                       {"stage", "stora-salen"},
                       {"position", 1.0},
                       {"played", 15},
                       {"sent_at", now_ms}};
    ASSERT_EQ(server.call("POST", "/api/v1/heartbeats", "", beat).status, 200);
    EXPECT_EQ(server.call("POST", "/api/v1/heartbeats", "", json{{"viewer", 1}}).status, 400);
    const std::string text = scrape(server.port);
    EXPECT_EQ(sample(text, "stagehub_heartbeats_written_total"), 1) << text;
    EXPECT_EQ(sample(text, R"(stagehub_heartbeats_rejected_total{reason="invalid"})"), 1);
    EXPECT_EQ(sample(text, "stagehub_heartbeats_queued"), 0);
    EXPECT_GE(sample(text, "stagehub_database_commit_duration_seconds_count").value_or(0), 1);
}

TEST(Metrics, AStageAppearsWithTheProgrammeAndVanishesWithIt) {
    RunningServer server(1.0);
    const std::string organiser = server.token(Role::organiser, "Olle", kEvent);
    const std::string series = R"(stagehub_stage_archive_bytes{stage="lilla-salen"})";
    EXPECT_EQ(sample(scrape(server.port), R"(stagehub_stage_on_air{stage="stora-salen"})"), 0);
    EXPECT_FALSE(sample(scrape(server.port), series));
    const double commits =
        sample(scrape(server.port), "stagehub_database_commit_duration_seconds_count").value_or(0);

    const auto added = server.call("POST", std::string("/api/v1/events/") + kEvent + "/stages",
                                   organiser, {{"id", "lilla-salen"}, {"name", "Lilla salen"}});
    ASSERT_EQ(added.status, 200) << added.body;
    const std::string with = scrape(server.port);
    EXPECT_EQ(sample(with, series), 0) << with;
    EXPECT_EQ(sample(with, R"(stagehub_stage_on_air{stage="lilla-salen"})"), 0);
    EXPECT_GT(sample(with, "stagehub_database_commit_duration_seconds_count").value_or(0), commits)
        << "the edit's commit is timed";

    const auto removed = server.call(
        "DELETE", std::string("/api/v1/events/") + kEvent + "/stages/lilla-salen", organiser);
    ASSERT_EQ(removed.status, 200) << removed.body;
    const std::string without = scrape(server.port);
    EXPECT_FALSE(sample(without, series)) << without;
    EXPECT_EQ(without.find("lilla-salen"), std::string::npos);
}

TEST(Metrics, WebsocketsAreCountedOpenAndTheirMessages) {
    RunningServer server(1.0);
    const double sent_before =
        sample(scrape(server.port), "stagehub_websocket_messages_sent_total").value_or(0);
    WebsocketClient socket(server.port, "/ws");
    socket.send_text(R"({"type":"subscribe","channels":["now:stora-salen"]})");
    ASSERT_TRUE(socket.receive(5s).has_value());  // subscribed
    ASSERT_TRUE(socket.receive(5s).has_value());  // the channel's current state
    const std::string text = scrape(server.port);
    EXPECT_EQ(sample(text, "stagehub_websocket_connections"), 1) << text;
    EXPECT_GE(sample(text, "stagehub_websocket_messages_sent_total").value_or(0), sent_before + 2);
    EXPECT_EQ(sample(text, "stagehub_websocket_messages_received_total"), 1);
    EXPECT_EQ(sample(text, "stagehub_websocket_fell_behind_total"), 0);
    EXPECT_EQ(sample(text, "stagehub_websocket_closed_stuck_total"), 0);
}

TEST(Metrics, AProxiedRequestIsNotLocalAndWithoutATokenForbidden) {
    RunningServer server(1.0);
    const HttpReply reply = get_with(server.port, "/metrics", "X-Forwarded-For: 203.0.113.7\r\n");
    EXPECT_EQ(reply.status, 403) << reply.body;
    EXPECT_EQ(error_of(reply)["code"], "forbidden");
    EXPECT_EQ(reply.body.find("stagehub_"), std::string::npos);
}

TEST(Metrics, WithATokenFileOthersShowTheToken) {
    stagehub::testing::TempDir secrets;
    const std::string token = "0123456789abcdef0123456789abcdef";
    std::ofstream(secrets.path() / "token") << token << "\n";
    RunningServer server(1.0, [&](Options& o) { o.metrics_token_file = secrets.path() / "token"; });
    const std::string proxied = "X-Forwarded-For: 203.0.113.7\r\n";

    const HttpReply none = get_with(server.port, "/metrics", proxied);
    EXPECT_EQ(none.status, 401) << none.body;
    EXPECT_EQ(error_of(none)["code"], "unauthorized");
    EXPECT_EQ(none.headers.at("www-authenticate"), "Bearer realm=\"stagehub\"");
    const HttpReply wrong =
        get_with(server.port, "/metrics", proxied + "Authorization: Bearer " + token + "0\r\n");
    EXPECT_EQ(wrong.status, 401);
    const HttpReply right =
        get_with(server.port, "/metrics", proxied + "Authorization: Bearer " + token + "\r\n");
    EXPECT_EQ(right.status, 200);
    EXPECT_NE(right.body.find("stagehub_http_requests_total"), std::string::npos);
    // A local scraper needs none.
    EXPECT_EQ(http_get(server.port, "/metrics").status, 200);
}

TEST(Metrics, AShortTokenFileIsRefusedAtStartNamingTheFix) {
    stagehub::testing::TempDir dir;
    std::ofstream(dir.path() / "token") << "short\n";
    Options options;
    options.data_dir = dir.path() / "data";
    options.web_dir = STAGEHUB_WEB_DIR;
    options.broadcast = false;
    options.metrics_token_file = dir.path() / "token";
    try {
        Application app(options);
        FAIL() << "a five-character token was taken";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("openssl rand"), std::string::npos) << e.what();
    }
}

TEST(RequestIds, EveryAnswerCarriesOneAndAnErrorNamesIt) {
    RunningServer server(1.0);
    const HttpReply page = http_get(server.port, "/");
    ASSERT_TRUE(page.headers.contains("x-request-id"));
    EXPECT_TRUE(std::regex_match(page.headers.at("x-request-id"), std::regex("[0-9a-f]{16}")));
    EXPECT_NE(http_get(server.port, "/").headers.at("x-request-id"),
              page.headers.at("x-request-id"));

    const HttpReply missing = http_get(server.port, "/api/v1/events/no-such-event");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(error_of(missing)["request_id"], missing.headers.at("x-request-id"));

    // A client's (or a proxy's) own id is kept when short and safe, replaced when not.
    const HttpReply kept = get_with(server.port, "/api/v1/events/no-such-event",
                                    "X-Request-Id: 3f9c2b1e-7a4d-4c55-9e0b-1d2c3b4a5f6e\r\n");
    EXPECT_EQ(error_of(kept)["request_id"], "3f9c2b1e-7a4d-4c55-9e0b-1d2c3b4a5f6e");
    const HttpReply replaced =
        get_with(server.port, "/api/v1/programme", "X-Request-Id: <script>alert(1)</script>\r\n");
    EXPECT_TRUE(std::regex_match(replaced.headers.at("x-request-id"), std::regex("[0-9a-f]{16}")));
    // The core's own refusals too.
    const HttpReply too_long =
        http_get(server.port, "/api/v1/programme?x=" + std::string(9000, 'a'));
    EXPECT_EQ(too_long.status, 414);
    EXPECT_EQ(error_of(too_long)["request_id"], too_long.headers.at("x-request-id"));
}

// scripts/deploy/grafana-stagehub.json: valid JSON whose every PromQL query names only
// metrics the server writes.
TEST(Metrics, TheGrafanaDashboardNamesOnlyMetricsThatExist) {
    std::ifstream file(STAGEHUB_DOCS_DIR "/../scripts/deploy/grafana-stagehub.json");
    ASSERT_TRUE(file) << "the dashboard is missing";
    const json dashboard = json::parse(file);  // throws (fails) on invalid JSON
    RunningServer server(1.0);
    const std::string text = scrape(server.port);
    std::set<std::string> families;
    for (const std::string& name : server.app->metric_names())
        families.insert(name);
    std::set<std::string> used;
    const std::regex metric_name("stagehub_[a-z0-9_]+");
    size_t queries = 0;
    for (const json& panel : dashboard.at("panels")) {
        for (const json& target : panel.value("targets", json::array())) {
            const std::string expr = target.at("expr");
            ++queries;
            for (auto it = std::sregex_iterator(expr.begin(), expr.end(), metric_name);
                 it != std::sregex_iterator(); ++it) {
                std::string name = it->str();
                for (const char* suffix : {"_bucket", "_sum", "_count"}) {
                    if (!families.contains(name) && name.ends_with(suffix))
                        name.resize(name.size() - std::string(suffix).size());
                }
                EXPECT_TRUE(families.contains(name))
                    << panel.value("title", "") << ": " << it->str() << " is not a metric";
                used.insert(name);
            }
        }
    }
    EXPECT_GE(queries, 10u);
    EXPECT_GE(used.size(), 15u) << "the dashboard shows most of what there is";
}

}  // namespace
}  // namespace stagehub::server
