// stagehub entry point: parses the command line and runs a command. Everything else
// lives in the libraries (schedule, pipelines, server).
#include <glib-unix.h>
#include <glib.h>
#include <gst/gst.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "schedule/data_folder_lock.hpp"
#include "schedule/database.hpp"
#include "schedule/formats/import.hpp"
#include "schedule/migrations.hpp"
#include "schedule/programme_store.hpp"
#include "server/app/application.hpp"
#include "server/app/install_paths.hpp"
#include "server/app/log_writer.hpp"
#include "server/app/options.hpp"
#include "server/cli/admin_command.hpp"
#include "server/cli/backup_command.hpp"
#include "server/cli/check_config_command.hpp"
#include "server/cli/privacy_command.hpp"
#include "server/cli/stats_command.hpp"

namespace {

using namespace stagehub;

// Any format import_programme knows, told apart by the file's extension; an existing event
// is the base of a CSV (whose rows replace its sessions).
int import_programme(const server::Options& options) {
    std::ifstream in(options.programme_file, std::ios::binary);
    if (!in) {
        std::cerr << "stagehub: cannot read " << options.programme_file.string()
                  << " (does it exist and is it readable?)\n";
        return 1;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::filesystem::create_directories(options.data_dir);
    schedule::Database db(options.data_dir / "stagehub.db");
    schedule::migrate(db);
    schedule::ProgrammeStore store(db);

    schedule::formats::ImportOptions import_options;
    if (!options.event_id.empty())
        import_options.event_id = options.event_id;
    import_options.skip_bad_rows = options.skip_bad_rows;
    std::optional<schedule::Programme> base;
    if (!options.event_id.empty()) {
        if (auto stored = store.load_event(options.event_id))
            base = std::move(*stored);
    }
    auto imported =
        schedule::formats::import_programme(text.str(), options.programme_file.extension().string(),
                                            base ? &*base : nullptr, import_options);
    if (!imported) {
        std::cerr << "stagehub: " << options.programme_file.string() << ": "
                  << imported.error().message << "\n";
        return 1;
    }
    const schedule::Programme& programme = imported->programme;
    auto revision = store.save_event(
        programme, schedule::ChangeNote{"cli",
                                        "import",
                                        "imported " + options.programme_file.filename().string(),
                                        {},
                                        true,
                                        {}});
    if (!revision) {
        std::cerr << "stagehub: " << revision.error().message << "\n";
        return 1;
    }
    for (const auto& skipped : imported->skipped)
        std::cerr << "skipped " << skipped.where << ": " << skipped.message << "\n";
    const auto count = [](size_t n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    std::cout << "imported '" << programme.event.title << "' ("
              << count(programme.sessions.size(), "session", "sessions") << " on "
              << count(programme.stages.size(), "stage", "stages") << ") as event '"
              << programme.event.id << "', revision " << *revision << ", into "
              << db.path().string() << "\n";
    return 0;
}

// Every websocket and HTTP connection is a file descriptor, and lws sizes its tables by the
// limit it finds at start. Debian's default soft limit (1,024) would cap a theme day at about
// a thousand viewers while the hard limit allows far more: take all of it.
void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
        g_message("open files: the limit is raised from %llu to %llu",
                  static_cast<unsigned long long>(before),
                  static_cast<unsigned long long>(limit.rlim_max));
    } else {
        g_warning("open files: cannot raise the limit of %llu to %llu",
                  static_cast<unsigned long long>(before),
                  static_cast<unsigned long long>(limit.rlim_max));
    }
}

int serve(const server::Options& options) {
    // Held until exit: `stagehub restore` refuses while it is (schedule/data_folder_lock.hpp).
    auto lock = schedule::DataFolderLock::acquire(options.data_dir);
    if (!lock) {
        std::cerr << "stagehub: " << lock.error().message << "\n";
        return 1;
    }
    raise_open_file_limit();
    server::Application app(options);
    const auto on_signal = [](gpointer data) -> gboolean {
        static_cast<server::Application*>(data)->request_shutdown();
        return G_SOURCE_CONTINUE;
    };
    const guint sigint = g_unix_signal_add(SIGINT, on_signal, &app);
    const guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &app);
    const int code = app.run([&](int port) {
        const bool v6 = options.host.find(':') != std::string::npos;
        std::cout << "serving on " << (options.tls_cert.empty() ? "http" : "https") << "://"
                  << (v6 ? "[" : "") << options.host << (v6 ? "]" : "") << ":" << port << "/"
                  << std::endl;
    });
    g_source_remove(sigint);
    g_source_remove(sigterm);
    return code;
}

// The installed binary reads the system's configuration file by default; one run from a
// build tree does not (a developer's machine may have the package installed too).
std::optional<std::filesystem::path> default_config_file() {
    if (server::running_executable() != std::filesystem::path(STAGEHUB_INSTALLED_BINARY))
        return std::nullopt;
    return std::filesystem::path(STAGEHUB_DEFAULT_CONFIG);
}

}  // namespace

int main(int argc, char** argv) {
    server::install_log_writer();
    std::vector<std::string> args(argv + 1, argv + argc);
    auto options = server::parse_options(args, default_config_file());
    if (!options) {
        std::cerr << "stagehub: " << options.error().message << "\n";
        return 2;
    }
    try {
        switch (options->command) {
            case server::Command::help:
                std::cout << server::usage();
                return 0;
            case server::Command::version:
                std::cout << "stagehub " STAGEHUB_VERSION " (commit " STAGEHUB_COMMIT ")\n";
                return 0;
            case server::Command::import:
                return import_programme(*options);
            case server::Command::admin:
                return server::run_admin(*options, std::cout, std::cerr);
            case server::Command::stats:
                return server::run_stats(*options, std::cout, std::cerr);
            case server::Command::backup:
                return server::run_backup(*options, std::cout, std::cerr);
            case server::Command::restore:
                return server::run_restore(*options, std::cout, std::cerr);
            case server::Command::check_config:
                return server::run_check_config(*options, std::cout);
            case server::Command::privacy:
                return server::run_privacy(*options, std::cout, std::cerr);
            case server::Command::serve:
                gst_init(nullptr, nullptr);
                return serve(*options);
        }
    } catch (const std::exception& e) {
        std::cerr << "stagehub: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
