// The sweep: secrets (an SRT passphrase, RTSP credentials, an RTMP stream key, tokens) and
// unpublished events, sessions and people are planted with marker strings, then every REST
// route the router knows (read from the route table, so a new route is swept without
// anyone listing it), every export format, the pages and media URLs and every websocket
// channel are crawled as the public and as another event's organiser; no answer may carry
// a marker. The server's log lines are checked for the planted secrets too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/visibility.hpp"
#include "server/app/log_writer.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::HttpReply;
using stagehub::testing::WebsocketClient;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kHiddenEvent = "zzhiddenevent";

// An unpublished event of another organiser, with a secret source of its own.
json hidden_programme() {
    return {{"format", "stagehub-programme/1"},
            {"event",
             {{"id", kHiddenEvent},
              {"title", "ZZHIDDENEVENTTITLE"},
              {"time_zone", "Europe/Stockholm"},
              {"published", false}}},
            {"stages",
             {{{"id", "zzhiddenstage"},
               {"name", "ZZHIDDENSTAGENAME"},
               {"source", {{"kind", "rtsp"}, {"url", "rtsp://b:ZZBRTSPPASS@192.0.2.2/x"}}}}}},
            {"people", {{{"id", "zzhiddenevtperson"}, {"name", "ZZHIDDENEVTPERSONNAME"}}}},
            {"sessions",
             {{{"id", "zzhiddensession"},
               {"stage", "zzhiddenstage"},
               {"kind", "talk"},
               {"title", "ZZHIDDENEVTSESSIONTITLE"},
               {"start", "2031-05-12T09:00:00+02:00"},
               {"duration_minutes", 20},
               {"people", {{{"person", "zzhiddenevtperson"}}}}}}}};
}

// Every occurrence of `what` erased: a request's own words echoed back are no leak.
std::string without(std::string text, const std::vector<std::string>& words) {
    for (const std::string& word : words) {
        if (word.empty())
            continue;
        for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at))
            text.erase(at, word.size());
    }
    return text;
}

std::string whole_reply(const HttpReply& reply) {
    std::string text = std::to_string(reply.status) + "\n";
    for (const auto& [name, value] : reply.headers)
        text.append(name).append(": ").append(value).append("\n");
    return text + reply.body;
}

// Stderr into a file for the test's length (the log writer writes there).
class CapturedStderr {
  public:
    explicit CapturedStderr(std::filesystem::path file) : file_(std::move(file)) {
        std::fflush(stderr);
        saved_ = dup(STDERR_FILENO);
        FILE* out = std::fopen(file_.c_str(), "w");
        dup2(fileno(out), STDERR_FILENO);
        std::fclose(out);
    }
    ~CapturedStderr() { restore(); }
    std::string text() {
        restore();
        std::ifstream in(file_);
        std::stringstream all;
        all << in.rdbuf();
        return all.str();
    }

  private:
    void restore() {
        if (saved_ < 0)
            return;
        std::fflush(stderr);
        dup2(saved_, STDERR_FILENO);
        close(saved_);
        saved_ = -1;
    }
    std::filesystem::path file_;
    int saved_ = -1;
};

struct Reader {
    std::string name;
    std::string token;
    std::vector<std::string> forbidden;  // markers this reader must never see
};

class VisibilitySweep : public ::testing::Test {
  protected:
    stagehub::testing::TempDir logs;
    CapturedStderr captured{logs.path() / "stderr.log"};
    RunningServer server{1.0};

    HttpReply call(const std::string& method, const std::string& target,
                   const std::string& bearer = "", const json& body = nullptr) {
        return server.call(method, target, bearer, body);
    }
};

TEST_F(VisibilitySweep, NoRouteFormatPageOrChannelShowsAnotherReaderWhatIsNotTheirs) {
    install_log_writer();
    const std::string organiser_a = server.token(Role::organiser, "Anna ZZORGNAME", kEvent);
    const std::string staff_a = server.token(Role::staff, "ZZSTAFFNAME", kEvent);
    const std::string events = std::string("/api/v1/events/") + kEvent;

    // A's event: secrets on three stages, a session unpublished with a person only in it.
    ASSERT_EQ(call("PATCH", events + "/stages/stora-salen", organiser_a,
                   {{"source",
                     {{"kind", "srt"},
                      {"url", "srt://:9710"},
                      {"passphrase", "ZZPASSPHRASE-0123456789"}}}})
                  .status,
              200);
    for (const auto& [id, source] :
         {std::pair{"kamera",
                    json{{"kind", "rtsp"}, {"url", "rtsp://cam:ZZRTSPPASS@192.0.2.1:554/stream"}}},
          std::pair{"strom", json{{"kind", "rtmp"},
                                  {"url", "rtmp://192.0.2.1/live/ZZRTMPKEY?token=ZZURLTOKEN"}}}}) {
        const HttpReply added = call("POST", events + "/stages", organiser_a,
                                     {{"id", id}, {"name", id}, {"source", source}});
        ASSERT_EQ(added.status, 200) << added.body;
    }
    ASSERT_EQ(call("POST", events + "/people", organiser_a,
                   {{"id", "zzhiddenperson"}, {"name", "ZZHIDDENPERSONNAME"}})
                  .status,
              200);
    const json sessions = json::parse(call("GET", events).body)["event"]["sessions"];
    const std::string hidden_session = sessions.back()["id"];
    const HttpReply unpublished = call("PATCH", events + "/sessions/" + hidden_session, organiser_a,
                                       {{"published", false},
                                        {"title", "ZZHIDDENSESSIONTITLE"},
                                        {"people", {{{"person", "zzhiddenperson"}}}}});
    ASSERT_EQ(unpublished.status, 200) << unpublished.body;
    const std::string speaker_a =
        server.token(Role::speaker, "ZZSPEAKERNAME", kEvent, "zzhiddenperson");
    // An organiser's slate names them (to the organisers, never to the public).
    ASSERT_EQ(
        call("PUT", "/api/v1/stages/stora-salen/slate", organiser_a, {{"text", "Paus"}}).status,
        200);

    // B's event: unpublished, imported by B (who then organises it).
    const std::string organiser_b = server.token(Role::organiser, "ZZORGB", "nothing-yet");
    const HttpReply imported =
        stagehub::testing::http_request(server.port, "POST", "/api/v1/events/import",
                                        hidden_programme().dump(), "application/json", organiser_b);
    ASSERT_EQ(imported.status, 200) << imported.body;

    const std::vector<std::string> secrets_a = {"ZZPASSPHRASE", "ZZRTSPPASS", "ZZRTMPKEY",
                                                "ZZURLTOKEN",   "192.0.2.1",  ":9710"};
    std::vector<std::string> a_only = secrets_a;
    for (const std::string& s :
         {std::string("ZZHIDDENSESSIONTITLE"), std::string("ZZHIDDENPERSONNAME"),
          std::string("zzhiddenperson"), std::string("ZZORGNAME"), std::string("ZZSTAFFNAME"),
          std::string("ZZSPEAKERNAME"), organiser_a, staff_a, speaker_a}) {
        a_only.push_back(s);
    }
    const std::vector<std::string> b_only = {kHiddenEvent,
                                             "ZZHIDDENEVENTTITLE",
                                             "zzhiddenstage",
                                             "ZZHIDDENSTAGENAME",
                                             "ZZBRTSPPASS",
                                             "zzhiddenevtperson",
                                             "ZZHIDDENEVTPERSONNAME",
                                             "zzhiddensession",
                                             "ZZHIDDENEVTSESSIONTITLE",
                                             "ZZORGB",
                                             organiser_b};
    std::vector<std::string> everything = a_only;
    everything.insert(everything.end(), b_only.begin(), b_only.end());
    const std::vector<Reader> readers = {
        {"the public", "", everything},
        // Staff see their event's statistics, unpublished sessions' included, but never a
        // source, a token or another event.
        {"A's staff", staff_a,
         [&] {
             auto f = b_only;
             f.insert(f.end(), secrets_a.begin(), secrets_a.end());
             f.insert(f.end(), {organiser_a, speaker_a});
             return f;
         }()},
        {"B, organiser of another event", organiser_b, a_only},
        {"A, organiser of another event", organiser_a, b_only},
    };

    // Values for each path parameter: visible ones, hidden ones, and one that never existed.
    const std::map<std::string, std::vector<std::string>> values = {
        {"event", {kEvent, kHiddenEvent, "zznosuchevent"}},
        {"session", {"valkommen", hidden_session, "zzhiddensession", "zznosuchsession"}},
        {"stage", {"stora-salen", "kamera", "strom", "zzhiddenstage", "zznosuchstage"}},
        {"rendition", {"source"}},
    };
    size_t requests = 0;
    std::set<std::string> swept;
    const auto sweep = [&](const Reader& reader, const std::string& method,
                           const std::string& target, const std::vector<std::string>& echoed) {
        const HttpReply reply = call(method, target, reader.token);
        ++requests;
        const std::string seen = without(whole_reply(reply), echoed);
        for (const std::string& marker : reader.forbidden) {
            EXPECT_EQ(seen.find(marker), std::string::npos)
                << reader.name << " sees '" << marker << "' in " << method << " " << target << ":\n"
                << reply.body.substr(0, 2000);
        }
        return reply;
    };

    const auto routes = server.app->router().routes();
    ASSERT_GT(routes.size(), 40u) << "the route table is read whole";
    for (const auto& [method, pattern] : routes) {
        // Expand every {param} with every value.
        std::vector<std::pair<std::string, std::vector<std::string>>> targets = {{pattern, {}}};
        for (size_t open = pattern.find('{'); open != std::string::npos;
             open = pattern.find('{', open + 1)) {
            const std::string name = pattern.substr(open + 1, pattern.find('}', open) - open - 1);
            const auto it = values.find(name);
            const std::vector<std::string> choices =
                it == values.end() ? std::vector<std::string>{"zzother"} : it->second;
            std::vector<std::pair<std::string, std::vector<std::string>>> next;
            for (const auto& [target, used] : targets) {
                for (const std::string& value : choices) {
                    std::string expanded = target;
                    expanded.replace(expanded.find("{" + name + "}"), name.size() + 2, value);
                    auto words = used;
                    words.push_back(value);
                    next.emplace_back(expanded, words);
                }
            }
            targets = std::move(next);
        }
        for (const auto& [target, echoed] : targets) {
            if (method == HttpMethod::get) {
                for (const Reader& reader : readers) {
                    for (const std::string& query :
                         {std::string(), std::string("?since=0"),
                          "?event=" + std::string(kHiddenEvent), std::string("?day=2031-05-12")}) {
                        auto words = echoed;
                        words.push_back(query.substr(query.find('=') + 1));
                        sweep(reader, "GET", target + query, words);
                    }
                }
            } else {
                // Writes as the public: refused, and the refusal names nothing.
                const HttpReply reply =
                    sweep(readers[0], std::string(to_string(method)), target, echoed);
                EXPECT_GE(reply.status, 400) << to_string(method) << " " << target;
            }
            swept.insert(std::string(to_string(method)) + " " + pattern);
        }
    }

    // Pages and media: the addresses a browser would open.
    for (const std::string& page : std::vector<std::string>{
             "/", "/index.html", "/replays", "/organise", "/stats", "/speaker/zzother",
             "/event/" + std::string(kEvent), "/event/zzhiddenevent", "/watch/stora-salen",
             std::string("/watch/zzhiddenstage"), std::string("/embed/zzhiddenstage"),
             std::string("/embed/stora-salen"), std::string("/live/zzhiddenstage/index.m3u8"),
             std::string("/live/stora-salen/index.m3u8"),
             std::string("/posters/zzhiddensession.jpg"), "/posters/" + hidden_session + ".jpg"}) {
        for (const Reader& reader : readers)
            sweep(reader, "GET", page, {page.substr(page.find('/', 1) + 1)});
    }

    // Health: nothing but on or off air, of published stages.
    const json health = json::parse(call("GET", "/api/v1/health").body);
    EXPECT_EQ(health["stages"].size(), 3u) << health.dump();
    EXPECT_EQ(health["stages"]["stora-salen"], json({{"state", "off_air"}}));
    const json detail = json::parse(call("GET", events + "/health", organiser_a).body);
    EXPECT_EQ(detail["stages"]["stora-salen"]["control"]["slate"]["text"], "Paus") << detail.dump();
    EXPECT_NE(detail.dump().find("ZZORGNAME"), std::string::npos) << "organisers see who";
    EXPECT_EQ(call("GET", events + "/health", organiser_b).status, 403);
    EXPECT_EQ(call("GET", events + "/health").status, 401);

    // Every channel, as each reader.
    size_t messages = 0;
    std::vector<std::string> channels = {"ops"};
    for (const std::string& event : values.at("event")) {
        channels.push_back("agenda:" + event);
        channels.push_back("stats:" + event);
    }
    for (const std::string& stage : values.at("stage")) {
        channels.push_back("now:" + stage);
        channels.push_back("captions:" + stage);
    }
    for (const std::string& session : values.at("session"))
        channels.push_back("panel:" + session);
    for (const Reader& reader : readers) {
        WebsocketClient ws(server.port, "/ws");
        if (!reader.token.empty())
            ws.send_text(json({{"type", "auth"}, {"token", reader.token}}).dump());
        ws.send_text(json({{"type", "subscribe"}, {"channels", channels}}).dump());
        // Push something to every follower: an edit, then the periodic stats.
        ASSERT_EQ(call("PATCH", events + "/sessions/" + hidden_session, organiser_a,
                       {{"abstract", "ZZHIDDENSESSIONTITLE again"}})
                      .status,
                  200);
        // A caption, a description and a partial line on the unpublished event's stage.
        const std::string hidden_captions =
            std::string("/api/v1/events/") + kHiddenEvent + "/stages/zzhiddenstage/captions";
        ASSERT_EQ(call("POST", hidden_captions, organiser_b, {{"text", "ZZHIDDENEVTSESSIONTITLE"}})
                      .status,
                  201);
        ASSERT_EQ(call("POST", hidden_captions, organiser_b,
                       {{"text", "ZZHIDDENEVTSESSIONTITLE"}, {"kind", "descriptions"}})
                      .status,
                  201);
        ASSERT_EQ(call("POST", hidden_captions, organiser_b,
                       {{"text", "ZZHIDDENEVTSESSIONTITLE"}, {"final", false}})
                      .status,
                  200);
        const auto until = std::chrono::steady_clock::now() + 6s;
        while (std::chrono::steady_clock::now() < until) {
            const auto message = ws.receive(500ms);
            if (!message)
                continue;
            ++messages;
            std::vector<std::string> echoed = channels;
            echoed.push_back(reader.token);
            const std::string seen = without(*message, echoed);
            for (const std::string& marker : reader.forbidden) {
                EXPECT_EQ(seen.find(marker), std::string::npos)
                    << reader.name << " sees '" << marker << "' on the websocket:\n"
                    << message->substr(0, 2000);
            }
        }
    }
    EXPECT_GT(messages, channels.size()) << "every channel answered";

    // The log: whatever was logged, no planted secret and no token.
    const std::string log = captured.text();
    for (const std::string& secret :
         {std::string("ZZPASSPHRASE"), std::string("ZZRTSPPASS"), std::string("ZZRTMPKEY"),
          std::string("ZZBRTSPPASS"), organiser_a, organiser_b, staff_a, speaker_a}) {
        EXPECT_EQ(log.find(secret), std::string::npos) << "the log shows " << secret;
    }
    std::cout << "swept " << swept.size() << " routes with " << requests << " requests, "
              << channels.size() << " channels × " << readers.size() << " readers (" << messages
              << " messages)\n";
}

TEST(Visibility, TheOneRuleStripsSecretsHiddenSessionsAndTheirPeople) {
    schedule::Programme programme;
    programme.event.id = "e";
    schedule::Stage stage;
    stage.id = "s";
    stage.source = {schedule::SourceKind::rtsp, "rtsp://u:pw-secret@cam/x", "passphrase-1"};
    programme.stages.push_back(stage);
    programme.people = {{"seen", "Seen", ""}, {"hidden", "Hidden", ""}};
    schedule::Session seen;
    seen.id = "a";
    seen.stage_id = "s";
    seen.people = {{"seen"}};
    seen.follows_up = {"b"};
    schedule::Session hidden = seen;
    hidden.id = "b";
    hidden.published = false;
    hidden.people = {{"hidden"}};
    hidden.follows_up = {};
    programme.sessions = {seen, hidden};

    const auto public_view = schedule::visible_part(programme, {});
    ASSERT_TRUE(public_view);
    EXPECT_EQ(public_view->sessions.size(), 1u);
    EXPECT_TRUE(public_view->sessions[0].follows_up.empty());
    ASSERT_EQ(public_view->people.size(), 1u);
    EXPECT_EQ(public_view->people[0].id, "seen");
    EXPECT_TRUE(public_view->stages[0].source.url.empty());
    EXPECT_TRUE(public_view->stages[0].source.passphrase.empty());
    EXPECT_EQ(public_view->stages[0].source.kind, schedule::SourceKind::rtsp);
    EXPECT_EQ(*schedule::visible_part(programme, schedule::kWholeSight), programme);
    programme.event.published = false;
    EXPECT_FALSE(schedule::visible_part(programme, {}));
}

TEST(Visibility, SecretsAreRedactedFromAnyText) {
    schedule::Stage rtmp;
    rtmp.source = {schedule::SourceKind::rtmp,
                   "rtmp://ingest.example:1935/live/key-abc123?token=tok-9876", ""};
    const auto secrets = schedule::secrets_of(rtmp);
    EXPECT_EQ(schedule::redact("could not open rtmp://ingest.example:1935/live/key-abc123"
                               "?token=tok-9876 (stream key-abc123)",
                               secrets),
              "could not open rtmp://ingest.example:1935/live/***?token=*** (stream ***)");
    EXPECT_EQ(schedule::redact("Could not open rtsp://admin:hunter22@10.0.0.9/s: refused"),
              "Could not open rtsp://admin:***@10.0.0.9/s: refused")
        << "a URL's password goes even when nobody registered it";
    schedule::Stage srt;
    srt.source = {schedule::SourceKind::srt, "srt://:9000", "lösen-123"};
    EXPECT_EQ(schedule::redact("passphrase lösen-123 rejected", schedule::secrets_of(srt)),
              "passphrase *** rejected");

    set_log_secrets(secrets);
    EXPECT_EQ(log_message_text("stage s: error rtmp://h/live/key-abc123"),
              "stage s: error rtmp://h/live/***");
    set_log_secrets({});
}

}  // namespace
}  // namespace stagehub::server
