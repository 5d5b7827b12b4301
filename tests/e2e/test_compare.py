"""End-to-end tests of `leakdemo compare`: two children, merged output, and no child ever left behind."""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from helpers import BLOCK, LEAKDEMO, SANITIZED, csv_rows, jsonl_records, leakdemo_env, run

CSV_HEADER = ("iteration,elapsed_s,mode,block_bytes,requested_bytes,outstanding_bytes,leaked_bytes,"
              "rss_bytes,maxrss_bytes,vsz_bytes,minor_faults,major_faults,heap_arena_bytes,heap_mmap_bytes")


def proc_stat(pid):
    """(state, ppid, starttime) of a process, or None when it no longer exists."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            text = file.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), fields[19]


def children_of(pid):
    """{child pid: starttime} of every live process whose parent is pid."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(int(entry))
            if stat and stat[1] == pid and stat[0] != "Z":
                found[int(entry)] = stat[2]
    return found


def alive(pid, starttime):
    """True while that very process (not a later one with the same pid) exists and is not a zombie."""
    stat = proc_stat(pid)
    return stat is not None and stat[2] == starttime and stat[0] != "Z"


def mode_of(pid):
    """The --mode a child of compare was started with (its argv: leakdemo --mode X ...)."""
    with open(f"/proc/{pid}/cmdline", "rb") as file:
        argv = file.read().decode().split("\0")
    return argv[argv.index("--mode") + 1]


# What glibc's allocator does (mmap threshold, heap reuse, RSS per block) is checked on the Release build; the
# ASan build replaces malloc, so those checks do not apply to it.
GLIBC_ONLY = "checks glibc's allocator; ASan replaces malloc (the Release run checks this)"


class RunningCompare:
    """compare in the background with stdout on a pipe; waits until it has printed `lines` lines."""

    def __init__(self, test, *args, lines=4):
        self.test = test
        argv = ["compare", *map(str, args)]
        self.process = subprocess.Popen([LEAKDEMO, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL, text=True, env=leakdemo_env(argv))
        test.addCleanup(self.cleanup)
        self.stdout = [self.process.stdout.readline() for _ in range(lines)]
        test.assertTrue(all(line.endswith("\n") for line in self.stdout), self.stdout)
        self.children = children_of(self.process.pid)
        test.assertEqual(len(self.children), 2, "one child per mode")

    def finish(self):
        out, err = self.process.communicate(timeout=60)  # a hang detector, not a speed assert
        return "".join(self.stdout) + out, err

    def assert_children_gone(self):
        deadline = time.monotonic() + 30
        while any(alive(pid, start) for pid, start in self.children.items()):
            self.test.assertLess(time.monotonic(), deadline, f"a child outlived compare: {self.children}")
            time.sleep(0.05)

    def cleanup(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid, start in self.children.items():
            if alive(pid, start):
                os.kill(pid, signal.SIGKILL)
        self.process.stdout.close()
        self.process.stderr.close()


class MergedOutput(unittest.TestCase):
    def test_csv_has_both_modes_for_every_iteration(self):
        result = run("compare", "-n", 6, "-i", 0, "--format", "csv", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines()[0], CSV_HEADER, "one header, the single-run schema")
        rows = csv_rows(result.stdout)
        self.assertEqual(len(rows), 2 * 7)
        for iteration in range(7):
            at = [row for row in rows if row["iteration"] == iteration]
            self.assertEqual(sorted(row["mode"] for row in at), ["free", "leak"], iteration)
            self.assertTrue(all(row["requested_bytes"] == iteration * BLOCK for row in at), at)
        iterations = [row["iteration"] for row in rows]
        self.assertEqual(iterations, sorted(iterations), "merged in iteration order")

    def test_leak_rss_grows_and_free_rss_does_not(self):
        result = run("compare", "-n", 8, "-i", 0, "--format", "csv", "-q")
        rows = csv_rows(result.stdout)
        by_mode = {mode: [row for row in rows if row["mode"] == mode] for mode in ("leak", "free")}
        leak_growth = by_mode["leak"][-1]["rss_bytes"] - by_mode["leak"][0]["rss_bytes"]
        free_growth = by_mode["free"][-1]["rss_bytes"] - by_mode["free"][0]["rss_bytes"]
        self.assertAlmostEqual(leak_growth, 8 * BLOCK, delta=0.1 * 8 * BLOCK)
        self.assertLessEqual(free_growth, 2 * BLOCK)
        self.assertTrue(all(row["leaked_bytes"] == 0 for row in by_mode["free"]))

    @unittest.skipIf(SANITIZED, GLIBC_ONLY)
    def test_each_child_has_its_own_rss(self):
        # Both children start from their own baseline: neither sees the other's blocks.
        rows = csv_rows(run("compare", "-n", 4, "-i", 0, "--format", "csv", "-q").stdout)
        baselines = [row["rss_bytes"] for row in rows if row["iteration"] == 0]
        self.assertEqual(len(baselines), 2)
        self.assertLess(max(baselines), 2 * BLOCK)

    def test_modes_leak_hold(self):
        result = run("compare", "--modes", "leak,hold", "-n", 4, "-i", 0, "--format", "csv", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = csv_rows(result.stdout)
        self.assertEqual({row["mode"] for row in rows}, {"leak", "hold"})
        hold = [row for row in rows if row["mode"] == "hold"]
        self.assertEqual(hold[-1]["outstanding_bytes"], 4 * BLOCK)
        self.assertEqual(hold[-1]["leaked_bytes"], 0)

    def test_parent_options_after_compare_reach_the_children(self):
        result = run("compare", "-b", "1MiB", "-n", 3, "-i", 0, "--touch", "page", "--format", "csv", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = csv_rows(result.stdout)
        self.assertEqual({row["block_bytes"] for row in rows}, {1048576})
        self.assertEqual(max(row["iteration"] for row in rows), 3)

    def test_jsonl_has_every_sample_then_both_summaries(self):
        result = run("compare", "-n", 5, "-i", 0, "--format", "jsonl", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        records = jsonl_records(result.stdout)
        self.assertEqual([r["type"] for r in records], ["sample"] * 12 + ["summary"] * 2)
        summaries = {r["mode"]: r for r in records[-2:]}
        self.assertEqual(summaries["leak"]["verdict"], "leaking")
        self.assertEqual(summaries["free"]["verdict"], "stable")
        self.assertEqual(summaries["leak"]["stop_reason"], "completed")

    def test_jsonl_summaries_carry_what_a_single_run_reports(self):
        # compare decodes each child's summary and writes it again: nothing may be lost on the way (the minor
        # fault figures once came out as 0 for both children).
        single = jsonl_records(run("-n", 4, "-i", 0, "--format", "jsonl", "-q").stdout)[-1]
        self.assertEqual(single["type"], "summary")
        result = run("compare", "-n", 4, "-i", 0, "--format", "jsonl", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        summaries = {r["mode"]: r for r in jsonl_records(result.stdout) if r["type"] == "summary"}
        self.assertEqual(set(summaries), {"leak", "free"})
        for mode, summary in summaries.items():
            self.assertEqual(list(summary), list(single), f"{mode}: the single run's keys, in its order")
        leak = summaries["leak"]
        pages_per_block = BLOCK // 4096  # touching a fresh block faults in each of its pages once
        self.assertGreater(leak["minor_faults"], 4 * pages_per_block // 2, leak)
        self.assertGreater(leak["minor_faults_per_block"], pages_per_block / 2, leak)
        self.assertAlmostEqual(leak["minor_faults_per_block"], single["minor_faults_per_block"],
                               delta=single["minor_faults_per_block"] / 2)

    def test_output_file_gets_the_merged_rows_while_stdout_keeps_the_table(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "both.jsonl")
            result = run("compare", "-n", 3, "-i", 0, "-o", path, "-q")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("leak rss", result.stdout.splitlines()[0], "the table on stdout")
            with open(path) as file:
                records = jsonl_records(file.read())
            self.assertEqual([r["type"] for r in records], ["sample"] * 8 + ["summary"] * 2)
            bad = run("compare", "-n", 3, "-i", 0, "-o", os.path.join(directory, "no", "dir.csv"))
            self.assertEqual(bad.returncode, 2)
            self.assertEqual(bad.stdout, "")
            self.assertRegex(bad.stderr, r"^leakdemo: error: --output: .*dir\.csv.*\n$")

    def test_table_with_bars_and_a_two_column_summary(self):
        result = run("compare", "-n", 4, "-i", 0, "--format", "table",
                     env={"COLUMNS": "120", "LC_ALL": "C", "LANG": "C"})
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 1 + 5)
        for word in ("iter", "leak rss", "leak max", "free rss", "free max"):
            self.assertIn(word, lines[0])
        self.assertEqual(lines[-1].count("|"), 4, "two bars")
        leak_bar = lines[-1].split("|")[1]
        free_bar = lines[-1].split("|")[3]
        self.assertGreater(leak_bar.count("#"), free_bar.count("#"), lines[-1])
        self.assertNotIn("\033[", result.stdout, "no colour when stdout is not a terminal")
        verdict_line = [line for line in result.stderr.splitlines() if "verdict" in line]
        self.assertEqual(len(verdict_line), 1, result.stderr)
        self.assertRegex(verdict_line[0], r"verdict\s+leaking\s+stable")

    def test_narrow_terminal_drops_the_bars_not_the_numbers(self):
        result = run("compare", "-n", 2, "-i", 0, "--format", "table", "-q", env={"COLUMNS": "40"})
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 4)
        self.assertNotIn("|", result.stdout)
        self.assertIn("MiB", lines[-1])

    def test_color_always_paints_the_bars(self):
        result = run("compare", "-n", 2, "-i", 0, "--format", "table", "--color", "always", "-q",
                     env={"COLUMNS": "120"})
        self.assertIn("\033[31m", result.stdout)
        result = run("compare", "-n", 2, "-i", 0, "--format", "table", "-q", env={"COLUMNS": "120", "NO_COLOR": "1"})
        self.assertNotIn("\033[", result.stdout)

    def test_fail_on_leak_applies_to_either_child(self):
        self.assertEqual(run("compare", "-n", 5, "-i", 0, "--format", "csv", "-q", "--fail-on-leak").returncode, 4)
        self.assertEqual(run("compare", "--modes", "free,hold", "-n", 1, "-i", 0, "--format", "csv", "-q",
                             "--fail-on-leak").returncode, 0)


class CompareUsesTheSingleRunsOptions(unittest.TestCase):
    """The guard, the classroom options and the allocator knobs mean the same after `compare`."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_the_guard_budget_is_split_between_the_children(self):
        # 64 MiB for both: each child stops itself (exit 3) before its own 32 MiB; no -n, so only the guard ends it.
        result = run("compare", "--max-memory", "64MiB", "-i", 0, "--format", "jsonl")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertRegex(result.stderr, r"(?m)^leakdemo: guard: stopping each child before 32\.0 MiB")
        summaries = {r["mode"]: r for r in jsonl_records(result.stdout) if r["type"] == "summary"}
        self.assertEqual(summaries["leak"]["stop_reason"], "guard")
        self.assertLessEqual(summaries["leak"]["outstanding_bytes"], 32 << 20)
        self.assertGreater(summaries["leak"]["outstanding_bytes"], (32 << 20) - 2 * BLOCK)

    def test_report_draws_both_modes(self):
        path = os.path.join(self.tmp.name, "both.html")
        result = run("compare", "-n", 4, "-i", 0, "--format", "csv", "-q", "--report", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(path, encoding="utf-8") as report:
            html = report.read()
        for mode in ("leak", "free"):
            for metric in ("rss", "maxrss"):
                points = html.count(f'class="point" data-series="{mode}" data-metric="{metric}"')
                self.assertEqual(points, 5, (mode, metric))
        self.assertIn("leak vs free", html)
        self.assertNotIn("http", html)

    def test_chart_plots_both_modes_on_stderr(self):
        result = run("compare", "-n", 4, "-i", 0, "--format", "csv", "-q", "--chart", env={"COLUMNS": "80"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("leak", result.stderr)
        self.assertIn("free", result.stderr)
        self.assertTrue(all(len(line) < 80 for line in result.stderr.splitlines()), result.stderr)

    def test_explain_notes_come_from_both_children(self):
        result = run("compare", "-n", 3, "-i", 0, "--format", "jsonl", "-q", "--explain")
        self.assertEqual(result.returncode, 0, result.stderr)
        notes = [r for r in jsonl_records(result.stdout) if r["type"] == "note"]
        self.assertEqual({r["mode"] for r in notes}, {"leak", "free"}, "each note names its child")
        texts = " ".join(r["text"] for r in notes)
        self.assertIn("definitely lost", texts)  # the leak child's
        self.assertIn("heap", texts)  # the free child's: the second block came from the brk heap

    @unittest.skipIf(SANITIZED, GLIBC_ONLY)
    def test_table_shows_each_note_under_its_row(self):
        result = run("compare", "-n", 3, "-i", 0, "--format", "table", "-q", "--explain", "--bars", "never")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertFalse(any("|" in line for line in lines), "--bars never: no bars")
        row_of = {}
        for index, line in enumerate(lines):
            fields = line.split()
            if fields and fields[0].isdigit():
                row_of[int(fields[0])] = index
        heap_note = next(i for i, line in enumerate(lines) if "free: block 2 came from the brk heap" in line)
        self.assertGreater(heap_note, row_of[2], "the note follows the row of the iteration it explains")
        self.assertLess(heap_note, row_of[3])

    @unittest.skipIf(SANITIZED, GLIBC_ONLY)
    def test_mmap_threshold_reaches_the_children(self):
        result = run("compare", "--modes", "free,hold", "--mmap-threshold", "128KiB", "-n", 4, "-i", 0,
                     "--format", "csv", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        free = [row for row in csv_rows(result.stdout) if row["mode"] == "free"]
        # With the threshold fixed, free() unmaps every block: RSS stays near the baseline, no heap growth.
        self.assertLess(free[-1]["rss_bytes"] - free[0]["rss_bytes"], BLOCK // 2)
        self.assertLess(free[-1]["heap_arena_bytes"], BLOCK // 2)


class BadCompareInput(unittest.TestCase):
    def test_bad_modes_and_mode_are_usage_errors_naming_the_flag(self):
        cases = [(["--modes", "leak"], "--modes"), (["--modes", "free,free"], "--modes"),
                 (["--modes", "leak,sideways"], "--modes"), (["--modes", "leak,free,hold"], "--modes"),
                 (["--mode", "free"], "--mode"), (["--summary-only"], "--summary-only"),
                 (["--block-size", "0"], "--block-size")]
        for args, flag in cases:
            with self.subTest(args=args):
                result = run("compare", *args, "-n", 1, "-i", 0)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertTrue(lines[0].startswith(f"leakdemo: error: {flag}"), lines[0])


class NoChildLeftBehind(unittest.TestCase):
    def test_sigint_forwards_to_both_children_exits_130_and_leaves_no_orphan(self):
        running = RunningCompare(self, "-i", "100ms", "--format", "jsonl")
        running.process.send_signal(signal.SIGINT)
        out, err = running.finish()
        self.assertEqual(running.process.returncode, 130, err)
        running.assert_children_gone()
        summaries = [r for r in jsonl_records(out) if r["type"] == "summary"]
        self.assertEqual(sorted(s["mode"] for s in summaries), ["free", "leak"], "each child said goodbye")
        self.assertTrue(all(s["stop_reason"] == "interrupted" for s in summaries), summaries)
        self.assertIn("verdict", err)

    def test_sigterm_exits_143_and_leaves_no_orphan(self):
        running = RunningCompare(self, "-i", "100ms", "--format", "csv")
        running.process.send_signal(signal.SIGTERM)
        _, err = running.finish()
        self.assertEqual(running.process.returncode, 143, err)
        running.assert_children_gone()

    def test_a_killed_child_stops_the_other_and_compare_exits_1_naming_it(self):
        running = RunningCompare(self, "-i", "100ms", "--format", "csv", "-q")
        victim = next(pid for pid in running.children if mode_of(pid) == "leak")
        os.kill(victim, signal.SIGKILL)
        _, err = running.finish()
        self.assertEqual(running.process.returncode, 1, err)
        lines = err.splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertRegex(lines[0], r"^leakdemo: error: compare: the leak child was killed by signal 9")
        running.assert_children_gone()

    def test_killing_compare_itself_takes_the_children_down(self):
        # An hour between iterations: the children sleep, so only PR_SET_PDEATHSIG (not a failed write to a
        # pipe nobody reads any more) can end them.
        running = RunningCompare(self, "-i", "1h", "--format", "csv", lines=3)
        running.process.kill()
        running.process.wait(timeout=60)
        running.assert_children_gone()  # PR_SET_PDEATHSIG

    def test_closed_stdout_ends_compare_quietly(self):
        command = f"'{LEAKDEMO}' compare -i 10ms --format csv | head -n 3; echo \"status=${{PIPESTATUS[0]}}\" >&2"
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                                stdin=subprocess.DEVNULL)
        self.assertEqual(len(result.stdout.splitlines()), 3)
        # The guard's start-up line says each child's budget (information, not an error); nothing else is said.
        said = [line for line in result.stderr.splitlines() if not line.startswith("leakdemo: guard: stopping ")]
        self.assertEqual(said, ["status=0"])

    @unittest.skipIf(SANITIZED, "ASan reserves terabytes of address space: RLIMIT_AS cannot work under it")
    def test_a_child_stopped_early_stops_the_other_and_compare_exits_3(self):
        # 64 MiB of address space: the leak child's memory guard stops it after about a dozen blocks (its exit
        # 3, by design, with a summary); the free child would run forever. compare stops it and ends like a
        # single run stopped early: exit 3, one line saying why, both summaries.
        script = f"ulimit -v 65536; exec '{LEAKDEMO}' compare -i 10ms --format jsonl"
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertRegex(result.stderr, r"(?m)^leakdemo: compare: the leak child exited with code 3: guard: ")
        self.assertNotIn("error", result.stderr)
        records = jsonl_records(result.stdout)
        summaries = {r["mode"]: r for r in records if r["type"] == "summary"}
        self.assertEqual(summaries["leak"]["stop_reason"], "guard")
        self.assertEqual(summaries["free"]["stop_reason"], "interrupted")
        self.assertGreater(len([r for r in records if r["type"] == "sample" and r["mode"] == "free"]), 1)


if __name__ == "__main__":
    unittest.main()
