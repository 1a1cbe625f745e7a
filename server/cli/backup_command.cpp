#include "server/cli/backup_command.hpp"

#include <chrono>
#include <iomanip>

#include "schedule/database_backup.hpp"

namespace stagehub::server {

int run_backup(const Options& options, std::ostream& out, std::ostream& err) {
    const auto started = std::chrono::steady_clock::now();
    schedule::BackupOptions backup;
    backup.overwrite = options.backup_force;
    const auto summary =
        schedule::backup_database(options.data_dir / "stagehub.db", options.backup_file, backup);
    if (!summary) {
        err << "stagehub: " << summary.error().message << "\n";
        return 1;
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    out << "backed up " << (options.data_dir / "stagehub.db").string() << " to "
        << options.backup_file.string() << " in " << std::fixed << std::setprecision(1)
        << took.count() << " s: " << schedule::describe(*summary) << "\n";
    return 0;
}

int run_restore(const Options& options, std::ostream& out, std::ostream& err) {
    const auto report = schedule::restore_database(options.backup_file, options.data_dir);
    if (!report) {
        err << "stagehub: " << report.error().message << "\n";
        return 1;
    }
    out << "restored " << options.backup_file.string() << " (schema version "
        << report->schema_version_of_file << ") to " << (options.data_dir / "stagehub.db").string()
        << ": " << schedule::describe(report->restored) << "\n";
    if (report->previous)
        out << "the database it replaced is kept as " << report->previous->string() << "\n";
    else
        out << "there was no database before\n";
    return 0;
}

}  // namespace stagehub::server
