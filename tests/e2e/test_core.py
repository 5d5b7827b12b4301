"""End-to-end tests of the core: the real (Release) binary, its RSS, its CLI and its exit codes."""
import json
import re
import subprocess
import unittest

from helpers import BLOCK, LEAKDEMO, SANITIZED, run, run_csv


class MemoryMovesAsTheArticleSays(unittest.TestCase):
    """RSS must really move: proof that the optimiser kept malloc + memset + (free)."""

    def growth(self, rows, key="rss_bytes"):
        return rows[-1][key] - rows[0][key]

    def test_leak_mode_raises_rss_by_every_block(self):
        result, rows = run_csv("--mode", "leak", "-n", 10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(rows), 11)
        self.assertAlmostEqual(self.growth(rows), 10 * BLOCK, delta=0.05 * 10 * BLOCK)

    def test_free_mode_raises_rss_by_at_most_two_blocks(self):
        result, rows = run_csv("--mode", "free", "-n", 10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLessEqual(self.growth(rows), 2 * BLOCK)
        self.assertTrue(all(row["leaked_bytes"] == 0 for row in rows))

    def test_hold_mode_raises_rss_like_leak(self):
        result, rows = run_csv("--mode", "hold", "-n", 10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertAlmostEqual(self.growth(rows), 10 * BLOCK, delta=0.05 * 10 * BLOCK)
        self.assertEqual(rows[-1]["leaked_bytes"], 0)
        self.assertEqual(rows[-1]["outstanding_bytes"], 10 * BLOCK)

    def test_touch_none_grows_virtual_size_not_resident(self):
        result, rows = run_csv("--touch", "none", "-n", 10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(self.growth(rows), 0.5 * BLOCK)
        self.assertAlmostEqual(self.growth(rows, "vsz_bytes"), 10 * BLOCK, delta=0.05 * 10 * BLOCK)

    def test_touch_page_commits_like_touch_all(self):
        result, rows = run_csv("--touch", "page", "-n", 10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertAlmostEqual(self.growth(rows), 10 * BLOCK, delta=0.05 * 10 * BLOCK)

    def test_fill_zero_still_commits(self):
        # malloc + memset(0) is what GCC folds into calloc, which commits nothing.
        result, rows = run_csv("--fill", "0", "-n", 10)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertAlmostEqual(self.growth(rows), 10 * BLOCK, delta=0.05 * 10 * BLOCK)

    def test_maxrss_never_goes_down(self):
        result, rows = run_csv("--mode", "free", "-n", 8)
        self.assertEqual(result.returncode, 0, result.stderr)
        maxrss = [row["maxrss_bytes"] for row in rows]
        self.assertEqual(maxrss, sorted(maxrss))
        # In free mode the first block is mmap'd then returned: current RSS falls below the high-water mark.
        self.assertTrue(any(row["rss_bytes"] < row["maxrss_bytes"] - BLOCK // 2 for row in rows), rows)


BAD_INPUT = [
    (["--block-size", "0"], "--block-size"),
    (["--block-size", "-1"], "--block-size"),
    (["--block-size", "many"], "--block-size"),
    (["--block-size", "4XB"], "--block-size"),
    (["--block-size", "99999999999999999999999"], "--block-size"),
    (["--iterations", "0"], "--iterations"),
    (["--iterations", "-3"], "--iterations"),
    (["--iterations", "1e99"], "--iterations"),
    (["--iterations", "lots"], "--iterations"),
    (["--interval", "-1"], "--interval"),
    (["--interval", "25h"], "--interval"),
    (["--interval", "fast"], "--interval"),
    (["--mode", "bogus"], "--mode"),
    (["--touch", "half"], "--touch"),
    (["--fill", "300"], "--fill"),
    (["--format", "xml"], "--format"),
    (["--color", "rainbow"], "--color"),
    (["--no-such-flag"], "--no-such-flag"),
    (["--output", "/nonexistent/dir/x.csv"], "--output"),
    (["--output", "run.unknown"], "--output"),
    (["--quiet", "--summary-only"], "--quiet"),
    (["--mode"], "--mode"),
    # Every other flag, the memory guard, and what does not exist.
    (["--block-size", ""], "--block-size"),
    (["--block-size", "0x10"], "--block-size"),
    (["--block-size", "100TiB"], "--block-size"),
    (["--block-size", "60TiB"], "--block-size"),  # below the 64 TiB ceiling, above any guard budget
    (["--iterations", "1.5"], "--iterations"),
    (["--block-size", "1.5"], "--block-size"),  # a fraction of a byte: it needs a unit (1.5MiB)
    (["--iterations", "99999999999999999999999"], "--iterations"),
    (["--interval", "1e3"], "--interval"),
    (["--interval", "5parsecs"], "--interval"),
    (["--touch", ""], "--touch"),
    (["--fill", "0x100"], "--fill"),
    (["--fill", "-2"], "--fill"),
    (["--fill", "ff"], "--fill"),
    (["--format", ""], "--format"),
    (["--output", "/nonexistent/x.jsonl"], "--output"),
    (["--output", "two\nlines.txt"], "--output"),  # still one line on stderr (found by fuzz_command_line)
    (["--output", "/nonexistent/two\nlines.csv"], "--output"),
    (["--output", "/proc/version.csv"], "--output"),
    (["--summary-only", "--output", "x.csv"], "--summary-only"),
    (["--max-memory", "lots"], "--max-memory"),
    (["--max-memory", "0"], "--max-memory"),
    (["--max-memory", "0%"], "--max-memory"),
    (["--max-memory", "101%"], "--max-memory"),
    (["--max-memory", "-5%"], "--max-memory"),
    (["--max-memory", "1e2%"], "--max-memory"),
    (["--max-memory", "%"], "--max-memory"),
    (["--max-memory", "100TiB"], "--max-memory"),  # more than this machine can give
    (["--max-memory", "1MiB"], "--block-size"),  # a 4,096,000-byte block cannot fit under the budget
    (["--max-memory"], "--max-memory"),
    (["--no-guard", "--max-memory", "1GiB"], "--no-guard"),
    (["--no-guard=maybe"], "--no-guard"),
    (["--quiet=loud"], "--quiet"),
    (["frobnicate"], "frobnicate"),
    (["-x"], "-x"),
    # The compare subcommand: its own flag, the flags it refuses, and the shared ones checked before any child.
    (["compare", "--modes", "leak"], "--modes"),
    (["compare", "--modes", "free,free"], "--modes"),
    (["compare", "--modes", "leak,sideways"], "--modes"),
    (["compare", "--mode", "free"], "--mode"),
    (["compare", "--summary-only"], "--summary-only"),
    (["compare", "--max-memory", "100TiB"], "--max-memory"),
    (["compare", "--max-memory", "6MiB"], "--block-size"),  # each child's half cannot hold one block
    (["compare", "--output", "/nonexistent/dir/x.csv"], "--output"),
    (["compare", "--report", "/nonexistent/dir/x.html"], "--report"),
    (["compare", "--interval", "-1"], "--interval"),
    # Every kind of error CLI11 raises while parsing, said in our words (CLI11_PHRASES never appear).
    (["--colour", "never"], "--colour: no such option; did you mean --color?"),
    (["--iteration", "3"], "did you mean --iterations?"),
    (["--no-such-flag=3"], "--no-such-flag: no such option"),
    (["compar"], "did you mean compare?"),
    (["extra"], "'extra': unexpected argument"),
    (["compare", "--modess", "leak,free"], "did you mean --modes?"),
    (["--mode", "sideways"], "--mode: sideways not in {arena,cache,cycle,exception,fragment,free,hold,indirect,interior,leak,mmap}"),
    (["--quiet=loud"], "--quiet: is a flag and takes no value"),
    (["--explain=maybe"], "--explain: is a flag"),
    (["-q", "--summary-only"], "cannot be combined with"),
    # Each flag's own words, not another's: --threads 0 is about threads, not "run until stopped".
    (["--mode", "arena", "--threads", "0"], "--threads: '0' is out of range: give 1 to 64 threads"),
    (["check", "--timeout", "0"], "--timeout: give a time above 0"),
]

# An option left without its value: last on the line (anywhere else it takes the next word, as getopt does).
MISSING_VALUE = [
    (["--mode"], "--mode: needs a value (one of {arena,cache,cycle,exception,fragment,free,hold,indirect,interior,leak,mmap})"),
    (["--interval"], "--interval: needs a value (DURATION)"),
    (["-n"], "--iterations: needs a value (N)"),
    (["--report"], "--report: needs a value"),
    (["compare", "--modes"], "--modes: needs a value (A,B: each one of {"),
    (["watch", "--command-output"], "--command-output: needs a value (one of {stderr,null,inherit} or a FILE)"),
]

# CLI11's own wording, which a user must never read.
CLI11_PHRASES = ("not expected", "required", "At Most", "Could not convert", "excludes", "Expected exactly",
                 "missing", "allowed value")


class BadInput(unittest.TestCase):
    def test_each_bad_value_is_one_line_naming_the_flag_and_exit_2(self):
        cases = [(args, flag, [*args, "-n", 1, "-i", 0]) for args, flag in BAD_INPUT]
        cases += [(args, flag, ["-i", 0, *args]) for args, flag in MISSING_VALUE]
        for args, flag, argv in cases:
            with self.subTest(args=args):
                result = run(*argv)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "", "nothing may run: no samples")
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertIn(flag, lines[0])
                self.assertTrue(lines[0].startswith("leakdemo: error: "), lines[0])
                self.assertNotIn("Traceback", result.stderr)
                for phrase in CLI11_PHRASES:
                    self.assertNotIn(phrase, lines[0])

    def test_table_has_at_least_forty_cases(self):
        self.assertGreaterEqual(len(BAD_INPUT), 40)


class GnuConventions(unittest.TestCase):
    def test_a_repeated_flag_takes_the_last_value(self):
        result = run("-n", 1, "-n", 3, "-i", 0, "--mode", "leak", "--mode", "free", "--format", "jsonl",
                     "--summary-only")
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = json.loads(result.stdout)
        self.assertEqual(summary["iterations"], 3)
        self.assertEqual(summary["mode"], "free")

    def test_single_letter_sizes_are_binary(self):
        for size, block in (("1M", 1048576), ("1MB", 1000000), ("64K", 65536), ("64KB", 64000)):
            with self.subTest(size=size):
                result = run("-b", size, "-n", 1, "-i", 0, "--format", "jsonl", "--summary-only")
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(json.loads(result.stdout)["block_bytes"], block)


class IneffectiveFlagsAreSaid(unittest.TestCase):
    """A flag that does nothing where it was given says so in one warning line; -q keeps stderr quiet."""

    CASES = [
        (["--trim", "--mode", "leak"], "--trim: has no effect in leak mode"),
        (["--trim", "--mode", "hold"], "--trim: has no effect in hold mode"),
        (["--bars", "always", "--format", "csv"], "--bars: has no effect with csv on stdout"),
        (["--bars", "always", "--format", "jsonl"], "--bars: has no effect with jsonl on stdout"),
        (["--fill", "0", "--touch", "none"], "--fill: has no effect with --touch none"),
        (["--fail-on-leak", "-n", 2], "--fail-on-leak: cannot fire with -n 2"),
    ]

    def test_one_warning_line_each_and_none_with_quiet(self):
        for args, warning in self.CASES:
            with self.subTest(args=args):
                result = run("-n", 1, "-i", 0, "--format", "csv", *args)
                self.assertEqual(result.returncode, 0, result.stderr)
                warnings = [line for line in result.stderr.splitlines() if line.startswith("leakdemo: warning:")]
                self.assertEqual(len(warnings), 1, result.stderr)
                self.assertTrue(warnings[0].startswith(f"leakdemo: warning: {warning}"), result.stderr)
                quiet = run("-n", 1, "-i", 0, "--format", "csv", "-q", *args)
                self.assertEqual(quiet.stderr, "")

    def test_flags_that_do_something_say_nothing(self):
        for args in (["--trim", "--mode", "free"], ["--bars", "always", "--format", "table"], ["--fill", "0"],
                     ["--fail-on-leak", "-n", 3]):
            with self.subTest(args=args):
                result = run("-n", 1, "-i", 0, "--format", "csv", *args)
                self.assertNotIn("warning", result.stderr)

    def test_compare_warns_once_for_both_children(self):
        result = run("compare", "--modes", "leak,hold", "--trim", "-n", 1, "-i", 0, "--format", "csv")
        self.assertEqual(result.returncode, 0, result.stderr)
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        self.assertEqual(len(warnings), 1, result.stderr)
        self.assertIn("--trim: has no effect in leak and hold mode", warnings[0])


class HelpAndVersion(unittest.TestCase):
    def test_help_lists_flags_examples_and_exit_codes(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0)
        for text in ("--mode", "--block-size", "--iterations", "--interval", "--touch", "--fill", "Examples:",
                     "Exit codes:", "129", "130", "143"):
            self.assertIn(text, result.stdout)
        self.assertEqual(result.stderr, "")

    def test_interval_help_says_missed_ticks_are_skipped_within_80_columns(self):
        lines = run("--help").stdout.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("  -i,--interval"))
        entry = [lines[start]]
        for line in lines[start + 1:]:
            if not line.startswith(" " * 20):  # the next option
                break
            entry.append(line)
        self.assertIn("missed ticks are skipped", " ".join(" ".join(entry).split()))
        for line in entry:
            self.assertLessEqual(len(line), 80, line)

    def test_version(self):
        result = run("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^leakdemo \d+\.\d+\.\d+\n$")


class AllocationFailure(unittest.TestCase):
    @unittest.skipIf(SANITIZED, "ASan reserves terabytes of address space: RLIMIT_AS cannot work under it")
    def test_ulimit_v_ends_with_exit_3_and_a_summary(self):
        # 200 MiB of address space: malloc returns NULL long before the 1000th block.
        script = f"ulimit -v 204800; exec '{LEAKDEMO}' --no-guard -n 1000 -i 0 --format csv"
        # --no-guard: the guard would stop first (test_guard.py); here malloc itself must fail.
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertRegex(result.stderr, r"allocation failed at iteration \d+: malloc\(4096000\)")
        self.assertIn("alloc_failed", result.stderr)
        self.assertIn("verdict", result.stderr)
        lines = result.stdout.splitlines()
        self.assertGreater(len(lines), 5)
        self.assertTrue(all(line.count(",") == 13 for line in lines), "every CSV line is whole")


class TableOutput(unittest.TestCase):
    def test_table_rows_and_summary(self):
        result = run("--format", "table", "-n", 3, "-i", 0)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 5)  # header + baseline + 3
        self.assertIn("rss", lines[0])
        self.assertIn("max rss", lines[0])
        self.assertRegex(lines[2], r"MiB")
        self.assertNotIn("\033[", result.stdout, "no colour when stdout is not a terminal")
        self.assertIn("verdict", result.stderr)

    def test_color_always_and_no_color(self):
        coloured = run("--format", "table", "-n", 2, "-i", 0, "--color", "always")
        self.assertIn("\033[", coloured.stdout)
        never = run("--format", "table", "-n", 2, "-i", 0, "--color", "auto", env={"NO_COLOR": "1"})
        self.assertNotIn("\033[", never.stdout)

    def test_quiet_drops_the_summary(self):
        result = run("--format", "csv", "-n", 2, "-i", 0, "-q")
        self.assertEqual(result.stderr, "")

    def test_units_are_human_in_the_table_and_raw_in_csv(self):
        table = run("--format", "table", "-n", 1, "-i", 0, "-q").stdout
        self.assertTrue(re.search(r"\d+\.\d (KiB|MiB)", table), table)
        csv_text = run("--format", "csv", "-n", 1, "-i", 0, "-q").stdout
        self.assertNotIn("MiB", csv_text)


if __name__ == "__main__":
    unittest.main()
