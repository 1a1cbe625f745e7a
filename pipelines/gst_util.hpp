// Small helpers every pipeline of a stage uses: elements made with a clear error when a
// plugin is missing, properties by nick, and the text of a bus error.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

#include "pipelines/gst_ptr.hpp"

namespace stagehub::pipelines {

// The Debian package that provides an element, or "that provides it".
std::string debian_package_of(const std::string& factory);

// A new element, our own full reference. Throws MissingElementError (missing_element.hpp)
// when the plugin is not installed.
ElementPtr make_element(const char* factory, const std::string& name, const std::string& stage_id);

// Throws MissingElementError, as make_element does, for the first factory not installed: a stage
// checks everything it will need before it creates any folder or starts anything.
void require_elements(const std::vector<const char*>& factories, const std::string& stage_id);

// Enum and flags properties by their nick ("bottom", "zerolatency"): readable, and immune
// to the numbering of a plugin's enums.
void set_nick(GstElement* element, const char* property, const char* nick);
void set_caps(GstElement* capsfilter, GstCaps* caps);  // does not take the caps

// Links elements in order; throws std::runtime_error naming the pair that did not link.
void link_chain(std::initializer_list<GstElement*> chain, const std::string& stage_id);

// "element: message" of an ERROR message, with the debug details logged as a warning.
std::string describe_bus_error(GstMessage* message, const std::string& stage_id);

// The factory names of every element in a bin and its sub-bins ("x264enc", "hlssink2",
// ...): what a graph really contains, for health reports and tests.
std::vector<std::string> factories_in(GstElement* bin);

// Logs a WARNING message as a GLib warning naming the stage and the element.
void log_bus_warning(GstMessage* message, const std::string& stage_id);

// The pipeline's current running time (its clock minus its base time), 0 before PLAYING.
GstClockTime running_time_now(GstElement* pipeline);

// Destroys a pending GSource we hold one reference to, drops that reference and forgets it;
// no-op on null. (A timer or watch of ours, on the loop thread.)
void destroy_source(GSource*& source);

// hlssink2 passes `location` through printf to number the segments: a '%' in a folder name
// must not be read as a conversion.
std::string escape_printf(const std::string& text);

}  // namespace stagehub::pipelines
