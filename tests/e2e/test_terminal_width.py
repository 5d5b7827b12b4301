"""The views follow the terminal's width as it changes: a real terminal (tmux), resized while leakdemo runs.

Every check polls the captured screen a bounded number of times for the expected layout; nothing asserts on
how long anything took."""
import os
import shlex
import shutil
import stat
import subprocess
import time
import unittest
import uuid

from helpers import LEAKDEMO, SANITIZED, run, sanitizer_env

ATTEMPTS = 150  # x 0.1 s between looks: a generous bound on a busy machine, never a timing assertion
NARROW_HEADER = "  iter      leaked         rss     max rss       Δ rss"


def rows_after(lines, header_index):
    return [line for line in lines[header_index + 1:] if line.strip()[:1].isdigit()]


def tmux_unusable():
    if shutil.which("tmux") is None:
        return "tmux is missing"
    if not os.path.exists("/dev/null") or not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        return "/dev/null is not a device here: the tmux server cannot daemonise"
    return None


@unittest.skipIf(tmux_unusable(), tmux_unusable() or "")
class FollowsTheTerminal(unittest.TestCase):
    def setUp(self):
        self.socket = f"leakdemo-{uuid.uuid4().hex[:8]}"  # a private server: the user's tmux is untouched
        self.addCleanup(self.tmux, "kill-server")  # ends leakdemo too (SIGHUP): no run is left behind

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)

    def start(self, *args, width=100):
        # Free mode, 64 KiB blocks: a few MiB whatever happens; -n bounds it should the cleanup fail.
        env = " ".join(f"{key}={shlex.quote(value)}" for key, value in sanitizer_env(["--mode", "free"]).items())
        command = (f"env -u COLUMNS LANG=C.UTF-8 LC_ALL=C.UTF-8 {env} {shlex.quote(LEAKDEMO)} --mode free -b 64KiB "
                   f"-i 100ms -n 3000 -q {' '.join(map(shlex.quote, map(str, args)))}; sleep 600")
        started = self.tmux("new-session", "-d", "-s", "run", "-x", str(width), "-y", "40", command)
        self.assertEqual(started.returncode, 0, started.stderr)
        self.tmux("set-option", "-g", "window-size", "manual")

    def resize(self, width):
        result = self.tmux("resize-window", "-t", "run", "-x", str(width), "-y", "40")
        self.assertEqual(result.returncode, 0, result.stderr)

    def screen(self):
        # -J joins lines the terminal wrapped, so a row wider than the pane shows at its real length.
        return self.tmux("capture-pane", "-p", "-J", "-S", "-1000", "-t", "run").stdout.splitlines()

    def wait_for(self, condition):
        lines = []
        for _ in range(ATTEMPTS):
            lines = self.screen()
            found = condition(lines)
            if found is not None:
                return lines, found
            time.sleep(0.1)
        self.fail("the expected screen never came:\n" + "\n".join(lines))

    def header_with_rows(self, predicate, after=-1, rows=2):
        def condition(lines):
            for index, line in enumerate(lines):
                if index > after and predicate(line) and len(rows_after(lines, index)) >= rows:
                    return index
            return None
        return condition

    def test_plain_table_narrows_on_a_shrink_and_widens_again(self):
        self.start("--format", "table", "--bars", "never")
        _, first = self.wait_for(self.header_with_rows(lambda line: "minor faults" in line))
        self.resize(60)
        lines, narrow = self.wait_for(self.header_with_rows(lambda line: line.rstrip() == NARROW_HEADER, first))
        after_shrink = rows_after(lines, narrow)
        self.assertTrue(all(len(row) <= 59 for row in after_shrink), "\n".join(after_shrink))
        self.resize(120)
        lines, wide = self.wait_for(self.header_with_rows(lambda line: "minor faults" in line, narrow))
        self.assertNotIn("minor faults", "".join(rows_after(lines, wide)))
        self.assertTrue(all(len(row) <= 119 for row in rows_after(lines, wide)))

    @unittest.skipIf(SANITIZED, "the bar's length is checked on the Release build")
    def test_bars_grow_when_the_terminal_is_widened(self):
        self.start("--format", "table", "--bars", "always", width=70)
        lines, first = self.wait_for(self.header_with_rows(lambda line: line.lstrip().startswith("iter")))
        before = rows_after(lines, first)
        self.assertTrue(all(len(row) <= 69 for row in before), "\n".join(before))
        self.resize(130)
        lines, wide = self.wait_for(self.header_with_rows(lambda line: line.lstrip().startswith("iter"), first))
        after = rows_after(lines, wide)
        self.assertTrue(all(len(row) <= 129 for row in after), "\n".join(after))
        # Flat RSS on a scale that stays: the same fill takes about 76/16 times the cells at 130 columns.
        self.assertGreaterEqual(after[-1].count("█"), 2 * max(before[-1].count("█"), 1), lines[first:])

    def test_compare_narrows_its_rows(self):
        env = " ".join(f"{key}={shlex.quote(value)}" for key, value in sanitizer_env(["compare"]).items())
        command = (f"env -u COLUMNS LANG=C.UTF-8 {env} {shlex.quote(LEAKDEMO)} compare --modes free,hold -b 64KiB "
                   f"-i 100ms -n 3000 -q --format table; sleep 600")
        started = self.tmux("new-session", "-d", "-s", "run", "-x", "100", "-y", "40", command)
        self.assertEqual(started.returncode, 0, started.stderr)
        self.tmux("set-option", "-g", "window-size", "manual")
        _, first = self.wait_for(self.header_with_rows(lambda line: "free max" in line and "|" not in line))
        self.resize(40)
        lines, narrow = self.wait_for(self.header_with_rows(
            lambda line: line.lstrip().startswith("iter") and "free max" not in line, first))
        self.assertTrue(all(len(row) <= 39 for row in rows_after(lines, narrow)), "\n".join(lines[narrow:]))


class NarrowestWidth(unittest.TestCase):
    @unittest.skipIf(SANITIZED, "leak mode under LeakSanitizer exits 1")
    def test_twenty_columns_with_bars_prints_no_empty_line_when_the_scale_doubles(self):
        # Open-ended: the first scale is a guess (16 MiB) that RSS outgrows twice before the guard stops it.
        for columns in (20, 30, 39):
            with self.subTest(columns=columns):
                result = run("--format", "table", "--bars", "always", "-b", "1MiB", "-i", 0, "--max-memory", "40MiB",
                             "-q", env={"COLUMNS": str(columns), "LANG": "C.UTF-8"})
                self.assertEqual(result.returncode, 3, result.stderr)
                lines = result.stdout.splitlines()
                self.assertGreater(len(lines), 30)
                self.assertTrue(all(line.strip() for line in lines), result.stdout)
                self.assertTrue(all(len(line) < columns for line in lines), result.stdout)
                self.assertEqual(sum(line.lstrip().startswith("iter") for line in lines), 1, "one header")


if __name__ == "__main__":
    unittest.main()
