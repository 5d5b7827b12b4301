"""`leakdemo check` and `leakdemo scenarios` as a user or a script runs them (docs/check.md): the checkers'
figures against the summary's for every mode whose workload exists, the table's cells, the exit codes (0
agreed, 5 a checker disagreed, 1 no checker / a checker failed, 2 usage), signals, and the zoo listing."""
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
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
        result = check("--mode", "leak", "-n", "3", "-b", "1000", env={"COLUMNS": "80", "LANG": "C.UTF-8"})
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = {line[:22].strip(): line[22:].split() for line in result.stdout.splitlines()[1:9]}
        # leakdemo expects, valgrind says + mark, LSan says + mark.
        self.assertEqual(rows["definitely lost bytes"], ["3,000", "3,000", "✔", "3,000", "✔"])
        self.assertEqual(rows["definitely lost blocks"], ["3", "3", "✔", "3", "✔"])
        self.assertEqual(rows["still reachable blocks"], ["0", "0", "✔", "silent", "✔"])
        self.assertIn("lesson (leak):", result.stdout)
        self.assertTrue(all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout)

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
        process = subprocess.Popen([LEAKDEMO, "check", "--with", "valgrind", "-n", "100000", "-i", "1ms", "-b", marker],
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
        result = check("--with", "valgrind", "--ascii", env=self.fake())
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
            for behaviour, said in (("crash", "killed by signal 11"), ("hang", "did not end within 1s"),
                                    ("garbage", "not a valgrind memcheck XML report")):
                with self.subTest(behaviour=behaviour):
                    result = check("--with", "valgrind", "--timeout", "1s", "-n", "1",
                                   env=self.fake(behaviour, FAKE_VALGRIND_PID_FILE=pid_file))
                    self.assertEqual(result.returncode, 1, result.stderr)
                    self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
                    self.assertIn(said, result.stderr)
            with open(pid_file, encoding="utf-8") as file:
                self.assertFalse(os.path.exists(f"/proc/{file.read()}"), "the hung checker was killed and reaped")

    def test_bad_input_exits_2_naming_the_flag(self):
        cases = {("--with", "purify"): "--with:", ("--valgrind", os.path.abspath(__file__)): "--valgrind:",
                 ("--report", "x.html"): "--report:", ("--timeout", "soon"): "--timeout:",
                 ("--summary-only",): "--summary-only:"}
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

    def test_the_table_has_one_row_per_mode_and_fits_the_terminal(self):
        for columns in (80, 60, 132):
            with self.subTest(columns=columns):
                result = run("scenarios", env={"COLUMNS": str(columns), "LANG": "C.UTF-8"})
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
