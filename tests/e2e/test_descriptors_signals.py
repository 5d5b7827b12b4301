"""End-to-end tests of how leakdemo starts and is paused or hung up from outside: closed standard descriptors,
SIGHUP, Ctrl-Z on compare (SIGTSTP/SIGCONT forwarded to the children) and pacing after a pause."""
import os
import signal
import subprocess
import tempfile
import time
import unittest

from helpers import LEAKDEMO, csv_rows, jsonl_records, leakdemo_env, run

CSV_FIELDS = 14


def proc_state(pid):
    """The state letter of /proc/PID/stat (R, S, T, Z ...), or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            text = file.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2:].split()[0]


def children_of(pid):
    """The pids of the live (not zombie) children of pid."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                text = file.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def wait_until(test, condition, what, seconds=30):
    """Polls condition() until it is true; a hang detector, not a timing assertion."""
    deadline = time.monotonic() + seconds
    while not condition():
        test.assertLess(time.monotonic(), deadline, what)
        time.sleep(0.02)


def start(args, **kwargs):
    args = [str(arg) for arg in args]
    return subprocess.Popen([LEAKDEMO, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, env=leakdemo_env(args), **kwargs)


class ClosedStandardDescriptors(unittest.TestCase):
    """cron and daemons may start a program with fd 0, 1 or 2 closed: -o FILE must not become that fd."""

    def run_with_closed(self, fd, path):
        args = ["-n", "2", "-i", "0", "-o", path]
        # exec in sh so that fd is closed in leakdemo itself, as `leakdemo ... >&-` does.
        return subprocess.run(["sh", "-c", f'exec "$0" "$@" {fd}>&-', LEAKDEMO, *args], capture_output=True,
                              text=True, timeout=60, env=leakdemo_env(args))

    def test_the_output_file_holds_only_its_csv_rows_whichever_fd_is_closed(self):
        with tempfile.TemporaryDirectory() as directory:
            for fd in (0, 1, 2):
                with self.subTest(closed=fd):
                    path = os.path.join(directory, f"closed{fd}.csv")
                    result = self.run_with_closed(fd, path)
                    self.assertEqual(result.returncode, 0, result.stderr)
                    with open(path, encoding="utf-8") as file:
                        text = file.read()
                    lines = text.splitlines()
                    self.assertEqual(len(lines), 4, f"header + samples 0..2 only:\n{text}")
                    self.assertTrue(all(line.count(",") == CSV_FIELDS - 1 for line in lines), text)
                    self.assertEqual([row["iteration"] for row in csv_rows(text)], [0, 1, 2])


class Hangup(unittest.TestCase):
    """SIGHUP (terminal closed, ssh dropped) ends a run like SIGTERM: summary, report, exit 129."""

    def test_sighup_ends_a_single_run_with_its_summary_and_report_and_exit_129(self):
        with tempfile.TemporaryDirectory() as directory:
            report = os.path.join(directory, "r.html")
            process = start(["-i", "60s", "--format", "jsonl", "--mode", "free", "--report", report])
            first, second = process.stdout.readline(), process.stdout.readline()
            self.assertTrue(first and second, "no sample arrived")
            process.send_signal(signal.SIGHUP)
            stdout, stderr = process.communicate(timeout=30)  # far below the 60 s interval
            self.assertEqual(process.returncode, 129, stderr)
            records = jsonl_records(first + second + stdout)
            self.assertEqual(records[-1]["type"], "summary")
            self.assertEqual(records[-1]["stop_reason"], "interrupted")
            self.assertIn("verdict", stderr)
            with open(report, encoding="utf-8") as file:
                self.assertIn("verdict", file.read())

    def test_sighup_on_compare_reaches_both_children_and_exits_129(self):
        process = start(["compare", "-i", "60s", "-b", "64KiB", "--format", "jsonl"])
        lines = [process.stdout.readline() for _ in range(4)]  # samples 0 and 1 of both children
        self.assertTrue(all(lines), lines)
        children = children_of(process.pid)
        self.assertEqual(len(children), 2)
        process.send_signal(signal.SIGHUP)
        stdout, stderr = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 129, stderr)
        summaries = [r for r in jsonl_records("".join(lines) + stdout) if r["type"] == "summary"]
        self.assertEqual(sorted(s["mode"] for s in summaries), ["free", "leak"], "each child said goodbye")
        self.assertTrue(all(s["stop_reason"] == "interrupted" for s in summaries), summaries)
        wait_until(self, lambda: all(proc_state(pid) in (None, "Z") for pid in children), "a child outlived compare")


class CompareJobControl(unittest.TestCase):
    """The children have their own process groups, so Ctrl-Z reaches compare alone: it must stop them too."""

    def test_sigtstp_stops_both_children_and_sigcont_resumes_them_to_a_normal_end(self):
        # Its own process group (not orphaned: this test is its parent in another group), as a shell job is,
        # so the kernel does not discard the stop.
        process = start(["compare", "-n", "30", "-i", "50ms", "-b", "64KiB", "--format", "jsonl"],
                        process_group=0)
        self.addCleanup(process.kill)
        lines = [process.stdout.readline() for _ in range(4)]
        self.assertTrue(all(lines), lines)
        children = children_of(process.pid)
        self.assertEqual(len(children), 2)
        process.send_signal(signal.SIGTSTP)
        wait_until(self, lambda: all(proc_state(pid) == "T" for pid in children),
                   f"both children stopped: {[proc_state(pid) for pid in children]}")
        wait_until(self, lambda: proc_state(process.pid) == "T", "compare stopped itself")
        process.send_signal(signal.SIGCONT)
        wait_until(self, lambda: all(proc_state(pid) != "T" for pid in children), "both children resumed")
        stdout, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, stderr)
        summaries = [r for r in jsonl_records("".join(lines) + stdout) if r["type"] == "summary"]
        self.assertEqual(len(summaries), 2)
        self.assertTrue(all(s["stop_reason"] == "completed" and s["iterations"] == 30 for s in summaries),
                        summaries)

    def test_compare_compare_is_a_usage_error(self):
        result = run("compare", "compare", "-i", "0", timeout=30)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertTrue(result.stderr.startswith("leakdemo: error: compare:"), result.stderr)


class PacingAfterAPause(unittest.TestCase):
    INTERVAL_S = 0.25

    def test_missed_ticks_are_skipped_not_fired_back_to_back(self):
        process = start(["-n", "6", "-i", "250ms", "-b", "64KiB", "--format", "jsonl", "-q"])
        self.addCleanup(process.kill)
        lines = [process.stdout.readline() for _ in range(3)]  # samples 0..2
        self.assertTrue(all(lines), lines)
        process.send_signal(signal.SIGSTOP)
        time.sleep(4 * self.INTERVAL_S)  # makes the pause: four ticks missed (not a timing assertion)
        process.send_signal(signal.SIGCONT)
        stdout, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, stderr)
        elapsed = [r["elapsed_s"] for r in jsonl_records("".join(lines) + stdout) if r["type"] == "sample"]
        self.assertEqual(len(elapsed), 7)
        # A lower bound only. The schedule does not drift, so one iteration that wakes late shortens the next
        # gap by its lateness; missed ticks fired back to back would show gaps of a millisecond or less.
        gaps = [later - earlier for earlier, later in zip(elapsed[1:], elapsed[2:])]
        self.assertTrue(all(gap >= 0.8 * self.INTERVAL_S for gap in gaps), gaps)


if __name__ == "__main__":
    unittest.main()
