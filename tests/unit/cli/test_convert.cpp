// Step (b) of the command line without CLI11: RawOptions texts in, typed Options (or the flag's message) out.
#include <gtest/gtest.h>

#include <string>

#include "cli/convert.hpp"

namespace leakdemo {
namespace {

TEST(ConvertOptions, EmptyTextsKeepTheDefaults) {
    const auto options = convert_options(RawOptions{});
    ASSERT_TRUE(options) << options.error();
    const Options defaults;
    EXPECT_EQ(options->mode, defaults.mode);
    EXPECT_EQ(options->block_bytes, defaults.block_bytes);
    EXPECT_FALSE(options->iterations);
    EXPECT_EQ(options->interval, defaults.interval);
    EXPECT_EQ(options->fill, defaults.fill);
    EXPECT_FALSE(options->mmap_threshold_bytes);
    EXPECT_TRUE(options->guard.enabled);
    EXPECT_FALSE(options->guard.max_bytes);
    EXPECT_EQ(options->command, Command::run);
}

TEST(ConvertOptions, EveryTextBecomesItsValue) {
    RawOptions raw;
    raw.mode = "Hold";
    raw.block_size = "1MiB";
    raw.iterations = "7";
    raw.interval = "250ms";
    raw.touch = "PAGE";
    raw.fill = "0x2a";
    raw.format = "jsonl";
    raw.color = "never";
    raw.mmap_threshold = "64KiB";
    raw.bars = "always";
    raw.max_memory = "25%";
    raw.compare_modes = "free,hold";
    raw.no_guard = false;
    raw.trim = true;
    raw.compare = true;
    const auto options = convert_options(raw);
    ASSERT_TRUE(options) << options.error();
    EXPECT_EQ(options->mode, Mode::hold);
    EXPECT_EQ(options->block_bytes, 1048576U);
    EXPECT_EQ(options->iterations, 7U);
    EXPECT_EQ(options->interval, std::chrono::milliseconds(250));
    EXPECT_EQ(options->touch, Touch::page);
    EXPECT_EQ(options->fill, 0x2a);
    EXPECT_EQ(options->format, Format::jsonl);
    EXPECT_EQ(options->color, ColorMode::never);
    EXPECT_EQ(options->mmap_threshold_bytes, 65536U);
    EXPECT_EQ(options->bars, BarsMode::always);
    EXPECT_EQ(options->guard.max_available_percent, 25.0);
    EXPECT_EQ(options->compare_modes, (std::array<Mode, 2>{Mode::free, Mode::hold}));
    EXPECT_TRUE(options->trim);
    EXPECT_EQ(options->command, Command::compare);
}

TEST(ConvertOptions, TheFirstBadTextIsReportedWithItsFlag) {
    RawOptions raw;
    raw.block_size = "0";
    raw.fill = "256";
    const auto options = convert_options(raw);
    ASSERT_FALSE(options);
    EXPECT_EQ(options.error(), "--block-size: a block must be at least 1 byte");
}

TEST(ConvertOptions, NoGuardTurnsTheGuardOff) {
    RawOptions raw;
    raw.no_guard = true;
    EXPECT_FALSE(convert_options(raw)->guard.enabled);
}

TEST(ConvertOptions, OutputFormatFromExtensionOrFormat) {
    RawOptions raw;
    raw.output_path = "run.json";
    EXPECT_EQ(convert_options(raw)->output_format, Format::jsonl);
    raw.output_path = "-";
    raw.format = "csv";
    EXPECT_EQ(convert_options(raw)->output_format, Format::csv);
    raw.output_path = "run.txt";
    raw.format = "";
    const auto unknown = convert_options(raw);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().rfind("--output: cannot tell the format of 'run.txt'", 0), 0U)
        << unknown.error();
}

TEST(ConvertOptions, AUserPathWithANewlineStaysOneLine) {
    RawOptions raw;
    raw.output_path = "run\n.txt";
    const auto options = convert_options(raw);
    ASSERT_FALSE(options);
    EXPECT_EQ(options.error().find('\n'), std::string::npos) << options.error();
}

TEST(ParseEnum, AnyCaseFromTheNameTable) {
    EXPECT_EQ(parse_enum<Format>("AUTO").value(), Format::automatic);
    EXPECT_EQ(parse_enum<ColorMode>("Always").value(), ColorMode::always);
    EXPECT_EQ(parse_enum<BarsMode>("never").value(), BarsMode::never);
    const auto bad = parse_enum<Format>("XML");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "XML not in {auto,csv,jsonl,table}");
}

TEST(EnumChoices, SortedNamesInBraces) {
    EXPECT_EQ(enum_choices<Mode>(),
              "{arena,cache,cycle,exception,fragment,free,hold,indirect,interior,leak,mmap}");
    EXPECT_EQ(enum_choices<Touch>(), "{all,none,page}");
    EXPECT_EQ(enum_choices<ColorMode>(), "{always,auto,never}");
}

TEST(EnumNames, EveryEnumTheCliReadsRoundTrips) {
    for (const auto& [value, name] : enum_names<Format>) {
        EXPECT_EQ(enum_from_name<Format>(name), value);
    }
    EXPECT_EQ(to_string(Format::automatic), "auto");
    EXPECT_EQ(to_string(ColorMode::automatic), "auto");
    EXPECT_EQ(to_string(BarsMode::always), "always");
    EXPECT_EQ(to_string(Command::compare), "compare");
}

TEST(ParseFill, DecimalHexAndTheArticlesMinusOne) {
    EXPECT_EQ(parse_fill("0").value(), 0);
    EXPECT_EQ(parse_fill("255").value(), 255);
    EXPECT_EQ(parse_fill("0xA5").value(), 0xa5);
    EXPECT_EQ(parse_fill("-1").value(), 0xff);
    EXPECT_FALSE(parse_fill("256"));
    EXPECT_FALSE(parse_fill("0x"));
    EXPECT_FALSE(parse_fill("0x1ff"));
    EXPECT_FALSE(parse_fill("ff"));
}

TEST(ParseMmapThreshold, AtMostGlibcsMaximum) {
    EXPECT_EQ(parse_mmap_threshold("32MiB").value(), max_mmap_threshold_bytes);
    EXPECT_EQ(parse_mmap_threshold("0").value(), 0U);
    EXPECT_FALSE(parse_mmap_threshold("33MiB"));
}

TEST(ParseThreads, OneToSixtyFour) {
    EXPECT_EQ(parse_threads("1").value(), 1U);
    EXPECT_EQ(parse_threads("64").value(), max_threads);
    EXPECT_FALSE(parse_threads("0"));
    EXPECT_FALSE(parse_threads("65"));
    EXPECT_FALSE(parse_threads("-3"));
    EXPECT_FALSE(parse_threads("four"));
}

TEST(ConvertOptions, ThreadsAreTakenAndRemembered) {
    RawOptions raw;
    raw.mode = "arena";
    raw.threads = "4";
    const auto options = convert_options(raw);
    ASSERT_TRUE(options) << options.error();
    EXPECT_EQ(options->threads, 4U);
    EXPECT_TRUE(options->threads_given);
    EXPECT_FALSE(convert_options(RawOptions{})->threads_given);
}

TEST(ConvertOptions, InteriorNeedsTwoBytes) {
    RawOptions raw;
    raw.mode = "interior";
    raw.block_size = "1";
    const auto options = convert_options(raw);
    ASSERT_FALSE(options);
    EXPECT_EQ(options.error().rfind("--block-size: interior mode needs at least 2 bytes", 0), 0U);
    raw.block_size = "2";
    EXPECT_TRUE(convert_options(raw));
    raw.mode = "leak";
    raw.block_size = "1";
    raw.compare = true;
    raw.compare_modes = "leak,interior";
    EXPECT_FALSE(convert_options(raw));
}

// The zoo's modes allocate their own shapes: --huge-pages would be ignored there, so it is refused.
TEST(ConvertOptions, HugePagesOnlyWhereBlocksAreRounded) {
    RawOptions raw;
    raw.huge_pages = true;
    for (const char* mode : {"leak", "free", "hold"}) {
        raw.mode = mode;
        EXPECT_TRUE(convert_options(raw)) << mode;
    }
    for (const char* mode :
         {"cache", "interior", "exception", "mmap", "fragment", "arena", "cycle", "indirect"}) {
        raw.mode = mode;
        const auto options = convert_options(raw);
        ASSERT_FALSE(options) << mode;
        EXPECT_EQ(options.error(),
                  std::string("--huge-pages: only leak, free and hold round their blocks to 2 MiB; ") + mode +
                      " mode does not");
    }
    raw.check = true;  // check forwards the flag to its runs: same rule
    raw.mode = "cache";
    EXPECT_FALSE(convert_options(raw));
    raw.check = false;
    raw.live = true;  // live: the mode it starts in
    EXPECT_FALSE(convert_options(raw));
    raw.mode = "hold";
    EXPECT_TRUE(convert_options(raw));
    raw.live = false;
    raw.mode.clear();
    raw.compare = true;  // compare: each of its two modes
    raw.compare_modes = "free,hold";
    EXPECT_TRUE(convert_options(raw));
    raw.compare_modes = "leak,fragment";
    const auto options = convert_options(raw);
    ASSERT_FALSE(options);
    EXPECT_NE(options.error().find("fragment mode does not"), std::string::npos);
}

}  // namespace
}  // namespace leakdemo
