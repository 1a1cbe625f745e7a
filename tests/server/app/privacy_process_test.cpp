// `stagehub privacy export|erase` and the registrations' retention, run as an IT department
// runs them: the real binary on a real data folder, while `stagehub serve` runs on it. The
// export holds one person's rows in two events and nobody else's; the erasure leaves no
// name, email or code of theirs, an audit row without the email, a log line, and the
// staff report (`stagehub stats`) unchanged; retention at start anonymises exactly the
// events that ended more than N days ago.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "schedule/attendance/registrations.hpp"
#include "schedule/database.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using stagehub::attendance::RegistrationMode;
using stagehub::attendance::RegistrationStore;
using stagehub::attendance::TimePoint;
using stagehub::testing::ChildProcess;
using stagehub::testing::TempDir;

// echo -n anna@example.se | sha256sum
constexpr const char* kAnnaHash =
    "email-sha256:f2a216c0b7bc0f42c605b87b114643d49ee41a2e5bb05c6040a16493c5bc073c";
// The two events' test data: innovationsdag ends 2026-05-12 11:00 +02:00, innovationsveckan
// 2026-10-27 16:00 +01:00.
constexpr int64_t kDayEnds = 1'778'576'400;
constexpr int64_t kWeekEnds = 1'793'113'200;

// Appends ` 'TEXT'` (GCC 12 misreads `" " + quoted(...)` as an overlapping copy).
void add_quoted(std::string& command, const std::string& text) {
    command.append(" '").append(text).append("'");
}

class PrivacyProcessTest : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const char* file : {"two_stages.json", "innovation_week.json"})
            ASSERT_EQ(run({"import", std::string(STAGEHUB_TEST_DATA) + "/" + file}), 0) << log;
        stagehub::schedule::Database db(data / "stagehub.db");
        RegistrationStore store(db);
        const TimePoint may{std::chrono::seconds{kDayEnds - 7200}};
        const TimePoint october{std::chrono::seconds{kWeekEnds - 3 * 86'400}};
        const auto add = [&](const std::string& event, const std::string& name,
                             const std::string& email, TimePoint at) {
            auto r = store.register_attendee(event, name, email, RegistrationMode::in_person, at);
            EXPECT_TRUE(r.ok());
            return r.ok() ? r->code : std::string();
        };
        anna_code = add("innovationsdag", "Anna Berg", "anna@example.se", may);
        bo_code = add("innovationsdag", "Bo Ek", "bo@example.se", may);
        week_code = add("innovationsveckan", "Anna Berg", "Anna@Example.se", october);
        for (const std::string& code : {anna_code, bo_code}) {
            ASSERT_TRUE(store.check_in("innovationsdag", code, "2026-05-12", may, "door"));
            ASSERT_TRUE(store.mark_present("a1", code, 0, may));
        }
        ASSERT_TRUE(store.check_in_walk_in("innovationsdag", "2026-05-12", may, "door"));
        ASSERT_TRUE(store.check_in("innovationsveckan", week_code, "2026-10-26", october, "door"));
    }

    // Runs `stagehub ARGS --data DIR`; its stdout in `out`, its stderr in `log`.
    int run(const std::vector<std::string>& args) {
        std::string command;
        add_quoted(command, STAGEHUB_BIN);
        for (const std::string& a : args)
            add_quoted(command, a);
        command.append(" --data");
        add_quoted(command, data.string());
        command.append(" >");
        add_quoted(command, (dir / "out").string());
        ChildProcess child({"sh", "-c", command}, dir / "err");
        const auto status = child.wait_exit(30s);
        std::ifstream in(dir / "out");
        std::ostringstream text;
        text << in.rdbuf();
        out = text.str();
        log = child.log();
        return status.value_or(-1);
    }

    std::unique_ptr<ChildProcess> serve(int retention_days) {
        auto server = std::make_unique<ChildProcess>(
            std::vector<std::string>{STAGEHUB_BIN, "serve", "--no-broadcast", "--port", "0",
                                     "--web", STAGEHUB_WEB_DIR, "--data", data.string(),
                                     "--registration-retention-days",
                                     std::to_string(retention_days)},
            dir / "serve.log");
        EXPECT_TRUE(server->wait_for_log("serving on", 20s)) << server->log();
        return server;
    }

    int64_t rows(const std::string& sql) {
        stagehub::schedule::Database db(data / "stagehub.db");
        auto query = db.prepare(sql);
        return query.step() ? query.column_int(0) : -1;
    }

    TempDir dir;
    std::filesystem::path data = dir / "data";
    std::string out, log;
    std::string anna_code, bo_code, week_code;
};

TEST_F(PrivacyProcessTest, ExportAndEraseOnePersonWhileTheServerRuns) {
    const auto server = serve(0);
    ASSERT_TRUE(server->wait_for_log("kept without a time limit", 5s)) << server->log();

    ASSERT_EQ(run({"privacy", "export", "--email", "  ANNA@example.se "}), 0) << log;
    const auto exported = nlohmann::json::parse(out);
    ASSERT_EQ(exported.at("registrations").size(), 2u) << out;
    EXPECT_EQ(exported["registrations"][0]["event"], "innovationsdag");
    EXPECT_EQ(exported["registrations"][0]["check_ins"].size(), 1u);
    EXPECT_EQ(exported["registrations"][0]["presence"][0]["session"], "a1");
    EXPECT_EQ(exported["registrations"][1]["event"], "innovationsveckan");
    EXPECT_EQ(out.find("Bo Ek"), std::string::npos) << out;
    EXPECT_EQ(out.find(bo_code), std::string::npos) << out;

    ASSERT_EQ(run({"stats", "--event", "innovationsdag", "--csv", "sessions"}), 0) << log;
    const std::string sessions_before = out;
    ASSERT_EQ(run({"stats", "--event", "innovationsdag", "--csv", "days"}), 0) << log;
    const std::string days_before = out;
    EXPECT_NE(days_before.find("2026-05-12,3,"), std::string::npos) << days_before;

    ASSERT_EQ(run({"privacy", "erase", "--email", "anna@EXAMPLE.se"}), 0) << log;
    const auto erased = nlohmann::json::parse(out);
    EXPECT_EQ(erased.at("registrations_anonymised"), 2) << out;
    EXPECT_EQ(erased.at("check_ins_kept_as_counts"), 2) << out;
    EXPECT_NE(log.find("privacy: erased email-sha256:"), std::string::npos) << log;
    EXPECT_EQ(log.find("anna"), std::string::npos) << "the log names the person: " << log;

    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE name LIKE '%Anna%' OR "
                   "lower(email) LIKE '%anna%' OR code IN ('" +
                   anna_code + "', '" + week_code + "')"),
              0);
    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE name = 'Bo Ek'"), 1);
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE action = 'erase' AND "
                   "registrations = 2 AND subject = '" +
                   std::string(kAnnaHash) + "'"),
              1);
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE subject LIKE '%anna%'"), 0);

    ASSERT_EQ(run({"stats", "--event", "innovationsdag", "--csv", "sessions"}), 0) << log;
    EXPECT_EQ(out, sessions_before);
    ASSERT_EQ(run({"stats", "--event", "innovationsdag", "--csv", "days"}), 0) << log;
    EXPECT_EQ(out, days_before);

    // By code: Bo's registration, and nothing of anyone else's.
    ASSERT_EQ(run({"privacy", "erase", "--code", bo_code}), 0) << log;
    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE anonymised_ms IS NULL"), 0);
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE subject = 'code:" + bo_code + "'"), 1);
    EXPECT_TRUE(server->running()) << server->log();
}

TEST_F(PrivacyProcessTest, BadUsageIsExitTwoAndNamesTheFix) {
    EXPECT_EQ(run({"privacy", "erase"}), 2);
    EXPECT_NE(log.find("--email ADDR or --code CODE"), std::string::npos) << log;
    EXPECT_EQ(run({"privacy", "forget", "--email", "a@b.se"}), 2);
    EXPECT_EQ(run({"privacy", "export", "--email", "a@b.se", "--code", "K7QF3M"}), 2);
    EXPECT_EQ(run({"privacy", "erase", "--email", "   "}), 1);
    EXPECT_EQ(run({"stats", "--email", "a@b.se"}), 2) << "--email goes with privacy only";
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit"), 0);
}

TEST_F(PrivacyProcessTest, RetentionAtStartAnonymisesOnlyEventsEndedLongEnoughAgo) {
    // N between the two events' ages today, so the test holds whatever day it runs.
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const int64_t week_age_days = (now - kWeekEnds) / 86'400;
    ASSERT_GT((now - kDayEnds) / 86'400, week_age_days + 1);
    const int keep = static_cast<int>(week_age_days + 1);

    const auto server = serve(keep);
    ASSERT_TRUE(server->wait_for_log("privacy: anonymised 2 registrations of innovationsdag", 10s))
        << server->log();
    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE event_id = 'innovationsdag' AND "
                   "(name != '' OR email != '' OR anonymised_ms IS NULL)"),
              0);
    EXPECT_EQ(rows("SELECT count(*) FROM registrations WHERE event_id = 'innovationsveckan' AND "
                   "name = 'Anna Berg' AND anonymised_ms IS NULL"),
              1);
    EXPECT_EQ(rows("SELECT count(*) FROM check_ins WHERE event_id = 'innovationsdag'"), 3);
    EXPECT_EQ(rows("SELECT count(*) FROM privacy_audit WHERE action = 'retention' AND "
                   "subject = 'event:innovationsdag' AND registrations = 2"),
              1);
    EXPECT_EQ(server->log().find("innovationsveckan"), std::string::npos) << server->log();
}

}  // namespace
