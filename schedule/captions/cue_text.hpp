// The two forms of a cue's text. Stored and written to WebVTT is cue text (markup such as
// <i> or <v Name> allowed, '&', '<' and '>' escaped); shown on a room screen or sent on a
// websocket is plain text. A line typed live is plain and becomes cue text here, so what a
// captioner types can never open a tag or end a cue early in a file a player reads.
#pragma once

#include <string>
#include <string_view>

namespace stagehub::captions {

// Plain text → WebVTT cue text: escapes &, < and >, and folds line breaks so the text can
// neither hold a blank line (which ends a cue) nor "-->" (which starts a timing line).
std::string cue_text_from_plain(std::string_view plain);

// WebVTT cue text → plain text: tags dropped, the character references WebVTT defines
// turned back into characters.
std::string plain_from_cue_text(std::string_view cue_text);

// Cue text as read from a file: trailing blank lines dropped, and any "-->" made harmless,
// so writing it back out yields the same cue.
std::string tidy_cue_text(std::string_view cue_text);

}  // namespace stagehub::captions
