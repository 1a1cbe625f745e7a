#include "server/app/install_paths.hpp"

#include <system_error>

namespace stagehub::server {

namespace fs = std::filesystem;

fs::path running_executable() {
    std::error_code ec;
    fs::path executable = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : executable;
}

fs::path installed_web_dir(const fs::path& executable) {
    // STAGEHUB_WEB_FROM_BINDIR is GNUInstallDirs' datadir seen from its bindir
    // (../share/stagehub/web unless the layout was changed at configure time).
    return (executable.parent_path() / STAGEHUB_WEB_FROM_BINDIR).lexically_normal();
}

fs::path default_web_dir(const fs::path& executable, const fs::path& source_web_dir) {
    if (!executable.empty()) {
        const fs::path installed = installed_web_dir(executable);
        std::error_code ec;
        if (fs::is_regular_file(installed / "index.html", ec))
            return installed;
    }
    return source_web_dir;
}

fs::path web_dir_to_serve(const fs::path& web_option) {
    return web_option.empty() ? default_web_dir(running_executable(), STAGEHUB_DEFAULT_WEB_DIR)
                              : web_option;
}

}  // namespace stagehub::server
