#include "pipelines/missing_element.hpp"

#include <utility>

#include "pipelines/gst_util.hpp"

namespace stagehub::pipelines {
namespace {

std::string describe(const std::string& stage_id, const MissingElement& missing) {
    return "stage " + stage_id + ": GStreamer element '" + missing.factory +
           "' is missing; install the Debian package " + missing.package;
}

}  // namespace

MissingElementError::MissingElementError(const std::string& stage_id, const std::string& factory)
    : MissingElementError(stage_id, MissingElement{factory, debian_package_of(factory)}) {}

MissingElementError::MissingElementError(const std::string& stage_id, MissingElement missing)
    : std::runtime_error(describe(stage_id, missing)), missing_(std::move(missing)) {}

}  // namespace stagehub::pipelines
