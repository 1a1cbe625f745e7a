// How every importer collects what is wrong and ends: problems of one row (that row can be
// skipped) apart from problems of the document as a whole (nothing can be imported).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "schedule/formats/import.hpp"

namespace stagehub::schedule::formats {

class ImportProblems {
  public:
    // A problem that no skipping helps with (no header, an unknown time zone, ...).
    void document(std::string where, std::string message);
    // A problem of the row at `where` ("line 7", a JSON path).
    void row(const std::string& where, std::string message);
    bool row_is_bad(const std::string& where) const { return bad_rows_.count(where) != 0; }
    bool has_document_problems() const { return document_problem_; }

    // The end of an import: refuses when problems remain (all of them listed), leaves bad
    // rows out when options allow, then validates the programme.
    Result<ImportResult> finish(Programme programme, const ImportOptions& options) const;

  private:
    std::vector<RowProblem> all_;  // in the order found
    std::vector<std::string> row_order_;
    std::set<std::string> bad_rows_;
    bool document_problem_ = false;
};

// "<where>: <message>", or the message alone when where is empty.
std::string problem_line(const RowProblem& problem);

// "line 7".
std::string line_where(long long line);

}  // namespace stagehub::schedule::formats
