"""The progress line (--progress): on a real terminal (tmux) while the samples go to a file, gone at the end;
never in a pipe or a file, never inside a note. Every check polls the captured screen a bounded number of
times; nothing asserts on how long anything took."""
import os
import re
import shlex
import subprocess
import tempfile
import time
import unittest
import uuid

from helpers import LEAKDEMO, leakdemo_env, run, sanitizer_env
from test_terminal_width import tmux_unusable

ATTEMPTS = 150  # x 0.1 s between looks: a generous bound on a busy machine, never a timing assertion
PROGRESS = re.compile(r"leakdemo: iteration \d+ of \d+, [\d.ms]+, RSS [\d.]+ MiB")
CONTROL = re.compile(r"[\r\x1b]")
ITERATIONS = 25


@unittest.skipIf(tmux_unusable(), tmux_unusable() or "")
class OnATerminal(unittest.TestCase):
    def setUp(self):
        self.socket = f"leakdemo-{uuid.uuid4().hex[:8]}"  # a private server: the user's tmux is untouched
        self.addCleanup(self.tmux, "kill-server")  # ends leakdemo too (SIGHUP): no run is left behind
        self.directory = tempfile.mkdtemp(prefix="leakdemo-progress-")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)

    def start(self, arguments, redirections, width=100):
        # Free mode, 64 KiB blocks, 100 ms apart: a few MiB for a few seconds.
        args = ["--mode", "free", "-b", "64KiB", "-i", "100ms", "-n", str(ITERATIONS), *arguments]
        env = " ".join(f"{key}={shlex.quote(value)}" for key, value in sanitizer_env(args).items())
        command = (f"cd {shlex.quote(self.directory)} && env -u COLUMNS LANG=C {env} {shlex.quote(LEAKDEMO)} "
                   f"{' '.join(map(shlex.quote, args))} {redirections}; echo EXIT=$?; sleep 600")
        started = self.tmux("new-session", "-d", "-s", "run", "-x", str(width), "-y", "20", command)
        self.assertEqual(started.returncode, 0, started.stderr)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "run").stdout.splitlines()

    def wait_for(self, condition):
        lines = []
        for _ in range(ATTEMPTS):
            lines = self.screen()
            if condition(lines):
                return lines
            time.sleep(0.1)
        self.fail("the expected screen never came:\n" + "\n".join(lines))

    def finished(self):
        return self.wait_for(lambda lines: any(line.startswith("EXIT=") for line in lines))

    def file(self, name):
        with open(os.path.join(self.directory, name), encoding="utf-8", errors="replace") as text:
            return text.read()

    def test_shown_while_stdout_is_a_file_and_gone_at_the_end(self):
        self.start([], "> run.csv")
        during = self.wait_for(lambda lines: any(PROGRESS.match(line) for line in lines))
        self.assertEqual(len([line for line in during if "leakdemo: iteration" in line]), 1, during)
        lines = self.finished()
        self.assertIn("EXIT=0", lines)
        self.assertFalse(any("leakdemo: iteration" in line for line in lines), "\n".join(lines))
        self.assertTrue(any("verdict" in line for line in lines), "\n".join(lines))  # the summary is whole
        self.assertIsNone(CONTROL.search(self.file("run.csv")))
        self.assertEqual(len(self.file("run.csv").splitlines()), ITERATIONS + 2)  # header, baseline, rows

    def test_shown_with_output_file_when_the_table_goes_to_a_file(self):
        self.start(["-o", "run.jsonl"], "> table.txt")
        self.wait_for(lambda lines: any(PROGRESS.match(line) for line in lines))
        lines = self.finished()
        self.assertFalse(any("leakdemo: iteration" in line for line in lines), "\n".join(lines))
        self.assertIsNone(CONTROL.search(self.file("table.txt")))

    def test_absent_when_stderr_is_a_file(self):
        self.start([], "> run.csv 2> err.txt")
        lines = self.finished()
        self.assertFalse(any("leakdemo: iteration" in line for line in lines), "\n".join(lines))
        self.assertIsNone(CONTROL.search(self.file("err.txt")))
        self.assertIn("verdict", self.file("err.txt"))

    def test_absent_over_the_table(self):
        self.start(["--format", "table"], "")
        lines = self.finished()
        self.assertTrue(any(line.lstrip().startswith(f"{ITERATIONS} ") for line in lines), "\n".join(lines))
        self.assertFalse(any("leakdemo: iteration" in line for line in lines), "\n".join(lines))

    def test_notes_are_written_whole_and_the_line_drawn_after_them(self):
        self.start(["--explain"], "> run.csv")
        lines = self.finished()
        notes = [line for line in lines if "leakdemo: note:" in line]
        self.assertGreater(len(notes), 0, "\n".join(lines))
        self.assertTrue(all(line.startswith("leakdemo: note: iteration ") for line in notes), "\n".join(lines))
        self.assertFalse(any("leakdemo: iteration" in line for line in lines), "\n".join(lines))

    def test_fits_a_narrow_terminal(self):
        self.start(["--progress", "always"], "> run.csv", width=30)
        during = self.wait_for(lambda lines: any(line.startswith("leakdemo: iteration") for line in lines))
        drawn = [line for line in during if line.startswith("leakdemo: iteration")]
        self.assertEqual(len(drawn), 1, during)  # one line, not wrapped onto a second
        self.assertLessEqual(len(drawn[0].rstrip()), 29)


class NotATerminal(unittest.TestCase):
    def test_auto_writes_nothing_into_a_pipe(self):
        result = run("--mode", "free", "-b", "64KiB", "-i", "0", "-n", "20", "--format", "csv")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIsNone(CONTROL.search(result.stderr))
        self.assertNotIn("leakdemo: iteration", result.stderr)

    def test_always_draws_into_a_pipe_and_erases_it(self):
        args = ["--mode", "free", "-b", "64KiB", "-i", "0", "-n", "20", "--format", "csv", "--progress", "always",
                "-q"]
        result = subprocess.run([LEAKDEMO, *args], capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
                                env=leakdemo_env(args))  # bytes: text mode would read \r as a newline
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr, rb"^\r\x1b\[Kleakdemo: iteration 0 of 20, ")
        self.assertTrue(result.stderr.endswith(b"\r\x1b[K"), result.stderr[-40:])

    def test_a_short_run_ends_on_its_last_iteration(self):
        # -i 0: the whole run is inside one 100 ms redraw period, so the rate limit holds every state after
        # iteration 0 back; the last one must still be drawn before the line is erased.
        with tempfile.TemporaryDirectory() as directory:
            args = ["-n", "5", "-i", "0", "-b", "64KiB", "--progress", "always", "-o",
                    os.path.join(directory, "run.csv")]
            result = subprocess.run([LEAKDEMO, *args], capture_output=True, timeout=120,
                                    stdin=subprocess.DEVNULL, env=leakdemo_env(args))
        self.assertEqual(result.returncode, 0, result.stderr)
        states = re.findall(rb"\r\x1b\[K(leakdemo: iteration [^\r\n]*)", result.stderr)
        self.assertGreater(len(states), 0, result.stderr)
        self.assertTrue(states[-1].startswith(b"leakdemo: iteration 5 of 5, "), states)
        self.assertLessEqual(len(states), 3, states)  # iteration 0 (perhaps one more), then the last: no flood

    def test_compare_and_watch_refuse_it(self):
        for args in (["compare"], ["watch", "--", "true"]):
            result = run(*args[:1], "--progress", "always", *args[1:])
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertTrue(result.stderr.startswith("leakdemo: error: --progress: not used by"), result.stderr)


if __name__ == "__main__":
    unittest.main()
