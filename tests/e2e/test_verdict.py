"""The verdict rule at its edges (docs/verdict.md): too few iterations, and blocks so small that a leak of one
per iteration could not show above RSS's one-time steps, are `inconclusive`, never a false `stable` or
`leaking`; everywhere it reads the same: JSONL, the human summary, --fail-on-leak, compare."""
import json
import re
import unittest

from helpers import SANITIZED, jsonl_records, run


def summary(*args, expect_exit=0):
    result = run(*args, "-i", 0, "--summary-only", "--format", "jsonl")
    assert result.returncode == expect_exit, (args, result.returncode, result.stderr)
    return json.loads(result.stdout)


def human_verdict(*args):
    result = run(*args, "-i", 0, "--format", "csv")
    found = re.findall(r"^  verdict +(.+)$", result.stderr, re.MULTILINE)
    assert len(found) == 1, result.stderr
    return found[0]


class TooFewIterations(unittest.TestCase):
    def test_two_iterations_of_a_leak_are_inconclusive_everywhere(self):
        self.assertEqual(summary("-m", "leak", "-n", 2)["verdict"], "inconclusive")
        self.assertEqual(human_verdict("-m", "leak", "-n", 2), "inconclusive (the rule needs at least 3 iterations)")
        # --fail-on-leak fires only on `leaking`: 2 iterations cannot fail the build, 3 can.
        self.assertEqual(summary("-m", "leak", "-n", 2, "--fail-on-leak")["verdict"], "inconclusive")
        self.assertEqual(summary("-m", "leak", "-n", 3, "--fail-on-leak", expect_exit=4)["verdict"], "leaking")

    def test_one_iteration_too(self):
        self.assertEqual(summary("-m", "leak", "-n", 1)["verdict"], "inconclusive")
        self.assertEqual(summary("-m", "free", "-n", 1)["verdict"], "inconclusive")

    def test_compare_says_it_for_both_children(self):
        result = run("compare", "-n", 2, "-i", 0, "--format", "jsonl", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        verdicts = {r["mode"]: r["verdict"] for r in jsonl_records(result.stdout) if r["type"] == "summary"}
        self.assertEqual(verdicts, {"leak": "inconclusive", "free": "inconclusive"})
        table = run("compare", "-n", 2, "-i", 0, "--format", "table", env={"COLUMNS": "100"})
        self.assertRegex(table.stderr, r"verdict\s+inconclusive\s+inconclusive")


class TinyBlocks(unittest.TestCase):
    def test_free_mode_one_byte_blocks_are_never_called_leaking(self):
        # RSS steps once (a 64 KiB window of code faulted in by the first output line), then stays flat: no
        # leak. But 50 x 1 B could not have shown either, so the rule cannot say `stable`.
        for iterations in (3, 50):
            with self.subTest(iterations=iterations):
                s = summary("-m", "free", "-b", 1, "-n", iterations)
                self.assertEqual(s["verdict"], "inconclusive", s)
        self.assertEqual(human_verdict("-m", "free", "-b", 1, "-n", 50),
                         "inconclusive (50 x 1 B is below the 256.0 KiB one-time steps can add)")

    @unittest.skipIf(SANITIZED, "glibc's malloc reuses the freed chunk; ASan's allocator warms up for longer")
    def test_free_mode_small_blocks_long_enough_to_tell_are_stable(self):
        # 64 B x 10,000 = 640,000 B: a leak would have shown, and none did.
        s = summary("-m", "free", "-b", 64, "-n", 10000)
        self.assertEqual(s["verdict"], "stable", s)

    def test_a_one_byte_leak_shows_when_it_adds_up(self):
        # Each 1-byte malloc takes a 32-byte glibc chunk: 10,000 of them grow RSS by ~312 KiB, linearly.
        s = summary("-m", "leak", "-b", 1, "-n", 10000)
        self.assertEqual(s["verdict"], "leaking", s)
        self.assertGreaterEqual(s["rss_growth_bytes"], 256 * 1024, s)
        # 1,000 of them are ~32 KB: no more than a one-time step, so the rule cannot tell.
        self.assertEqual(summary("-m", "leak", "-b", 1, "-n", 1000)["verdict"], "inconclusive")



class ModesThatKeepPartOfAStep(unittest.TestCase):
    """The verdict judges RSS against what a step allocates and what it keeps (VerdictBasis), not one block."""

    def test_fragment_that_climbs_is_leaking(self):
        # 1 MiB cut into 1 KiB chunks, one in 16 kept: RSS climbs ~3.6 MiB over 40 steps, highest at the end.
        # Half a block per iteration (the old rule) called this `stable`.
        s = summary("-m", "fragment", "-b", "1MiB", "-n", 40)
        self.assertEqual(s["verdict"], "leaking", s)
        self.assertGreater(s["rss_growth_bytes"], 40 * 64 * 1024, s)

    def test_short_fragment_run_cannot_tell(self):
        s = summary("-m", "fragment", "-b", "1MiB", "-n", 10)
        self.assertNotEqual(s["verdict"], "stable", s)
        if SANITIZED:
            return  # ASan's allocator (redzones, quarantine) grows RSS by more than the chunks glibc keeps
        self.assertEqual(human_verdict("-m", "fragment", "-b", "1MiB", "-n", 10),
                         "inconclusive (10 x 64.0 KiB kept per iteration is below the 1.7 MiB one-time steps "
                         "can add)")

    @unittest.skipIf(SANITIZED, "ASan's allocator does not keep a freed block per arena as glibc does")
    def test_arena_threads_that_each_keep_one_freed_block_are_not_leaking(self):
        # 4 threads x 1 MiB: each arena keeps its freed block once (+4 MiB over 3 steps), then RSS is flat.
        s = summary("-m", "arena", "--threads", 4, "-b", "1MiB", "-n", 3)
        self.assertNotEqual(s["verdict"], "leaking", s)
        self.assertGreater(s["rss_growth_bytes"], 2 * 1024 * 1024, s)

    def test_free_mode_is_never_called_leaking(self):
        cases = [("-n", 3), ("-b", "1MiB", "-n", 10)]
        if not SANITIZED:  # mallopt is refused when ASan replaces malloc (exit 1, documented)
            cases.append(("--mmap-threshold", "32MiB", "-n", 20))
        for args in cases:
            with self.subTest(args=args):
                self.assertNotEqual(summary("-m", "free", *args)["verdict"], "leaking")


if __name__ == "__main__":
    unittest.main()
