"""A real terminal hangup: the pty leakdemo writes to goes away mid-run (the window closed, ssh dropped). Writes
then fail with EIO; leakdemo treats that like a closed pipe, so the run still finishes its --report and -o
files, and exits 129 when the hangup sent SIGHUP (the pty was its controlling terminal), else 0."""
import fcntl
import os
import pty
import select
import subprocess
import tempfile
import termios
import time
import unittest

from helpers import LEAKDEMO, leakdemo_env


def wait_for_output(master, seconds=10):
    """Reads from the pty master until leakdemo has written something (the run is going)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready and os.read(master, 4096):
            return True
    return False


class TerminalHangup(unittest.TestCase):
    def run_and_hang_up(self, controlling):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        report = os.path.join(directory.name, "run.html")
        csv_path = os.path.join(directory.name, "run.csv")
        master, slave = pty.openpty()

        def attach():
            os.setsid()  # a new session with no terminal
            if controlling:
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)  # the pty becomes its controlling terminal

        # -i 0 and nobody reading the master: leakdemo soon blocks in write(2) on the full pty, where the
        # hangup finds it, as it finds a program writing to a terminal nobody watches.
        args = ["-m", "free", "-b", "4KiB", "-n", "1000000", "-i", "0",
                "--report", report, "-o", csv_path]
        process = subprocess.Popen([LEAKDEMO, *args], stdin=slave, stdout=slave, stderr=slave,
                                   preexec_fn=attach, env=leakdemo_env(args, {"COLUMNS": "80"}))
        os.close(slave)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        self.assertTrue(wait_for_output(master), "leakdemo wrote nothing to the terminal")
        time.sleep(0.5)
        os.close(master)  # the hangup: the slave side now fails writes with EIO
        returncode = process.wait(timeout=30)
        return returncode, report, csv_path

    def assert_files_complete(self, report, csv_path):
        with open(report, encoding="utf-8") as file:
            html = file.read()
        self.assertTrue(html.rstrip().endswith("</html>"), html[-200:])
        with open(csv_path, encoding="utf-8") as file:
            lines = file.read().splitlines()
        self.assertGreater(len(lines), 2, "the header and samples")
        self.assertTrue(lines[0].startswith("iteration,"), lines[0])
        self.assertEqual(len({line.count(",") for line in lines}), 1, "whole lines only")

    def test_hangup_of_the_controlling_terminal_exits_129_with_the_files_written(self):
        returncode, report, csv_path = self.run_and_hang_up(controlling=True)
        self.assertEqual(returncode, 129)
        self.assert_files_complete(report, csv_path)

    def test_a_terminal_that_goes_away_without_sighup_ends_like_a_closed_pipe(self):
        returncode, report, csv_path = self.run_and_hang_up(controlling=False)
        self.assertEqual(returncode, 0)
        self.assert_files_complete(report, csv_path)


if __name__ == "__main__":
    unittest.main()
