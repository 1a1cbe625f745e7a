// The Content-Disposition header of downloads and exports (RFC 6266): the one place a file
// name made from ids, titles or dates becomes a header value. Whatever the name holds, the
// value has no CR, LF, quote, backslash or ';' in it, so it can neither end the header nor
// add a parameter; non-ASCII names survive in filename* (RFC 5987, UTF-8, percent-encoded).
#pragma once

#include <string>
#include <string_view>

namespace stagehub::server {

enum class Disposition { inline_, attachment };

// e.g. `attachment; filename="innovationsveckan-sessions.csv";
// filename*=UTF-8''innovationsveckan-sessions.csv`. The plain filename keeps A-Z, a-z, 0-9,
// '.', '-' and '_' (anything else becomes '_'; a leading '.' too, so no hidden file); an
// empty name becomes "download".
std::string content_disposition(Disposition disposition, std::string_view filename);

}  // namespace stagehub::server
