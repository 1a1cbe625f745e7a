// The rules every stored programme obeys. Each broken rule becomes one Error that names
// the sessions, people or field involved, so an organiser can fix the file or the edit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

// Every problem found, in a stable order; empty means valid.
std::vector<Error> validate(const Programme& programme);

// The problems shown in an answer: at most this many lines, then "… and N more". A file of
// 100,000 bad rows fits in a request body; its answer should not be 100,000 lines.
inline constexpr size_t kProblemsShown = 50;

// `lines` joined by `separator`, the first kProblemsShown of them and a count of the rest.
std::string summarised_problems(const std::vector<std::string>& lines, std::string_view separator);

}  // namespace stagehub::schedule
