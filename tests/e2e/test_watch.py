"""End-to-end tests of `leakdemo watch`: another program, sampled from outside. The programs are the article's
(examples/memory_leaks.c, built by CMake) and small C helpers in programs/, built here with cc."""
import csv
import glob
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

from helpers import ARTICLE, LEAKDEMO, SANITIZED, SOURCE_DIR, jsonl_records, leakdemo_env, make_memory_box, run, run_in_memory_box

MIB = 1 << 20
PAGE = 4096
ARTICLE_FREES = os.path.join(os.path.dirname(ARTICLE), "article_memory_frees")
PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
BUILT = {}


def setUpModule():
    directory = tempfile.mkdtemp(prefix="leakdemo-watch-")
    for name in ("steady_leak", "ignore_term", "memory_shapes"):
        output = os.path.join(directory, name)
        subprocess.run(["cc", "-O2", "-o", output, os.path.join(PROGRAMS, f"{name}.c")], check=True)
        BUILT[name] = output


def records_of(stdout, kind):
    return [record for record in jsonl_records(stdout) if record["type"] == kind]


def summary_of(stdout):
    summaries = records_of(stdout, "watch_summary")
    assert len(summaries) == 1, stdout
    return summaries[0]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def process_state(pid):
    """The one-letter state of /proc/PID/stat (R, S, T for stopped, Z), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def wait_for(condition, what, seconds=20):
    """Polls `condition` until it holds (no sleep stands in for a synchronisation); fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def watch_jsonl(*args, **kwargs):
    return run("watch", "-i", "20ms", "--format", "jsonl", "-q", *args, **kwargs)


class TheArticle(unittest.TestCase):
    def test_the_leaking_program_is_leaking(self):
        result = watch_jsonl("--", ARTICLE, 10, 0.1)
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = summary_of(result.stdout)
        self.assertEqual(summary["verdict"], "leaking")
        self.assertEqual(summary["exit_status"], 0)
        self.assertEqual(summary["stop_reason"], "exited")
        # The article's own output went to stderr, never into the data.
        self.assertIn("Memory usage:", result.stderr)

    # Under the asan preset the article's program is built with ASan too: its malloc is ASan's (redzones,
    # shadow pages, a slower first touch that 20 ms samples catch half-way), not glibc's 1,001-page mmap.
    @unittest.skipIf(SANITIZED, "1,001 pages per block is glibc's mmap; the ASan build's malloc is ASan's")
    def test_each_block_is_1001_pages(self):
        result = watch_jsonl("--", ARTICLE, 10, 0.1)
        self.assertEqual(result.returncode, 0, result.stderr)
        levels = [record["rss_bytes"] for record in records_of(result.stdout, "watch_sample")]
        jumps = sorted(b - a for a, b in zip(levels, levels[1:]) if b - a > MIB)
        self.assertGreaterEqual(len(jumps), 8, levels)
        median = jumps[len(jumps) // 2]
        self.assertLess(abs(median - 1001 * PAGE), 0.05 * 1001 * PAGE, jumps)

    def test_the_freeing_program_is_stable(self):
        result = watch_jsonl("--", ARTICLE_FREES, 20, 0.1)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary_of(result.stdout)["verdict"], "stable")

    def test_csv_on_stdout_stays_clean_csv(self):
        result = run("watch", "-i", "20ms", "--format", "csv", "-q", "--", ARTICLE, 3, 0.05)
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        self.assertGreater(len(rows), 3)
        self.assertEqual(list(rows[0])[:4], ["iteration", "elapsed_s", "pid", "processes"])
        self.assertNotIn("Memory usage", result.stdout)


class ExitStatus(unittest.TestCase):
    def test_the_commands_own_status_passes_through(self):
        for script, expected in (("exit 0", 0), ("exit 7", 7), ("kill -TERM $$", 128 + signal.SIGTERM)):
            with self.subTest(script=script):
                result = run("watch", "-q", "--format", "csv", "--", "sh", "-c", script)
                self.assertEqual(result.returncode, expected, result.stderr)

    def test_not_found_is_127_and_not_executable_is_126(self):
        missing = run("watch", "-q", "--", "no-such-program-here")
        self.assertEqual(missing.returncode, 127, missing.stderr)
        self.assertEqual(missing.stderr, "leakdemo: error: no-such-program-here: command not found\n")
        with tempfile.NamedTemporaryFile(suffix=".sh") as script:
            not_executable = run("watch", "-q", "--", script.name)
        self.assertEqual(not_executable.returncode, 126, not_executable.stderr)
        self.assertEqual(len(not_executable.stderr.splitlines()), 1, not_executable.stderr)
        # Said by leakdemo_main, the one place that prints errors: one line even for a name with a newline.
        odd = run("watch", "-q", "--", "no-such\nprogram")
        self.assertEqual(odd.returncode, 127, odd.stderr)
        self.assertEqual(odd.stderr, "leakdemo: error: no-such program: command not found\n")

    def test_usage_errors_are_2(self):
        for args in (["watch"], ["watch", "--mode", "free", "--", "true"], ["watch", "--leak-rate", "5MiB", "--", "true"],
                     ["watch", "--kill-on-budget", "--", "true"], ["watch", "--pid", "1", "--", "true"]):
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)

    def test_fail_on_leak_is_4_when_the_command_succeeded(self):
        result = run("watch", "-q", "-i", "20ms", "--fail-on-leak", "--format", "csv", "--", ARTICLE, 6, 0.1)
        self.assertEqual(result.returncode, 4, result.stderr)
        # A failing command keeps its own status: it says more than the verdict.
        failing = run("watch", "-q", "-i", "20ms", "--fail-on-leak", "--format", "csv", "--", "sh", "-c",
                      f"'{ARTICLE}' 6 0.1; exit 5")
        self.assertEqual(failing.returncode, 5, failing.stderr)


class Pid(unittest.TestCase):
    def test_attach_to_a_running_process_and_leave_it_running(self):
        sleeper = subprocess.Popen(["sleep", "30"])
        self.addCleanup(sleeper.wait)
        self.addCleanup(sleeper.kill)
        result = watch_jsonl("--pid", sleeper.pid, "-n", 5)
        self.assertEqual(result.returncode, 0, result.stderr)
        samples = records_of(result.stdout, "watch_sample")
        self.assertEqual(len(samples), 5)
        self.assertTrue(all(sample["pid"] == sleeper.pid for sample in samples))
        summary = summary_of(result.stdout)
        self.assertEqual(summary["stop_reason"], "limit")
        self.assertIsNone(summary["exit_status"])
        self.assertTrue(alive(sleeper.pid), "watch --pid must not stop a process that is not its own")

    def test_the_guard_only_warns_for_a_pid_unless_kill_on_budget(self):
        for kill in (False, True):
            with self.subTest(kill_on_budget=kill):
                leaker = subprocess.Popen([BUILT["steady_leak"], str(MIB), "10", "400"])
                self.addCleanup(leaker.wait)
                self.addCleanup(leaker.kill)
                extra = ["--kill-on-budget"] if kill else ["-n", "150"]
                result = watch_jsonl("--pid", leaker.pid, "--max-memory", "24MiB", *extra)
                if kill:
                    self.assertEqual(result.returncode, 3, result.stderr)
                    self.assertEqual(summary_of(result.stdout)["stop_reason"], "guard")
                    self.assertEqual(leaker.wait(timeout=10), -signal.SIGTERM)
                else:
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertIn("is not ours, so it keeps running", result.stderr)
                    self.assertIsNone(leaker.poll())

    def test_a_vanished_pid_is_a_usage_error(self):
        gone = subprocess.Popen(["true"])
        gone.wait()
        result = run("watch", "--pid", gone.pid)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--pid", result.stderr)

    def test_a_kernel_thread_is_a_usage_error(self):
        # kthreadd is PID 2 on Linux; where this /proc hides it (a PID namespace), there is nothing to test.
        try:
            with open("/proc/2/stat", encoding="ascii") as stat:
                flags = int(stat.read().rsplit(")", 1)[1].split()[6])
        except OSError:
            self.skipTest("no PID 2 in this PID namespace")
        if not flags & 0x00200000:  # PF_KTHREAD
            self.skipTest("PID 2 is not a kernel thread here")
        result = run("watch", "--format", "jsonl", "--pid", 2)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertRegex(result.stderr, r"^leakdemo: error: --pid: 2 is a kernel thread")
        self.assertEqual(result.stdout, "")

    def test_a_process_that_exits_while_watched_ends_the_watch(self):
        sleeper = subprocess.Popen(["sleep", "0.5"])
        result = watch_jsonl("--pid", sleeper.pid)
        sleeper.wait()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary_of(result.stdout)["stop_reason"], "exited")


class Tree(unittest.TestCase):
    def test_a_leaking_child_is_counted_by_default_not_with_no_children(self):
        command = ["--", BUILT["steady_leak"], 1 * MIB, 20, 40, "child"]
        whole = watch_jsonl(*command)
        self.assertEqual(whole.returncode, 0, whole.stderr)
        summary = summary_of(whole.stdout)
        self.assertEqual(summary["max_processes"], 2)
        self.assertEqual(summary["verdict"], "leaking")
        self.assertGreater(summary["peak_rss_bytes"] - summary["rss_start_bytes"], 20 * MIB)
        top = watch_jsonl("--no-children", *command)
        self.assertEqual(top.returncode, 0, top.stderr)
        summary = summary_of(top.stdout)
        self.assertEqual(summary["max_processes"], 1)
        self.assertEqual(summary["verdict"], "stable")

    def test_a_hundred_short_lived_children_are_summed_and_none_is_left(self):
        script = "for i in $(seq 100); do sleep 1 & done; wait"
        result = watch_jsonl("--", "sh", "-c", script)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreater(summary_of(result.stdout)["max_processes"], 50)


class Signals(unittest.TestCase):
    def start(self, *args):
        watcher = subprocess.Popen([LEAKDEMO, "watch", "-i", "20ms", "--format", "jsonl", "-q", *map(str, args)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=leakdemo_env(["watch"]))
        self.addCleanup(watcher.kill)
        first = json.loads(watcher.stdout.readline())
        return watcher, first["pid"]

    def test_sigint_sighup_sigterm_are_forwarded_and_watch_exits_as_the_command_did(self):
        for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
            with self.subTest(signal=number):
                watcher, pid = self.start("--", "sleep", "30")
                watcher.send_signal(number)
                out, err = watcher.communicate(timeout=20)
                self.assertEqual(watcher.returncode, 128 + number, err)
                summary = [json.loads(line) for line in out.splitlines()][-1]
                self.assertEqual(summary["stop_reason"], "interrupted")
                self.assertFalse(alive(pid))

    def test_a_second_signal_kills_the_group_and_exits_at_once(self):
        # The first sample can come before sh has run `trap`: wait for the mark it leaves after it, or a
        # slow start lets the first SIGINT kill sh (exit 130) instead of being ignored.
        directory = tempfile.mkdtemp(prefix="leakdemo-trap-")
        self.addCleanup(shutil.rmtree, directory, True)
        ready = os.path.join(directory, "trapped")
        watcher, pid = self.start("--", "sh", "-c", f"trap '' INT TERM HUP; : > '{ready}'; sleep 30; true")
        wait_for(lambda: os.path.exists(ready), "sh ignores the stop signals")
        watcher.send_signal(signal.SIGINT)
        time.sleep(0.3)
        self.assertIsNone(watcher.poll(), "the first SIGINT is only forwarded")
        watcher.send_signal(signal.SIGINT)
        watcher.communicate(timeout=20)
        self.assertEqual(watcher.returncode, 128 + signal.SIGINT)
        wait_for(lambda: not alive(pid), "the group's SIGKILL has ended the command")
        group = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()
        self.assertEqual([member for member in group if alive(int(member))], [], "a process of the group survived")

    def test_a_command_that_ignores_sigterm_is_killed_2_s_after_the_duration(self):
        started = time.monotonic()
        result = watch_jsonl("--duration", "300ms", "--", BUILT["ignore_term"])
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary_of(result.stdout)["stop_reason"], "limit")
        self.assertGreater(elapsed, 2.0)  # documented: SIGKILL 2 s after SIGTERM
        self.assertLess(elapsed, 20)

    def test_ctrl_z_stops_the_tree_with_watch_and_sigcont_resumes_both(self):
        # Its own process group in this session (as a shell's job is), so its SIGTSTP is not discarded as an
        # orphaned group's would be. 512 KiB every 50 ms, paced per step (a stop is not caught up).
        watcher = subprocess.Popen(
            [LEAKDEMO, "watch", "-i", "50ms", "--format", "jsonl", "-q", "--", BUILT["steady_leak"],
             str(512 * 1024), "50", "50", "relative"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=leakdemo_env(["watch"]),
            process_group=0)
        self.addCleanup(watcher.kill)
        lines = [watcher.stdout.readline() for _ in range(12)]
        pid = json.loads(lines[0])["pid"]
        watcher.send_signal(signal.SIGTSTP)
        wait_for(lambda: process_state(watcher.pid) == "T", "watch has stopped")
        wait_for(lambda: process_state(pid) == "T", "the watched command has stopped with watch")
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            resident_when_stopped = statm.read().split()[1]
        stopped_at = time.monotonic()
        time.sleep(1.5)  # the stopped interval itself, not a synchronisation
        self.assertEqual(process_state(pid), "T", "the command stays stopped while watch is")
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            self.assertEqual(statm.read().split()[1], resident_when_stopped)
        watcher.send_signal(signal.SIGCONT)
        wait_for(lambda: process_state(pid) not in ("T", None) or not alive(pid), "the command runs again")
        stopped_for = time.monotonic() - stopped_at
        out, err = watcher.communicate(timeout=60)
        self.assertEqual(watcher.returncode, 0, err)
        records = [json.loads(line) for line in lines + out.splitlines()]
        samples = [r for r in records if r["type"] == "watch_sample"]
        summary = records[-1]
        self.assertEqual(summary["type"], "watch_summary")
        self.assertEqual(summary["verdict"], "leaking")
        # The rate is per second of running time: the stop (its gap in the samples) grew nothing, and is not
        # averaged in as a slower leak.
        gap = max(b["elapsed_s"] - a["elapsed_s"] for a, b in zip(samples, samples[1:]))
        self.assertGreater(gap, 1.4)
        self.assertLess(gap, stopped_for + 1.0)
        after = [s for s in samples if s["elapsed_s"] >= summary["warmup_s"]]
        running_s = after[-1]["elapsed_s"] - after[0]["elapsed_s"] - gap
        running_rate = (after[-1]["rss_bytes"] - after[0]["rss_bytes"]) / running_s
        self.assertLess(abs(summary["slope_bytes_per_s"] - running_rate), 0.25 * running_rate,
                        (summary["slope_bytes_per_s"], running_rate))

    def test_head_ends_the_watch_quietly_and_stops_the_command(self):
        script = f"'{LEAKDEMO}' watch -i 10ms --format csv -q -- sleep 30 | head -n 3; echo \"${{PIPESTATUS[0]}}\""
        started = time.monotonic()
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                                env=leakdemo_env(["watch"]))
        self.assertLess(time.monotonic() - started, 15)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 4, result.stdout)
        self.assertEqual(lines[-1], "0", result.stderr)
        self.assertEqual(result.stderr, "")


class Files(unittest.TestCase):
    def test_output_file_keeps_every_whole_line_when_watch_is_killed(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "watch.jsonl")
            watcher = subprocess.Popen([LEAKDEMO, "watch", "-i", "10ms", "-o", path, "-q", "--", "sleep", "30"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       env=leakdemo_env(["watch"]))
            # While the run goes, -o's lines are in a temporary file beside FILE, renamed into place only at
            # the end (docs/output-files.md); after SIGKILL that file holds them, whole.
            def written():
                found = glob.glob(path + ".*.tmp")
                return found[0] if len(found) == 1 and os.path.getsize(found[0]) >= 2000 else None
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and written() is None:
                time.sleep(0.05)
            watcher.kill()
            watcher.wait()
            self.assertFalse(os.path.exists(path), "FILE appears only when the run ends")
            self.assertIsNotNone(written(), os.listdir(directory))
            with open(written(), encoding="utf-8") as file:
                text = file.read()
            self.assertTrue(text.endswith("\n"))
            samples = [json.loads(line) for line in text.splitlines()]
            self.assertGreater(len(samples), 5)
            # The command died with watch (PR_SET_PDEATHSIG).
            wait_for(lambda: not alive(samples[0]["pid"]), "the command died with watch")

    def test_a_report_of_a_watch_run(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "watch.html")
            result = run("watch", "-i", "20ms", "-q", "--format", "csv", "--report", path, "--", ARTICLE, 12, 0.05)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(path, encoding="utf-8") as file:
                html = file.read()
            samples = list(csv.DictReader(io.StringIO(result.stdout)))
            self.assertEqual(html.count('class="point" data-series="watched" data-metric="rss"'), len(samples))
            # Every label is the watched program's: named by its command, drawn against the sample number, its
            # RSS and summed VmHWM, no run's mode or leaked bytes (watch cannot know them).
            command = f"{ARTICLE} 12 0.05"
            self.assertIn(f"<h1>leakdemo: watch {command}</h1>", html)
            self.assertIn(">sample</text>", html)
            self.assertNotIn(">iteration</text>", html)
            self.assertEqual(re.findall(r'class="legend-label"[^>]*>([^<]*)<', html),
                             ["watched: RSS", "watched: VmHWM (sum)"])
            self.assertNotRegex(html, r"leak mode|leaked|data-series=\"leak\"|data-metric=\"leaked\"")
            last = samples[-1]
            hwm_points = re.findall(r'data-series="watched" data-metric="hwm" data-iteration="(\d+)" data-bytes="(\d+)"',
                                    html)
            self.assertEqual(hwm_points[-1], (last["iteration"], last["hwm_bytes"]))
            summary = re.search(r'<table class="summary" data-series="watched">(.*?)</table>', html, re.S).group(1)
            self.assertIn(f"<caption>{command}</caption>", summary)
            self.assertIn('<td class="verdict leaking">leaking</td>', summary)
            self.assertIn(f"{len(samples)} in ", summary)


class Explain(unittest.TestCase):
    """Each kind of note watch --explain can say, on a program with that shape, checked against the samples
    it is about (the figures must show what the note says), in the JSON Lines stream, never on stderr."""

    def explained(self, *command):
        result = watch_jsonl("--explain", "--pss-interval", "100ms", "--", *command)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("note", result.stderr)
        records = jsonl_records(result.stdout)
        samples = {r["iteration"]: r for r in records if r["type"] == "watch_sample"}
        notes = [r for r in records if r["type"] == "watch_note"]
        for note in notes:  # each after the sample it is about
            self.assertLess(records.index(samples[note["iteration"]]), records.index(note))
        return samples, notes

    def the_note(self, notes, pattern):
        found = [note for note in notes if re.search(pattern, note["text"])]
        self.assertEqual(len(found), 1, [note["text"] for note in notes])
        return found[0]

    def test_anonymous_pages_grew_for_the_articles_leak(self):
        samples, notes = self.explained(ARTICLE, 4, 0.05)
        note = self.the_note(notes, r"^anonymous pages grew by ")
        now, first = samples[note["iteration"]], samples[0]
        anon = now["rss_anon_bytes"] - first["rss_anon_bytes"]
        self.assertGreaterEqual(anon, MIB)
        self.assertGreater(anon, now["rss_file_bytes"] - first["rss_file_bytes"])
        # A first sample taken while the loader still maps libraries (libasan in the ASan stage, 2.3 MiB) may
        # see file-backed pages grow first: then that note too must be what its sample shows.
        for other in [n for n in notes if n["text"].startswith("file-backed pages grew")]:
            at = samples[other["iteration"]]
            grown_file = at["rss_file_bytes"] - first["rss_file_bytes"]
            self.assertGreaterEqual(grown_file, MIB)
            self.assertGreater(grown_file, at["rss_anon_bytes"] - first["rss_anon_bytes"])

    def test_file_backed_pages_grew_for_a_mapped_file(self):
        with tempfile.TemporaryDirectory() as directory:
            samples, notes = self.explained(BUILT["memory_shapes"], "file", 8, 600, os.path.join(directory, "f"))
        note = self.the_note(notes, r"^file-backed pages grew by ")
        now, first = samples[note["iteration"]], samples[0]
        file_growth = now["rss_file_bytes"] - first["rss_file_bytes"]
        self.assertGreaterEqual(file_growth, MIB)
        self.assertGreater(file_growth, now["rss_anon_bytes"] - first["rss_anon_bytes"])
        # By the end the whole 8 MiB file is mapped and read.
        last = samples[max(samples)]
        self.assertGreaterEqual(last["rss_file_bytes"] - first["rss_file_bytes"], 8 * MIB)
        self.assertEqual([n for n in notes if n["text"].startswith("anonymous pages grew")], [])

    def test_rss_fell_but_vmhwm_stays_after_a_free(self):
        samples, notes = self.explained(BUILT["memory_shapes"], "fall", 16, 400)
        note = self.the_note(notes, r"VmHWM stays at")
        now = samples[note["iteration"]]
        peak = max(s["rss_bytes"] for i, s in samples.items() if i <= note["iteration"])
        self.assertGreaterEqual(peak - now["rss_bytes"], MIB)
        self.assertGreaterEqual(now["hwm_bytes"] - now["rss_bytes"], MIB)
        self.assertGreaterEqual(peak, 16 * MIB)

    def test_pss_below_rss_when_a_forked_child_shares_the_pages(self):
        samples, notes = self.explained(BUILT["memory_shapes"], "share", 8, 800)
        note = self.the_note(notes, r"^PSS .* is below RSS ")
        now = samples[note["iteration"]]
        self.assertIsNotNone(now["pss_bytes"])
        self.assertLessEqual(now["pss_bytes"] + MIB, now["rss_bytes"])
        # Two processes hold the same 8 MiB: PSS counts it once, RSS twice.
        self.assertEqual(max(s["processes"] for s in samples.values()), 2)
        self.assertGreaterEqual(now["rss_bytes"] - now["pss_bytes"], 6 * MIB)

    def test_a_plateau_after_growth(self):
        samples, notes = self.explained(BUILT["memory_shapes"], "plateau", 8, 1000)
        note = self.the_note(notes, r"a plateau")
        it = note["iteration"]
        window = [samples[i]["rss_bytes"] for i in range(it - 19, it + 1)]
        self.assertLessEqual(max(window) - min(window), min(window) // 50)
        self.assertGreaterEqual(samples[it]["rss_bytes"] - samples[0]["rss_bytes"], MIB)
        # A steady leak never plateaus.
        _, leak_notes = self.explained(BUILT["steady_leak"], MIB, 20, 40)
        self.assertEqual([n for n in leak_notes if "plateau" in n["text"]], [])

    def test_csv_sends_notes_to_stderr_and_the_table_as_rows(self):
        result = run("watch", "-i", "20ms", "-q", "--format", "csv", "--explain", "--", ARTICLE, 3, 0.05)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr, r"leakdemo: note: sample \d+: anonymous pages grew by ")
        self.assertNotIn("note", result.stdout)


class TimeToTheLimit(unittest.TestCase):
    def test_budget_eta_is_within_30_percent_of_the_real_time_to_the_limit(self):
        result = watch_jsonl("--max-memory", "96MiB", "--", BUILT["steady_leak"], 1 * MIB, 20)
        self.assertEqual(result.returncode, 3, result.stderr)
        samples = records_of(result.stdout, "watch_sample")
        stop = summary_of(result.stdout)
        self.assertEqual(stop["stop_reason"], "guard")
        reached_at = samples[-1]["elapsed_s"]
        # A sample halfway: its prediction against what then happened.
        probe = next(s for s in samples if s["rss_bytes"] > 48 * MIB and s["budget_eta_s"] is not None)
        predicted = probe["budget_eta_s"]
        real = reached_at - probe["elapsed_s"]
        self.assertLess(abs(predicted - real), 0.3 * real, (predicted, real))


class GuardInACgroup(unittest.TestCase):
    """A child cgroup with a 64 MiB limit: watch stops the runaway program (exit 3), before the OOM killer."""

    def setUp(self):
        self.cgroup = make_memory_box(self, 64 * MIB, prefix="leakdemo-watch")

    def test_a_runaway_program_is_stopped_by_the_guard_with_exit_3(self):
        result = run_in_memory_box(
            self, self.cgroup, ["watch", "-i", "100ms", "--format", "jsonl", "-q", "--", BUILT["steady_leak"], MIB, 10],
            timeout=120)
        self.assertNotEqual(result.returncode, 137)
        self.assertEqual(result.returncode, 3, result.stderr)
        summary = summary_of(result.stdout)
        self.assertEqual(summary["stop_reason"], "guard")
        self.assertEqual(summary["exit_status"], 128 + signal.SIGTERM)
        self.assertIn("cgroup memory limit of 64.0 MiB", result.stderr)


def docs_examples():
    """{name: script} of the `# example:` sh blocks in docs/watch.md."""
    with open(os.path.join(SOURCE_DIR, "docs", "watch.md"), encoding="utf-8") as file:
        text = file.read()
    examples = {}
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        match = re.fullmatch(r"# example: (\S+)", block.split("\n", 1)[0])
        if match:
            examples[match.group(1)] = block
    return examples


class ReadmeExample(unittest.TestCase):
    def test_the_readme_command_runs_and_says_leaking(self):
        with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as file:
            line = next(line for line in file if line.startswith("leakdemo watch -- "))
        command = line.split("#", 1)[0].split()
        self.assertEqual(command[:3], ["leakdemo", "watch", "--"])
        self.assertEqual(os.path.basename(command[3]), os.path.basename(ARTICLE))
        result = run("watch", "--format", "jsonl", "-q", "--", ARTICLE, *command[4:])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary_of(result.stdout)["verdict"], "leaking")


class MakeDemo(unittest.TestCase):
    def test_the_demo_ends_with_the_articles_programs_watched_leaking_then_stable(self):
        if os.path.dirname(ARTICLE) != os.path.dirname(LEAKDEMO):
            self.skipTest("the article's programs are not beside leakdemo")
        result = subprocess.run([os.path.join(SOURCE_DIR, "scripts", "demo.sh"), LEAKDEMO], capture_output=True,
                                text=True, timeout=120, stdin=subprocess.DEVNULL, env=leakdemo_env(["watch"]))
        self.assertEqual(result.returncode, 0, result.stderr)
        verdicts = re.findall(r"^  verdict +(\w+)", result.stderr, re.MULTILINE)
        self.assertEqual(verdicts[-2:], ["leaking", "stable"], result.stderr)
        self.assertIn("watched PID", result.stderr)


class DocsExamples(unittest.TestCase):
    def run_example(self, name):
        script = docs_examples()[name]
        env = leakdemo_env(["watch"])
        env["PATH"] = os.path.dirname(os.path.abspath(LEAKDEMO)) + os.pathsep + env.get("PATH", "")
        with tempfile.TemporaryDirectory() as directory:
            return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=directory, env=env,
                                  capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)

    def test_every_example_is_checked(self):
        self.assertEqual(set(docs_examples()), {"verdict-of-a-command", "the-tree", "csv-stays-clean"})

    def test_verdict_of_a_command(self):
        result = self.run_example("verdict-of-a-command")
        self.assertEqual((result.returncode, result.stdout), (0, "stable\n"), result.stderr)

    def test_the_tree(self):
        result = self.run_example("the-tree")
        self.assertEqual((result.returncode, result.stdout), (0, "3\n"), result.stderr)

    def test_csv_stays_clean(self):
        result = self.run_example("csv-stays-clean")
        self.assertEqual((result.returncode, result.stdout), (0, "iteration,elapsed_s,pid,processes\n"),
                         result.stderr)


if __name__ == "__main__":
    unittest.main()
