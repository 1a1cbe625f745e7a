#include "pipelines/ladder.hpp"

#include <sstream>
#include <stdexcept>

namespace stagehub::pipelines {

std::vector<EncodedRendition> parse_encoded_renditions(const std::string& text) {
    std::vector<EncodedRendition> renditions;
    std::stringstream list(text);
    std::string item;
    while (std::getline(list, item, ',')) {
        if (item.empty())
            continue;
        EncodedRendition r;
        char x = 0;
        const auto colon = item.find(':');
        const auto second = item.find(':', colon + 1);
        if (colon == std::string::npos || second == std::string::npos) {
            throw std::invalid_argument("rendition '" + item +
                                        "' is not NAME:WIDTHxHEIGHT:KBPS, e.g. 720p:1280x720:2500");
        }
        r.name = item.substr(0, colon);
        std::stringstream size(item.substr(colon + 1, second - colon - 1));
        size >> r.width >> x >> r.height;
        try {
            r.video_kbps = std::stoi(item.substr(second + 1));
        } catch (const std::exception&) {
            r.video_kbps = 0;
        }
        const bool name_ok =
            !r.name.empty() && r.name != kSourceRendition && r.name != kAudioRendition &&
            r.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
        if (!name_ok || x != 'x' || r.width < 16 || r.height < 16 || r.width % 2 != 0 ||
            r.height % 2 != 0 || r.video_kbps < 50) {
            throw std::invalid_argument(
                "rendition '" + item +
                "' is not NAME:WIDTHxHEIGHT:KBPS (lower-case name other than 'source' and "
                "'audio', even sizes of at least 16, at least 50 kbps)");
        }
        renditions.push_back(r);
    }
    return renditions;
}

}  // namespace stagehub::pipelines
