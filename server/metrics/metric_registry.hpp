// A minimal metric registry: counters and histograms that any thread may update (atomics,
// never a lock on the hot path), a labelled counter for the loop thread, and families
// whose samples are read when scraped from whoever already keeps the figure (the HTTP
// core's socket counts, a stage's health). render() writes them all in the Prometheus
// text format (prometheus_text.hpp).
//
// Threads: Counter and Histogram are updated from any thread (GStreamer streaming threads,
// the database workers); LabelledCounter and the registry itself belong to one thread,
// the loop's, where every scrape is answered and every family is read.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/metrics/prometheus_text.hpp"

namespace stagehub::metrics {

// Counts up, from any thread.
class Counter {
  public:
    void add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    uint64_t value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<uint64_t> value_{0};
};

// Observations into fixed buckets, from any thread. A scrape may race an observation: it
// sees it in the buckets or not; the count it reports is the buckets' sum, so the +Inf
// bucket always equals _count as Prometheus requires.
class Histogram {
  public:
    // The buckets' upper bounds, ascending; +Inf is implied.
    explicit Histogram(std::vector<double> upper_bounds);
    void observe(double value);

    struct Snapshot {
        std::vector<double> upper_bounds;
        std::vector<uint64_t> cumulative;  // per bound, then +Inf
        double sum = 0;
    };
    Snapshot snapshot() const;

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // not cumulative; +Inf last
    std::atomic<double> sum_{0};
};

// Counts by label values (HTTP requests by route class and status), on the loop thread
// only. The caller bounds the values: never a raw path or an id a client chose.
class LabelledCounter {
  public:
    explicit LabelledCounter(std::vector<std::string> label_names)
        : label_names_(std::move(label_names)) {}
    void add(const std::vector<std::string>& values, uint64_t n = 1);
    uint64_t value(const std::vector<std::string>& values) const;
    const std::vector<std::string>& label_names() const { return label_names_; }
    const std::map<std::vector<std::string>, uint64_t>& values() const { return values_; }

  private:
    std::vector<std::string> label_names_;
    std::map<std::vector<std::string>, uint64_t> values_;
};

// What a family's collector writes its samples to.
class FamilyWriter {
  public:
    FamilyWriter(PrometheusText& text, std::string_view name) : text_(text), name_(name) {}
    void sample(const Labels& labels, double value) { text_.sample(name_, labels, value); }
    // A histogram's _bucket, _sum and _count lines.
    void histogram(const Labels& labels, const Histogram::Snapshot& snapshot);

  private:
    PrometheusText& text_;
    std::string name_;
};

class MetricRegistry {
  public:
    using Collect = std::function<void(FamilyWriter&)>;

    // A family, written in the order added. Throws std::logic_error when the name is not a
    // Prometheus metric name, is taken, or a counter's name lacks `_total`: these are
    // mistakes in our code, found by the first test that builds the registry.
    void add(std::string name, std::string help, MetricType type, Collect collect);

    // Shorthands for a family of one unlabelled sample.
    void add_counter(std::string name, std::string help, std::function<double()> read);
    void add_gauge(std::string name, std::string help, std::function<double()> read);

    // Every family, read now, as the text exposition format.
    std::string render() const;

    // The names of the families, for checks (a dashboard naming only what exists).
    std::vector<std::string> names() const;

  private:
    struct Family {
        std::string name;
        std::string help;
        MetricType type;
        Collect collect;
    };
    std::vector<Family> families_;
};

// True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool valid_metric_name(std::string_view name);
// True for a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
bool valid_label_name(std::string_view name);

}  // namespace stagehub::metrics
