// The registry and its text format: names checked, escaping, numbers as Prometheus reads
// them, histograms cumulative with +Inf equal to _count, counters from many threads.
#include "server/metrics/metric_registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace stagehub::metrics {
namespace {

TEST(PrometheusText, NumbersAreWrittenAsPrometheusReadsThem) {
    EXPECT_EQ(format_number(0), "0");
    EXPECT_EQ(format_number(12), "12");
    EXPECT_EQ(format_number(-3), "-3");
    EXPECT_EQ(format_number(0.25), "0.25");
    EXPECT_EQ(format_number(0.0001), "0.0001");
    EXPECT_EQ(format_number(1e300), "1e+300");
    EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_number(std::nan("")), "NaN");
}

TEST(PrometheusText, HelpAndLabelValuesAreEscaped) {
    PrometheusText text;
    text.family("x_total", "a \\ b\nc \"d\"", MetricType::counter);
    text.sample("x_total", {{"stage", "a\"b\\c\nd"}, {"k", "v"}}, 1);
    EXPECT_EQ(text.text(),
              "# HELP x_total a \\\\ b\\nc \"d\"\n"
              "# TYPE x_total counter\n"
              "x_total{stage=\"a\\\"b\\\\c\\nd\",k=\"v\"} 1\n");
}

TEST(MetricRegistry, RefusesBadNamesCountersWithoutTotalAndTwins) {
    MetricRegistry registry;
    const auto read = [] { return 1.0; };
    EXPECT_THROW(registry.add_gauge("1abc", "h", read), std::logic_error);
    EXPECT_THROW(registry.add_gauge("a-b", "h", read), std::logic_error);
    EXPECT_THROW(registry.add_counter("stagehub_requests", "h", read), std::logic_error);
    registry.add_gauge("stagehub_x", "h", read);
    EXPECT_THROW(registry.add_gauge("stagehub_x", "h", read), std::logic_error);
    EXPECT_TRUE(valid_label_name("stage"));
    EXPECT_FALSE(valid_label_name("__name__"));
    EXPECT_FALSE(valid_label_name("a:b"));
}

TEST(MetricRegistry, RendersFamiliesInOrderReadAtEachScrape) {
    MetricRegistry registry;
    double value = 1;
    registry.add_gauge("b_gauge", "second", [&] { return value; });
    LabelledCounter requests({"class", "code"});
    registry.add("a_total", "first", MetricType::counter, [&](FamilyWriter& out) {
        for (const auto& [labels, count] : requests.values())
            out.sample({{"class", labels[0]}, {"code", labels[1]}}, static_cast<double>(count));
    });
    requests.add({"api", "200"});
    requests.add({"api", "200"});
    requests.add({"static", "404"});
    value = 7.5;
    EXPECT_EQ(registry.render(),
              "# HELP b_gauge second\n# TYPE b_gauge gauge\nb_gauge 7.5\n"
              "# HELP a_total first\n# TYPE a_total counter\n"
              "a_total{class=\"api\",code=\"200\"} 2\n"
              "a_total{class=\"static\",code=\"404\"} 1\n");
    EXPECT_EQ(requests.value({"api", "200"}), 2u);
    EXPECT_EQ(requests.value({"api", "500"}), 0u);
    EXPECT_THROW(requests.add({"api"}), std::logic_error);
}

TEST(Histogram, BucketsAreCumulativeAndInfEqualsCount) {
    Histogram histogram({0.001, 0.01, 0.1});
    histogram.observe(0.0005);
    histogram.observe(0.001);  // on a bound: in that bucket (le)
    histogram.observe(0.05);
    histogram.observe(3);
    MetricRegistry registry;
    registry.add("commit_seconds", "h", MetricType::histogram,
                 [&](FamilyWriter& out) { out.histogram({}, histogram.snapshot()); });
    EXPECT_EQ(registry.render(),
              "# HELP commit_seconds h\n# TYPE commit_seconds histogram\n"
              "commit_seconds_bucket{le=\"0.001\"} 2\n"
              "commit_seconds_bucket{le=\"0.01\"} 2\n"
              "commit_seconds_bucket{le=\"0.1\"} 3\n"
              "commit_seconds_bucket{le=\"+Inf\"} 4\n"
              "commit_seconds_sum 3.0515\n"
              "commit_seconds_count 4\n");
    EXPECT_THROW(Histogram({1, 0.5}), std::logic_error);
}

TEST(Counter, CountsEveryAddFromManyThreads) {
    Counter counter;
    Histogram histogram({1});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                counter.add();
                histogram.observe(0.5);
            }
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    EXPECT_EQ(counter.value(), 40000u);
    EXPECT_EQ(histogram.snapshot().cumulative.back(), 40000u);
    EXPECT_DOUBLE_EQ(histogram.snapshot().sum, 20000);
}

}  // namespace
}  // namespace stagehub::metrics
