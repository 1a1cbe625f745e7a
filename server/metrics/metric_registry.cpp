#include "server/metrics/metric_registry.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace stagehub::metrics {
namespace {

bool name_char(char c, bool first, bool colon) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return letter || (colon && c == ':') || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool colon) {
    if (name.empty())
        return false;
    for (size_t i = 0; i < name.size(); ++i) {
        if (!name_char(name[i], i == 0, colon))
            return false;
    }
    return true;
}

}  // namespace

bool valid_metric_name(std::string_view name) {
    return valid_name(name, true);
}

bool valid_label_name(std::string_view name) {
    return valid_name(name, false) && !name.starts_with("__");
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
    if (!std::is_sorted(bounds_.begin(), bounds_.end()))
        throw std::logic_error("histogram bounds must ascend");
}

void Histogram::observe(double value) {
    const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
    buckets_[static_cast<size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot snapshot;
    snapshot.upper_bounds = bounds_;
    uint64_t running = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        snapshot.cumulative.push_back(running);
    }
    snapshot.sum = sum_.load(std::memory_order_relaxed);
    return snapshot;
}

void LabelledCounter::add(const std::vector<std::string>& values, uint64_t n) {
    if (values.size() != label_names_.size())
        throw std::logic_error("a labelled counter got the wrong number of label values");
    values_[values] += n;
}

uint64_t LabelledCounter::value(const std::vector<std::string>& values) const {
    const auto it = values_.find(values);
    return it == values_.end() ? 0 : it->second;
}

void FamilyWriter::histogram(const Labels& labels, const Histogram::Snapshot& snapshot) {
    Labels with_le = labels;
    with_le.emplace_back("le", "");
    for (size_t i = 0; i < snapshot.cumulative.size(); ++i) {
        with_le.back().second = i < snapshot.upper_bounds.size()
                                    ? format_number(snapshot.upper_bounds[i])
                                    : std::string("+Inf");
        text_.sample(name_ + "_bucket", with_le, static_cast<double>(snapshot.cumulative[i]));
    }
    text_.sample(name_ + "_sum", labels, snapshot.sum);
    text_.sample(name_ + "_count", labels, static_cast<double>(snapshot.cumulative.back()));
}

void MetricRegistry::add(std::string name, std::string help, MetricType type, Collect collect) {
    if (!valid_metric_name(name))
        throw std::logic_error("not a Prometheus metric name: " + name);
    if (type == MetricType::counter && !name.ends_with("_total"))
        throw std::logic_error("a counter's name ends in _total: " + name);
    if (std::any_of(families_.begin(), families_.end(),
                    [&](const Family& family) { return family.name == name; })) {
        throw std::logic_error("metric registered twice: " + name);
    }
    families_.push_back({std::move(name), std::move(help), type, std::move(collect)});
}

void MetricRegistry::add_counter(std::string name, std::string help, std::function<double()> read) {
    add(std::move(name), std::move(help), MetricType::counter,
        [read = std::move(read)](FamilyWriter& out) { out.sample({}, read()); });
}

void MetricRegistry::add_gauge(std::string name, std::string help, std::function<double()> read) {
    add(std::move(name), std::move(help), MetricType::gauge,
        [read = std::move(read)](FamilyWriter& out) { out.sample({}, read()); });
}

std::string MetricRegistry::render() const {
    PrometheusText text;
    for (const Family& family : families_) {
        text.family(family.name, family.help, family.type);
        FamilyWriter writer(text, family.name);
        family.collect(writer);
    }
    return text.text();
}

std::vector<std::string> MetricRegistry::names() const {
    std::vector<std::string> names;
    for (const Family& family : families_)
        names.push_back(family.name);
    return names;
}

}  // namespace stagehub::metrics
