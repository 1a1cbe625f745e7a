#include "schedule/error_code.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace stagehub {

std::string_view to_string(ErrorCode code) {
    switch (code) {
#define STAGEHUB_ERROR_CODE_NAME(name) \
    case ErrorCode::name:              \
        return #name;
        STAGEHUB_ERROR_CODES(STAGEHUB_ERROR_CODE_NAME)
#undef STAGEHUB_ERROR_CODE_NAME
    }
    return "internal";  // not reached: every enumerator has a case
}

namespace {

constexpr ErrorCode kAll[] = {
#define STAGEHUB_ERROR_CODE_LISTED(name) ErrorCode::name,
    STAGEHUB_ERROR_CODES(STAGEHUB_ERROR_CODE_LISTED)
#undef STAGEHUB_ERROR_CODE_LISTED
};

}  // namespace

std::optional<ErrorCode> error_code_named(std::string_view name) {
    for (const ErrorCode code : kAll) {
        if (to_string(code) == name)
            return code;
    }
    return std::nullopt;
}

std::span<const ErrorCode> all_error_codes() {
    return kAll;
}

std::ostream& operator<<(std::ostream& out, ErrorCode code) {
    return out << to_string(code);
}

void to_json(nlohmann::json& json, ErrorCode code) {
    json = std::string(to_string(code));
}

}  // namespace stagehub
