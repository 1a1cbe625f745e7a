#include "pipelines/atomic_file.hpp"

#include <fstream>
#include <system_error>

namespace stagehub::pipelines {

bool write_file_atomically(const std::filesystem::path& file, const std::string& text) {
    const std::filesystem::path partial = file.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::trunc);
        out << text;
        out.flush();
        if (!out)
            return false;
    }
    std::error_code ec;
    std::filesystem::rename(partial, file, ec);
    return !ec;
}

}  // namespace stagehub::pipelines
