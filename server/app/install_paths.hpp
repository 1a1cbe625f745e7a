// Where stagehub finds the files it ships (the web pages) when no option names them: beside
// the executable as `cmake --install` and the .deb lay them out (bin/stagehub,
// share/stagehub/web), so one build runs from /usr, /usr/local or an unpacked root alike;
// a binary still in its build folder falls back to the source tree's web/.
#pragma once

#include <filesystem>

namespace stagehub::server {

// The running executable (/proc/self/exe), or an empty path when it cannot be read.
std::filesystem::path running_executable();

// The web pages an installed `executable` would ship with: <its folder>/<bindir to
// datadir>/stagehub/web, e.g. /usr/bin/stagehub -> /usr/share/stagehub/web.
std::filesystem::path installed_web_dir(const std::filesystem::path& executable);

// The default of --web: installed_web_dir(executable) if it holds index.html, else
// `source_web_dir` (the source tree's web/, for a binary run from its build folder).
std::filesystem::path default_web_dir(const std::filesystem::path& executable,
                                      const std::filesystem::path& source_web_dir);

// The pages `serve` serves: `web_option` (--web) when given, else default_web_dir for the
// running executable and this build's source tree.
std::filesystem::path web_dir_to_serve(const std::filesystem::path& web_option);

}  // namespace stagehub::server
