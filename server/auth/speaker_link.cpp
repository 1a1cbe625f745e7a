#include "server/auth/speaker_link.hpp"

namespace stagehub::server {
namespace {

constexpr std::string_view kSpeakerPage = "/speaker";

}  // namespace

std::string speaker_link(std::string_view token) {
    std::string link(kSpeakerPage);
    link.append("#t=").append(token);
    return link;
}

bool is_speaker_page(std::string_view path) {
    return path == kSpeakerPage ||
           (path.starts_with(kSpeakerPage) && path.substr(kSpeakerPage.size()).starts_with('/'));
}

std::string loggable_path(std::string_view path) {
    if (is_speaker_page(path) && path != kSpeakerPage)
        return std::string(kSpeakerPage) + "/…";
    return std::string(path);
}

}  // namespace stagehub::server
