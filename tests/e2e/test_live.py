"""End-to-end tests of `leakdemo live` in a real terminal (tmux): the frame appears and redraws, keys
switch modes, release, trim and mark (and say so in the -o JSONL), a resize redraws at the new width, and
every way out (q, Ctrl-C twice or once, SIGTERM, SIGHUP, the guard) leaves the terminal exactly as it was.
Skipped without tmux (scripts/setup.sh test installs it), except under CI=true, where it fails.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from helpers import LEAKDEMO, SANITIZED, SOURCE_DIR, LiveTerminal, jsonl_records, run

MIB = 1 << 20
HAVE_TMUX = shutil.which("tmux") is not None


def process_state(pid):
    """The state letter of /proc/PID/stat: R, S, T (stopped) ..."""
    with open(f"/proc/{pid}/stat", encoding="utf-8") as file:
        return file.read().rsplit(")", 1)[1].split()[0]


def iteration_on(screen):
    match = re.search(r"iteration (\d+)", screen.splitlines()[0] if screen else "")
    return int(match.group(1)) if match else None


@unittest.skipIf(not HAVE_TMUX and not os.environ.get("CI"), "tmux is missing (scripts/setup.sh test installs it)")
class Live(unittest.TestCase):
    def setUp(self):
        workdir = tempfile.TemporaryDirectory(prefix="leakdemo-live-")
        self.addCleanup(workdir.cleanup)
        self.workdir = workdir.name

    def start(self, *args, width=100, height=30, before="", env=None):
        """leakdemo live ARGS in a fresh tmux pane, once its first frame is up."""
        pane_dir = tempfile.mkdtemp(dir=self.workdir)
        terminal = LiveTerminal(pane_dir, [str(arg) for arg in args], width, height, before=before, env=env)
        self.addCleanup(terminal.close)
        terminal.wait_for(lambda screen: iteration_on(screen) is not None, "the first frame")
        return terminal

    def wait_iterations(self, terminal, more):
        start = iteration_on(terminal.screen()) or 0
        terminal.wait_for(lambda screen: (iteration_on(screen) or 0) >= start + more, f"{more} more iterations")

    def assert_terminal_restored(self, terminal):
        self.assertEqual(terminal.stty("before"), terminal.stty("after"))
        alternate, cursor = terminal.pane_flags()
        self.assertFalse(alternate, "left on the alternate screen")
        self.assertTrue(cursor, "the cursor is still hidden")

    def test_the_frame_appears_and_redraws(self):
        terminal = self.start("-b", "1MiB", "-i", "50ms")
        screen = terminal.screen()
        for part in ("leak mode", "guard:", "peak:", "iteration", "rss", "max rss", "q quit"):
            self.assertIn(part, screen)
        first = iteration_on(screen)
        terminal.wait_for(lambda s: iteration_on(s) > first + 2, "a redraw with a later iteration")
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)
        self.assert_terminal_restored(terminal)
        self.assertIn("verdict", terminal.screen(), "the summary on the normal screen")

    def test_hold_release_free_changes_the_modes_and_release_leaves_the_leak(self):
        output = os.path.join(self.workdir, "live.jsonl")
        terminal = self.start("-b", "1MiB", "-i", "50ms", "-o", output)
        self.wait_iterations(terminal, 3)
        for key, shown in (("h", "key h: hold mode"), ("r", "key r: released"), ("f", "key f: free mode")):
            if key != "h":
                self.wait_iterations(terminal, 3)
            terminal.keys(key)
            terminal.wait_for(lambda screen, shown=shown: shown in screen, shown)
        self.wait_iterations(terminal, 3)
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)
        with open(output, encoding="utf-8") as file:
            records = jsonl_records(file.read())
        samples = [record for record in records if record["type"] == "sample"]
        events = [record for record in records if record["type"] == "event"]
        self.assertEqual([event["key"] for event in events], ["h", "r", "f", "q"])
        modes = [sample["mode"] for sample in samples]
        self.assertEqual([mode for index, mode in enumerate(modes) if index == 0 or modes[index - 1] != mode],
                         ["leak", "hold", "free"])
        release, free = events[1], events[2]
        self.assertRegex(release["text"], r"released \d+\.\d MiB of hold's blocks: RSS (fell|rose|did not)")
        before_release = [sample for sample in samples if sample["iteration"] == release["iteration"]][0]
        self.assertGreater(before_release["outstanding_bytes"] - before_release["leaked_bytes"], 0)
        # r frees every held block: what is outstanding after it is the leak plus the hold blocks stepped
        # between r and f (one per iteration), and no more once free mode runs.
        for sample in samples:
            if sample["iteration"] > release["iteration"]:
                held_since = min(sample["iteration"], free["iteration"]) - release["iteration"]
                self.assertEqual(sample["outstanding_bytes"] - sample["leaked_bytes"], held_since * MIB, sample)
        free_samples = [sample for sample in samples if sample["mode"] == "free"]
        self.assertTrue(free_samples)
        self.assertGreater(free_samples[-1]["leaked_bytes"], 0)

    def test_a_leak_then_free_session_names_both_modes_and_is_not_stable(self):
        output = os.path.join(self.workdir, "live.jsonl")
        terminal = self.start("-b", "1MiB", "-i", "20ms", "-o", output)
        self.wait_iterations(terminal, 20)
        terminal.keys("f")
        terminal.wait_for(lambda screen: "key f: free mode" in screen, "free mode")
        self.wait_iterations(terminal, 3)
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)
        with open(output, encoding="utf-8") as file:
            records = jsonl_records(file.read())
        samples = [record for record in records if record["type"] == "sample" and record["iteration"] > 0]
        leak = sum(1 for sample in samples if sample["mode"] == "leak")
        free = sum(1 for sample in samples if sample["mode"] == "free")
        self.assertGreaterEqual(leak, 20)
        self.assertGreaterEqual(free, 3)
        summary = terminal.screen()
        self.assertIn(f"leakdemo: live session: leak {leak}, free {free} iterations of 1.0 MiB", summary)
        verdict = re.search(r"verdict\s+(\w+)", summary)
        self.assertIsNotNone(verdict, summary)
        self.assertNotEqual(verdict.group(1), "stable", summary)  # the leak phase's memory is still there
        self.assertEqual(records[-1]["type"], "summary")
        self.assertEqual(records[-1]["mode"], "free")  # the JSONL summary's mode: the last sample's

    def test_trim_and_mark_say_what_they_did(self):
        terminal = self.start("--mode", "free", "-b", "1MiB", "-i", "50ms")
        self.wait_iterations(terminal, 2)
        terminal.keys("t")
        terminal.wait_for(lambda s: re.search(r"key t: malloc_trim\(0\): RSS (fell|rose|did not change)", s),
                          "the trim note")
        terminal.keys("m")
        terminal.wait_for(lambda s: "key m: a new phase: VmHWM reset" in s, "the mark note")
        screen = terminal.wait_for(lambda s: re.search(r"phase since iteration \d+: [\d.]+ [KMG]iB \(VmHWM\)", s),
                                   "the phase's own peak in the header")
        self.assertTrue(screen)
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)

    def test_a_resize_redraws_at_the_new_width(self):
        terminal = self.start("-b", "1MiB", "-i", "50ms", width=100, height=30)
        self.assertNotIn("s more modes", terminal.screen())  # the 100-column key line
        terminal.tmux("resize-window", "-x", "150", "-y", "40")
        screen = terminal.wait_for(lambda s: "s more modes" in s, "the wide key line after the resize")
        self.assertGreater(max(len(line) for line in screen.splitlines()), 120)
        terminal.tmux("resize-window", "-x", "50", "-y", "15")
        terminal.wait_for(lambda s: "enlarge the terminal" in s, "the enlarge message below 60x20")
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)

    def test_every_way_out_restores_the_terminal(self):
        ways = {
            "q": (lambda t: t.keys("q"), 0),
            "Ctrl-C": (lambda t: t.keys("C-c"), 130),
            "SIGTERM": (lambda t: os.kill(t.leakdemo_pid(), signal.SIGTERM), 143),
            "SIGHUP": (lambda t: os.kill(t.leakdemo_pid(), signal.SIGHUP), 129),
            "two stop signals (the immediate exit)": (
                lambda t: (os.kill(t.leakdemo_pid(), signal.SIGSTOP), os.kill(t.leakdemo_pid(), signal.SIGTERM),
                           os.kill(t.leakdemo_pid(), signal.SIGTERM), os.kill(t.leakdemo_pid(), signal.SIGCONT)),
                143),
        }
        for name, (leave, status) in ways.items():
            with self.subTest(way=name):
                terminal = self.start("-b", "1MiB", "-i", "100ms")
                self.assertEqual(terminal.pane_flags(), (True, False), "live is on the alternate screen")
                with open(f"/proc/{terminal.leakdemo_pid()}/fd/0", encoding="utf-8") as tty:
                    during = subprocess.run(["stty", "-g"], stdin=tty, capture_output=True, text=True).stdout
                self.assertNotEqual(terminal.stty("before"), during.strip(), "live changed the terminal's mode")
                leave(terminal)
                self.assertEqual(terminal.exit_status(), status)
                self.assert_terminal_restored(terminal)
                terminal.close()

    def test_ctrl_z_gives_the_terminal_back_and_fg_redraws(self):
        # An interactive shell with job control: the wrapper's shell has none (its process group is
        # orphaned, so the kernel discards a stop from the terminal).
        terminal = LiveTerminal(self.workdir, ["-b", "1MiB", "-i", "50ms"], interactive=True)
        self.addCleanup(terminal.close)
        terminal.wait_for(lambda screen: "$" in screen, "the shell's prompt")
        terminal.keys(f"stty -g > {terminal.files['before']}; {terminal.command}", "Enter")
        terminal.wait_for(lambda screen: iteration_on(screen) is not None, "the first frame")
        with open(f"/proc/{terminal.leakdemo_pid()}/fd/0", encoding="utf-8") as tty:
            during = subprocess.run(["stty", "-g"], stdin=tty, capture_output=True, text=True).stdout.strip()
        terminal.keys("C-z")
        terminal.wait_for(lambda: process_state(terminal.leakdemo_pid()) == "T", "leakdemo stopped by Ctrl-Z")
        terminal.wait_for(lambda screen: "Stopped" in screen, "the shell's job line")
        self.assertEqual(terminal.pane_flags(), (False, True), "stopped with the normal screen and the cursor")
        terminal.keys(f"stty -g > {terminal.files['after']}", "Enter")
        terminal.wait_for(lambda: os.path.exists(terminal.files["after"]) and terminal.stty("after"), "stty")
        self.assertEqual(terminal.stty("after"), terminal.stty("before"))
        self.assertNotEqual(during, terminal.stty("before"), "live had changed the mode")
        terminal.keys("fg", "Enter")
        terminal.wait_for(lambda: terminal.pane_flags() == (True, False), "live's screen again")
        terminal.wait_for(lambda screen: "leakdemo live" in screen, "the redrawn frame")
        terminal.keys("q")
        terminal.wait_for(lambda screen: "verdict" in screen, "the summary")
        os.remove(terminal.files["after"])
        terminal.keys(f"echo $? > {terminal.files['rc']}; stty -g > {terminal.files['after']}", "Enter")
        self.assertEqual(terminal.exit_status(), 0)
        terminal.wait_for(lambda: os.path.exists(terminal.files["after"]) and terminal.stty("after"), "stty")
        self.assert_terminal_restored(terminal)

    def test_a_closed_terminal_still_writes_the_output_and_the_report(self):
        # Closing the window (tmux kill-pane: SIGHUP, then SIGCONT, to a terminal that is gone) must end the
        # run like SIGHUP does: -o and --report renamed into place, whole. It used to fail re-entering the
        # terminal after SIGCONT (EIO), exit 1 and delete both temporary files.
        output = os.path.join(self.workdir, "closed.csv")
        report = os.path.join(self.workdir, "closed.html")
        terminal = self.start("-b", "1MiB", "-i", "20ms", "-o", output, "--report", report)
        terminal.wait_for(lambda screen: (iteration_on(screen) or 0) >= 3, "iteration 3")
        pid = terminal.leakdemo_pid()
        terminal.tmux("kill-pane")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
            time.sleep(0.05)  # polling for the process to end, not a timing assert
        self.assertFalse(os.path.exists(f"/proc/{pid}"), "live still runs after its terminal closed")
        with open(report, encoding="utf-8") as file:
            self.assertTrue(file.read().rstrip().endswith("</html>"))
        with open(output, encoding="utf-8") as file:
            lines = file.read().splitlines()
        self.assertGreaterEqual(len(lines), 4)
        self.assertTrue(all(line.count(",") == lines[0].count(",") for line in lines))

    def assert_stays_until_q(self, terminal, why, status):
        """The run ended by itself: the last frame stays, saying `why` and that q leaves, other keys are
        ignored (said so, nothing runs), and q leaves with `status` and the terminal as it was."""
        screen = terminal.wait_for(lambda s: why in s and "press q to leave" in s, f"the status line ({why})")
        self.assertEqual(terminal.pane_flags(), (True, False), "still on live's screen")
        self.assertIn(why, screen.rstrip().splitlines()[-1], "in place of the key line")
        shown = iteration_on(screen)
        for key in ("l", "h", "Space"):
            terminal.keys(key)
        screen = terminal.wait_for(lambda s: "keys do nothing now; q leaves" in s, "the ignored key's note")
        self.assertEqual(iteration_on(screen), shown, "no iteration ran after the end")
        self.assertFalse(os.path.exists(terminal.files["rc"]), "left before q")
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), status)
        self.assert_terminal_restored(terminal)
        return terminal.screen()

    def test_n_keeps_the_last_frame_until_q(self):
        # `live -n 3` used to tear the screen down right after the third iteration: nobody saw the chart.
        output = os.path.join(self.workdir, "n3.jsonl")
        terminal = self.start("-n", "3", "-b", "1MiB", "-i", "50ms", "-o", output)
        screen = self.assert_stays_until_q(terminal, "finished: 3 iterations", 0)
        self.assertIn("verdict", screen, "the summary on the normal screen after q")
        with open(output, encoding="utf-8") as file:
            records = jsonl_records(file.read())
        self.assertEqual([r["iteration"] for r in records if r["type"] == "sample"], [0, 1, 2, 3])
        self.assertEqual(records[-1]["type"], "summary")
        self.assertEqual(records[-1]["stop_reason"], "completed")
        self.assertEqual([r for r in records if r["type"] == "event"], [], "keys after the end are no events")

    def test_a_stop_signal_or_a_hangup_in_the_final_wait_leaves_with_the_runs_status(self):
        for name, leave in (("SIGTERM", lambda t: os.kill(t.leakdemo_pid(), signal.SIGTERM)),
                            ("Ctrl-C", lambda t: t.keys("C-c")),
                            ("SIGHUP", lambda t: os.kill(t.leakdemo_pid(), signal.SIGHUP))):
            with self.subTest(way=name):
                terminal = self.start("-n", "2", "-b", "1MiB", "-i", "20ms")
                terminal.wait_for(lambda s: "finished: 2 iterations" in s, "the status line")
                leave(terminal)
                self.assertEqual(terminal.exit_status(), 0, "the run had completed")
                self.assert_terminal_restored(terminal)
                terminal.close()

    def test_a_closed_terminal_in_the_final_wait_ends_it_at_once(self):
        # The end of input (the window closed) leaves the wait as q would: nobody is left to press q.
        output = os.path.join(self.workdir, "closed-after.jsonl")
        terminal = self.start("-n", "2", "-b", "1MiB", "-i", "20ms", "-o", output)
        terminal.wait_for(lambda s: "finished: 2 iterations" in s, "the status line")
        pid = terminal.leakdemo_pid()
        terminal.tmux("kill-pane")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
            time.sleep(0.05)  # polling for the process to end, not a timing assert
        self.assertFalse(os.path.exists(f"/proc/{pid}"), "live still waits after its terminal closed")
        with open(output, encoding="utf-8") as file:
            self.assertEqual(jsonl_records(file.read())[-1]["type"], "summary")

    def test_the_guard_stops_it_keeps_the_frame_then_restores_the_terminal(self):
        terminal = self.start("-b", "1MiB", "-i", "10ms", "--max-memory", "24MiB")
        screen = self.assert_stays_until_q(terminal, "stopped by the memory guard", 3)
        self.assertIn("guard: stopped before iteration", screen)
        self.assertIn("(guard)", screen)

    @unittest.skipIf(SANITIZED, "ASan's own allocator bookkeeping moves RSS")
    def test_the_observer_is_invisible_over_a_long_run(self):
        # Free mode reuses one heap block: from iteration 100 to 600 RSS and VSZ stay put while the screen
        # redraws 500 times, notes keep coming and -o grows, and keys are pressed.
        output = os.path.join(self.workdir, "long.jsonl")
        terminal = self.start("--mode", "free", "-b", "1MiB", "-i", "10ms", "-n", "600", "-o", output)
        terminal.wait_for(lambda screen: (iteration_on(screen) or 0) >= 150, "iteration 150")
        for key in ("t", "m", "+", "-", "s", "s", "r"):
            terminal.keys(key)
        terminal.wait_for(lambda s: "finished: 600 iterations" in s, "the end of the run", timeout=60)
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)
        with open(output, encoding="utf-8") as file:
            samples = {record["iteration"]: record for record in jsonl_records(file.read())
                       if record["type"] == "sample"}
        self.assertEqual(samples[600]["vsz_bytes"], samples[100]["vsz_bytes"])
        self.assertLessEqual(abs(samples[600]["rss_bytes"] - samples[100]["rss_bytes"]), 8192)

    @unittest.skipIf(SANITIZED, "ASan cannot run under ulimit -v")
    def test_a_failed_allocation_restores_the_terminal_and_exits_3(self):
        # ulimit -v makes malloc return NULL (MEMORY-FACTS.md); the guard is off so malloc is what stops it.
        terminal = self.start("--mode", "hold", "-b", "8MiB", "-i", "10ms", "--no-guard", before="ulimit -v 300000")
        screen = self.assert_stays_until_q(terminal, "stopped: an allocation failed", 3)
        self.assertIn("allocation failed at iteration", screen)

    def test_keys_are_read_while_waiting_for_a_slow_tick(self):
        # At -i 10s the second iteration is ten seconds away: the key is handled long before it.
        terminal = self.start("-b", "1MiB", "-i", "10s")
        terminal.keys("h")
        screen = terminal.wait_for(lambda s: "key h: hold mode from iteration 2 on" in s, "the key's note")
        self.assertEqual(iteration_on(screen), 1)
        terminal.keys("+")
        screen = terminal.wait_for(lambda s: "key +: interval 5s (faster)" in s, "the + note")
        self.assertIn("every 5s", screen.splitlines()[0])
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)

    def test_ascii_has_no_unicode_cells(self):
        terminal = self.start("--ascii", "-b", "1MiB", "-i", "50ms")
        self.wait_iterations(terminal, 3)
        screen = terminal.screen()
        self.assertTrue(all(ord(c) < 128 for c in screen), screen)
        self.assertIn("#", screen)
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)

    def test_colour_follows_color_and_no_color(self):
        colour = re.compile(r"\x1b\[[0-9;]*3[1-6]m")  # a foreground colour, as tmux re-encodes it
        cases = (("--color always", ["--color", "always"], {}, True),
                 ("--color never", ["--color", "never"], {}, False),
                 ("auto on a terminal", [], {}, True),
                 ("auto with NO_COLOR", [], {"NO_COLOR": "1"}, False),
                 ("--color always with NO_COLOR", ["--color", "always"], {"NO_COLOR": "1"}, True))
        for name, args, env, coloured in cases:
            with self.subTest(case=name):
                terminal = self.start("-b", "1MiB", "-i", "20ms", *args, env=env)
                self.wait_iterations(terminal, 3)
                painted = terminal.tmux("capture-pane", "-p", "-e")
                self.assertEqual(bool(colour.search(painted)), coloured, painted)
                if coloured:
                    self.assertRegex(painted, r"\x1b\[36m█", "RSS bars in cyan")
                    self.assertRegex(painted, r"\x1b\[1mq\x1b\[0m", "the key line's q in bold")
                terminal.keys("q")
                self.assertEqual(terminal.exit_status(), 0)
                terminal.close()

    def test_every_line_fits_at_60x20_and_200x50_in_unicode_ascii_and_lang_c(self):
        for width, height in ((60, 20), (200, 50)):
            for name, args, env in (("unicode", [], {}), ("--ascii", ["--ascii"], {}), ("LANG=C", [], {"LANG": "C"})):
                with self.subTest(size=f"{width}x{height}", case=name):
                    terminal = self.start("-b", "1MiB", "-i", "20ms", "--color", "always", *args,
                                          width=width, height=height, env=env)
                    self.wait_iterations(terminal, 3)
                    terminal.keys("h")
                    screen = terminal.wait_for(lambda s: "key h: hold mode" in s, "the key's note")
                    lines = screen.split("\n")[:height]
                    self.assertRegex(lines[0], r"iteration \d+$", "the header's iteration, whole")
                    self.assertRegex(lines[height - 1], r"^l leak|^l f h", "the key line is the last row")
                    self.assertTrue(all(len(line) <= width for line in lines), screen)
                    if name != "unicode":
                        self.assertTrue(all(ord(c) < 128 for c in screen), screen)
                    terminal.keys("q")
                    self.assertEqual(terminal.exit_status(), 0)
                    terminal.close()

    def test_the_readme_example_runs(self):
        with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as file:
            section = re.search(r"^## Live[^\n]*\n(.*?)(?=^## )", file.read(), re.MULTILINE | re.DOTALL)
        self.assertIsNotNone(section, "README.md has no '## Live' section")
        command = re.search(r"^```sh\n(leakdemo live[^\n]*)\n```", section.group(1), re.MULTILINE).group(1)
        terminal = self.start(*command.split()[2:])
        terminal.keys("q")
        self.assertEqual(terminal.exit_status(), 0)


class NotATerminal(unittest.TestCase):
    def assert_one_short_line(self, result, needs):
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertRegex(result.stderr, rf"^leakdemo: error: live: needs a terminal on {needs}[^\n]*\n$")
        self.assertLessEqual(len(result.stderr.rstrip("\n")), 80, "errors fit 80 columns (STYLE.md)")

    def test_without_a_terminal_it_exits_2_in_one_line(self):
        self.assert_one_short_line(run("live", "-n", "1"), "stdin")  # stdin is /dev/null, stdout a pipe

    def test_stdin_a_pipe_or_closed_exits_2_in_one_line(self):
        piped = subprocess.run([LEAKDEMO, "live", "-n", "1"], input="q", capture_output=True, text=True,
                               timeout=60)
        self.assert_one_short_line(piped, "stdin")
        closed = subprocess.run(["bash", "-c", 'exec "$0" live -n 1 <&-', LEAKDEMO], capture_output=True,
                                text=True, timeout=60)
        self.assert_one_short_line(closed, "stdin")

    def test_a_terminal_on_stdin_but_not_stdout_exits_2(self):
        import pty
        leader, follower = pty.openpty()
        self.addCleanup(os.close, leader)
        try:
            result = subprocess.run([LEAKDEMO, "live", "-n", "1"], stdin=follower, capture_output=True,
                                    text=True, timeout=60)
        finally:
            os.close(follower)
        self.assert_one_short_line(result, "stdout")


if __name__ == "__main__":
    unittest.main()
