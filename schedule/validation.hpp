// The rules every stored programme obeys. Each broken rule becomes one Error that names
// the sessions, people or field involved, so an organiser can fix the file or the edit.
#pragma once

#include <vector>

#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

// Every problem found, in a stable order; empty means valid.
std::vector<Error> validate(const Programme& programme);

}  // namespace stagehub::schedule
