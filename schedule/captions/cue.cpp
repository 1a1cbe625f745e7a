#include "schedule/captions/cue.hpp"

#include <algorithm>

namespace stagehub::captions {

std::string_view to_string(CueKind kind) {
    switch (kind) {
        case CueKind::captions:
            return "captions";
        case CueKind::descriptions:
            return "descriptions";
    }
    return "captions";
}

std::optional<CueKind> cue_kind_from_string(std::string_view text) {
    if (text == "captions")
        return CueKind::captions;
    if (text == "descriptions")
        return CueKind::descriptions;
    return std::nullopt;
}

std::string_view to_string(CueSource source) {
    switch (source) {
        case CueSource::live:
            return "live";
        case CueSource::asr:
            return "asr";
        case CueSource::upload:
            return "upload";
        case CueSource::edit:
            return "edit";
    }
    return "live";
}

std::optional<CueSource> cue_source_from_string(std::string_view text) {
    for (const CueSource source :
         {CueSource::live, CueSource::asr, CueSource::upload, CueSource::edit}) {
        if (text == to_string(source))
            return source;
    }
    return std::nullopt;
}

int64_t live_cue_duration_ms(std::string_view text) {
    // Characters, not bytes: "å" reads as fast as "a".
    int64_t characters = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++characters;
    }
    return std::clamp<int64_t>(1500 + 50 * characters, 2000, 7000);
}

}  // namespace stagehub::captions
