"""End-to-end tests of the memory guard: leakdemo stops itself (exit 3, stop_reason guard) before the kernel
would stop it with SIGKILL (137) or malloc would fail."""
import os
import re
import subprocess
import unittest

from helpers import LEAKDEMO, SANITIZED, jsonl_records, leakdemo_env, make_memory_box, run, run_in_memory_box

MIB = 1 << 20


def summary_of(stdout):
    records = [record for record in jsonl_records(stdout) if record.get("type") == "summary"]
    assert len(records) == 1, stdout
    return records[0]


class GuardStopsTheRun(unittest.TestCase):
    def test_max_memory_stops_with_outstanding_within_the_budget(self):
        result = run("--max-memory", "64MiB", "-i", 0, "--format", "jsonl")
        self.assertEqual(result.returncode, 3, result.stderr)
        summary = summary_of(result.stdout)
        self.assertEqual(summary["stop_reason"], "guard")
        self.assertLessEqual(summary["outstanding_bytes"], 64 * MIB)
        # It stopped because the next block would not fit, not earlier.
        self.assertGreater(summary["outstanding_bytes"] + summary["block_bytes"], 64 * MIB)
        lines = result.stderr.splitlines()
        self.assertIn("leakdemo: guard: stopping before 64.0 MiB (--max-memory)", lines)
        self.assertTrue(any(re.match(r"leakdemo: guard: stopped before iteration \d+: ", line) for line in lines),
                        result.stderr)

    def test_hold_mode_is_guarded_too(self):
        result = run("--mode", "hold", "--max-memory", "20MiB", "-b", "1MiB", "-i", 0, "--format", "jsonl")
        self.assertEqual(result.returncode, 3, result.stderr)
        summary = summary_of(result.stdout)
        self.assertEqual(summary["stop_reason"], "guard")
        # The guard judges the RSS growth when larger: each mmap'd block's header page and the run's first
        # pages may stop it one block before 20 held.
        self.assertLessEqual(summary["outstanding_bytes"], 20 * MIB)
        self.assertGreaterEqual(summary["outstanding_bytes"], 19 * MIB)

    def test_default_budget_is_announced_with_its_source(self):
        result = run("-n", 1, "-i", 0, "--format", "csv")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr.splitlines()[0],
                         r"^leakdemo: guard: stopping before \d+\.\d [KMGT]iB \((50% of available memory|cgroup memory "
                         r"limit of .*|RLIMIT_(AS|DATA) of .*)\)$")

    def test_percentage_of_available_memory(self):
        result = run("--max-memory", "10%", "-n", 1, "-i", 0, "--format", "csv")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr, r"guard: stopping before .* \((10% of available memory|cgroup .*|RLIMIT.*)\)")

    def test_quiet_drops_the_budget_line_but_never_the_no_guard_warning(self):
        quiet = run("-n", 1, "-i", 0, "--format", "csv", "-q")
        self.assertEqual(quiet.stderr, "")
        unguarded = run("--no-guard", "-n", 1, "-i", 0, "--format", "csv", "-q")
        self.assertEqual(unguarded.returncode, 0, unguarded.stderr)
        lines = unguarded.stderr.splitlines()
        self.assertEqual(len(lines), 1, unguarded.stderr)
        self.assertTrue(lines[0].startswith("leakdemo: warning: --no-guard"), lines[0])

    @unittest.skipIf(SANITIZED, "ASan reserves terabytes of address space: RLIMIT_AS cannot work under it")
    def test_ulimit_v_default_flags_stop_by_the_guard_not_by_a_crash(self):
        # Default flags (leak mode, until stopped) with 200 MiB of address space: the guard, reading
        # RLIMIT_AS, must stop the run before malloc fails.
        script = f"ulimit -v 204800; exec '{LEAKDEMO}' -i 0 --format jsonl"
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 3, result.stderr)
        summary = summary_of(result.stdout)
        self.assertEqual(summary["stop_reason"], "guard")
        self.assertIn("RLIMIT_AS", result.stderr)
        self.assertNotIn("allocation failed", result.stderr)
        self.assertGreater(summary["iterations"], 10)


class GuardJudgesWhatTheProcessHolds(unittest.TestCase):
    """1-byte blocks cost ~96 B of heap each (chunk header, cache's map node): counting the payload alone let
    `--max-memory 2MiB` reach an RSS growth of ~190 MiB. The guard judges the RSS growth too."""

    def test_tiny_cache_entries_stop_near_the_budget_in_rss(self):
        result = run("-m", "cache", "-b", 1, "-i", 0, "--max-memory", "2MiB", "--summary-only", "--format", "jsonl")
        self.assertEqual(result.returncode, 3, result.stderr)
        summary = summary_of(result.stdout)
        self.assertEqual(summary["stop_reason"], "guard")
        self.assertLess(summary["outstanding_bytes"], 2 * MIB)
        self.assertLessEqual(summary["rss_growth_bytes"], 3 * 2 * MIB)
        self.assertIn("RSS growth if larger", result.stderr)


class OneStepMustFitUpFront(unittest.TestCase):
    """A step of several blocks that cannot fit the budget is a usage error before the run (exit 2), not a
    run that starts and stops at iteration 1 (exit 3); the line names what the step is made of."""

    def check_refused(self, *args, step):
        result = run(*args, "--max-memory", "64MiB", "-n", 3, "-i", 0, "--format", "csv")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "", "refused before the first sample")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("leakdemo: error: --block-size: one step of "), lines[0])
        self.assertIn(f"allocates {step}", lines[0])
        self.assertIn("--max-memory", lines[0])

    def test_a_cycle_of_two_40_mib_blocks(self):
        self.check_refused("--mode", "cycle", "-b", "40MiB", step="80.0 MiB (two shared_ptr blocks of -b 40.0 MiB")

    def test_four_arena_threads_of_30_mib(self):
        self.check_refused("--mode", "arena", "--threads", 4, "-b", "30MiB", step="120.0 MiB (4 threads x -b 30.0 MiB)")

    def test_an_indirect_chain(self):
        self.check_refused("--mode", "indirect", "-b", "30MiB", step="90.0 MiB")

    def test_compare_checks_each_childs_share(self):
        result = run("compare", "--modes", "leak,cycle", "-b", "20MiB", "--max-memory", "64MiB", "-n", 3, "-i", 0)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("one step of cycle mode allocates 40.0 MiB", result.stderr)
        self.assertIn("each of 2 children gets 1/2", result.stderr)


class GuardInACgroup(unittest.TestCase):
    """A child cgroup with a 64 MiB limit: leakdemo must stop itself (exit 3), not be OOM-killed (137)."""

    def setUp(self):
        self.cgroup = make_memory_box(self, 64 * MIB)

    def test_leak_mode_stops_itself_inside_a_64_mib_cgroup(self):
        result = run_in_memory_box(self, self.cgroup, ["-i", 0, "--format", "jsonl"], timeout=120)
        self.assertNotEqual(result.returncode, -9, "SIGKILLed by the OOM killer")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("cgroup memory limit of 64.0 MiB", result.stderr)
        summary = summary_of(result.stdout)
        self.assertEqual(summary["stop_reason"], "guard")
        self.assertLessEqual(summary["outstanding_bytes"], 64 * MIB)

    def check_tiny_blocks_stop_themselves(self, mode):
        # Millions of 1-byte blocks: the payload stays far below the limit while the heap reaches it.
        result = run_in_memory_box(self, self.cgroup, ["-m", mode, "-b", 1, "-i", 0, "--summary-only", "--format",
                                                       "jsonl"], timeout=120)
        self.assertNotEqual(result.returncode, -9, "SIGKILLed by the OOM killer")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(summary_of(result.stdout)["stop_reason"], "guard")

    def test_tiny_cache_entries_stop_themselves_inside_a_64_mib_cgroup(self):
        self.check_tiny_blocks_stop_themselves("cache")

    def test_tiny_indirect_chains_stop_themselves_inside_a_64_mib_cgroup(self):
        self.check_tiny_blocks_stop_themselves("indirect")


if __name__ == "__main__":
    unittest.main()
