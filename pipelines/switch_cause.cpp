#include "pipelines/switch_cause.hpp"

namespace stagehub::pipelines {

const char* name_of(SwitchCause cause) {
    switch (cause) {
        case SwitchCause::input_back:
            return "input_back";
        case SwitchCause::input_lost:
            return "input_lost";
        case SwitchCause::organiser:
            return "organiser";
    }
    return "unknown";
}

}  // namespace stagehub::pipelines
