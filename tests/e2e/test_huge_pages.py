"""--huge-pages end to end: far fewer page faults per block, RSS still grows by every (rounded) block."""
import os
import shutil
import subprocess
import tempfile
import unittest

from helpers import BLOCK, LEAKDEMO, SANITIZED, jsonl_records, run, run_csv

THP_ENABLED = "/sys/kernel/mm/transparent_hugepage/enabled"
HUGE_BLOCK = 4 * 1024 * 1024  # the article's 4,096,000 bytes rounded up to whole 2 MiB pages
ITERATIONS = 10


def thp_unavailable():
    """Why this machine cannot back blocks with huge pages, or None."""
    try:
        with open(THP_ENABLED, encoding="ascii") as policy:
            text = policy.read()
    except OSError as error:
        return f"no transparent huge pages here ({error})"
    if "[never]" in text:
        return f"transparent huge pages are disabled ({THP_ENABLED}: {text.strip()})"
    return None


def faults_per_block(rows):
    return (rows[-1]["minor_faults"] - rows[0]["minor_faults"]) / (len(rows) - 1)


@unittest.skipIf(thp_unavailable(), thp_unavailable() or "")
@unittest.skipIf(SANITIZED, "ASan's allocator decides the placement; faults are measured on the Release build")
class HugePages(unittest.TestCase):
    def test_leak_mode_faults_far_less_per_block(self):
        plain, plain_rows = run_csv("--mode", "leak", "-n", ITERATIONS)
        huge, huge_rows = run_csv("--mode", "leak", "-n", ITERATIONS, "--huge-pages")
        self.assertEqual(plain.returncode, 0, plain.stderr)
        self.assertEqual(huge.returncode, 0, huge.stderr)
        plain_faults = faults_per_block(plain_rows)
        huge_faults = faults_per_block(huge_rows)
        # 4 KiB pages: one fault per page, ~1,001 per block. 2 MiB pages: ~2 per block plus the allocator's
        # chunk headers. Even when the kernel cannot find a free huge page now and then, 10x is far off.
        self.assertGreater(plain_faults, 900, plain_rows[-1])
        self.assertLess(huge_faults, plain_faults / 10, (huge_faults, plain_faults))

    def test_rss_still_grows_by_every_rounded_block(self):
        result, rows = run_csv("--mode", "leak", "-n", ITERATIONS, "--huge-pages")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(rows), ITERATIONS + 1)
        self.assertTrue(all(row["block_bytes"] == HUGE_BLOCK for row in rows), rows[0])
        self.assertEqual(rows[-1]["leaked_bytes"], ITERATIONS * HUGE_BLOCK)
        growth = rows[-1]["rss_bytes"] - rows[0]["rss_bytes"]
        self.assertAlmostEqual(growth, ITERATIONS * HUGE_BLOCK, delta=0.05 * ITERATIONS * HUGE_BLOCK)

    def test_free_mode_stays_flat(self):
        result, rows = run_csv("--mode", "free", "-n", ITERATIONS, "--huge-pages")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLessEqual(rows[-1]["rss_bytes"] - rows[0]["rss_bytes"], 2 * HUGE_BLOCK)
        self.assertEqual(rows[-1]["leaked_bytes"], 0)

    def test_explain_names_huge_pages_from_the_measured_faults(self):
        result = run("--huge-pages", "-n", 3, "-i", 0, "--explain", "--format", "jsonl", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        notes = [r["text"] for r in jsonl_records(result.stdout) if r["type"] == "note"]
        huge = [text for text in notes if "transparent huge page" in text]
        self.assertEqual(len(huge), 1, notes)
        self.assertRegex(huge[0], r"only \d+ minor page faults? where 4 KiB pages would take 1024")
        self.assertFalse(any("already resident" in text for text in notes), notes)

    def test_compare_passes_huge_pages_to_both_children(self):
        result = run("compare", "--huge-pages", "-n", 3, "-i", 0, "--format", "jsonl", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        samples = [r for r in jsonl_records(result.stdout) if r["type"] == "sample"]
        self.assertEqual({r["block_bytes"] for r in samples}, {4 << 20}, "the block rounded up to 2 x 2 MiB")
        leak = [r for r in samples if r["mode"] == "leak"]
        faults = leak[-1]["minor_faults"] - leak[0]["minor_faults"]
        self.assertLess(faults, 3 * 100, "huge pages: a handful of faults per block, not 1,024")

    def test_a_budget_below_the_rounded_block_is_a_usage_error(self):
        # 3 MiB fits --max-memory 3MiB, the 4 MiB that --huge-pages allocates does not: exit 2 before anything.
        result = run("--huge-pages", "-b", "3MiB", "--max-memory", "3MiB", "-n", 2, "-i", 0, "--format", "csv")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "", "nothing may be measured or allocated")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertIn("--block-size: 3.0 MiB (rounded up to 4.0 MiB by --huge-pages)", lines[0])

    def test_rounding_a_tiny_block_is_said_once(self):
        result = run("--huge-pages", "-b", 1, "--mode", "free", "-n", 1, "-i", 0, "--format", "csv")
        self.assertEqual(result.returncode, 0, result.stderr)
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        self.assertEqual(warnings, ["leakdemo: warning: --huge-pages: each 1-byte block is rounded up to 2.0 MiB "
                                    "(2097152 bytes), whole 2 MiB pages; the run allocates and counts the rounded "
                                    "size"], result.stderr)

    def test_summary_reports_faults_per_block(self):
        result = run("--mode", "leak", "-n", ITERATIONS, "-i", "0", "--format", "jsonl", "--huge-pages")
        self.assertEqual(result.returncode, 0, result.stderr)
        records = jsonl_records(result.stdout)
        samples = [r for r in records if r["type"] == "sample"]
        summary = records[-1]
        self.assertEqual(summary["type"], "summary")
        faults = samples[-1]["minor_faults"] - samples[0]["minor_faults"]
        self.assertEqual(summary["minor_faults"], faults)
        self.assertAlmostEqual(summary["minor_faults_per_block"], faults / ITERATIONS, places=1)
        self.assertIn("minor page faults per block", result.stderr)


class ThpNeverFailsClearly(unittest.TestCase):
    """THP `never`, shown to the real binary in a private mount namespace (the machine's setting is untouched)."""

    def run_with_policy(self, policy, *args):
        if not os.path.exists(THP_ENABLED):
            self.skipTest(f"{THP_ENABLED} does not exist: nothing to cover with a fake policy")
        if shutil.which("unshare") is None:
            self.skipTest("unshare (util-linux) is missing")
        with tempfile.NamedTemporaryFile("w", suffix=".thp") as fake:
            fake.write(policy)
            fake.flush()
            script = 'mount --bind "$1" "$2" || exit 97; shift 2; exec "$@"'
            result = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", fake.name, THP_ENABLED, LEAKDEMO,
                                     *map(str, args)], capture_output=True, text=True, timeout=60,
                                    stdin=subprocess.DEVNULL)
        if result.returncode == 97 or "unshare failed" in result.stderr or "Operation not permitted" in result.stderr:
            self.skipTest(f"cannot bind-mount over {THP_ENABLED} here (needs root): {result.stderr.strip()}")
        return result

    def test_never_exits_1_with_one_line_and_no_samples(self):
        result = self.run_with_policy("always madvise [never]\n", "--huge-pages", "-n", 3, "-i", 0, "--format", "csv")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "", "nothing may be measured or allocated")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("leakdemo: error: --huge-pages: "), lines[0])
        self.assertIn("[never]", lines[0])

    def test_the_same_namespace_with_madvise_runs(self):
        # Proves the fake file is what decides: the same set-up with `madvise` lets the run go ahead.
        result = self.run_with_policy("always [madvise] never\n", "--huge-pages", "--mode", "free", "-n", 2, "-i", 0,
                                      "--format", "csv", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(result.stdout.splitlines()), 4)  # header + samples 0..2


class PlainPagesFaultOncePerPage(unittest.TestCase):
    """Without --huge-pages the summary shows the article's 1,001 faults per 4,096,000-byte block."""

    @unittest.skipIf(SANITIZED, "ASan's allocator adds its own pages")
    def test_summary_counts_one_fault_per_4k_page(self):
        result = run("--mode", "leak", "-n", ITERATIONS, "-i", "0", "--format", "csv", "--summary-only")
        self.assertEqual(result.returncode, 0, result.stderr)
        header, row = result.stdout.splitlines()
        summary = dict(zip(header.split(","), row.split(",")))
        pages = -(-(BLOCK + 16) // 4096)  # the block plus glibc's 16-byte chunk header, in 4 KiB pages
        self.assertAlmostEqual(float(summary["minor_faults_per_block"]), pages, delta=0.02 * pages)


if __name__ == "__main__":
    unittest.main()
