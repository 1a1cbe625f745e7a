#include "server/cli/data_database.hpp"

#include <filesystem>

#include "schedule/migrations.hpp"

namespace stagehub::server {

std::unique_ptr<schedule::Database> open_data_database(const Options& options, std::ostream& err) {
    const std::filesystem::path file = options.data_dir / "stagehub.db";
    if (!std::filesystem::is_regular_file(file)) {
        err << "stagehub: no database at " << file.string()
            << ": pass the server's data folder with --data DIR\n";
        return nullptr;
    }
    auto db = std::make_unique<schedule::Database>(file);
    schedule::migrate(*db);
    return db;
}

}  // namespace stagehub::server
