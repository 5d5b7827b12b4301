"""End-to-end tests of the classroom features: --explain, --mmap-threshold/--trim, bars, --chart, --report."""
import html.parser
import glob
import os
import re
import resource
import signal
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ElementTree

from helpers import BLOCK, LEAKDEMO, SANITIZED, csv_rows, jsonl_records, leakdemo_env, run

MIB = 1 << 20


def explained(*args):
    """Runs with --explain --format jsonl; returns (samples, {iteration: [note text, ...]})."""
    result = run("--explain", "--format", "jsonl", "-i", 0, "-q", *args)
    assert result.returncode == 0, result.stderr
    records = jsonl_records(result.stdout)
    samples = [r for r in records if r["type"] == "sample"]
    notes = {}
    for record in records:
        if record["type"] == "note":
            notes.setdefault(record["iteration"], []).append(record["text"])
    return samples, notes


def notes_at(notes, iteration):
    return "\n".join(notes.get(iteration, []))


def all_notes(notes):
    return "\n".join(text for texts in notes.values() for text in texts)


GLIBC_ONLY = "the notes follow glibc's allocator; ASan replaces malloc (and ignores mallopt)"


@unittest.skipIf(SANITIZED, GLIBC_ONLY)
class Explain(unittest.TestCase):
    def test_default_free_mode_mmap_then_heap_then_flat(self):
        samples, notes = explained("--mode", "free", "-n", 8)
        # The measurements the notes rest on: RSS back down after 1, up one block at 2, flat from then on.
        self.assertLess(samples[1]["rss_bytes"] - samples[0]["rss_bytes"], BLOCK // 2)
        self.assertGreater(samples[2]["heap_arena_bytes"] - samples[1]["heap_arena_bytes"], BLOCK // 2)
        self.assertEqual({s["rss_bytes"] for s in samples[2:]}.__len__(), 1, samples)
        self.assertIn("served by mmap", notes_at(notes, 1))
        self.assertIn("munmap", notes_at(notes, 1))
        # ru_maxrss is inherited across exec: under a big parent (this Python) the peak is the parent's.
        if samples[0]["maxrss_bytes"] > samples[0]["rss_bytes"] + BLOCK // 2:
            self.assertIn("inherited across exec", notes_at(notes, 0))
        else:
            self.assertIn("high-water mark", notes_at(notes, 1))
        self.assertIn("raised glibc's dynamic mmap threshold", notes_at(notes, 2))
        self.assertIn("came from the heap", notes_at(notes, 2))
        self.assertIn("free() kept the memory", notes_at(notes, 2))
        self.assertIn("reused the heap memory freed in iteration 2", notes_at(notes, 3))
        self.assertFalse(any(i > 3 for i in notes), f"RSS is flat after 3: nothing new to say {notes}")

    def test_leak_mode_every_block_mmapd_and_leaked_bytes_grow(self):
        samples, notes = explained("--mode", "leak", "-n", 6)
        leaked = [s["leaked_bytes"] for s in samples]
        self.assertEqual(leaked, [i * BLOCK for i in range(7)])
        mmapped = [s["heap_mmap_bytes"] for s in samples]
        self.assertTrue(all(b - a >= BLOCK for a, b in zip(mmapped, mmapped[1:])), mmapped)
        self.assertIn("served by mmap", notes_at(notes, 1))
        self.assertIn("4,096,000 bytes (3.9 MiB) are now unreachable", notes_at(notes, 1))
        self.assertIn("definitely lost", notes_at(notes, 1))
        self.assertNotIn("heap", all_notes(notes).replace("mmap threshold", ""))
        self.assertNotIn("high-water", all_notes(notes), "RSS stays at its peak in leak mode")

    def test_hold_mode_is_still_reachable(self):
        _, notes = explained("--mode", "hold", "-n", 2)
        self.assertIn("still reachable", all_notes(notes))
        self.assertNotIn("definitely lost", all_notes(notes))

    def test_40mib_blocks_are_mapped_and_unmapped_every_time(self):
        samples, notes = explained("--mode", "free", "--block-size", "40MiB", "-n", 3)
        self.assertTrue(all(abs(s["rss_bytes"] - samples[0]["rss_bytes"]) < 4 * MIB for s in samples), samples)
        self.assertTrue(all(s["heap_arena_bytes"] == samples[0]["heap_arena_bytes"] for s in samples), samples)
        self.assertIn("always mmap'd", notes_at(notes, 1))
        self.assertIn("munmap", notes_at(notes, 1))
        self.assertIn("mmap'd again although block 1 was mmap'd and freed", notes_at(notes, 2))
        self.assertIn("32.0 MiB", notes_at(notes, 2))
        self.assertIn("high-water mark", notes_at(notes, 1), "a 40 MiB peak is above any parent's")
        self.assertNotIn("brk heap", all_notes(notes))

    def test_touch_none_vsz_grows_rss_does_not(self):
        samples, notes = explained("--touch", "none", "-n", 3)
        self.assertGreater(samples[1]["vsz_bytes"] - samples[0]["vsz_bytes"], BLOCK // 2)
        text = all_notes(notes)
        self.assertIn("VSZ grew by", text)
        self.assertIn("commits a page only on its first write", text)
        self.assertIn("address space only", text)
        self.assertNotIn("first touch of", text, "nothing was touched")
        # The same block touched: its first touch costs about one fault per page.
        _, touched = explained("--touch", "all", "-n", 1)
        match = re.search(r"first touch of 3.9 MiB: (\d+) minor page faults", all_notes(touched))
        self.assertTrue(match, touched)
        self.assertAlmostEqual(int(match.group(1)), BLOCK // 4096, delta=100)

    def test_mmap_threshold_keeps_free_mode_on_mmap(self):
        samples, notes = explained("--mode", "free", "--mmap-threshold", "128KiB", "-n", 4)
        self.assertTrue(all(s["rss_bytes"] - samples[0]["rss_bytes"] < BLOCK // 2 for s in samples), samples)
        self.assertIn("--mmap-threshold 128.0 KiB", notes_at(notes, 1))
        self.assertIn("mallopt switches the dynamic threshold off", notes_at(notes, 2))
        self.assertNotIn("brk heap", all_notes(notes))

    def test_trim_returns_memory_every_iteration(self):
        samples, notes = explained("--mode", "free", "--trim", "-n", 4)
        self.assertTrue(all(s["rss_bytes"] - samples[0]["rss_bytes"] < BLOCK // 2 for s in samples), samples)
        faults = [s["minor_faults"] for s in samples]
        self.assertTrue(all(b - a >= 900 for a, b in zip(faults, faults[1:])), f"every block faulted in again: {faults}")
        self.assertIn("malloc_trim(0)", notes_at(notes, 2))
        self.assertIn("memory returned to the OS", notes_at(notes, 2))

    def test_csv_keeps_stdout_clean_and_notes_go_to_stderr(self):
        result = run("--explain", "--format", "csv", "-i", 0, "-q", "--mode", "free", "-n", 3)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(csv_rows(result.stdout)), 4)
        self.assertIn("leakdemo: note: iteration 1: ", result.stderr)
        self.assertTrue(all(line.startswith("leakdemo: note: ") for line in result.stderr.splitlines()))

    def test_table_interleaves_notes(self):
        result = run("--explain", "--format", "table", "--bars", "never", "-i", 0, "-q", "-n", 2)
        lines = result.stdout.splitlines()
        first_note = next(i for i, line in enumerate(lines) if "served by mmap" in line)
        self.assertRegex(lines[first_note - 1], r"^\s+1\s")


class EverySentenceMeasured(unittest.TestCase):
    def test_a_long_small_block_run_has_a_few_dozen_notes(self):
        for mode in ("leak", "free", "hold"):
            with self.subTest(mode=mode):
                # Used to be one note every few iterations (~78,000 for -n 1000000); 20,000 keeps the test quick.
                # The samples go to /dev/null and the notes to stderr: this process stays small, so the runs
                # after it do not inherit a large ru_maxrss.
                args = ["--explain", "--format", "csv", "-i", "0", "-q", "-m", mode, "-b", "64", "-n", "20000"]
                result = subprocess.run([LEAKDEMO, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True, timeout=120, stdin=subprocess.DEVNULL, env=leakdemo_env(args))
                self.assertEqual(result.returncode, 0, result.stderr)
                notes = [line for line in result.stderr.splitlines() if line.startswith("leakdemo: note: ")]
                self.assertGreater(len(notes), 0, result.stderr)
                self.assertLessEqual(len(notes), 40, result.stderr)

    @unittest.skipIf(SANITIZED, GLIBC_ONLY)
    def test_a_one_byte_block_is_not_called_mmapd(self):
        _, notes = explained("-m", "free", "-b", 1, "-n", 3)
        self.assertNotIn("served by mmap", all_notes(notes))

    def test_a_small_touched_block_is_not_called_not_resident(self):
        _, notes = explained("-m", "leak", "-b", 64, "-n", 3)
        self.assertIn("unreachable", all_notes(notes))
        self.assertNotIn("not resident", all_notes(notes))

    def test_compare_explain_csv_sends_the_notes_to_stderr(self):
        result = run("compare", "-n", 3, "-i", 0, "-b", "1MiB", "--explain", "--format", "csv")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("note", result.stdout)
        self.assertRegex(result.stderr, r"leakdemo: note: leak iteration 1: .*unreachable")
        self.assertRegex(result.stderr, r"leakdemo: note: free iteration \d+: ")

    @unittest.skipIf(SANITIZED, GLIBC_ONLY)
    def test_free_mode_summary_says_step_then_flat(self):
        result = run("-m", "free", "-n", 12, "-i", 0, "--format", "csv")
        self.assertEqual(result.returncode, 0, result.stderr)
        rss_line = next(line for line in result.stderr.splitlines() if line.strip().startswith("RSS"))
        self.assertRegex(rss_line, r"rose to .* by iteration \d+, then (flat|within )", rss_line)
        self.assertNotIn("per iteration", rss_line)

    def test_interrupted_summary_counts_wall_time_since_the_baseline(self):
        process = subprocess.Popen([LEAKDEMO, "-n", "10", "-i", "1s", "-b", "1MiB", "--format", "jsonl"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   stdin=subprocess.DEVNULL)
        first = process.stdout.readline()  # the baseline is out: the run has started
        self.assertIn('"iteration":0', first)
        started = time.monotonic()
        time.sleep(1.5)
        waited = time.monotonic() - started  # the baseline was taken before `started`
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=30)
        summary = [r for r in jsonl_records(stdout) if r["type"] == "summary"][0]
        # A lower bound only: the run lasted at least as long as the test waited (it said 1.00 s, the time of
        # the last sample, before).
        self.assertGreaterEqual(summary["elapsed_s"], waited, summary)


class AllocatorKnobBadInput(unittest.TestCase):
    def test_bad_values_exit_2_naming_the_flag(self):
        for args, flag in [(["--mmap-threshold", "33MiB"], "--mmap-threshold"),
                           (["--mmap-threshold", "-1"], "--mmap-threshold"),
                           (["--mmap-threshold", "lots"], "--mmap-threshold"),
                           (["--bars", "sometimes"], "--bars"),
                           (["--report", "/nonexistent/dir/r.html"], "--report"),
                           (["--report", "-"], "--report")]:
            with self.subTest(args=args):
                result = run(*args, "-n", 1, "-i", 0)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                self.assertTrue(result.stderr.startswith(f"leakdemo: error: {flag}"), result.stderr)

    @unittest.skipIf(SANITIZED, GLIBC_ONLY)
    def test_largest_threshold_is_accepted(self):
        result = run("--mmap-threshold", "32MiB", "--mode", "free", "-n", 2, "-i", 0, "--format", "csv", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)


def widths(text):
    return [len(line) for line in text.splitlines()]


class Bars(unittest.TestCase):
    def table(self, columns, *args, env=None):
        full_env = {"COLUMNS": str(columns), "LANG": "C.UTF-8"}
        full_env.update(env or {})
        result = run("--format", "table", "--bars", "always", "-i", 0, "-q", *args, env=full_env)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_rows_fit_the_width_in_columns(self):
        for columns in (40, 60, 80, 132):
            with self.subTest(columns=columns):
                out = self.table(columns, "-n", 6, "--explain")
                self.assertTrue(all(w < columns for w in widths(out)), (columns, widths(out), out))
                self.assertIn("█", out)
                self.assertIn("┃", out)

    @unittest.skipIf(SANITIZED, "ASan's own ~20 MiB baseline RSS moves the bar's scale; the Release run checks it")
    def test_bar_grows_with_rss_in_leak_mode(self):
        out = self.table(80, "-n", 6)
        rows = [line for line in out.splitlines() if re.match(r"^\s+\d+\s", line)]
        filled = [line.count("█") for line in rows]
        self.assertEqual(len(rows), 7)
        self.assertEqual(filled, sorted(filled), out)
        self.assertGreater(filled[-1], filled[0] + 5, out)

    @unittest.skipIf(SANITIZED, "ASan's own ~30 MiB baseline RSS leaves less than a cell between RSS and max RSS")
    def test_free_mode_marks_max_rss_past_the_bar(self):
        out = self.table(80, "--mode", "free", "-n", 1)
        row = [line for line in out.splitlines() if re.match(r"^\s+1\s", line)][0]
        self.assertRegex(row, r"█+[▏▎▍▌▋▊▉]? +┃$", "RSS fell back, max RSS stays at the peak")

    def test_ascii_flag_and_non_utf8_locale(self):
        for out in (self.table(80, "-n", 3, "--ascii"), self.table(80, "-n", 3, env={"LANG": "C", "LC_ALL": "C"})):
            self.assertTrue(out.isascii(), out)
            self.assertIn("#", out)
            self.assertIn("|", out)

    @unittest.skipIf(SANITIZED, "leak mode under LeakSanitizer exits 1; RLIMIT_AS breaks ASan")
    def test_scale_doubles_when_an_open_ended_run_outgrows_it(self):
        # Open-ended (no -n), so the first scale is a guess; 1 MiB blocks and a 256 MiB address-space limit keep
        # the run small even if the test goes wrong, and it stops after one doubling (about 32 MiB of RSS).
        env = dict(os.environ, COLUMNS="80", LANG="C.UTF-8")
        limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (256 * MIB, 256 * MIB))  # noqa: E731
        process = subprocess.Popen([LEAKDEMO, "--format", "table", "--bars", "always", "-b", "1MiB", "-i", "0",
                                    "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                   stdin=subprocess.DEVNULL, preexec_fn=limit)
        scales, lines = [], []
        try:
            while len(scales) < 2 and len(lines) < 200:
                line = process.stdout.readline()
                self.assertTrue(line, "ended before rescaling")
                lines.append(line.rstrip("\n"))
                match = re.search(r"full(?: bar)? = ([\d.]+) MiB", line)
                if match:
                    scales.append(float(match.group(1)))
        finally:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=60)
        self.assertEqual(len(scales), 2, lines)
        self.assertEqual(scales[1], 2 * scales[0], lines)
        self.assertTrue(all(len(line) < 80 for line in lines), lines)
        rows = [line for line in lines if re.match(r"^\s+\d+\s", line)]
        self.assertTrue(all(line.endswith("┃") for line in rows), "the marker always has room: " + "\n".join(rows))

    def test_auto_draws_no_bars_into_a_pipe(self):
        result = run("--format", "table", "-n", 2, "-i", 0, "-q", env={"COLUMNS": "80", "LANG": "C.UTF-8"})
        self.assertNotIn("█", result.stdout)
        self.assertIn("minor faults", result.stdout, "the plain table")


class Chart(unittest.TestCase):
    def test_chart_on_stderr_fits_and_has_a_legend(self):
        result = run("--chart", "--format", "csv", "-i", 0, "-n", 10, env={"COLUMNS": "70", "LANG": "C.UTF-8"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(csv_rows(result.stdout)), 11, "stdout keeps only data")
        chart = result.stderr[result.stderr.index("RSS and max RSS by iteration"):]
        self.assertIn("● leak rss", chart)
        self.assertIn("○ leak max rss", chart)
        self.assertIn("iteration", chart)
        self.assertTrue(all(w < 70 for w in widths(chart)), chart)
        self.assertGreaterEqual(chart.count("●"), 10, chart)


class StrictHtml(html.parser.HTMLParser):
    """Collects start tags; fails on unbalanced end tags (void elements aside)."""
    VOID = {"meta", "br", "img", "hr", "input", "link"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.errors = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


class Report(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "run.html")

    def tearDown(self):
        self.dir.cleanup()

    def check_well_formed(self, text):
        ElementTree.fromstring(text.split("\n", 1)[1])  # past <!DOCTYPE html>: XML-well-formed
        parser = StrictHtml()
        parser.feed(text)
        parser.close()
        self.assertEqual(parser.errors, [])
        self.assertEqual(parser.stack, [])

    def points(self, text, series, metric):
        return len(re.findall(rf'<circle class="point" data-series="{series}" data-metric="{metric}"', text))

    def test_report_is_self_contained_and_has_every_sample(self):
        result = run("--report", self.path, "--explain", "--mode", "free", "-n", 12, "-i", 0, "--format", "csv",
                     "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.path, encoding="utf-8") as f:
            text = f.read()
        self.check_well_formed(text)
        self.assertNotIn("http", text.lower())
        self.assertNotIn("<script", text)
        self.assertNotIn("url(", text)
        for metric in ("rss", "maxrss", "leaked"):
            self.assertEqual(self.points(text, "free", metric), 13, metric)
        for label in ("free: RSS", "free: max RSS", "free: leaked"):
            self.assertIn(f">{label}</text>", text)
        if not SANITIZED:  # the notes tell glibc's story; ASan replaces malloc
            self.assertIn("raised glibc's dynamic mmap threshold", text, "the --explain notes")
        self.assertIn("4096000 bytes (3.9 MiB)", text, "the parameters")
        self.assertIn("verdict", text)
        self.assertEqual(glob.glob(glob.escape(self.path) + "*.tmp"), [], "the temporary file was renamed")

    @unittest.skipIf(SANITIZED, "timing of a signal under ASan is not what this checks")
    def test_report_is_written_when_interrupted(self):
        process = subprocess.Popen([LEAKDEMO, "--report", self.path, "--format", "csv", "-i", "50ms", "-q"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   stdin=subprocess.DEVNULL)
        lines = [process.stdout.readline() for _ in range(4)]  # header + samples 0..2
        self.assertTrue(all(lines), lines)
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 130, err)
        samples = len(csv_rows("".join(lines) + rest))
        with open(self.path, encoding="utf-8") as f:
            text = f.read()
        self.check_well_formed(text)
        self.assertEqual(self.points(text, "leak", "rss"), samples)
        self.assertIn("interrupted", text)


if __name__ == "__main__":
    unittest.main()
