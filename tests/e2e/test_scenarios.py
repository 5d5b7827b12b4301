"""The zoo of leaks (issue 13): every scenario's expected checker figures (the summary's `expected` keys) equal what
valgrind and LeakSanitizer really report, to the byte and the block; and each scenario's memory behaves as the
README's table says, in the Release build (the optimiser deleted none of the work)."""
import concurrent.futures
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from helpers import LEAKDEMO, SANITIZED, SOURCE_DIR, jsonl_records, leakdemo_env, make_memory_box, run, run_in_memory_box

KIB = 1 << 10
MIB = 1 << 20
ZOO = ["indirect", "interior", "cycle", "exception", "cache", "fragment", "arena", "mmap"]
CATEGORIES = ["definitely_lost", "indirectly_lost", "possibly_lost", "still_reachable"]
# Sizes where valgrind's answer is exact for a plain leak (large blocks: see test_leak_checkers.py), several -n.
MATRIX = [(1000, 2), (64 * KIB, 1), (64 * KIB, 3)]
# hold keeps its blocks until exit now; it is checked with the zoo.
CHECKED = ["hold", *ZOO]
VALGRIND_KINDS = {"Leak_DefinitelyLost": "definitely_lost", "Leak_IndirectlyLost": "indirectly_lost",
                  "Leak_PossiblyLost": "possibly_lost", "Leak_StillReachable": "still_reachable"}


def scenario_args(mode, size, iterations, *extra):
    return ["--mode", mode, "-b", str(size), "-n", str(iterations), "-i", "0", "--summary-only", "--format", "jsonl",
            *extra]


def summary_of(stdout):
    records = jsonl_records(stdout)
    assert len(records) == 1 and records[0]["type"] == "summary", stdout
    return records[0]


def expected_figures(summary):
    return {f"{category}_{unit}": summary[f"{category}_{unit}"] for category in CATEGORIES for unit in ("bytes", "blocks")}


def valgrind_figures(xml_path):
    """Bytes and blocks per category, summed over valgrind's loss records (its XML: one <error> per record)."""
    figures = {f"{category}_{unit}": 0 for category in CATEGORIES for unit in ("bytes", "blocks")}
    for error in ET.parse(xml_path).getroot().iter("error"):
        category = VALGRIND_KINDS.get(error.findtext("kind"))
        if category is not None:
            xwhat = error.find("xwhat")
            # A record that carries indirect bytes counts them in <leakedbytes> too ("2,112 (1,056 direct, 1,056
            # indirect) bytes in 1 blocks are definitely lost"): its own bytes are the direct part.
            direct = re.match(r"[\d,]+ \(([\d,]+) direct, [\d,]+ indirect\)", xwhat.findtext("text"))
            figures[f"{category}_bytes"] += (int(direct.group(1).replace(",", "")) if direct
                                             else int(xwhat.findtext("leakedbytes")))
            figures[f"{category}_blocks"] += int(xwhat.findtext("leakedblocks"))
    return figures


def lsan_library():
    """gcc's standalone LeakSanitizer, found through the dynamic linker's cache (not a hard-coded path)."""
    try:
        listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"^\s*liblsan\.so\.0 \([^)]*x86-64[^)]*\) => (\S+)$", listing, re.MULTILINE)
    if match is None:
        match = re.search(r"^\s*liblsan\.so\.0 .*=> (\S+)$", listing, re.MULTILINE)
    return match.group(1) if match else None


def lsan_figures(stderr):
    figures = {}
    for kind in ("Direct", "Indirect"):
        found = re.findall(rf"{kind} leak of (\d+) byte\(s\) in (\d+) object\(s\)", stderr)
        figures[kind.lower()] = (sum(int(size) for size, _ in found), sum(int(count) for _, count in found))
    return figures


def lsan_expected(mode, expected):
    """What LeakSanitizer reports for the expected figures. It scans like valgrind but names differently: a lost
    block another lost block points to is Indirect (so both blocks of a shared_ptr cycle are), the rest Direct;
    any pointer into a block keeps it (interior: silent); reachable memory is never reported."""
    definite = (expected["definitely_lost_bytes"], expected["definitely_lost_blocks"])
    indirect = (expected["indirectly_lost_bytes"], expected["indirectly_lost_blocks"])
    if mode == "cycle":
        return {"direct": (0, 0), "indirect": (definite[0] + indirect[0], definite[1] + indirect[1])}
    return {"direct": definite, "indirect": indirect}


def in_parallel(function, cases):
    """Runs function(case) for every case two at a time (valgrind start-up is ~1 s); results in case order."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(function, cases))


def valgrind_cases():
    cases = [(mode, size, iterations, ()) for mode in CHECKED for size, iterations in MATRIX]
    cases.append(("arena", 64 * KIB, 2, ("--threads", "4")))
    return cases


@unittest.skipIf(SANITIZED, "valgrind cannot run an ASan binary")
@unittest.skipUnless(shutil.which("valgrind"), "valgrind is not installed (scripts/setup.sh test installs it)")
class Valgrind(unittest.TestCase):
    def run_case(self, case):
        mode, size, iterations, extra = case
        args = scenario_args(mode, size, iterations, *extra)
        with tempfile.TemporaryDirectory() as directory:
            xml_path = os.path.join(directory, "valgrind.xml")
            result = subprocess.run(["valgrind", "--leak-check=full", "--show-leak-kinds=all", "--xml=yes",
                                     f"--xml-file={xml_path}", LEAKDEMO, *args],
                                    capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                                    env=leakdemo_env(args))
            figures = valgrind_figures(xml_path) if os.path.exists(xml_path) else None
        # Known residual (docs/leak-checkers.md): under heavy load a run now and then shows one block per
        # iteration "possibly lost". One more run must then be exact; two inexact runs in a row fail.
        if not getattr(self, "retrying", False) and result.returncode == 0 and figures is not None and \
                figures != expected_figures(summary_of(result.stdout)):
            self.retrying = True
            try:
                return self.run_case(case)
            finally:
                self.retrying = False
        return result, figures

    def test_valgrind_reports_exactly_the_expected_figures(self):
        cases = valgrind_cases()
        for case, (result, figures) in zip(cases, in_parallel(self.run_case, cases)):
            with self.subTest(case=case):
                self.assertEqual(result.returncode, 0, result.stderr)
                summary = summary_of(result.stdout)
                self.assertEqual(summary["iterations"], case[2])
                self.assertIsNotNone(figures, result.stderr)
                self.assertEqual(figures, expected_figures(summary))


@unittest.skipIf(SANITIZED, "LD_PRELOAD of LeakSanitizer needs the uninstrumented Release binary")
@unittest.skipUnless(lsan_library(), "liblsan0 is not installed")
class PreloadedLeakSanitizer(unittest.TestCase):
    def run_case(self, case):
        mode, size, iterations, extra = case
        args = scenario_args(mode, size, iterations, *extra)
        return subprocess.run([LEAKDEMO, *args], capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL, env=leakdemo_env(args, {"LD_PRELOAD": lsan_library()}))

    def test_leak_sanitizer_reports_exactly_the_expected_figures(self):
        cases = valgrind_cases()
        for case, result in zip(cases, in_parallel(self.run_case, cases)):
            with self.subTest(case=case):
                summary = summary_of(result.stdout)
                wanted = lsan_expected(case[0], summary)
                self.assertEqual(lsan_figures(result.stderr), wanted, result.stderr)
                # LeakSanitizer's exit code: 23 when it reported a leak, else leakdemo's own 0.
                self.assertEqual(result.returncode, 23 if wanted != {"direct": (0, 0), "indirect": (0, 0)} else 0,
                                 result.stderr)


def growth(mode, size, iterations, *extra, env=None):
    result = run(*scenario_args(mode, size, iterations, *extra), env=env)
    assert result.returncode == 0, result.stderr
    summary = summary_of(result.stdout)
    return summary["rss_end_bytes"] - summary["rss_start_bytes"], summary


class ResidentMemory(unittest.TestCase):
    """RSS moves by what each scenario really commits: the optimiser deleted none of the work."""

    def test_lost_and_reachable_memory_is_resident(self):
        # Bytes each step commits, at least (payload only; headers and nodes are extra).
        per_step = {"indirect": 3 * MIB, "interior": MIB, "cycle": 2 * MIB, "exception": MIB, "cache": MIB,
                    "mmap": MIB, "hold": MIB}
        for mode, committed in per_step.items():
            with self.subTest(mode=mode):
                grown, summary = growth(mode, MIB, 6)
                self.assertGreaterEqual(grown, 0.9 * 6 * committed, summary)
                self.assertGreaterEqual(summary["outstanding_bytes"], 6 * committed)
                self.assertEqual(summary["verdict"], "leaking", summary)

    def test_touch_none_leaves_the_memory_unresident(self):
        # ASan's allocator writes shadow memory (and the first bytes) of every malloc'd block: glibc's does not.
        for mode in ("mmap",) if SANITIZED else ("indirect", "mmap", "cache"):
            with self.subTest(mode=mode):
                grown, summary = growth(mode, 4 * MIB, 4, "--touch", "none")
                self.assertLess(grown, 4 * MIB, summary)

    def test_mmap_is_invisible_to_malloc(self):
        grown, summary = growth("mmap", 2 * MIB, 5)
        self.assertGreaterEqual(grown, 9 * MIB)
        self.assertEqual(summary["untracked_bytes"], 5 * 2 * MIB)
        self.assertEqual(summary["definitely_lost_bytes"] + summary["still_reachable_bytes"], 0)

    def test_cache_climbs_while_the_checkers_expect_nothing(self):
        grown, summary = growth("cache", MIB, 8)
        self.assertGreaterEqual(grown, 7 * MIB)
        self.assertEqual(summary["verdict"], "leaking")
        self.assertEqual(expected_figures(summary), {key: 0 for key in expected_figures(summary)})

    @unittest.skipIf(SANITIZED, "ASan's allocator keeps no glibc heap: fragmentation is glibc's")
    def test_fragment_keeps_rss_up_and_trim_brings_it_down(self):
        grown, summary = growth("fragment", 8 * MIB, 1)
        # One chunk in 16 is kept (0.5 MiB), yet the heap cannot give back the pages between them.
        self.assertEqual(summary["outstanding_bytes"], 8 * MIB // 16)
        self.assertGreaterEqual(grown, 6 * MIB, summary)
        trimmed, trimmed_summary = growth("fragment", 8 * MIB, 1, "--trim")
        self.assertEqual(trimmed_summary["outstanding_bytes"], 8 * MIB // 16)
        # 15 free 1 KiB chunks between live ones span at least 3 whole pages: malloc_trim returns them.
        self.assertLessEqual(trimmed, grown - 4 * MIB, (grown, trimmed))

    @unittest.skipIf(SANITIZED, "ASan's allocator has no per-thread glibc arenas")
    def test_four_threads_keep_more_than_one(self):
        one, _ = growth("arena", MIB, 4, "--threads", "1")
        four, summary = growth("arena", MIB, 4, "--threads", "4")
        self.assertEqual(summary["outstanding_bytes"], 0)
        self.assertEqual(summary["requested_bytes"], 4 * 4 * MIB)
        self.assertGreaterEqual(four, one + 2 * MIB, (one, four))
        shared, _ = growth("arena", MIB, 4, "--threads", "4", env={"MALLOC_ARENA_MAX": "1"})
        self.assertLessEqual(shared, four - MIB, (shared, four))


class Options(unittest.TestCase):
    def test_threads_out_of_range_is_a_usage_error(self):
        for value in ("0", "65", "-1", "many"):
            with self.subTest(value=value):
                result = run("--mode", "arena", "--threads", value, "-n", "1")
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                self.assertIn("--threads", result.stderr)

    def test_threads_outside_arena_mode_warns(self):
        result = run("--mode", "leak", "--threads", "4", "-n", "1", "-i", "0", "--format", "csv", "-b", "1KiB")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("--threads: has no effect in leak mode", result.stderr)

    def test_threads_where_no_arena_can_run(self):
        # A run or compare without arena warns (the same flags may be given to every mode, as for --trim);
        # check names it too; watch allocates nothing, so it refuses --threads like its other workload flags;
        # live can switch to arena, so it takes it.
        both = run("compare", "--modes", "leak,free", "--threads", "4", "-n", "1", "-i", "0", "-b", "1KiB",
                   "--format", "csv")
        self.assertEqual(both.returncode, 0, both.stderr)
        self.assertIn("--threads: has no effect in leak and free mode", both.stderr)
        with_arena = run("compare", "--modes", "leak,arena", "--threads", "2", "-n", "1", "-i", "0", "-b", "1KiB",
                         "--format", "csv")
        self.assertNotIn("--threads", with_arena.stderr)
        watched = run("watch", "--threads", "4", "--", "true")
        self.assertEqual(watched.returncode, 2, watched.stderr)
        self.assertEqual(watched.stderr.splitlines(), ["leakdemo: error: --threads: not used by watch (it measures "
                                                       "COMMAND, it allocates nothing)"])

    def test_interior_needs_two_bytes(self):
        result = run("--mode", "interior", "-b", "1", "-n", "1")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--block-size: interior mode needs at least 2 bytes", result.stderr)

    def test_every_scenario_runs_with_tiny_blocks_and_every_touch(self):
        for mode in ZOO:
            for touch in ("all", "page", "none"):
                with self.subTest(mode=mode, touch=touch):
                    result = run(*scenario_args(mode, 2, 3, "--touch", touch))
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertEqual(summary_of(result.stdout)["requested_bytes"] > 0, True)

    def test_compare_runs_across_scenarios(self):
        result = run("compare", "--modes", "leak,cache", "-b", "256KiB", "-n", "3", "-i", "0", "--format", "jsonl")
        self.assertEqual(result.returncode, 0, result.stderr)
        summaries = [record for record in jsonl_records(result.stdout) if record["type"] == "summary"]
        self.assertEqual(sorted(summary["mode"] for summary in summaries), ["cache", "leak"])
        result = run("compare", "--modes", "arena,free", "--threads", "2", "-b", "64KiB", "-n", "2", "-i", "0",
                     "--format", "jsonl")
        self.assertEqual(result.returncode, 0, result.stderr)
        arena = [record for record in jsonl_records(result.stdout)
                 if record["type"] == "summary" and record["mode"] == "arena"]
        self.assertEqual(arena[0]["requested_bytes"], 2 * 2 * 64 * KIB)


class GuardInACgroup(unittest.TestCase):
    """Each growing scenario stops itself in a 64 MiB box (exit 3), never by the OOM killer (137/-9)."""

    def check_stops(self, *args):
        box = make_memory_box(self, 64 * MIB)
        result = run_in_memory_box(self, box, ["-i", 0, "--format", "jsonl", *args], timeout=120)
        self.assertNotEqual(result.returncode, -9, "SIGKILLed by the OOM killer")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("guard: stopped before iteration", result.stderr)
        return [record for record in jsonl_records(result.stdout) if record["type"] == "summary"][0]

    def test_mmap_stops_itself(self):
        self.assertEqual(self.check_stops("--mode", "mmap", "-b", "4MiB")["stop_reason"], "guard")

    def test_mmap_of_one_byte_counts_the_whole_page(self):
        # Each 1-byte mapping costs a 4 KiB page: the guard must count pages, not the byte.
        summary = self.check_stops("--mode", "mmap", "-b", "1", "--summary-only")
        self.assertEqual(summary["outstanding_bytes"], summary["iterations"] * 4096)

    def test_cache_stops_itself(self):
        self.assertEqual(self.check_stops("--mode", "cache", "-b", "4MiB")["stop_reason"], "guard")

    def test_arena_threads_that_cannot_fit_are_refused_up_front(self):
        # 8 threads x 16 MiB per step is more than the box allows: a usage error before the first sample.
        box = make_memory_box(self, 64 * MIB)
        result = run_in_memory_box(self, box, ["-i", 0, "--format", "jsonl", "--mode", "arena", "--threads", 8,
                                               "-b", "16MiB"], timeout=120)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("one step of arena mode allocates 128.0 MiB (8 threads x -b 16.0 MiB)", result.stderr)


def documented_commands(path, heading=None):
    """The command lines of the ```sh blocks in a document (only under `heading` when given), comments cut."""
    with open(os.path.join(SOURCE_DIR, path), encoding="utf-8") as file:
        text = file.read()
    if heading is not None:
        text = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL).group(1)
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        commands += [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    return commands


class DocumentedExamples(unittest.TestCase):
    """Every command in README's zoo and in docs/scenarios.md runs as printed (valgrind ones where it is here)."""

    def run_command(self, command):
        words = command.split()
        self.assertIn(words[0], ("leakdemo", "valgrind"), command)
        if words[0] == "valgrind":
            if SANITIZED or not shutil.which("valgrind"):
                return None
            words = [words[0], *[LEAKDEMO if word == "leakdemo" else word for word in words[1:]]]
        else:
            words = [LEAKDEMO, *words[1:]]
        result = subprocess.run(words, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                                env=leakdemo_env(words))
        self.assertEqual(result.returncode, 0, f"{command}: {result.stderr}")
        return result

    def test_readme_zoo_examples(self):
        commands = documented_commands("README.md", "A zoo of leaks")
        self.assertEqual(len(commands), 3)
        results = [self.run_command(command) for command in commands]
        self.assertIn("checkers     valgrind --leak-check=full should say: definitely lost 48 bytes in 3 blocks, "
                      "indirectly lost 589,896 bytes in 9 blocks", results[0].stderr)
        if results[1] is not None:  # valgrind says what the summary promised
            self.assertIn("definitely lost: 48 bytes in 3 blocks", results[1].stderr)
            self.assertIn("indirectly lost: 589,896 bytes in 9 blocks", results[1].stderr)

    def test_scenarios_doc_examples(self):
        commands = documented_commands(os.path.join("docs", "scenarios.md"))
        self.assertEqual(len(commands), 2)
        results = [self.run_command(command) for command in commands]
        summary = summary_of(results[0].stdout)
        self.assertEqual(summary["definitely_lost_blocks"], 3)
        if results[1] is not None:
            self.assertRegex(results[1].stderr, rf"definitely lost: {summary['definitely_lost_bytes']:,} bytes "
                                                r"in 3 blocks")


if __name__ == "__main__":
    unittest.main()
