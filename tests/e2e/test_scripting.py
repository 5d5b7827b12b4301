"""End-to-end tests of the scripting interface: the CSV / JSON Lines schema, -o, the summary record,
--summary-only and --fail-on-leak, as a shell script or CI job would use them."""
import glob
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from helpers import BLOCK, LEAKDEMO, csv_rows, jsonl_records, leakdemo_env, run

# Written from the text (the stable schema), not from the program's output.
EXPECTED_CSV_HEADER = ("iteration,elapsed_s,mode,block_bytes,requested_bytes,outstanding_bytes,leaked_bytes,"
                       "rss_bytes,maxrss_bytes,vsz_bytes,minor_faults,major_faults,heap_arena_bytes,heap_mmap_bytes")
SAMPLE_INT_KEYS = ["iteration", "block_bytes", "requested_bytes", "outstanding_bytes", "leaked_bytes", "rss_bytes",
                   "maxrss_bytes", "vsz_bytes", "minor_faults", "major_faults", "heap_arena_bytes",
                   "heap_mmap_bytes"]
SUMMARY_INT_KEYS = ["iterations", "block_bytes", "requested_bytes", "leaked_bytes", "outstanding_bytes",
                    "rss_start_bytes", "rss_end_bytes", "rss_growth_bytes", "rss_growth_per_iteration_bytes",
                    "maxrss_bytes", "hwm_bytes"]
STOP_REASONS = {"completed", "interrupted", "alloc_failed", "guard"}


def is_int(value):
    return type(value) is int  # bool is a subclass of int in Python: not a number here


def is_number(value):
    return type(value) in (int, float)


class CsvSchema(unittest.TestCase):
    def run_csv(self, mode, iterations=10):
        result = run("--mode", mode, "-n", iterations, "-i", 0, "--format", "csv", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_header_is_exactly_the_documented_one(self):
        first_line = self.run_csv("leak", 1).split("\n", 1)[0]
        self.assertEqual(first_line, EXPECTED_CSV_HEADER)

    def test_every_row_has_as_many_fields_as_the_header(self):
        text = self.run_csv("hold", 5)
        self.assertTrue(text.endswith("\n"), "the last line is whole")
        lines = text.splitlines()
        self.assertEqual(len(lines), 1 + 6)  # header + baseline + 5
        width = len(EXPECTED_CSV_HEADER.split(","))
        for line in lines:
            self.assertEqual(len(line.split(",")), width, line)

    def test_iterations_count_up_by_one_and_requested_is_iteration_times_block(self):
        rows = csv_rows(self.run_csv("leak"))
        self.assertEqual([row["iteration"] for row in rows], list(range(11)))
        for row in rows:
            self.assertEqual(row["requested_bytes"], row["iteration"] * BLOCK)
            self.assertEqual(row["block_bytes"], BLOCK)
            self.assertEqual(row["mode"], "leak")
        elapsed = [row["elapsed_s"] for row in rows]
        self.assertEqual(elapsed, sorted(elapsed), "elapsed_s never goes back")

    def test_free_mode_leaks_nothing(self):
        rows = csv_rows(self.run_csv("free"))
        self.assertEqual(len(rows), 11)
        self.assertTrue(all(row["leaked_bytes"] == 0 and row["outstanding_bytes"] == 0 for row in rows), rows)

    def test_leak_mode_rss_within_ten_percent_of_baseline_plus_blocks(self):
        rows = csv_rows(self.run_csv("leak"))
        baseline = rows[0]["rss_bytes"]
        for row in rows[1:]:
            expected = baseline + row["iteration"] * BLOCK
            self.assertAlmostEqual(row["rss_bytes"], expected, delta=0.10 * expected, msg=row)
            self.assertEqual(row["leaked_bytes"], row["iteration"] * BLOCK)

    def test_machine_formats_use_raw_numbers_not_human_units(self):
        text = self.run_csv("leak", 3)
        for unit in ("KiB", "MiB", "GiB", " B"):
            self.assertNotIn(unit, text)


class JsonLinesSchema(unittest.TestCase):
    def test_every_line_is_json_with_the_documented_keys_and_types(self):
        result = run("--mode", "leak", "-n", 5, "-i", 0, "--format", "jsonl", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        records = [json.loads(line) for line in lines]  # raises on any invalid line
        self.assertEqual(len(records), 1 + 5 + 1)
        samples, summary = records[:-1], records[-1]
        csv_keys = EXPECTED_CSV_HEADER.split(",")
        for index, record in enumerate(samples):
            self.assertEqual(record["type"], "sample")
            self.assertEqual(sorted(record), sorted(["type", *csv_keys]), "the same keys as the CSV columns")
            for key in SAMPLE_INT_KEYS:
                self.assertTrue(is_int(record[key]), (key, record[key]))
            self.assertTrue(is_number(record["elapsed_s"]), record["elapsed_s"])
            self.assertEqual(record["mode"], "leak")
            self.assertEqual(record["iteration"], index)

        self.assertEqual(summary["type"], "summary")
        for key in SUMMARY_INT_KEYS:
            self.assertIn(key, summary)
            self.assertTrue(is_int(summary[key]), (key, summary[key]))
        self.assertTrue(is_number(summary["elapsed_s"]))
        self.assertEqual(summary["mode"], "leak")
        self.assertEqual(summary["iterations"], 5)
        self.assertIn(summary["verdict"], {"leaking", "stable", "inconclusive"})
        self.assertEqual(summary["verdict"], "leaking")
        self.assertIn(summary["stop_reason"], STOP_REASONS)
        self.assertEqual(summary["stop_reason"], "completed")
        self.assertEqual(summary["requested_bytes"], 5 * BLOCK)
        self.assertEqual(summary["rss_start_bytes"], samples[0]["rss_bytes"])
        self.assertEqual(summary["rss_end_bytes"], samples[-1]["rss_bytes"])
        self.assertEqual(summary["rss_growth_bytes"], samples[-1]["rss_bytes"] - samples[0]["rss_bytes"])
        self.assertAlmostEqual(summary["rss_growth_per_iteration_bytes"], BLOCK, delta=0.1 * BLOCK)

    def test_no_nan_or_infinity_even_for_a_baseline_only_run(self):
        # One iteration: a slope from two points; the strict parser refuses NaN / Infinity.
        result = run("-n", 1, "-i", 0, "--format", "jsonl", "-q")
        for line in result.stdout.splitlines():
            json.loads(line, parse_constant=lambda name: self.fail(f"{name} in {line}"))

    def test_summary_only_jsonl_is_one_json_object(self):
        result = run("--mode", "free", "-n", 5, "-i", 0, "--summary-only", "--format", "jsonl")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.count("\n"), 1, result.stdout)
        summary = json.loads(result.stdout)
        self.assertIsInstance(summary, dict)
        self.assertEqual(summary["type"], "summary")
        self.assertEqual(summary["mode"], "free")
        self.assertEqual(summary["verdict"], "stable")
        self.assertEqual(result.stderr, "", "the summary is the output: nothing else on stderr")

    def test_summary_only_csv_is_a_header_and_one_row(self):
        result = run("-n", 3, "-i", 0, "--summary-only", "--format", "csv")
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        header = lines[0].split(",")
        for key in ["mode", "iterations", "verdict", "stop_reason", *SUMMARY_INT_KEYS]:
            self.assertIn(key, header)
        self.assertEqual(len(lines[1].split(",")), len(header))

    def test_human_summary_goes_to_stderr_and_quiet_drops_it(self):
        loud = run("-n", 3, "-i", 0, "--format", "jsonl")
        self.assertIn("verdict", loud.stderr)
        self.assertEqual(jsonl_records(loud.stdout)[-1]["type"], "summary", "stdout stays pure JSON Lines")
        quiet = run("-n", 3, "-i", 0, "--format", "jsonl", "-q")
        self.assertEqual(quiet.stderr, "")


class FailOnLeak(unittest.TestCase):
    def test_exit_4_when_leaking_and_0_when_stable(self):
        leak = run("--mode", "leak", "-n", 10, "-i", 0, "--fail-on-leak", "--summary-only", "--format", "jsonl")
        self.assertEqual(leak.returncode, 4, leak.stderr)
        self.assertEqual(json.loads(leak.stdout)["verdict"], "leaking")
        free = run("--mode", "free", "-n", 10, "-i", 0, "--fail-on-leak", "--summary-only", "--format", "jsonl")
        self.assertEqual(free.returncode, 0, free.stderr)
        self.assertEqual(json.loads(free.stdout)["verdict"], "stable")

    def test_without_the_flag_a_leak_is_exit_0(self):
        self.assertEqual(run("-n", 5, "-i", 0, "--format", "csv", "-q").returncode, 0)


class Pipelines(unittest.TestCase):
    def test_head_closes_the_pipe_early_quietly_and_promptly(self):
        command = (f"'{LEAKDEMO}' -n 1000 --interval 0 --block-size 4KiB --mode free --format csv | head -n 3; "
                   "echo \"status=${PIPESTATUS[0]}\" >&2")
        # The timeout is a hang detector, not a speed assert: 1000 small blocks take milliseconds.
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                                stdin=subprocess.DEVNULL)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 3, result.stdout)
        self.assertEqual(lines[0], EXPECTED_CSV_HEADER)
        self.assertTrue(lines[1].startswith("0,") and lines[2].startswith("1,"), lines)
        # The guard's start-up line says the budget (information, not an error); nothing else may be said.
        said = [line for line in result.stderr.splitlines() if not line.startswith("leakdemo: guard: stopping before ")]
        self.assertEqual(said, ["status=0"], "no error text, and a closed pipe is exit 0")


class OutputFile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_output_file_takes_the_format_from_its_extension_while_stdout_keeps_the_table(self):
        result = run("-n", 3, "-i", 0, "-o", self.path("run.jsonl"), "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("max rss", result.stdout.splitlines()[0], "the table on stdout")
        with open(self.path("run.jsonl")) as file:
            records = jsonl_records(file.read())
        self.assertEqual([r["type"] for r in records], ["sample"] * 4 + ["summary"])

        result = run("-n", 3, "-i", 0, "-o", self.path("run.csv"), "-q")
        with open(self.path("run.csv")) as file:
            self.assertEqual(file.readline().rstrip("\n"), EXPECTED_CSV_HEADER)

    def test_dash_is_stdout(self):
        result = run("-n", 2, "-i", 0, "-o", "-", "--format", "jsonl", "-q")
        self.assertEqual([r["type"] for r in jsonl_records(result.stdout)], ["sample"] * 3 + ["summary"])

    def test_an_unopenable_file_is_a_usage_error_before_any_allocation(self):
        result = run("-n", 3, "-i", 0, "-o", self.path("no/such/dir/run.csv"))
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "", "no sample: nothing ran")
        self.assertRegex(result.stderr, r"^leakdemo: error: --output: .*run\.csv.*\n$")

    def test_interrupted_run_leaves_every_completed_sample_whole_on_disk(self):
        out = self.path("run.csv")
        args = ["-i", "100ms", "-o", out, "-q"]
        process = subprocess.Popen([LEAKDEMO, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, text=True, env=leakdemo_env(args))
        try:
            deadline = time.monotonic() + 60
            while True:  # wait until a few samples are on disk, however slow the machine
                # While the run goes they are in its temporary file beside FILE, renamed over FILE at the end.
                temporaries = glob.glob(glob.escape(out) + ".*.tmp")
                if temporaries:
                    with open(temporaries[0]) as file:
                        if file.read().count("\n") >= 4:
                            break
                self.assertLess(time.monotonic(), deadline, "no samples appeared")
                self.assertIsNone(process.poll(), "leakdemo ended by itself")
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        self.assertEqual(process.returncode, 130, stderr)
        with open(out) as file:
            text = file.read()
        self.assertTrue(text.endswith("\n"), "never a half line")
        lines = text.splitlines()
        self.assertEqual(lines[0], EXPECTED_CSV_HEADER)
        width = len(EXPECTED_CSV_HEADER.split(","))
        self.assertTrue(all(len(line.split(",")) == width for line in lines), lines)
        rows = csv_rows(text)
        self.assertGreaterEqual(len(rows), 3)
        self.assertEqual([row["iteration"] for row in rows], list(range(len(rows))))


if __name__ == "__main__":
    unittest.main()
