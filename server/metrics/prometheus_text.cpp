#include "server/metrics/prometheus_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace stagehub::metrics {
namespace {

// HELP text escapes backslash and line feed; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (const char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quote)
            out += "\\\"";
        else
            out += c;
    }
}

}  // namespace

std::string_view name_of(MetricType type) {
    switch (type) {
        case MetricType::counter:
            return "counter";
        case MetricType::gauge:
            return "gauge";
        case MetricType::histogram:
            return "histogram";
    }
    return "untyped";
}

std::string format_number(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    // Counts are whole: written as such ("12", not "1.2e+01"), exactly up to 2^53.
    if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0)
        return std::to_string(static_cast<int64_t>(value));
    char buffer[32];
    // Shortest round-trip, as %g lays it out (0.0001, not 1e-04), like Go's clients write
    // bucket bounds.
    const auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
    return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

void PrometheusText::family(std::string_view name, std::string_view help, MetricType type) {
    text_ += "# HELP ";
    text_ += name;
    text_ += ' ';
    append_escaped(text_, help, false);
    text_ += "\n# TYPE ";
    text_ += name;
    text_ += ' ';
    text_ += name_of(type);
    text_ += '\n';
}

void PrometheusText::sample(std::string_view name, const Labels& labels, double value) {
    text_ += name;
    if (!labels.empty()) {
        text_ += '{';
        for (size_t i = 0; i < labels.size(); ++i) {
            if (i > 0)
                text_ += ',';
            text_ += labels[i].first;
            text_ += "=\"";
            append_escaped(text_, labels[i].second, true);
            text_ += '"';
        }
        text_ += '}';
    }
    text_ += ' ';
    text_ += format_number(value);
    text_ += '\n';
}

}  // namespace stagehub::metrics
