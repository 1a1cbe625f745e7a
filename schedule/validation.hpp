// The rules every stored programme obeys. Each broken rule becomes one Error that names
// the sessions, people or field involved, so an organiser can fix the file or the edit.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "schedule/model.hpp"
#include "schedule/result.hpp"

namespace stagehub::schedule {

// Every problem found, in a stable order; empty means valid. Every id has the form of
// schedule/ids.hpp ("bad_id" otherwise) and every guid is a UUID, except those in `kept`:
// ids stored before that rule (off_form_ids of the stored programme), which an edit may keep
// so that what carries them can still be edited, renamed and removed.
std::vector<Error> validate(const Programme& programme, const std::set<std::string>& kept = {});

}  // namespace stagehub::schedule
