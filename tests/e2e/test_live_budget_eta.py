"""End-to-end tests of the run's live "to budget" column (issue 12, "Time to the limit"): the table and the bar
table show the time until the guard's budget is reached at the current rate, computed as the summary computes
budget_eta_s, so each row is checked against a recomputation from the same run's JSON Lines samples."""
import os
import re
import tempfile
import unittest

from helpers import jsonl_records, run

MIB = 1 << 20


def least_squares_slope(points):
    count = len(points)
    mean_x = sum(x for x, _ in points) / count
    mean_y = sum(y for _, y in points) / count
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx


def seconds_in(cell):
    """A table cell in seconds: "2.6 s", "1 min 5 s", "reached" (0); None for "-"."""
    if cell == "-":
        return None
    if cell == "reached":
        return 0.0
    units = {"h": 3600, "min": 60, "s": 1}
    return sum(float(number) * units[unit] for number, unit in re.findall(r"([\d.]+) (h|min|s)\b", cell))


class LiveBudgetEta(unittest.TestCase):
    def run_with_table(self, *args, columns=100):
        with tempfile.TemporaryDirectory(prefix="leakdemo-eta-") as directory:
            path = os.path.join(directory, "run.jsonl")
            # -o FILE: the samples and summary as JSON Lines in FILE, the table on stdout, from one run.
            result = run("-i", "50ms", "--format", "jsonl", "-o", path, "-q", *args,
                         env={"COLUMNS": str(columns)})
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(path, encoding="utf-8") as file:
                records = jsonl_records(file.read())
        return result.stdout.splitlines(), records

    def test_every_row_says_the_time_to_the_budget_at_the_rate_so_far(self):
        lines, records = self.run_with_table("-n", "10", "--max-memory", "256MiB")
        self.assertEqual(lines[0].split()[-2:], ["to", "budget"], lines[0])
        samples = [r for r in records if r["type"] == "sample"]
        summary = records[-1]
        budget = summary["budget_bytes"]
        self.assertEqual(budget, 256 * MIB)
        rows = [line for line in lines[1:] if re.match(r"\s*\d+\s", line)]
        self.assertEqual(len(rows), len(samples))
        for row, sample in zip(rows, samples):
            with self.subTest(iteration=sample["iteration"]):
                cell = re.split(r"\s{2,}", row.strip())[-1]
                so_far = [(s["elapsed_s"], s["rss_bytes"]) for s in samples[:sample["iteration"] + 1]]
                slope = least_squares_slope(so_far)
                shown = seconds_in(cell)
                if slope < 1:
                    self.assertIsNone(shown, row)
                    continue
                expected = max(budget - sample["outstanding_bytes"], 0) / slope
                tolerance = 0.051 if expected < 10 else 0.51 + 0.001 * expected
                self.assertAlmostEqual(shown, expected, delta=tolerance, msg=row)
        # The last row says what the summary says.
        self.assertAlmostEqual(seconds_in(re.split(r"\s{2,}", rows[-1].strip())[-1]), summary["budget_eta_s"],
                               delta=0.11)

    def test_no_budget_no_column(self):
        lines, _ = self.run_with_table("-n", "3", "--no-guard")
        self.assertNotIn("budget", lines[0])
        self.assertEqual(lines[0].split()[-2:], ["minor", "faults"])

    def test_the_bar_table_shows_it_where_the_bar_keeps_its_title(self):
        narrow, _ = self.run_with_table("-n", "2", "--max-memory", "256MiB", "--bars", "always", columns=80)
        self.assertNotIn("to budget", narrow[0])  # 80 columns: the bar and its title keep their room
        self.assertRegex(narrow[0], r"full( bar)? = ")
        lines, records = self.run_with_table("-n", "4", "--max-memory", "256MiB", "--bars", "always", columns=100)
        self.assertIn("to budget", lines[0])
        self.assertRegex(lines[0], r"rss .* max.* full( bar)? = ")
        self.assertTrue(all(len(line) <= 99 for line in lines), lines)
        last = [line for line in lines if re.match(r"\s*4\s", line)][0]
        self.assertRegex(last, r"\d+(\.\d)? s ")
        self.assertIsNotNone(records[-1]["budget_eta_s"])


if __name__ == "__main__":
    unittest.main()
