// Live caption ingest and the captions channel (docs/CAPTIONS.md), against the real server
// with real websockets and its real SQLite file: a captioner's lines are stored as cues
// timed as they arrive and pushed on `captions:{stage}` with the line being typed; plain
// text and WebVTT bodies; who may post and follow (the public, a captioner of another
// event, staff); every bound refused with its code and nothing stored.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "net_client.hpp"
#include "running_server.hpp"
#include "schedule/captions/caption_store.hpp"
#include "schedule/instant.hpp"
#include "socket_messages.hpp"

namespace stagehub::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using stagehub::testing::http_request;
using stagehub::testing::HttpReply;
using stagehub::testing::WebsocketClient;

constexpr const char* kEvent = "tillsammans-for-fornyelse";
constexpr const char* kStage = "stora-salen";
constexpr const char* kWeek = "innovationsveckan";  // tests/data/innovation_week.json
constexpr const char* kWeekStage = "scenen";
const std::string kCaptions =
    std::string("/api/v1/events/") + kEvent + "/stages/" + kStage + "/captions";
const std::string kChannel = std::string("captions:") + kStage;

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t ms_of(const json& iso) {
    const std::string text = iso.get<std::string>();
    const auto whole = parse_instant(text);
    EXPECT_TRUE(whole.ok()) << text;
    int64_t ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(whole->time_since_epoch()).count();
    if (text.size() > 23 && text[19] == '.')
        ms += std::stoi(text.substr(20, 3));
    return ms;
}

std::string code_of(const HttpReply& reply) {
    const json body = json::parse(reply.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

bool on_channel(const json& m, const std::string& type) {
    return m.value("channel", "") == kChannel && m.value("type", "") == type;
}

class CaptionApiTest : public ::testing::Test {
  protected:
    RunningServer server{1.0};

    HttpReply post(const std::string& token, const std::string& body,
                   const std::string& type = "application/json",
                   const std::string& target = kCaptions) {
        return http_request(server.port, "POST", target, body, type, token);
    }

    // The stage's live cues in the server's database file, as the HLS side reads them.
    std::vector<captions::Cue> stored(const std::string& language = "sv",
                                      captions::CueKind kind = captions::CueKind::captions) {
        schedule::Database db(server.data_dir / "stagehub.db");
        captions::CaptionStore store(db);
        return store.live_cues(kStage, language, kind, 0, std::numeric_limits<int64_t>::max());
    }

    // Subscribes (with a token, if any) and returns the answer: subscribed or an error.
    json subscribe(WebsocketClient& ws, const std::string& token = "") {
        json request = {{"type", "subscribe"}, {"channels", {kChannel}}};
        if (!token.empty())
            request["token"] = token;
        ws.send_text(request.dump());
        const auto answer = next_where(ws, [](const json& m) {
            return on_channel(m, "subscribed") || m.value("type", "") == "error";
        });
        EXPECT_TRUE(answer) << "no answer to subscribing";
        return answer.value_or(json());
    }
};

TEST_F(CaptionApiTest, ACaptionersLineIsStoredTimedAsItArrivesAndPushedWithItsPartial) {
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    WebsocketClient room(server.port, "/ws");
    ASSERT_EQ(subscribe(room)["type"], "subscribed") << "captions are public";

    const HttpReply typing = post(captioner, R"({"text": "Hej och väl", "final": false})");
    ASSERT_EQ(typing.status, 200) << typing.body;
    EXPECT_EQ(json::parse(typing.body)["cues"], json::array());
    const auto partial = next_where(room, [](const json& m) { return on_channel(m, "partial"); });
    ASSERT_TRUE(partial);
    EXPECT_EQ((*partial)["text"], "Hej och väl");
    EXPECT_EQ((*partial)["language"], "sv") << "the event's language by default";
    EXPECT_EQ((*partial)["stage"], kStage);
    EXPECT_TRUE(stored().empty()) << "a partial is never stored";

    const std::string line = "Hej och välkomna <alla> & envar";
    const int64_t before = now_ms();
    const HttpReply sent = post(captioner, json{{"text", line}}.dump());
    const int64_t after = now_ms();
    ASSERT_EQ(sent.status, 201) << sent.body;
    const json answer = json::parse(sent.body);
    ASSERT_EQ(answer["cues"].size(), 1u);
    const json& cue = answer["cues"][0];
    EXPECT_EQ(cue["text"], line) << "answered as it was typed";
    const int64_t start = ms_of(cue["start"]);
    EXPECT_GE(start, before);
    EXPECT_LE(start, after);
    EXPECT_EQ(ms_of(cue["end"]) - start, 1500 + 50 * 31) << "1500 ms + 50 ms per character";

    const auto cleared = next_where(room, [](const json& m) { return on_channel(m, "partial"); });
    ASSERT_TRUE(cleared) << "the line sent ends its partial";
    EXPECT_EQ((*cleared)["text"], "");
    const auto pushed = next_where(room, [](const json& m) { return on_channel(m, "cue"); });
    ASSERT_TRUE(pushed);
    EXPECT_EQ((*pushed)["id"], cue["id"]);
    EXPECT_EQ((*pushed)["text"], line);
    EXPECT_EQ((*pushed)["start"], cue["start"]);
    EXPECT_EQ((*pushed)["end"], cue["end"]);

    const auto cues = stored();
    ASSERT_EQ(cues.size(), 1u);
    EXPECT_EQ(cues[0].id, cue["id"].get<int64_t>());
    EXPECT_EQ(cues[0].start_ms, start);
    EXPECT_EQ(cues[0].event_id, kEvent);
    EXPECT_EQ(cues[0].text, "Hej och välkomna &lt;alla&gt; &amp; envar")
        << "stored as WebVTT cue text: typed text opens no tag";
    EXPECT_EQ(cues[0].source, captions::CueSource::live);
}

TEST_F(CaptionApiTest, DescriptionsAreStoredAsTheirKindAndPushedWithIt) {
    using captions::CueKind;
    const std::string captioner = server.token(Role::captioner, "Syntolk", kEvent);
    WebsocketClient room(server.port, "/ws");
    ASSERT_EQ(subscribe(room)["type"], "subscribed");
    // A captioner's line being typed, which a description must leave alone.
    ASSERT_EQ(post(captioner, R"({"text": "Vi börjar", "final": false})").status, 200);
    ASSERT_TRUE(next_where(room, [](const json& m) { return on_channel(m, "partial"); }));

    const HttpReply sent = post(
        captioner, R"({"text": "En man i röd tröja går upp på scenen", "kind": "descriptions"})");
    ASSERT_EQ(sent.status, 201) << sent.body;
    const json answer = json::parse(sent.body);
    EXPECT_EQ(answer["kind"], "descriptions");
    ASSERT_EQ(answer["cues"].size(), 1u);
    EXPECT_EQ(answer["cues"][0]["kind"], "descriptions");
    const auto pushed = next_where(room, [](const json& m) { return on_channel(m, "cue"); });
    ASSERT_TRUE(pushed);
    EXPECT_EQ((*pushed)["kind"], "descriptions");
    EXPECT_EQ((*pushed)["id"], answer["cues"][0]["id"]);

    ASSERT_EQ(
        post(captioner, "Hon vinkar\nLjuset släcks", "text/plain", kCaptions + "?kind=descriptions")
            .status,
        201);
    ASSERT_EQ(post(captioner, "WEBVTT\n\n00:00.000 --> 00:02.000\nRidån går upp\n", "text/vtt",
                   kCaptions + "?kind=descriptions&language=en")
                  .status,
              201);
    const HttpReply caption = post(captioner, R"({"text": "Välkomna", "kind": "captions"})");
    ASSERT_EQ(caption.status, 201) << caption.body;
    EXPECT_EQ(json::parse(caption.body)["kind"], "captions");
    const auto caption_pushed = next_where(
        room, [](const json& m) { return on_channel(m, "cue") && m["text"] == "Välkomna"; });
    ASSERT_TRUE(caption_pushed);
    EXPECT_EQ((*caption_pushed)["kind"], "captions");

    std::vector<std::string> described;
    for (const captions::Cue& cue : stored("sv", CueKind::descriptions)) {
        EXPECT_EQ(cue.kind, CueKind::descriptions);
        described.push_back(cue.text);
    }
    EXPECT_EQ(described, (std::vector<std::string>{"En man i röd tröja går upp på scenen",
                                                   "Hon vinkar", "Ljuset släcks"}));
    ASSERT_EQ(stored("en", CueKind::descriptions).size(), 1u);
    EXPECT_EQ(stored("en", CueKind::descriptions)[0].text, "Ridån går upp");
    ASSERT_EQ(stored().size(), 1u) << "only the caption is a caption";
    EXPECT_EQ(stored()[0].text, "Välkomna");

    // A newcomer gets both kinds, each marked; the description left the partial alone until
    // the caption cleared it.
    WebsocketClient late(server.port, "/ws");
    ASSERT_EQ(subscribe(late)["type"], "subscribed");
    std::map<std::string, std::vector<std::string>> by_kind;
    while (const auto m = next_where(
               late, [](const json& x) { return on_channel(x, "cue"); }, 1s))
        by_kind[(*m)["kind"].get<std::string>()].push_back((*m)["text"]);
    EXPECT_EQ(by_kind["captions"], (std::vector<std::string>{"Välkomna"}));
    EXPECT_EQ(by_kind["descriptions"].size(), 4u);
}

TEST_F(CaptionApiTest, AKindThatIsNotOneIsRefusedAndDescriptionsHaveNoPartial) {
    using captions::CueKind;
    server.import_event(STAGEHUB_TEST_DATA "/innovation_week.json", kWeek);
    const std::string captioner = server.token(Role::captioner, "Syntolk", kEvent);
    const std::string theirs = server.token(Role::captioner, "Annan syntolk", kWeek);
    WebsocketClient room(server.port, "/ws");
    ASSERT_EQ(subscribe(room)["type"], "subscribed");

    struct Refused {
        std::string body;
        std::string type;
        std::string query;
    };
    for (const Refused& r : std::vector<Refused>{
             {R"({"text": "x", "kind": "subtitles"})", "application/json", ""},
             {R"({"text": "x", "kind": 1})", "application/json", ""},
             {R"({"text": "x", "kind": ""})", "application/json", ""},
             {R"({"text": "x", "kind": "descriptions", "final": false})", "application/json", ""},
             {R"({"text": "x"})", "application/json", "?kind=descriptions"},
             {"x", "text/plain", "?kind=chapters"},
             {"x", "text/plain", "?kind=Descriptions"},
             {"WEBVTT\n\n00:00.000 --> 00:01.000\nx\n", "text/vtt", "?kind=metadata"}}) {
        const HttpReply reply = post(captioner, r.body, r.type, kCaptions + r.query);
        EXPECT_EQ(reply.status, 400) << r.body << " " << r.query << ": " << reply.body;
        EXPECT_EQ(code_of(reply), "bad_field") << reply.body;
        EXPECT_FALSE(json::parse(reply.body)["error"].value("message", "").empty());
    }
    // A captioner of another event may not describe this one's stage, in any body.
    const HttpReply foreign = post(theirs, R"({"text": "x", "kind": "descriptions"})");
    EXPECT_EQ(foreign.status, 403) << foreign.body;
    EXPECT_EQ(code_of(foreign), "forbidden");
    EXPECT_EQ(post(theirs, "x", "text/plain", kCaptions + "?kind=descriptions").status, 403);
    EXPECT_EQ(post("", "x", "text/plain", kCaptions + "?kind=descriptions").status, 401);

    EXPECT_TRUE(stored("sv", CueKind::descriptions).empty()) << "nothing refused was stored";
    EXPECT_TRUE(stored().empty());
    EXPECT_FALSE(next_where(
        room, [](const json& m) { return on_channel(m, "cue") || on_channel(m, "partial"); }, 1s))
        << "nothing refused was pushed";
}

TEST_F(CaptionApiTest, ANewFollowerGetsTheLastFiveCuesOfEachLanguageThenThePartial) {
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    std::string lines;
    for (int i = 1; i <= 7; ++i)
        lines += "rad " + std::to_string(i) + "\n";
    ASSERT_EQ(post(captioner, lines, "text/plain").status, 201);
    ASSERT_EQ(post(captioner, "line in English", "text/plain", kCaptions + "?language=en").status,
              201);
    ASSERT_EQ(post(captioner, R"({"text": "rad åtta på g", "final": false})").status, 200);

    WebsocketClient late(server.port, "/ws");
    ASSERT_EQ(subscribe(late)["type"], "subscribed");
    std::vector<std::string> sv;
    std::vector<std::string> en;
    std::optional<json> partial;
    while (const auto m = next_where(
               late, [](const json& x) { return on_channel(x, "cue") || on_channel(x, "partial"); },
               1s)) {
        if ((*m)["type"] == "partial") {
            partial = *m;
            break;
        }
        ((*m)["language"] == "sv" ? sv : en).push_back((*m)["text"]);
    }
    EXPECT_EQ(sv, (std::vector<std::string>{"rad 3", "rad 4", "rad 5", "rad 6", "rad 7"}));
    EXPECT_EQ(en, (std::vector<std::string>{"line in English"}));
    ASSERT_TRUE(partial) << "the partial comes after the cues";
    EXPECT_EQ((*partial)["text"], "rad åtta på g");
}

TEST_F(CaptionApiTest, AStageTakesAFewLanguagesBesidesItsEventsNotAnyNumber) {
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    // sv is the event's; four translations fit beside it.
    for (const char* language : {"sv", "en", "fi", "se", "ar"}) {
        const HttpReply sent =
            post(captioner, std::string(R"({"text": "hej", "language": ")") + language + "\"}");
        ASSERT_EQ(sent.status, 201) << language << ": " << sent.body;
    }
    const HttpReply fifth = post(captioner, R"({"text": "hei", "language": "nb"})");
    EXPECT_EQ(fifth.status, 400) << fifth.body;
    EXPECT_NE(fifth.body.find("already has captions in 4 languages"), std::string::npos)
        << fifth.body;
    EXPECT_EQ(post(captioner, R"({"text": "hej igen", "language": "sv"})").status, 201)
        << "the event's own language is always taken";
    EXPECT_EQ(post(captioner, R"({"text": "again", "language": "en"})").status, 201);
}

TEST_F(CaptionApiTest, APartialIsForALanguageTheStageIsAlreadyCaptionedIn) {
    // A partial is never stored, so it would not count towards the stage's languages: a
    // new language starts with a line sent, then its partials are taken.
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    const auto partial = [&](const std::string& language) {
        return post(captioner,
                    json{{"text", "skriver"}, {"language", language}, {"final", false}}.dump());
    };
    EXPECT_EQ(partial("sv").status, 200);  // the event's language
    const HttpReply refused = partial("fi");
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(code_of(refused), "bad_field");
    ASSERT_EQ(post(captioner, json{{"text", "Tervetuloa"}, {"language", "fi"}}.dump()).status, 201);
    EXPECT_EQ(partial("fi").status, 200);
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(partial("x-" + std::to_string(i)).status, 400);
}

TEST_F(CaptionApiTest, APlainTextBodyIsOneCuePerNonEmptyLine) {
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);
    const HttpReply sent = post(organiser, "Första raden\r\n\n   \nAndra raden\n",
                                "text/plain; charset=utf-8", kCaptions + "?language=sv-se");
    ASSERT_EQ(sent.status, 201) << sent.body;
    const json answer = json::parse(sent.body);
    EXPECT_EQ(answer["language"], "sv-SE") << "the tag in its usual case";
    ASSERT_EQ(answer["cues"].size(), 2u);
    EXPECT_EQ(answer["cues"][0]["text"], "Första raden");
    EXPECT_EQ(answer["cues"][1]["text"], "Andra raden");
    EXPECT_EQ(answer["cues"][0]["start"], answer["cues"][1]["start"])
        << "lines arriving together start together and stack";
    EXPECT_EQ(stored("sv-SE").size(), 2u);
}

TEST_F(CaptionApiTest, AWebVttBodyKeepsItsTimesFromStartOrEndsAsItArrives) {
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    const std::string vtt =
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\nFörsta <i>repliken</i>\n\n"
        "2\n00:00:04.000 --> 00:00:06.000 align:start\nAndra repliken\n";

    const int64_t origin = (now_ms() / 1000 - 30) * 1000;
    const std::string start = format_instant_ms(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(origin + 250)));
    const HttpReply anchored = post(captioner, vtt, "text/vtt", kCaptions + "?start=" + start);
    ASSERT_EQ(anchored.status, 201) << anchored.body;
    const json cues = json::parse(anchored.body)["cues"];
    ASSERT_EQ(cues.size(), 2u);
    EXPECT_EQ(ms_of(cues[0]["start"]), origin + 250 + 1000);
    EXPECT_EQ(ms_of(cues[0]["end"]), origin + 250 + 3500);
    EXPECT_EQ(ms_of(cues[1]["start"]), origin + 250 + 4000);
    EXPECT_EQ(cues[0]["text"], "Första repliken") << "plain text in answers and pushes";
    EXPECT_EQ(stored()[0].text, "Första <i>repliken</i>") << "its markup stored";

    const int64_t before = now_ms();
    const HttpReply arriving = post(captioner, vtt, "text/vtt");
    const int64_t after = now_ms();
    ASSERT_EQ(arriving.status, 201) << arriving.body;
    const json now_cues = json::parse(arriving.body)["cues"];
    const int64_t last_end = ms_of(now_cues[1]["end"]);
    EXPECT_GE(last_end, before) << "without start the last cue ends as it arrives";
    EXPECT_LE(last_end, after);
    EXPECT_EQ(last_end - ms_of(now_cues[0]["start"]), 5000);
}

TEST_F(CaptionApiTest, OnlyCaptionersAndOrganisersOfTheEventMayPost) {
    server.import_event(STAGEHUB_TEST_DATA "/innovation_week.json", kWeek);
    const std::string theirs = server.token(Role::captioner, "Annan tolk", kWeek);
    const std::string staff = server.token(Role::staff, "Statistiker", kEvent);
    const std::string speaker_like = server.token(Role::staff, "Annan", kWeek);
    const std::string ours = server.token(Role::captioner, "Skrivtolk", kEvent);
    const std::string line = R"({"text": "hej"})";

    const HttpReply anonymous = post("", line);
    EXPECT_EQ(anonymous.status, 401) << anonymous.body;
    EXPECT_EQ(code_of(anonymous), "unauthorized");
    EXPECT_EQ(post(theirs, line).status, 403) << "a captioner of another event";
    EXPECT_EQ(code_of(post(theirs, line)), "forbidden");
    EXPECT_EQ(post(staff, line).status, 403) << "staff read statistics only";
    EXPECT_EQ(post(speaker_like, line).status, 403);
    // A stage of another event is answered exactly as one that does not exist.
    const std::string base = std::string("/api/v1/events/") + kEvent + "/stages/";
    const HttpReply foreign = post(ours, line, "application/json", base + kWeekStage + "/captions");
    const HttpReply missing = post(ours, line, "application/json", base + "ingen-scen/captions");
    EXPECT_EQ(foreign.status, 404) << foreign.body;
    EXPECT_EQ(missing.status, 404) << missing.body;
    EXPECT_EQ(code_of(foreign), code_of(missing));
    // The other event's own captioner reaches its own stage.
    const std::string week_captions =
        std::string("/api/v1/events/") + kWeek + "/stages/" + kWeekStage + "/captions";
    EXPECT_EQ(post(theirs, line, "application/json", week_captions).status, 201);
    EXPECT_EQ(post(ours, line, "application/json", week_captions).status, 403);
    EXPECT_TRUE(stored().empty()) << "nothing refused was stored";
}

TEST_F(CaptionApiTest, ACaptionerDoesNothingElse) {
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    const std::string event = std::string("/api/v1/events/") + kEvent;
    EXPECT_EQ(server.call("PATCH", event, captioner, {{"title", "Kapad"}}).status, 403);
    EXPECT_EQ(server.call("GET", event + "/stats/programme", captioner).status, 403);
    EXPECT_EQ(server.call("GET", event + "/accounts", captioner).status, 403);
    EXPECT_EQ(
        server
            .call("POST", event + "/accounts", captioner, {{"role", "captioner"}, {"name", "Till"}})
            .status,
        403);
    EXPECT_EQ(
        server.call("POST", std::string("/api/v1/stages/") + kStage + "/off-air", captioner).status,
        403);
    WebsocketClient ws(server.port, "/ws");
    for (const std::string& channel : {std::string("ops"), std::string("stats:") + kEvent}) {
        ws.send_text(
            json{{"type", "subscribe"}, {"channels", {channel}}, {"token", captioner}}.dump());
        const auto refused = next_where(ws, [&](const json& m) {
            return m.value("type", "") == "error" && m.value("subject", "") == channel;
        });
        ASSERT_TRUE(refused) << channel;
        EXPECT_EQ((*refused)["error"]["code"], "forbidden") << channel;
    }
}

TEST_F(CaptionApiTest, AnUnpublishedEventsCaptionsAreForItsCaptionersOnly) {
    const std::string organiser = server.token(Role::organiser, "Anna Berg", kEvent);
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    WebsocketClient room(server.port, "/ws");
    ASSERT_EQ(subscribe(room)["type"], "subscribed");
    ASSERT_EQ(server
                  .call("PATCH", std::string("/api/v1/events/") + kEvent, organiser,
                        {{"published", false}})
                  .status,
              200);

    ASSERT_EQ(post(captioner, R"({"text": "repetition före publicering"})").status, 201)
        << "a captioner rehearses before the event is published";
    const auto removed = next_where(
        room, [](const json& m) { return on_channel(m, "removed") || on_channel(m, "cue"); });
    ASSERT_TRUE(removed);
    EXPECT_EQ((*removed)["type"], "removed")
        << "the public hears nothing of it: " << removed->dump();

    WebsocketClient stranger(server.port, "/ws");
    const json refused = subscribe(stranger);
    EXPECT_EQ(refused["error"]["code"], "unknown_channel") << refused.dump();
    WebsocketClient own(server.port, "/ws");
    EXPECT_EQ(subscribe(own, captioner)["type"], "subscribed");
    const auto history = next_where(own, [](const json& m) { return on_channel(m, "cue"); });
    ASSERT_TRUE(history);
    EXPECT_EQ((*history)["text"], "repetition före publicering");
}

TEST_F(CaptionApiTest, BoundsAreRefusedWithTheirCodesAndNothingStored) {
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    const auto refused = [&](const HttpReply& reply, int status, const std::string& code) {
        EXPECT_EQ(reply.status, status) << reply.body;
        EXPECT_EQ(code_of(reply), code) << reply.body;
        EXPECT_FALSE(json::parse(reply.body, nullptr, false)["error"].value("message", "").empty());
    };
    std::string long_line;
    for (int i = 0; i < 501; ++i)
        long_line += "ä";  // 501 characters, 1002 bytes
    refused(post(captioner, json{{"text", long_line}}.dump()), 422, "cue_too_long");
    EXPECT_EQ(post(captioner, json{{"text", long_line.substr(2)}}.dump()).status, 201)
        << "500 characters fit";
    std::string many;
    for (int i = 0; i < 201; ++i)
        many += "rad\n";
    refused(post(captioner, many, "text/plain"), 422, "too_many_cues");
    refused(post(captioner, std::string(64 * 1024 + 1, 'a'), "text/plain"), 413,
            "payload_too_large");
    const HttpReply bad_vtt = post(captioner, "WEBVTT\n\n00:00:01.000 --> nej\ntext\n", "text/vtt");
    refused(bad_vtt, 422, "invalid_captions");
    EXPECT_NE(bad_vtt.body.find("line 3"), std::string::npos) << bad_vtt.body;
    refused(post(captioner, "WEBVTT\n\n00:10:00.000 --> 00:10:05.000\nsen\n", "text/vtt",
                 kCaptions + "?start=" + server_time()),
            422, "bad_time");
    // One cue may not stand over minutes of the stage (and every replay they hold), nor
    // may a file be placed long before now: that is a replay's track, the organisers' job.
    refused(post(captioner, "WEBVTT\n\n00:00.000 --> 23:59:00.000\növer allt\n", "text/vtt"), 422,
            "invalid_captions");
    refused(post(captioner, "WEBVTT\n\n00:00.000 --> 00:31.000\nlång\n", "text/vtt"), 422,
            "invalid_captions");
    const std::string eleven_minutes_ago = format_instant_ms(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(now_ms())) -
        std::chrono::minutes(11));
    refused(post(captioner, "WEBVTT\n\n00:00.000 --> 00:02.000\nförr\n", "text/vtt",
                 kCaptions + "?start=" + eleven_minutes_ago),
            422, "bad_time");
    refused(post(captioner, R"({"text": "hej", "language": "svenska!"})"), 400, "bad_field");
    refused(post(captioner, R"({"text": "   "})"), 400, "bad_field");
    refused(post(captioner, R"({"language": "sv"})"), 400, "bad_field");
    refused(post(captioner, R"({"text": "hej", "final": "ja"})"), 400, "bad_field");
    refused(post(captioner, "{not json"), 400, "bad_json");
    refused(post(captioner, "rad \xff\xfe", "text/plain"), 400, "bad_field");
    refused(post(captioner, "<p>hej</p>", "text/html"), 415, "unsupported_media_type");
    EXPECT_EQ(stored().size(), 1u) << "only the line that fit";
}

TEST_F(CaptionApiTest, ATokenThatSendsTooManyCuesIsToldToWait) {
    const std::string captioner = server.token(Role::captioner, "Skrivtolk", kEvent);
    std::string full;
    for (int i = 0; i < 200; ++i)
        full += "rad " + std::to_string(i) + "\n";
    ASSERT_EQ(post(captioner, full, "text/plain").status, 201);
    ASSERT_EQ(post(captioner, full, "text/plain").status, 201);
    const HttpReply third = post(captioner, full, "text/plain");
    EXPECT_EQ(third.status, 429) << third.body;
    EXPECT_EQ(code_of(third), "rate_limited");
    EXPECT_TRUE(third.headers.contains("retry-after"));
    // Another captioner has its own budget.
    const std::string other = server.token(Role::captioner, "Avlösare", kEvent);
    EXPECT_EQ(post(other, "avlöser", "text/plain").status, 201);
    EXPECT_EQ(stored().size(), 401u);
}

}  // namespace
}  // namespace stagehub::server
