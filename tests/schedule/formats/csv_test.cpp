#include "schedule/formats/csv.hpp"

#include <gtest/gtest.h>

namespace stagehub::schedule::formats {
namespace {

using Fields = std::vector<std::string>;

TEST(Csv, QuotesOnlyWhatNeedsQuotes) {
    EXPECT_EQ(csv_record({"a", "b c", "", "d,e", "say \"hi\"", "two\nlines"}),
              "a,b c,,\"d,e\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    EXPECT_EQ(csv_record({"d,e", "f;g"}, ';'), "d,e;\"f;g\"\r\n");
}

TEST(Csv, ReadsWhatItWritesWithLineNumbers) {
    const std::string text = csv_record({"id", "text"}) + csv_record({"1", "one\ntwo\nthree"}) +
                             csv_record({"2", "\"quoted\", with comma"});
    const auto table = read_csv(text);
    ASSERT_TRUE(table.ok()) << table.error().message;
    EXPECT_EQ(table->separator, ',');
    ASSERT_EQ(table->records.size(), 3u);
    EXPECT_EQ(table->records[0].line, 1);
    EXPECT_EQ(table->records[1].line, 2);
    EXPECT_EQ(table->records[1].fields, (Fields{"1", "one\ntwo\nthree"}));
    EXPECT_EQ(table->records[2].line, 5);
    EXPECT_EQ(table->records[2].fields, (Fields{"2", "\"quoted\", with comma"}));
}

TEST(Csv, AcceptsBomSemicolonsLfAndAMissingLastLineBreak) {
    const auto table = read_csv(
        "\xEF\xBB\xBF"
        "name;title\n\"x;y\";z,w");
    ASSERT_TRUE(table.ok());
    EXPECT_EQ(table->separator, ';');
    ASSERT_EQ(table->records.size(), 2u);
    EXPECT_EQ(table->records[0].fields, (Fields{"name", "title"}));
    EXPECT_EQ(table->records[1].fields, (Fields{"x;y", "z,w"}));
}

TEST(Csv, LineBreaksInsideQuotesBecomeLf) {
    const auto table = read_csv("a\r\n\"one\r\ntwo\"\r\n");
    ASSERT_TRUE(table.ok());
    ASSERT_EQ(table->records.size(), 2u);
    EXPECT_EQ(table->records[1].fields, (Fields{"one\ntwo"}));
}

TEST(Csv, KeepsEmptyFieldsAndBlankLines) {
    const auto table = read_csv("a,b\n,\n\nx,\n");
    ASSERT_TRUE(table.ok());
    ASSERT_EQ(table->records.size(), 4u);
    EXPECT_EQ(table->records[1].fields, (Fields{"", ""}));
    EXPECT_EQ(table->records[2].fields, (Fields{""}));
    EXPECT_EQ(table->records[3].line, 4);
    EXPECT_EQ(table->records[3].fields, (Fields{"x", ""}));
}

TEST(Csv, AnUnclosedQuoteNamesTheLineItOpensOn) {
    const auto table = read_csv("a,b\n1,\"open\n\n");
    ASSERT_FALSE(table.ok());
    EXPECT_EQ(table.error().code, "bad_csv");
    EXPECT_EQ(table.error().message.rfind("line 2:", 0), 0u) << table.error().message;
}

}  // namespace
}  // namespace stagehub::schedule::formats

namespace stagehub::schedule::formats {
namespace {

// OWASP "CSV injection": what a spreadsheet would run is written as text.
TEST(Csv, CellsThatASpreadsheetWouldRunAreNeutralised) {
    struct Case {
        std::string cell, written;
    };
    const Case cases[] = {
        {"=HYPERLINK(\"https://evil.example\",\"x\")",
         "'=HYPERLINK(\"https://evil.example\",\"x\")"},
        {"+SUM(A1)", "'+SUM(A1)"},
        {"-2+3", "'-2+3"},
        {"@cmd", "'@cmd"},
        {"\tx", "'\tx"},
        {"\r=1", "'\r=1"},
        {"-5", "-5"},  // numbers stay numbers
        {"+46", "+46"},
        {"3,5", "3,5"},
        {"-", "'-"},
        {"Idéslussen", "Idéslussen"},
        {"", ""},
        {"a=b", "a=b"},
    };
    for (const Case& c : cases)
        EXPECT_EQ(neutralised_cell(c.cell), c.written) << c.cell;
    EXPECT_EQ(csv_record({"=1+1", "-3"}), "'=1+1,-3\r\n");
    EXPECT_EQ(csv_record({"=a,b"}), "\"'=a,b\"\r\n");
}

}  // namespace
}  // namespace stagehub::schedule::formats
