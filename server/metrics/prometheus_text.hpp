// The Prometheus text exposition format, version 0.0.4: HELP and TYPE lines, samples with
// escaped label values, numbers as Prometheus reads them (NaN, +Inf). Only writes; what
// a name may be is checked by the registry (metric_registry.hpp).
//
// Threads: any (a value type).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stagehub::metrics {

// The media type a scrape answer carries.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { counter, gauge, histogram };

std::string_view name_of(MetricType type);

// Label name and value pairs, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A number as the text format spells it: whole numbers without a fraction, others in the
// shortest form that reads back the same, and NaN, +Inf, -Inf.
std::string format_number(double value);

class PrometheusText {
  public:
    // Starts a family: its HELP (escaped) and TYPE lines.
    void family(std::string_view name, std::string_view help, MetricType type);
    // One sample line: name{labels} value.
    void sample(std::string_view name, const Labels& labels, double value);

    const std::string& text() const { return text_; }

  private:
    std::string text_;
};

}  // namespace stagehub::metrics
