#include "schedule/formats/import.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "schedule/formats/frab_json.hpp"
#include "schedule/formats/frab_xml.hpp"
#include "schedule/formats/sessions_csv.hpp"
#include "test_programmes.hpp"

namespace stagehub::schedule::formats {
namespace {

using samples::export_options;
using samples::tricky_programme;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(ImportProgramme, ChoosesByContentType) {
    const Programme p = tricky_programme();
    const std::string json = export_frab_json(p, export_options());
    const std::string xml = export_frab_xml(p, export_options());
    const std::string csv = export_sessions_csv(p);

    const auto from_json = import_programme(json, "application/json; charset=utf-8", nullptr, {});
    ASSERT_TRUE(from_json.ok()) << from_json.error().message;
    EXPECT_EQ(from_json->programme.event.id, "innovationsdag");

    for (const char* type : {"application/xml", "text/xml", ".xml", "TEXT/XML; charset=UTF-8"}) {
        const auto from_xml = import_programme(xml, type, nullptr, {});
        ASSERT_TRUE(from_xml.ok()) << type << ": " << from_xml.error().message;
    }

    const auto from_csv = import_programme(csv, "text/csv", &p, {});
    ASSERT_TRUE(from_csv.ok()) << from_csv.error().message;
    EXPECT_EQ(from_csv->programme, p);
}

TEST(ImportProgramme, ReadsStagehubProgrammeFiles) {
    const std::string text = read_file(STAGEHUB_TEST_DATA "/two_stages.json");
    const auto imported = import_programme(text, ".json", nullptr, {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    EXPECT_EQ(imported->programme.event.id, "innovationsdag");
    EXPECT_EQ(imported->programme.sessions.size(), 4u);

    ImportOptions renamed;
    renamed.event_id = "annan-dag";
    EXPECT_EQ(import_programme(text, "application/json", nullptr, renamed)->programme.event.id,
              "annan-dag");
}

TEST(ImportProgramme, SniffsWhenTheTypeSaysNothing) {
    const Programme p = tricky_programme();
    for (const char* type : {"", "text/plain", "application/octet-stream"}) {
        EXPECT_TRUE(import_programme(export_frab_json(p, export_options()), type, nullptr, {}).ok())
            << type;
        EXPECT_TRUE(import_programme(export_frab_xml(p, export_options()), type, nullptr, {}).ok())
            << type;
        EXPECT_TRUE(import_programme(export_sessions_csv(p), type, &p, {}).ok()) << type;
    }
}

TEST(ImportProgramme, CsvWithoutABaseMakesANewEventWhenGivenAnId) {
    const std::string csv =
        "stage,kind,title,date,start,duration\n"
        "Aulan,talk,Hej,2026-05-12,09:00,20\n";
    const auto refused = import_programme(csv, "text/csv", nullptr, {});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "invalid_import");

    ImportOptions options;
    options.event_id = "ny-dag";
    options.event_title = "Ny dag";
    const auto imported = import_programme(csv, ".csv", nullptr, options);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    EXPECT_EQ(imported->programme.event.id, "ny-dag");
    EXPECT_EQ(imported->programme.event.title, "Ny dag");
    EXPECT_EQ(imported->programme.stages.front().id, "aulan");
    EXPECT_EQ(imported->programme.sessions.size(), 1u);
}

TEST(ImportProgramme, RefusesOtherTypesAndUnknownJson) {
    const auto png = import_programme("\x89PNG", "image/png", nullptr, {});
    ASSERT_FALSE(png.ok());
    EXPECT_EQ(png.error().code, "unsupported_format");
    const auto other = import_programme("{\"talks\": []}", "application/json", nullptr, {});
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, "unsupported_format");
    const auto broken = import_programme("{\"schedule\": [", "application/json", nullptr, {});
    ASSERT_FALSE(broken.ok());
    EXPECT_EQ(broken.error().code, "invalid_import");
}

}  // namespace
}  // namespace stagehub::schedule::formats

namespace stagehub::schedule::formats {
namespace {

// A body nested 100,000 deep (the reproduced crash took 300,000) is refused by every JSON
// importer before anything recurses through it.
TEST(ImportProgramme, RefusesJsonNestedTooDeep) {
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    for (const std::string& text :
         {"{\"schedule\":" + deep + "}", "{\"format\":" + deep + "}", deep}) {
        const auto imported = import_programme(text, "application/json", nullptr, {});
        ASSERT_FALSE(imported.ok());
        EXPECT_NE(imported.error().message.find("deeper than 64"), std::string::npos)
            << imported.error().message.substr(0, 200);
    }
}

}  // namespace
}  // namespace stagehub::schedule::formats
