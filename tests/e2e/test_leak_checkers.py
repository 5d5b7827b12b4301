"""leakdemo's own figures must agree with the leak checkers: valgrind (on the Release binary) and
LeakSanitizer (on the asan build, LEAKDEMO_SANITIZED=1). A demonstrator a leak checker contradicts has failed."""
import os
import re
import shutil
import subprocess
import unittest

from helpers import LEAKDEMO, SANITIZED, jsonl_records, leakdemo_env

MIB = 1 << 20
ITERATIONS = 5
ARGS = ["-n", ITERATIONS, "--block-size", "1MiB", "--interval", 0, "--summary-only", "--format", "jsonl"]


def summary_of(stdout):
    records = jsonl_records(stdout)
    assert len(records) == 1 and records[0]["type"] == "summary", stdout
    return records[0]


def valgrind_figure(report, label):
    """Bytes and blocks of one valgrind LEAK SUMMARY line ("definitely lost: 5,242,880 bytes in 5 blocks"); 0 and 0
    when valgrind printed no leak summary (nothing was left at exit)."""
    match = re.search(rf"{label}: ([\d,]+) bytes in ([\d,]+) blocks", report)
    if match is None:
        return 0, 0
    return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))


@unittest.skipIf(SANITIZED, "valgrind cannot run an ASan binary; the LeakSanitizer tests below cover that build")
@unittest.skipUnless(shutil.which("valgrind"), "valgrind is not installed (scripts/setup.sh test installs it)")
class Valgrind(unittest.TestCase):
    def run_valgrind(self, mode):
        args = ["--mode", mode, *map(str, ARGS)]
        result = subprocess.run(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
                                 "--error-exitcode=99", LEAKDEMO, *args],
                                capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                                env=leakdemo_env(args))
        self.assertIn("HEAP SUMMARY", result.stderr, result.stderr)
        return result, summary_of(result.stdout)

    def test_leak_mode_definitely_lost_equals_leaked_bytes(self):
        result, summary = self.run_valgrind("leak")
        self.assertEqual(result.returncode, 99, "valgrind found the deliberate leak: " + result.stderr)
        self.assertEqual(summary["leaked_bytes"], ITERATIONS * MIB)
        definite_bytes, definite_blocks = valgrind_figure(result.stderr, "definitely lost")
        possible_bytes, possible_blocks = valgrind_figure(result.stderr, "possibly lost")
        self.assertEqual(definite_bytes + possible_bytes, summary["leaked_bytes"], result.stderr)
        self.assertEqual(definite_blocks + possible_blocks, ITERATIONS, result.stderr)
        # Nothing else is left behind: the leak is exactly the demonstrated one.
        self.assertEqual(valgrind_figure(result.stderr, "still reachable"), (0, 0), result.stderr)
        self.assertEqual(valgrind_figure(result.stderr, "indirectly lost"), (0, 0), result.stderr)

    def test_free_mode_loses_nothing(self):
        result, summary = self.run_valgrind("free")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["leaked_bytes"], 0)
        self.assertIn("All heap blocks were freed -- no leaks are possible", result.stderr)

    def test_hold_mode_frees_what_it_held_at_exit(self):
        # The documented design: hold keeps the blocks reachable during the run and frees them at exit.
        result, summary = self.run_valgrind("hold")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["outstanding_bytes"], ITERATIONS * MIB)
        self.assertEqual(summary["leaked_bytes"], 0)
        self.assertEqual(valgrind_figure(result.stderr, "definitely lost"), (0, 0), result.stderr)
        self.assertIn("All heap blocks were freed -- no leaks are possible", result.stderr)


@unittest.skipUnless(SANITIZED, "needs the asan build (LEAKDEMO_SANITIZED=1)")
class LeakSanitizer(unittest.TestCase):
    def run_lsan(self, mode):
        args = ["--mode", mode, *map(str, ARGS)]
        # LeakSanitizer's default options (stacks and registers scanned): no stale pointer may hide a block.
        env = leakdemo_env(args, {"ASAN_OPTIONS": "detect_leaks=1:allocator_may_return_null=1:quarantine_size_mb=0"})
        result = subprocess.run([LEAKDEMO, *args], capture_output=True, text=True, timeout=300,
                                stdin=subprocess.DEVNULL, env=env)
        return result, summary_of(result.stdout)

    def test_leak_mode_direct_leaks_equal_leaked_bytes(self):
        result, summary = self.run_lsan("leak")
        self.assertEqual(result.returncode, 1, "LeakSanitizer reports the deliberate leak: " + result.stderr)
        direct = [(int(size), int(count)) for size, count in
                  re.findall(r"Direct leak of (\d+) byte\(s\) in (\d+) object\(s\)", result.stderr)]
        self.assertEqual(sum(size for size, _ in direct), summary["leaked_bytes"], result.stderr)
        self.assertEqual(sum(count for _, count in direct), ITERATIONS, result.stderr)
        self.assertNotIn("Indirect leak", result.stderr)
        self.assertEqual(summary["leaked_bytes"], ITERATIONS * MIB)

    def test_free_and_hold_modes_are_clean(self):
        for mode in ("free", "hold"):
            with self.subTest(mode=mode):
                result, summary = self.run_lsan(mode)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertNotIn("LeakSanitizer", result.stderr)
                self.assertEqual(summary["leaked_bytes"], 0)


if __name__ == "__main__":
    unittest.main()
