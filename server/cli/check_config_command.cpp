#include "server/cli/check_config_command.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "schedule/migrations.hpp"
#include "server/app/install_paths.hpp"

namespace stagehub::server {
namespace {

namespace fs = std::filesystem;

constexpr size_t kSourceColumn = 40;  // where "# from" comments start

struct Check {
    bool ok;
    std::string text;
};

bool writable(const fs::path& path) {
    return ::access(path.c_str(), W_OK) == 0;
}

bool readable(const fs::path& path) {
    return ::access(path.c_str(), R_OK) == 0;
}

Check check_data_folder(const fs::path& folder) {
    std::error_code ec;
    if (fs::is_directory(folder, ec)) {
        return writable(folder) ? Check{true, "data folder " + folder.string() + " is writable"}
                                : Check{false, "data folder " + folder.string() +
                                                   " is not writable by this user"};
    }
    if (fs::exists(folder, ec))
        return {false, "data folder " + folder.string() + " is not a folder"};
    // serve creates it: its nearest existing parent must let it.
    fs::path parent = fs::absolute(folder, ec).parent_path();
    while (!parent.empty() && !fs::exists(parent, ec) && parent != parent.root_path())
        parent = parent.parent_path();
    return writable(parent)
               ? Check{true, "data folder " + folder.string() + " will be created"}
               : Check{false, "data folder " + folder.string() + " does not exist and " +
                                  parent.string() + " does not let this user create it"};
}

// The stored schema version, read without changing the file (serve upgrades it at start).
Check check_database(const fs::path& file) {
    std::error_code ec;
    if (!fs::exists(file, ec))
        return {true, "database " + file.string() + " will be created"};
    sqlite3* db = nullptr;
    int version = -1;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            version = sqlite3_column_int(statement, 0);
        }
        sqlite3_finalize(statement);
    }
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    const int latest = schedule::latest_schema_version();
    if (version < 0)
        return {false, "database " + file.string() + " cannot be read: " + message};
    if (version > latest) {
        return {false, "database " + file.string() + " has schema version " +
                           std::to_string(version) + ", newer than this stagehub's " +
                           std::to_string(latest) + ": it was written by a later release"};
    }
    return {true, "database " + file.string() + ", schema version " + std::to_string(version) +
                      (version == latest ? " (current)"
                                         : " (serve upgrades it to " + std::to_string(latest) +
                                               "; back it up first)")};
}

Check check_file(const char* what, const fs::path& file) {
    return readable(file) ? Check{true, std::string(what) + " " + file.string() + " is readable"}
                          : Check{false, std::string(what) + " " + file.string() +
                                             " cannot be read by this user"};
}

Check check_web_pages(const fs::path& web_option) {
    const fs::path folder = web_dir_to_serve(web_option);
    return readable(folder / "index.html")
               ? Check{true, "web pages at " + folder.string()}
               : Check{false, "no web pages at " + folder.string() + " (no index.html)"};
}

std::vector<Check> checks_of(const Options& options) {
    std::vector<Check> checks{check_data_folder(options.data_dir),
                              check_database(options.data_dir / "stagehub.db"),
                              check_web_pages(options.web_dir)};
    if (!options.tls_cert.empty()) {
        checks.push_back(check_file("TLS certificate", options.tls_cert));
        checks.push_back(check_file("TLS key", options.tls_key));
    }
    if (!options.programme_file.empty())
        checks.push_back(check_file("demo programme", options.programme_file));
    return checks;
}

}  // namespace

int run_check_config(const Options& options, std::ostream& out) {
    out << "# the settings stagehub serve would run with, and where each came from\n"
        << "# configuration file: "
        << (options.config_file.empty() ? std::string("none") : options.config_file.string())
        << "\n";
    for (const EffectiveSetting& setting : effective_settings(options)) {
        std::string line =
            (setting.value.empty() ? "# " : "") + setting.key + " = " + setting.value;
        line.append(line.size() < kSourceColumn ? kSourceColumn - line.size() : 1, ' ');
        out << line << "# " << (setting.value.empty() ? "not set" : setting.source) << "\n";
    }
    bool all_ok = true;
    out << "\n";
    for (const Check& check : checks_of(options)) {
        out << (check.ok ? "ok: " : "problem: ") << check.text << "\n";
        all_ok = all_ok && check.ok;
    }
    return all_ok ? 0 : 1;
}

}  // namespace stagehub::server
