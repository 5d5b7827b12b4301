"""`leakdemo check` and `leakdemo scenarios` as a user or a script runs them (docs/check.md): the checkers'
figures against the summary's for every mode whose workload exists, the table's cells, the exit codes (0
agreed, 5 a checker disagreed, 1 no checker / a checker failed, 2 usage), signals, and the zoo listing."""
import csv
import fcntl
import io
import json
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import time
import unittest

from helpers import LEAKDEMO, SANITIZED, SOURCE_DIR, jsonl_records, leakdemo_env, run

FAKE_VALGRIND = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs", "fake_valgrind.py")
HAVE_VALGRIND = shutil.which("valgrind") is not None
NO_CHECK = "valgrind and a preloaded LSan cannot run the ASan build (check refuses it: exit 1)"


def every_mode():
    """--mode's choices as --help lists them: {arena,cache,...} (enum_names<Mode>; the list may wrap)."""
    help_text = re.sub(r"\s+", "", run("--help").stdout)
    return re.search(r"MODE:\{([a-z,]+)\}", help_text).group(1).split(",")


def lsan_present():
    ldconfig = shutil.which("ldconfig", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    return ldconfig is not None and "liblsan.so.0" in subprocess.run([ldconfig, "-p"], capture_output=True,
                                                                     text=True).stdout


def check(*args, env=None, timeout=180):
    return run("check", *args, env=env, timeout=timeout)


@unittest.skipIf(SANITIZED, NO_CHECK)
@unittest.skipUnless(HAVE_VALGRIND and lsan_present(), "needs valgrind and liblsan0 (scripts/setup.sh test)")
class CheckAgainstTheRealCheckers(unittest.TestCase):
    def test_every_built_mode_agrees_with_both_checkers_to_the_byte(self):
        for mode in every_mode():
            with self.subTest(mode=mode):
                result = check("--mode", mode, "-b", "64KiB", "-n", "2", "--format", "jsonl")
                records = jsonl_records(result.stdout)
                self.assertEqual([record["checker"] for record in records], ["valgrind", "lsan"], result.stderr)
                for record in records:
                    self.assertEqual(record["mode"], mode)
                    self.assertEqual(record["iterations"], 2)
                    self.assertEqual(record["verdict"], "agrees", json.dumps(record))
                    for key in ("definitely_lost", "indirectly_lost"):
                        for unit in ("bytes", "blocks"):
                            self.assertEqual(record[f"{key}_{unit}"], record[f"expected_{key}_{unit}"], key)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stderr, "")

    def test_leak_table_shows_the_lost_bytes_and_a_tick_in_every_checker_cell(self):
        result = check("--mode", "leak", "-n", "3", "-b", "1000", "--format", "table",
                       env={"COLUMNS": "80", "LANG": "C.UTF-8"})
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = {line[:22].strip(): line[22:].split() for line in result.stdout.splitlines()[1:9]}
        # leakdemo expects, valgrind says + mark, LSan expects, LSan says + mark.
        self.assertEqual(rows["definitely lost bytes"], ["3,000", "3,000", "✔", "3,000", "3,000", "✔"])
        self.assertEqual(rows["definitely lost blocks"], ["3", "3", "✔", "3", "3", "✔"])
        self.assertEqual(rows["still reachable blocks"], ["0", "0", "✔", "silent", "silent", "✔"])
        self.assertIn("lesson (leak):", result.stdout)
        self.assertTrue(all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout)

    def test_a_cycle_shows_what_lsan_is_expected_to_say_beside_leakdemos_figure(self):
        # leakdemo (valgrind's categories) expects one definitely lost block per pair; LSan calls both
        # indirect: its tick must stand beside its own expectation, 0, not beside leakdemo's.
        result = check("--mode", "cycle", "-n", "2", "-b", "1000", "--format", "table",
                       env={"COLUMNS": "80", "LANG": "C.UTF-8"})
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["leakdemo", "expects", "valgrind", "says", "LSan", "expects", "LSan",
                                            "says"])
        rows = {line[:22].strip(): line[22:].split() for line in lines[1:9]}
        expects, valgrind, _, lsan_expects, lsan_says, mark = rows["definitely lost bytes"]
        self.assertNotEqual(expects, "0")
        self.assertEqual((valgrind, lsan_expects, lsan_says, mark), (expects, "0", "0", "✔"))
        self.assertEqual(rows["definitely lost blocks"][3:], ["0", "0", "✔"])
        indirect = int(rows["indirectly lost bytes"][0].replace(",", ""))
        self.assertEqual(rows["indirectly lost bytes"][3:5], [f"{indirect + int(expects.replace(',', '')):,}"] * 2)
        self.assertTrue(all(len(line) <= 80 for line in lines), result.stdout)
        records = jsonl_records(check("--mode", "cycle", "-n", "2", "-b", "1000", "--format", "jsonl").stdout)
        by_checker = {record["checker"]: record for record in records}
        self.assertEqual(by_checker["lsan"]["expected_definitely_lost_bytes"], 0)
        self.assertEqual(by_checker["valgrind"]["expected_definitely_lost_bytes"], int(expects.replace(",", "")))

    def test_defaults_are_short_and_bounded(self):
        # No -n, -i, -b: three 1 MiB blocks at full speed (a run without -n would go on until the guard).
        started = time.monotonic()
        result = check("--with", "lsan", "--format", "jsonl")
        self.assertEqual(result.returncode, 0, result.stderr)
        record = jsonl_records(result.stdout)[0]
        self.assertEqual((record["iterations"], record["block_bytes"], record["definitely_lost_bytes"]),
                         (3, 1 << 20, 3 << 20))
        self.assertLess(time.monotonic() - started, 60)

    def test_ctrl_c_ends_check_and_its_checker(self):
        marker = "12347"  # a block size no other test uses: how the checker child is found in /proc
        process = subprocess.Popen([LEAKDEMO, "check", "--with", "valgrind", "-n", "1000", "-i", "100ms", "-b", marker],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=leakdemo_env([]))
        time.sleep(2)
        self.assertTrue(children_with(marker), "the valgrind child runs")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 130, stderr)
        self.assertEqual(children_with(marker), [])


def children_with(marker):
    """Pids of processes whose command line holds `--block-size <marker>` (check's forwarded workload flag)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                words = cmdline.read().split(b"\0")
        except OSError:
            continue
        if b"--block-size" in words and marker.encode() in words and b"--summary-only" in words:
            found.append(int(pid))
    return found


@unittest.skipIf(SANITIZED, NO_CHECK)
class CheckExitCodes(unittest.TestCase):
    def fake(self, behaviour="lie", **extra):
        return {"LEAKDEMO_VALGRIND": FAKE_VALGRIND, "FAKE_VALGRIND": behaviour, **extra}

    def test_a_disagreeing_checker_exits_5_with_a_cross_in_its_cell(self):
        result = check("--with", "valgrind", "--ascii", "--format", "table", env=self.fake())
        self.assertEqual(result.returncode, 5, result.stderr)
        rows = {line[:22].strip(): line[22:].split() for line in result.stdout.splitlines()[1:9]}
        self.assertEqual(rows["definitely lost bytes"], ["3,145,728", "1", "X"])
        self.assertEqual(rows["definitely lost blocks"], ["3", "1", "X"])
        self.assertEqual(rows["indirectly lost bytes"], ["0", "0", "ok"])
        self.assertIn("valgrind DISAGREES with leakdemo", result.stdout)

    def test_the_flag_outranks_the_environment_and_jsonl_says_disagrees(self):
        env = self.fake(FAKE_LOST_BYTES="3145728")
        env["LEAKDEMO_VALGRIND"] = "/nonexistent/valgrind"
        result = check("--with", "valgrind", "--valgrind", FAKE_VALGRIND, "--format", "jsonl", env=env)
        self.assertEqual(result.returncode, 5, result.stderr)  # the bytes agree, the blocks (1 for 3) do not
        record = jsonl_records(result.stdout)[0]
        self.assertEqual((record["verdict"], record["definitely_lost_bytes"], record["definitely_lost_blocks"]),
                         ("disagrees", 3145728, 1))

    @unittest.skipUnless(lsan_present(), "needs liblsan0 (scripts/setup.sh test)")
    def test_mmap_threshold_skips_lsan_whose_malloc_ignores_mallopt(self):
        result = check("-n", "1", "--mmap-threshold", "0", "--format", "jsonl",
                       env=self.fake(FAKE_LOST_BYTES="1048576"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([record["checker"] for record in jsonl_records(result.stdout)], ["valgrind"])
        self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
        self.assertIn("LeakSanitizer skipped", result.stderr)
        alone = check("--with", "lsan", "--mmap-threshold", "64KiB")
        self.assertEqual(alone.returncode, 2, alone.stderr)
        self.assertTrue(alone.stderr.startswith("leakdemo: error: --mmap-threshold: "), alone.stderr)
        self.assertEqual(alone.stderr.count("\n"), 1, alone.stderr)
        self.assertLessEqual(len(alone.stderr.rstrip("\n")), 100, alone.stderr)  # one short line
        self.assertEqual(alone.stdout, "")

    def test_no_checker_installed_exits_1_in_one_line(self):
        with tempfile.TemporaryDirectory() as empty:
            result = check(env={"PATH": empty, "LEAKDEMO_LSAN_LIBRARY": ""})
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
        self.assertIn("no leak checker found", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_a_checker_that_crashes_hangs_or_writes_garbage_is_a_runtime_error(self):
        with tempfile.TemporaryDirectory() as workdir:
            pid_file = os.path.join(workdir, "pid")
            for behaviour, said in (("crash", "killed by signal 11"),
                                    ("hang", "did not end within 1s (--timeout): give a longer --timeout, or a "
                                             "smaller -n or -b"),
                                    ("garbage", "not a valgrind memcheck XML report")):
                with self.subTest(behaviour=behaviour):
                    result = check("--with", "valgrind", "--timeout", "1s", "-n", "1",
                                   env=self.fake(behaviour, FAKE_VALGRIND_PID_FILE=pid_file))
                    self.assertEqual(result.returncode, 1, result.stderr)
                    self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
                    self.assertIn(said, result.stderr)
            with open(pid_file, encoding="utf-8") as file:
                self.assertFalse(os.path.exists(f"/proc/{file.read()}"), "the hung checker was killed and reaped")

    def test_a_status_line_says_what_runs_and_is_erased_before_anything_else(self):
        # --progress always draws it into this pipe as it would on a terminal; the first is drawn at the start,
        # so no timing is assumed. Without it (a pipe, auto), stderr stays empty (the test above).
        erase = "\n\x1b[K"  # \r, erase to the end of the line; run() reads with universal newlines (\r -> \n)
        result = check("--with", "valgrind", "-n", "1", "--progress", "always", "--format", "jsonl",
                       env=self.fake(FAKE_LOST_BYTES="1048576"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stderr.startswith(f"{erase}check: running leakdemo -n 1 under valgrind, 0s "
                                                 "(--timeout 5m)"), repr(result.stderr))
        self.assertTrue(result.stderr.endswith(erase), repr(result.stderr))
        self.assertEqual(jsonl_records(result.stdout)[0]["verdict"], "agrees")
        with tempfile.TemporaryDirectory() as workdir:
            result = check("--with", "valgrind", "-n", "1", "--progress", "always", "--timeout", "1s",
                           env=self.fake("hang", FAKE_VALGRIND_PID_FILE=os.path.join(workdir, "pid")))
        self.assertEqual(result.returncode, 1, result.stderr)
        status, _, error = result.stderr.rpartition(erase)
        self.assertIn("under valgrind", status)
        self.assertTrue(error.startswith("leakdemo: error: check: the valgrind run did not end within 1s "
                                         "(--timeout)"), repr(result.stderr))
        self.assertEqual(error.count("\n"), 1)
        self.assertEqual(check("--with", "valgrind", "-n", "1", "--progress", "never", "-q",
                               env=self.fake(FAKE_LOST_BYTES="1048576")).stderr, "")

    def test_auto_means_csv_off_a_terminal_as_for_a_run(self):
        result = check("--with", "valgrind", "-n", "1", env=self.fake(FAKE_LOST_BYTES="1048576"))
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        self.assertEqual([(row["checker"], row["verdict"]) for row in rows], [("valgrind", "agrees")])

    def test_bad_input_exits_2_naming_the_flag(self):
        cases = {("--with", "purify"): "--with:", ("--valgrind", os.path.abspath(__file__)): "--valgrind:",
                 ("--report", "x.html"): "--report:", ("--timeout", "soon"): "--timeout:",
                 ("--summary-only",): "--summary-only:",
                 # more iterations prove nothing more, and would run for ages under valgrind
                 ("-n", "1001"): "--iterations: check runs at most 1000",
                 ("-n", "1000000"): "--iterations: check runs at most 1000",
                 # the pauses alone outlast the time limit: said at once, not after it
                 ("-n", "10", "-i", "1s", "--timeout", "10s"): "--timeout: 10 iterations 1s apart"}
        for args, flag in cases.items():
            with self.subTest(args=args):
                result = check(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.startswith(f"leakdemo: error: {flag}"), result.stderr)
                self.assertEqual(result.stderr.count("\n"), 1)


@unittest.skipUnless(SANITIZED, "the ASan build only")
class CheckUnderAsan(unittest.TestCase):
    def test_the_asan_build_refuses_in_one_line(self):
        result = check("--with", "lsan")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("AddressSanitizer", result.stderr)


class Scenarios(unittest.TestCase):
    def test_jsonl_has_one_record_per_mode_in_order(self):
        result = run("scenarios", "--format", "jsonl")
        self.assertEqual(result.returncode, 0, result.stderr)
        records = jsonl_records(result.stdout)
        self.assertEqual(sorted(record["mode"] for record in records), sorted(every_mode()))
        self.assertEqual(records[0]["mode"], "leak")
        for record in records:
            for key in ("pattern", "valgrind", "lsan", "rss", "lesson"):
                self.assertTrue(record[key], (record["mode"], key))
        interior = next(record for record in records if record["mode"] == "interior")
        self.assertIn("any pointer", interior["lesson"])

    def test_csv_has_the_same_records(self):
        result = run("scenarios", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        records = jsonl_records(run("scenarios", "--format", "jsonl").stdout)
        self.assertEqual(rows, [{key: value for key, value in record.items() if key != "type"} for record in records])

    CELLS = ("pattern", "valgrind", "lsan", "rss", "lesson")

    def test_every_width_fits_and_shows_every_word_of_every_cell(self):
        records = {record["mode"]: record for record in jsonl_records(run("scenarios", "--format", "jsonl").stdout)}
        for columns in (20, 40, 60, 80, 120, 200):
            with self.subTest(columns=columns):
                result = run("scenarios", "--format", "table", env={"COLUMNS": str(columns), "LANG": "C.UTF-8"})
                self.assertEqual(result.returncode, 0, result.stderr)
                lines = result.stdout.splitlines()
                # Python counts code points: ✔ and — are one column each, as on the terminal.
                self.assertLessEqual(max(map(len, lines)), columns, result.stdout)
                shown = parse_stacked(lines) if columns < 60 else parse_table(lines)
                self.assertEqual(sorted(shown), sorted(records))
                for mode, cells in shown.items():
                    for key in self.CELLS:
                        # Wrapped at blanks, a too-long word broken: the same characters in the same order.
                        self.assertEqual("".join(cells[key].split()), "".join(records[mode][key].split()),
                                         (columns, mode, key, result.stdout))

    def test_the_lesson_is_shown_under_each_row_at_80_columns(self):
        lines = run("scenarios", "--format", "table", env={"COLUMNS": "80"}).stdout.splitlines()
        self.assertEqual(sum(line.startswith("          lesson: ") for line in lines), len(every_mode()))

    def test_colour_styles_the_text_never_the_padding(self):
        for columns in (30, 80, 200):
            with self.subTest(columns=columns):
                result = run("scenarios", "--format", "table", "--color", "always", env={"COLUMNS": str(columns)})
                self.assertEqual(result.returncode, 0, result.stderr)
                spans = re.findall(r"\x1b\[[0-9;]*m(.*?)\x1b\[0?m", result.stdout)
                self.assertGreater(len(spans), len(every_mode()))
                for span in spans:
                    self.assertTrue(span.strip(), repr(span))
                    self.assertEqual(span, span.strip(), repr(span))
                plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
                self.assertLessEqual(max(map(len, plain.splitlines())), columns)

    def test_auto_means_csv_off_a_terminal_as_for_a_run(self):
        for args in ((), ("--format", "auto")):
            with self.subTest(args=args):
                result = run("scenarios", *args)
                self.assertEqual(result.returncode, 0, result.stderr)
                rows = list(csv.DictReader(io.StringIO(result.stdout)))
                self.assertEqual(sorted(row["mode"] for row in rows), sorted(every_mode()))

    def test_auto_is_the_table_on_a_terminal_sized_by_it(self):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 40, 0, 0))
        env = leakdemo_env([])
        env.pop("COLUMNS", None)
        process = subprocess.Popen([LEAKDEMO, "scenarios"], stdout=slave, stderr=subprocess.PIPE, env=env)
        os.close(slave)
        output = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        os.close(master)
        self.assertEqual(process.wait(timeout=30), 0)
        lines = re.sub(r"\x1b\[[0-9;]*m", "", output.decode()).replace("\r\n", "\n").splitlines()
        self.assertEqual(lines[:2], ["leak", "  pattern: pointer overwritten"])  # 40 columns: stacked
        self.assertLessEqual(max(map(len, lines)), 40)

    def test_every_option_it_does_not_use_is_refused_naming_it(self):
        cases = {("-n", "5"): "-n/--iterations", ("-b", "1MiB"): "-b/--block-size", ("--mode", "leak"): "-m/--mode",
                 ("--ascii",): "--ascii", ("-q",): "-q/--quiet", ("--explain",): "--explain",
                 ("--summary-only", "-o", "x.csv"): "", ("--threads", "2"): "--threads"}
        with tempfile.TemporaryDirectory() as workdir:
            for args, flag in cases.items():
                with self.subTest(args=args):
                    result = subprocess.run([LEAKDEMO, "scenarios", *args], capture_output=True, text=True,
                                            cwd=workdir, env=leakdemo_env([]), timeout=30)
                    self.assertEqual(result.returncode, 2, result.stderr)
                    self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
                    self.assertTrue(result.stderr.startswith(f"leakdemo: error: scenarios: {flag}"), result.stderr)
                    self.assertIn("has no effect: scenarios lists every mode and runs nothing", result.stderr)
                    self.assertEqual(result.stdout, "")
            self.assertEqual(os.listdir(workdir), [])
        self.assertEqual(run("scenarios", "--format", "jsonl", "--color", "never").returncode, 0)

    def test_help_lists_only_the_options_it_takes(self):
        help_text = run("scenarios", "--help").stdout
        options = set(re.findall(r"^  (-[-\w]+(?:,--[\w-]+)?)", help_text, re.MULTILINE))
        self.assertEqual(options, {"-h,--help", "-f,--format", "--color"}, help_text)

    def test_the_table_has_one_row_per_mode_and_fits_the_terminal(self):
        for columns in (80, 60, 132):
            with self.subTest(columns=columns):
                result = run("scenarios", "--format", "table", env={"COLUMNS": str(columns), "LANG": "C.UTF-8"})
                self.assertEqual(result.returncode, 0, result.stderr)
                lines = result.stdout.splitlines()
                self.assertEqual(lines[0].split()[:2], ["mode", "pattern"])
                starts = [line.split()[0] for line in lines[1:] if not line.startswith(" ")]
                self.assertEqual(sorted(starts), sorted(every_mode()))
                self.assertTrue(all(len(line) <= columns for line in lines), max(map(len, lines)))

    def test_a_closed_pipe_ends_quietly(self):
        process = subprocess.run(f"'{LEAKDEMO}' scenarios --format jsonl | head -1", shell=True,
                                 capture_output=True, text=True, timeout=30)
        self.assertEqual(process.stderr, "")
        self.assertEqual(len(process.stdout.splitlines()), 1)


def parse_stacked(lines):
    """The narrow layout: a mode's name alone, then `  label: text`, its further lines indented deeper."""
    shown, key = {}, None
    for line in lines:
        if not line.startswith(" "):
            mode = line.strip()
            shown[mode] = {}
        elif not line.startswith("   "):
            label, _, text = line.strip().partition(":")
            key = label.lower()
            shown[mode][key] = text
        else:
            shown[mode][key] += " " + line
    return shown


def parse_table(lines):
    """The table: each column's slice of every line of a row, by where its title starts; a `lesson:` line
    (and the lines under it) when the lesson is no column."""
    titles = lines[0].split()
    starts = [lines[0].index(title) for title in titles] + [None]
    shown, mode, in_lesson = {}, None, False
    for line in lines[1:]:
        if not line.startswith(" "):
            mode, in_lesson = line.split()[0], False
            shown[mode] = {title.lower(): "" for title in titles[1:] + ["lesson"]}
        if line[starts[1]:].startswith("lesson: ") or in_lesson:
            in_lesson = True
            shown[mode]["lesson"] += " " + line.strip().removeprefix("lesson:")
            continue
        for title, start, end in zip(titles[1:], starts[1:], starts[2:]):
            shown[mode][title.lower()] += " " + line[start:end]
    return shown


def documented_commands():
    """Every command line of the ```sh blocks in README.md's check section and in docs/check.md."""
    texts = []
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as readme:
        section = re.search(r"^## Check it with valgrind and LeakSanitizer\n(.*?)(?=^## )", readme.read(),
                            re.MULTILINE | re.DOTALL)
    assert section is not None, "README.md lost its check section"
    texts.append(section.group(1))
    with open(os.path.join(SOURCE_DIR, "docs", "check.md"), encoding="utf-8") as reference:
        texts.append(reference.read())
    commands = []
    for text in texts:
        for block in re.findall(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
            commands += [line.split("#", 1)[0].split() for line in block.splitlines() if line.strip()]
    return commands


@unittest.skipIf(SANITIZED, NO_CHECK)
@unittest.skipUnless(HAVE_VALGRIND and lsan_present(), "needs valgrind and liblsan0 (scripts/setup.sh test)")
class DocumentedExamples(unittest.TestCase):
    def test_every_documented_command_runs_and_agrees(self):
        commands = documented_commands()
        self.assertGreaterEqual(len(commands), 7)
        for words in commands:
            with self.subTest(command=" ".join(words)):
                self.assertEqual(words[0], "leakdemo")
                result = run(*words[1:], timeout=180)
                if result.returncode == 5:  # the load-dependent residual of docs/leak-checkers.md: once more
                    result = run(*words[1:], timeout=180)
                self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
                self.assertTrue(result.stdout)


class CompareAcrossScenarios(unittest.TestCase):
    def test_any_two_distinct_modes_are_accepted(self):
        result = run("compare", "--modes", "leak,cache", "-n", "2", "-i", "0", "--format", "jsonl", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        summaries = [record for record in jsonl_records(result.stdout) if record["type"] == "summary"]
        self.assertEqual(sorted(summary["mode"] for summary in summaries), ["cache", "leak"])
        self.assertEqual(run("compare", "--modes", "cache,cache").returncode, 2)


if __name__ == "__main__":
    unittest.main()
