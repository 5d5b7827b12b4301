"""--huge-pages end to end: far fewer page faults per block, RSS still grows by every (rounded) block."""
import os
import unittest

from helpers import BLOCK, SANITIZED, jsonl_records, run, run_csv

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
