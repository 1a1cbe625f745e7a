// The error for a GStreamer element this machine lacks (its plugin is not installed): typed,
// so that whoever starts a pipeline can tell it from a failure worth retrying, and naming
// the Debian package that provides the element, for the person who has to install it.
#pragma once

#include <stdexcept>
#include <string>

namespace stagehub::pipelines {

struct MissingElement {
    std::string factory;  // e.g. "x264enc"
    std::string package;  // e.g. "gstreamer1.0-plugins-ugly", or "that provides it"
};

// what(): "stage S: GStreamer element 'F' is missing; install the Debian package P".
class MissingElementError : public std::runtime_error {
  public:
    MissingElementError(const std::string& stage_id, const std::string& factory);
    const MissingElement& missing() const { return missing_; }

  private:
    MissingElementError(const std::string& stage_id, MissingElement missing);

    MissingElement missing_;
};

}  // namespace stagehub::pipelines
