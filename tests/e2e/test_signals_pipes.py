"""End-to-end tests of how a run ends from outside: SIGINT/SIGTERM, a closed pipe, and SIGKILL at any moment
(which must still leave only whole, parseable lines in the -o file)."""
import glob
import os
import random
import signal
import subprocess
import tempfile
import time
import unittest

from helpers import LEAKDEMO, csv_rows, jsonl_records, leakdemo_env

CSV_FIELDS = 14


def start(*args):
    args = [str(arg) for arg in args]
    return subprocess.Popen([LEAKDEMO, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, env=leakdemo_env(args))


class Signals(unittest.TestCase):
    """-i 60s: the run is asleep for a minute after the first sample; a signal must end it long before."""

    def interrupt_while_sleeping(self, signal_number):
        process = start("-i", "60s", "--format", "jsonl", "--mode", "free")
        first = process.stdout.readline()  # baseline sample
        second = process.stdout.readline()  # iteration 1: now it sleeps for 60 s
        self.assertTrue(first and second, "no sample arrived")
        process.send_signal(signal_number)
        stdout, stderr = process.communicate(timeout=10)  # far below the 60 s interval
        return process.returncode, first + second + stdout, stderr

    def check_summary(self, stdout, stderr):
        records = jsonl_records(stdout)
        self.assertEqual([record["type"] for record in records], ["sample", "sample", "summary"])
        self.assertEqual(records[-1]["stop_reason"], "interrupted")
        self.assertEqual(records[-1]["iterations"], 1)
        self.assertIn("(interrupted)", stderr)
        self.assertIn("verdict", stderr)

    def test_sigint_ends_the_sleep_prints_the_summary_and_exits_130(self):
        code, stdout, stderr = self.interrupt_while_sleeping(signal.SIGINT)
        self.assertEqual(code, 130, stderr)
        self.check_summary(stdout, stderr)

    def test_sigterm_ends_the_sleep_prints_the_summary_and_exits_143(self):
        code, stdout, stderr = self.interrupt_while_sleeping(signal.SIGTERM)
        self.assertEqual(code, 143, stderr)
        self.check_summary(stdout, stderr)

    def test_a_second_signal_exits_at_once_without_the_summary(self):
        # Stopped, the process cannot handle the first signal before the second arrives; both are pending
        # when it continues, so the second handler runs while the first stop is under way.
        process = start("-i", "60s", "--format", "jsonl", "--mode", "free")
        process.stdout.readline()
        process.stdout.readline()
        process.send_signal(signal.SIGSTOP)
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGCONT)
        stdout, stderr = process.communicate(timeout=10)
        self.assertIn(process.returncode, (130, 143), stderr)
        self.assertNotIn("summary", stdout, "exited at once: no summary record")
        self.assertNotIn("verdict", stderr, "exited at once: no summary")


class Pipes(unittest.TestCase):
    def test_head_closing_the_pipe_ends_the_run_quietly_with_exit_0(self):
        script = (f"'{LEAKDEMO}' --mode free -i 0 --format csv | head -n 3; "
                  "echo \"exit=${PIPESTATUS[0]}\" >&2")
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                                stdin=subprocess.DEVNULL, env=leakdemo_env(["--mode", "free"]))
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(result.stdout.endswith("\n"))
        self.assertTrue(all(line.count(",") == CSV_FIELDS - 1 for line in lines), lines)
        self.assertIn("exit=0", result.stderr)
        diagnostics = [line for line in result.stderr.splitlines()
                       if not line.startswith(("exit=", "leakdemo: guard: stopping before"))]
        self.assertEqual(diagnostics, [], "a closed pipe is no error: nothing else on stderr")

    def test_help_version_and_completions_end_quietly_with_exit_0_when_the_reader_is_gone(self):
        # The read end is closed before leakdemo starts: its first write gets EPIPE (SIGPIPE is restored to
        # its default for the child, as a shell leaves it), with no timing involved.
        for args in (["--help"], ["--version"], ["--completions", "bash"], ["compare", "--help"]):
            with self.subTest(args=args):
                read_end, write_end = os.pipe()
                os.close(read_end)
                try:
                    result = subprocess.run([LEAKDEMO, *args], stdout=write_end, stderr=subprocess.PIPE,
                                            stdin=subprocess.DEVNULL, text=True, timeout=30,
                                            env=leakdemo_env(args))
                finally:
                    os.close(write_end)
                self.assertEqual(result.returncode, 0, f"SIGPIPE is -13: {result.returncode} {result.stderr}")
                self.assertEqual(result.stderr, "")


def temporaries(path):
    """The temporary file a run writes -o FILE into, beside FILE: FILE.XXXXXX.tmp."""
    return glob.glob(glob.escape(path) + ".*.tmp")


class Durability(unittest.TestCase):
    """SIGKILL cannot be caught: whatever it interrupts, the -o file must hold only whole lines."""

    RUNS = 30

    def check_csv(self, text):
        self.assertTrue(text == "" or text.endswith("\n"), repr(text[-200:]))
        lines = text.splitlines()
        for line in lines:
            self.assertEqual(line.count(","), CSV_FIELDS - 1, line)
        csv_rows(text)  # every value parses

    def check_jsonl(self, text):
        self.assertTrue(text == "" or text.endswith("\n"), repr(text[-200:]))
        for record in jsonl_records(text):
            self.assertIn(record["type"], ("sample", "summary"))

    def test_sigint_or_sigterm_leaves_file_complete_and_no_temporary_file(self):
        with tempfile.TemporaryDirectory() as directory:
            for signal_number in (signal.SIGINT, signal.SIGTERM):
                path = os.path.join(directory, f"run{signal_number}.jsonl")
                process = start("-i", "60s", "--mode", "free", "-q", "-o", path)
                process.stdout.readline()  # the table's header
                process.stdout.readline()  # sample 0
                process.stdout.readline()  # sample 1: now it sleeps for 60 s
                process.send_signal(signal_number)
                _, stderr = process.communicate(timeout=30)
                with self.subTest(signal=signal_number):
                    self.assertEqual(process.returncode, 128 + signal_number, stderr)
                    self.assertEqual(temporaries(path), [])
                    with open(path, encoding="utf-8") as output:
                        records = jsonl_records(output.read())
                    self.assertEqual([r["type"] for r in records], ["sample", "sample", "summary"])

    def test_sigkill_at_random_moments_leaves_only_whole_lines(self):
        rng = random.Random(os.environ.get("LEAKDEMO_TEST_SEED", "durability"))
        lines_seen = 0
        with tempfile.TemporaryDirectory() as directory:
            for run_index in range(self.RUNS):
                suffix = ".csv" if run_index % 2 == 0 else ".jsonl"
                path = os.path.join(directory, f"run{run_index}{suffix}")
                mode = rng.choice(["free", "hold", "leak"])
                interval = rng.choice(["0", "0", "1ms", "5ms"])
                args = ["--mode", mode, "-b", "64KiB", "-i", interval, "--max-memory", "32MiB", "-o", path]
                process = subprocess.Popen([LEAKDEMO, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           stdin=subprocess.DEVNULL, env=leakdemo_env(args))
                # Kill once the run has made its temporary file (ASan's start-up is slow), at a random moment
                # after. While the run goes, the data is there, beside FILE; FILE appears only at the end.
                deadline = time.monotonic() + 30
                while not temporaries(path) and process.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.005)
                time.sleep(rng.uniform(0.0, 0.3))  # a random moment, not a timing assertion
                process.kill()
                process.wait(timeout=30)
                with self.subTest(run=run_index, args=args, returncode=process.returncode):
                    found = temporaries(path)
                    if os.path.exists(path):  # the guard ended the run (exit 3) and it renamed before the kill
                        self.assertEqual(found, [], "renamed, so no temporary file is left")
                        found = [path]
                    else:  # killed while running: FILE is only renamed into place at the end
                        self.assertEqual(process.returncode, -signal.SIGKILL)
                        self.assertEqual(len(found), 1, found)
                    with open(found[0], encoding="utf-8") as output:
                        text = output.read()
                    if suffix == ".csv":
                        self.check_csv(text)
                    else:
                        self.check_jsonl(text)
                    os.remove(found[0])
                lines_seen += text.count("\n")
        self.assertGreater(lines_seen, self.RUNS, "the runs wrote lines before they were killed")


if __name__ == "__main__":
    unittest.main()
