// The bounded series behind --chart and --report: a fixed number of buckets, merged pairwise when full.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "output/bounded_series.hpp"

namespace leakdemo {
namespace {

// A sample whose figures are chosen by the test: RSS `rss`, max RSS never below the highest RSS so far.
Record sample(std::uint64_t iteration, std::uint64_t rss, std::uint64_t maxrss, std::uint64_t leaked = 0) {
    Record record;
    record.iteration = iteration;
    record.sample.rss_bytes = rss;
    record.sample.maxrss_bytes = maxrss;
    record.sample.vsz_bytes = 2 * rss;
    record.sample.minor_faults = iteration;
    record.counters.leaked_bytes = leaked;
    record.counters.outstanding_bytes = leaked + 7;
    return record;
}

TEST(BoundedSeries, OneBucketPerSampleUntilFull) {
    BoundedSeries series(8);
    for (std::uint64_t i = 0; i < 8; ++i) {
        series.add(sample(i, 100 + i, 200));
    }
    ASSERT_EQ(series.buckets().size(), 8U);
    EXPECT_EQ(series.bucket_samples(), 1U);
    for (std::uint64_t i = 0; i < 8; ++i) {
        const Bucket& bucket = series.buckets()[i];
        EXPECT_EQ(bucket.first_iteration, i);
        EXPECT_EQ(bucket.last_iteration, i);
        EXPECT_EQ(bucket.min[Figure::rss], 100 + i);
        EXPECT_EQ(bucket.max[Figure::rss], 100 + i);
        EXPECT_EQ(bucket.last[Figure::held], 7U);
    }
}

TEST(BoundedSeries, MergesPairwiseWhenFullAndKeepsTheCountBounded) {
    BoundedSeries series(8);
    for (std::uint64_t i = 0; i < 9; ++i) {
        series.add(sample(i, 100 + i, 200));
    }
    // 8 full buckets became 4 of 2 samples; the ninth sample starts bucket 5.
    ASSERT_EQ(series.buckets().size(), 5U);
    EXPECT_EQ(series.bucket_samples(), 2U);
    EXPECT_EQ(series.buckets()[0].first_iteration, 0U);
    EXPECT_EQ(series.buckets()[0].last_iteration, 1U);
    EXPECT_EQ(series.buckets()[0].min[Figure::rss], 100U);
    EXPECT_EQ(series.buckets()[0].max[Figure::rss], 101U);
    EXPECT_EQ(series.buckets()[4].first_iteration, 8U);

    for (std::uint64_t i = 9; i < 1'000'000; ++i) {
        series.add(sample(i, 100 + i % 1000, 200));
        ASSERT_LE(series.buckets().size(), 8U);
    }
    EXPECT_EQ(series.samples(), 1'000'000U);
    // The buckets cover every iteration once, in order, without a gap.
    std::uint64_t next = 0;
    std::uint64_t samples = 0;
    for (const Bucket& bucket : series.buckets()) {
        EXPECT_EQ(bucket.first_iteration, next);
        next = bucket.last_iteration + 1;
        samples += bucket.samples;
        EXPECT_LE(bucket.samples, series.bucket_samples());
    }
    EXPECT_EQ(next, 1'000'000U);
    EXPECT_EQ(samples, 1'000'000U);
}

TEST(BoundedSeries, PeaksAndTheLastValueSurviveEveryMerge) {
    BoundedSeries series(16);
    constexpr std::uint64_t samples = 100'000;
    constexpr std::uint64_t spike_at = 77'777;  // one sample, deep inside a bucket of thousands
    for (std::uint64_t i = 0; i < samples; ++i) {
        const std::uint64_t rss = i == spike_at ? 9'000'000 : 1'000'000 + (i % 3);
        const std::uint64_t dip = i == 12'345 ? 5 : rss;
        series.add(sample(i, dip, 9'000'000 * (i >= spike_at ? 1 : 0) + 2'000'000, i * 10));
    }
    EXPECT_GE(series.bucket_samples(), samples / 16);
    EXPECT_EQ(series.peak(Figure::rss), 9'000'000U) << "the one-sample spike is kept exactly";
    EXPECT_EQ(series.peak(Figure::maxrss), 11'000'000U);
    EXPECT_EQ(series.peak(Figure::leaked), (samples - 1) * 10);
    std::uint64_t lowest = UINT64_MAX;
    std::size_t spike_buckets = 0;
    for (const Bucket& bucket : series.buckets()) {
        lowest = std::min(lowest, bucket.min[Figure::rss]);
        if (bucket.max[Figure::rss] == 9'000'000U) {
            ++spike_buckets;
            EXPECT_LE(bucket.first_iteration, spike_at);
            EXPECT_GE(bucket.last_iteration, spike_at) << "the spike is in the bucket that covers it";
        }
    }
    EXPECT_EQ(spike_buckets, 1U);
    EXPECT_EQ(lowest, 5U) << "so is the one-sample dip";
    const Bucket& last = series.buckets().back();
    EXPECT_EQ(last.last_iteration, samples - 1);
    EXPECT_EQ(last.last[Figure::leaked], (samples - 1) * 10)
        << "the last sample's values, not a bucket's max";
    EXPECT_EQ(last.last[Figure::rss], 1'000'000 + (samples - 1) % 3);
    EXPECT_EQ(last.last[Figure::minor_faults], samples - 1);
}

TEST(BoundedSeries, StorageIsFixedWhenMade) {
    BoundedSeries series;
    EXPECT_EQ(series.capacity(), BoundedSeries::default_capacity);
    EXPECT_TRUE(series.buckets().empty());
    EXPECT_EQ(series.peak(Figure::rss), 0U);
    const Bucket* storage = series.buckets().data();
    for (std::uint64_t i = 0; i < 100'000; ++i) {
        series.add(sample(i, i, i));
    }
    EXPECT_EQ(series.buckets().data(), storage) << "no reallocation: the buckets made at the start are used";
    EXPECT_EQ(series.capacity(), BoundedSeries::default_capacity);
}

TEST(BoundedNotes, KeepsTheFirstAndCountsTheRest) {
    BoundedNotes notes(3);
    EXPECT_TRUE(notes.empty());
    for (std::uint64_t i = 1; i <= 10; ++i) {
        notes.add(i, "note " + std::to_string(i));
    }
    ASSERT_EQ(notes.kept().size(), 3U);
    EXPECT_EQ(notes.kept()[0].iteration, 1U);
    EXPECT_EQ(notes.kept()[2].text, "note 3");
    EXPECT_EQ(notes.dropped(), 7U);
    EXPECT_FALSE(notes.empty());
}

}  // namespace
}  // namespace leakdemo
