// Ids made from names, for rows that come without one: "Välkommen till Piteå!" becomes
// "valkommen-till-pitea". Ids name URLs, so they keep to a-z, 0-9 and single hyphens;
// Latin letters lose their accents (å ä → a, ö ø → o, æ → ae, ß → ss, ...).
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace stagehub::schedule::formats {

// A-Z to a-z, nothing else: enough for keywords and content types, and for matching
// names typed in another case.
std::string ascii_lower(std::string_view text);

// Empty when the text has no letter or digit that maps to a-z/0-9.
std::string slugify(std::string_view text);

// slugify cut to the length of an id (schedule/ids.hpp): how a foreign id or a title
// becomes one ("OPNDTA" → "opndta", 25 → "25", a long title → its first words).
std::string id_slug(std::string_view text);

// `wanted` (or `fallback` when wanted is empty) if no one has it, else the first free of
// wanted-2, wanted-3, ...; the id returned is added to `taken`. The base is shortened so
// that the id, suffix included, stays within the length of an id.
std::string unique_id(const std::string& wanted, std::string_view fallback,
                      std::set<std::string>& taken);

}  // namespace stagehub::schedule::formats
