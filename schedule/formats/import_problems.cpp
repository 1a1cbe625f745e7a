#include "schedule/formats/import_problems.hpp"

#include <unordered_map>

#include "schedule/validation.hpp"

namespace stagehub::schedule::formats {
namespace {

Error import_error(const std::vector<std::string>& lines, std::string_view what) {
    std::string message = std::to_string(lines.size());
    if (!what.empty())
        message.append(" ").append(what);
    message.append(lines.size() == 1 ? " problem" : " problems");
    message.append(", nothing imported:\n").append(summarised_problems(lines, "\n"));
    return Error{ErrorCode::invalid_import, std::move(message)};
}

}  // namespace

std::string problem_line(const RowProblem& problem) {
    if (problem.where.empty())
        return problem.message;
    std::string line = problem.where;
    line.append(": ").append(problem.message);
    return line;
}

std::string line_where(long long line) {
    std::string where = "line ";
    where.append(std::to_string(line));
    return where;
}

void ImportProblems::document(std::string where, std::string message) {
    all_.push_back(RowProblem{std::move(where), std::move(message)});
    document_problem_ = true;
}

void ImportProblems::row(const std::string& where, std::string message) {
    all_.push_back(RowProblem{where, std::move(message)});
    if (bad_rows_.insert(where).second)
        row_order_.push_back(where);
}

Result<ImportResult> ImportProblems::finish(Programme programme,
                                            const ImportOptions& options) const {
    if (document_problem_ || (!bad_rows_.empty() && !options.skip_bad_rows)) {
        std::vector<std::string> lines;
        for (const RowProblem& p : all_)
            lines.push_back(problem_line(p));
        return import_error(lines, "");
    }
    ImportResult result;
    // One entry per skipped row, its problems joined: the caller lists rows, not problems.
    // (Indexed by row: a file of many bad rows must not cost rows × problems.)
    std::unordered_map<std::string, size_t> index;
    for (const std::string& where : row_order_) {
        index.emplace(where, result.skipped.size());
        result.skipped.push_back(RowProblem{where, {}});
    }
    for (const RowProblem& p : all_) {
        const auto it = index.find(p.where);
        if (it == index.end())
            continue;
        std::string& message = result.skipped[it->second].message;
        message.append(message.empty() ? "" : "; ").append(p.message);
    }
    programme.sort_sessions();
    const std::vector<Error> errors = validate(programme);
    if (!errors.empty()) {
        std::vector<std::string> lines;
        for (const Error& e : errors)
            lines.push_back(e.message);
        return import_error(lines, "programme");
    }
    result.programme = std::move(programme);
    return result;
}

}  // namespace stagehub::schedule::formats
