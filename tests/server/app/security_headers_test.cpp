// The security headers on the wire (server/security_headers): the real server on a loopback
// port answers every page, the embed page, the API, media files and its own errors with
// them, and sends HSTS only when it serves TLS itself. The speaker link's token lives in
// the URL fragment and out of the logs (server/speaker_link).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "child_process.hpp"
#include "net_client.hpp"
#include "pipelines/segment_archive.hpp"
#include "running_server.hpp"
#include "server/auth/speaker_link.hpp"

namespace stagehub::server {
namespace {

using namespace std::chrono_literals;
using stagehub::testing::ChildProcess;
using stagehub::testing::http_exchange;
using stagehub::testing::http_get;
using stagehub::testing::HttpReply;

constexpr std::string_view kStage = "stora-salen";  // a published stage of the demo event

// A Content-Security-Policy as directive name -> its sources, space-separated as sent.
std::map<std::string, std::string> directives(const std::string& policy) {
    std::map<std::string, std::string> result;
    std::istringstream in(policy);
    std::string directive;
    while (std::getline(in, directive, ';')) {
        const size_t start = directive.find_first_not_of(' ');
        if (start == std::string::npos)
            continue;
        directive = directive.substr(start);
        const size_t space = directive.find(' ');
        const std::string name = directive.substr(0, space);
        EXPECT_FALSE(result.contains(name)) << "directive " << name << " twice in " << policy;
        result[name] = space == std::string::npos ? "" : directive.substr(space + 1);
    }
    return result;
}

std::string header(const HttpReply& reply, const std::string& name) {
    const auto it = reply.headers.find(name);
    return it == reply.headers.end() ? std::string() : it->second;
}

// What every answer carries, whatever it is.
void expect_common(const HttpReply& reply, const std::string& what) {
    EXPECT_EQ(header(reply, "x-content-type-options"), "nosniff") << what;
    EXPECT_EQ(header(reply, "referrer-policy"), "no-referrer") << what;
    EXPECT_FALSE(reply.headers.contains("strict-transport-security")) << what << ": no TLS here";
}

// A page (or a script a worker runs): nothing inline, everything from this server.
void expect_page_policy(const HttpReply& reply, const std::string& what,
                        const std::string& frame_ancestors) {
    const std::string policy = header(reply, "content-security-policy");
    ASSERT_FALSE(policy.empty()) << what;
    EXPECT_EQ(policy.find("unsafe-"), std::string::npos) << what << ": " << policy;
    const auto csp = directives(policy);
    EXPECT_EQ(csp.at("default-src"), "'none'") << what;
    EXPECT_EQ(csp.at("script-src"), "'self'") << what;
    EXPECT_EQ(csp.at("style-src"), "'self'") << what;
    EXPECT_EQ(csp.at("img-src"), "'self'") << what;
    EXPECT_EQ(csp.at("media-src"), "'self' blob:") << what << ": hls.js plays from a MediaSource";
    EXPECT_EQ(csp.at("worker-src"), "'self'") << what;
    EXPECT_EQ(csp.at("object-src"), "'none'") << what;
    EXPECT_EQ(csp.at("base-uri"), "'none'") << what;
    EXPECT_EQ(csp.at("form-action"), "'self'") << what;
    // The test client sends "Host: 127.0.0.1": the websocket of that host, named.
    EXPECT_EQ(csp.at("connect-src"), "'self' ws://127.0.0.1 wss://127.0.0.1") << what;
    EXPECT_EQ(csp.at("frame-ancestors"), frame_ancestors) << what;
}

TEST(SecurityHeaders, EveryPageHasAPolicyWithoutInlineScriptAndRefusesFrames) {
    RunningServer server(1.0);
    for (const std::string path :
         {"/", "/index.html", "/event/tillsammans-for-fornyelse", "/watch/stora-salen", "/replays",
          "/organise", "/organise/desk", "/stats", "/speaker", "/speaker/sh_legacy",
          "/speaker.html", "/watch.mjs", "/vendor/hls.js/dist/hls.worker.js"}) {
        const HttpReply reply = http_get(server.port, path);
        ASSERT_EQ(reply.status, 200) << path;
        expect_common(reply, path);
        expect_page_policy(reply, path, "'none'");
        EXPECT_EQ(header(reply, "x-frame-options"), "DENY") << path;
    }
}

TEST(SecurityHeaders, TheEmbedPageMayBeFramedBySitesAndNothingElse) {
    {
        RunningServer server(1.0);
        const HttpReply embed = http_get(server.port, "/embed/" + std::string(kStage));
        ASSERT_EQ(embed.status, 200) << embed.body;
        EXPECT_EQ(embed.headers.at("content-type"), "text/html; charset=utf-8");
        expect_common(embed, "embed");
        expect_page_policy(embed, "embed", "*");
        EXPECT_FALSE(embed.headers.contains("x-frame-options"))
            << "it is for organisers' own sites";
        // The same file at its own name is not the embed address: not to be framed.
        const HttpReply file = http_get(server.port, "/embed.html");
        ASSERT_EQ(file.status, 200);
        expect_page_policy(file, "/embed.html", "'none'");
        EXPECT_EQ(header(file, "x-frame-options"), "DENY");
    }

    // An operator may name the sites that embed it (one server per process: the first ended).
    RunningServer listed(1.0, [](Options& o) {
        o.embed_origins = {"https://kommun.se", "https://region.no:8443"};
    });
    const HttpReply framed = http_get(listed.port, "/embed/" + std::string(kStage));
    ASSERT_EQ(framed.status, 200);
    expect_page_policy(framed, "embed", "https://kommun.se https://region.no:8443");
}

TEST(SecurityHeaders, ApiAnswersMediaAndTheServersOwnErrorsRunNothing) {
    RunningServer server(1.0);
    // A segment just closed, as the broadcast leaves it: on disk and in the archive (the
    // media gate serves /live/ segments of the live window only).
    {
        schedule::Database db(server.data_dir / "stagehub.db");
        pipelines::SegmentArchive archive(db, server.data_dir / "media" / "live");
        pipelines::ClosedSegment segment;
        segment.run_id = "1";
        segment.rendition = "720p";
        segment.index = 1;
        segment.path =
            server.data_dir / "media" / "live" / std::string(kStage) / "720p" / "seg-1-1.ts";
        std::filesystem::create_directories(segment.path.parent_path());
        std::ofstream(segment.path) << std::string(188, 'G');
        segment.started_at = std::chrono::system_clock::now();
        segment.duration_s = 1.0;
        archive.add(std::string(kStage), segment);
    }
    struct Case {
        std::string what;
        std::string raw;  // the request as sent
        int status;
    };
    const auto get = [](const std::string& target) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    };
    const std::vector<Case> cases = {
        {"an API answer", get("/api/v1/programme"), 200},
        {"an API error", get("/api/v1/nothing-here"), 404},
        {"a media file", get("/live/stora-salen/720p/seg-1-1.ts"), 200},
        {"a stylesheet", get("/style.css"), 200},
        {"a missing file", get("/nothing-here.png"), 404},
        // Answered by the HTTP core itself, never reaching the application's routes.
        {"the core's own 413",
         "POST /api/v1/heartbeats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
         "Content-Type: application/json\r\nContent-Length: 99999999\r\n\r\n",
         413},
    };
    for (const Case& c : cases) {
        const HttpReply reply = http_exchange(server.port, c.raw);
        ASSERT_EQ(reply.status, c.status) << c.what << ": " << reply.body;
        expect_common(reply, c.what);
        EXPECT_EQ(header(reply, "content-security-policy"),
                  "default-src 'none'; frame-ancestors 'none'")
            << c.what;
        EXPECT_EQ(header(reply, "x-frame-options"), "DENY") << c.what;
    }
    // An embed address of no published stage: its error may show in the organiser's frame.
    const HttpReply missing = http_get(server.port, "/embed/no-such-stage");
    ASSERT_EQ(missing.status, 404);
    EXPECT_EQ(header(missing, "content-security-policy"), "default-src 'none'; frame-ancestors *");
}

// The Host header is the client's to choose: it must not be able to write a directive.
TEST(SecurityHeaders, AHostileHostHeaderAddsNothingToThePolicy) {
    RunningServer server(1.0);
    for (const std::string host :
         {"evil.example; script-src *", "evil.example 'unsafe-inline'", "a,b", "x\"y"}) {
        const HttpReply reply = http_exchange(
            server.port, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        ASSERT_EQ(reply.status, 200) << host;
        const std::string policy = header(reply, "content-security-policy");
        EXPECT_EQ(policy.find("evil"), std::string::npos) << policy;
        EXPECT_EQ(policy.find("unsafe"), std::string::npos) << policy;
        const auto csp = directives(policy);
        EXPECT_EQ(csp.at("script-src"), "'self'") << policy;
        EXPECT_EQ(csp.at("connect-src"), "'self'")
            << "only 'self' for an unusable host: " << policy;
    }
}

// HSTS only from a server that speaks TLS itself (above: the plain one sends none).
TEST(SecurityHeaders, HstsOnlyOverTls) {
    stagehub::testing::TempDir keys;
    {
        ChildProcess openssl(
            {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout",
             (keys / "key.pem").string(), "-out", (keys / "cert.pem").string(), "-subj",
             "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
            keys / "openssl.log");
        ASSERT_EQ(openssl.wait_exit(30s), 0) << openssl.log();
    }
    RunningServer server(1.0, [&](Options& options) {
        options.tls_cert = keys / "cert.pem";
        options.tls_key = keys / "key.pem";
    });
    for (const std::string path : {"/", "/api/v1/programme", "/embed/stora-salen"}) {
        // -D -: the response headers to stdout, which goes to the log; the body nowhere.
        ChildProcess curl({"curl", "--silent", "--show-error", "--insecure", "--http1.1",
                           "--max-time", "10", "--output", "/dev/null", "--dump-header", "-",
                           "https://127.0.0.1:" + std::to_string(server.port) + path},
                          keys / "curl.log");
        ASSERT_EQ(curl.wait_exit(15s), 0) << curl.log();
        const std::string headers = curl.log();
        EXPECT_NE(headers.find(" 200"), std::string::npos) << headers;
        EXPECT_NE(headers.find("strict-transport-security: max-age=31536000\r\n"),
                  std::string::npos)
            << path << ":\n"
            << headers;
        EXPECT_NE(headers.find("referrer-policy: no-referrer"), std::string::npos) << headers;
    }
}

TEST(SpeakerLink, TheTokenGoesInTheFragmentAndNeverIntoALog) {
    EXPECT_EQ(speaker_link("sh_abc-_1"), "/speaker#t=sh_abc-_1");
    EXPECT_TRUE(is_speaker_page("/speaker"));
    EXPECT_TRUE(is_speaker_page("/speaker/sh_abc"));
    EXPECT_FALSE(is_speaker_page("/speakers"));
    EXPECT_FALSE(is_speaker_page("/speaker.html"));
    EXPECT_EQ(loggable_path("/speaker/sh_secret"), "/speaker/…");
    EXPECT_EQ(loggable_path("/speaker"), "/speaker");
    EXPECT_EQ(loggable_path("/api/v1/programme"), "/api/v1/programme");
}

}  // namespace
}  // namespace stagehub::server
