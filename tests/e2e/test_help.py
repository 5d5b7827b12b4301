"""--help fits 80 columns, for the program and every subcommand its --help lists (so one added later is
checked too), and `leakdemo compare --help` lists every option compare takes: its own and the top level's it
accepts; a top-level option it leaves out is one compare refuses."""
import os
import re
import tempfile
import unittest

from helpers import help_text, run, subcommands

WIDTH = 80
WIDE = 200  # COLUMNS for the help texts: their width must not follow the terminal's


def option_entries(text):
    """{long option: its value type or ''} of the option lines of a --help text."""
    entries = {}
    for line in text.splitlines():
        match = re.match(r"^  (-\S+)(?: ([A-Z][^ ]*))?", line)
        if match:
            for name in match.group(1).split(","):
                if name.startswith("--"):
                    value_type = match.group(2) or ""
                    entries[name] = "" if value_type.startswith("Excludes") else value_type
    return entries


def a_value_for(value_type, directory):
    """A valid value for an option from its --help type (SIZE, N, MODE:{a,b}, FILE, ...)."""
    if ":{" in value_type:
        return value_type.split(":{")[1].split(",")[0].rstrip("}")
    kind = value_type.split("=")[0]
    if kind.startswith("FILE"):
        return os.path.join(directory, "out" + (".html" if "html" in kind else ".csv"))
    return {"SIZE": "1MiB", "SIZE|N%": "256MiB", "N": "1", "DURATION": "0", "BYTE": "1", "A,B": "leak,free",
            "SHELL": "bash"}.get(kind)


class HelpWidth(unittest.TestCase):
    def test_every_help_fits_80_columns(self):
        found = subcommands()
        self.assertGreaterEqual(set(found), {"compare", "watch"})
        for args in [[]] + [[name] for name in found]:
            wide = [line for line in help_text(*args, columns=WIDE).splitlines() if len(line) > WIDTH]
            self.assertEqual(wide, [], f"leakdemo {' '.join(args)} --help: lines over {WIDTH} columns")

    def test_a_narrow_terminal_does_not_change_it(self):
        self.assertEqual(help_text(columns=40), help_text(columns=WIDE))


class CompareHelpListsWhatCompareTakes(unittest.TestCase):
    def test_top_level_options_are_listed_or_refused(self):
        top = option_entries(help_text(columns=WIDE))
        compare = option_entries(help_text("compare", columns=WIDE))
        for flag in ("--explain", "--bars", "--chart", "--report", "--trim", "--output", "--block-size"):
            self.assertIn(flag, compare)
        self.assertIn("--modes", compare)
        self.check_listed_or_refused(top, "compare", compare, ["-n", "1", "-i", "0", "-b", "64KiB"])

    def test_check_help_lists_what_check_takes(self):
        # check refuses the outputs a run has (-o, --report, --chart ...): its --help must leave them out.
        check = option_entries(help_text("check", columns=WIDE))
        for flag in ("--report", "--chart", "--output", "--summary-only", "--explain"):
            self.assertNotIn(flag, check)
        # LSan's malloc fails every mallopt: check takes --mmap-threshold for valgrind, refuses it for LSan.
        self.check_listed_or_refused(option_entries(help_text(columns=WIDE)), "check", check,
                                     ["--with", "lsan", "-n", "1", "-b", "64KiB"],
                                     {"--mmap-threshold": ["--with", "valgrind", "-n", "1", "-b", "64KiB"]})

    def check_listed_or_refused(self, top, subcommand, listed, base, bases=None):
        with tempfile.TemporaryDirectory() as directory:
            for name, value_type in top.items():
                if name in ("--help", "--version", "--completions"):
                    continue
                value = a_value_for(value_type, directory) if value_type else None
                self.assertTrue(value_type == "" or value is not None, f"no test value for {name} {value_type}")
                result = run(subcommand, *(bases or {}).get(name, base), name, *([value] if value else []))
                if name in listed:
                    self.assertNotEqual(result.returncode, 2,
                                        f"{subcommand} --help lists {name}, {subcommand} refuses it: " + result.stderr)
                else:
                    self.assertEqual(result.returncode, 2,
                                     f"{subcommand} --help leaves {name} out, {subcommand} takes it")
                    self.assertTrue(result.stderr.startswith(f"leakdemo: error: {name}"), result.stderr)

def option_line(text, name):
    """The whole entry of option `name` in a --help text: its line and the description's wrapped lines."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.match(rf"^  (-\w,)?{re.escape(name)}\b", line):
            entry = [line]
            for more in lines[index + 1:]:
                if not more.startswith(" " * 8):
                    break
                entry.append(more)
            return " ".join(part.strip() for part in entry)
    return None


class HelpSaysWhatTheOptionsDo(unittest.TestCase):
    """Entries that once promised more than the run keeps."""

    def test_touch_none_does_not_promise_a_flat_rss(self):
        entry = option_line(help_text(), "--touch")
        self.assertNotIn("RSS stays flat", entry)  # malloc's headers and the zoo's small objects are written
        self.assertIn("pages stay uncommitted", entry)
        self.assertIn("malloc's headers", entry)

    def test_huge_pages_names_the_modes_that_round(self):
        entry = option_line(help_text(), "--huge-pages")
        self.assertIn("leak, free and hold", entry)
        self.assertIn("other modes refuse it", entry)
        result = run("-m", "cache", "--huge-pages", "-n", "1")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stderr, "leakdemo: error: --huge-pages: only leak, free and hold round their "
                                        "blocks to 2 MiB; cache mode does not\n")

    def test_quiet_says_it_drops_the_warnings_too(self):
        entry = option_line(help_text(), "--quiet")
        self.assertIn("warnings", entry)
        # a warning README names (--fill with --touch none) is dropped by -q, as the entry says
        args = ["--touch", "none", "--fill", "1", "-n", "1", "-i", "0", "--format", "csv"]
        self.assertIn("leakdemo: warning: ", run(*args).stderr)
        self.assertEqual(run(*args, "-q").stderr, "")


class LiveHelpStatesLivesOwnDefaults(unittest.TestCase):
    """`live --help` used to show the run's -i (default 1s, an example of 0) though live starts at 250ms and
    refuses 0; every value it shows must work in live, every option it leaves out must be refused."""
    TERMINAL_ERROR = "leakdemo: error: live: needs a terminal on stdin"

    def test_the_interval_line_says_lives_default_and_range_and_its_examples_work(self):
        entry = option_line(help_text("live"), "--interval")
        self.assertIsNotNone(entry)
        self.assertIn("DURATION=250ms", entry)
        self.assertIn("10ms to 10s", entry)
        self.assertNotRegex(entry, r"\b0,|24h")
        examples = re.findall(r"\b\d+(?:\.\d+)?(?:ms|s)\b", entry)
        self.assertGreaterEqual(set(examples), {"250ms", "10ms", "10s", "50ms", "1.5s"})
        for example in examples:  # accepted: the only complaint left is that stdin is no terminal
            with self.subTest(interval=example):
                self.assertTrue(run("live", "-i", example).stderr.startswith(self.TERMINAL_ERROR))
        for refused in ("0", "5ms", "11s", "1m"):
            with self.subTest(interval=refused):
                result = run("live", "-i", refused)
                self.assertEqual(result.returncode, 2)
                self.assertRegex(result.stderr, r"^leakdemo: error: --interval: live paces from 10ms to 10s[^\n]*\n$")

    def test_iterations_and_explain_say_what_they_do_in_live(self):
        live = help_text("live")
        self.assertIn("until q", option_line(live, "--iterations"))
        self.assertIn("on by default", option_line(live, "--explain"))
        self.assertIn("screen", option_line(live, "--color"))
        self.assertNotIn("- is stdout", option_line(live, "--output"))

    def test_no_excludes_clause_names_an_option_the_subcommand_refuses(self):
        # -q excludes --summary-only at the top level; live and check refuse --summary-only, so their
        # help must not send the reader to it. Where both stay (--max-memory, --no-guard), it remains.
        for sub in ("live", "check"):
            with self.subTest(subcommand=sub):
                text = help_text(sub)
                self.assertIsNotNone(option_line(text, "--quiet"))
                self.assertNotIn("--summary-only", option_line(text, "--quiet"))
                self.assertIn("Excludes: --no-guard", option_line(text, "--max-memory"))
        self.assertIn("Excludes: --summary-only", option_line(help_text(), "--quiet"))

    def test_top_level_options_are_listed_or_refused(self):
        live = option_entries(help_text("live"))
        with tempfile.TemporaryDirectory() as directory:
            for name, value_type in option_entries(help_text()).items():
                if name in ("--help", "--version", "--completions"):
                    continue
                # live paces from 10ms: its duration is one of its help's examples.
                value = "50ms" if value_type.startswith("DURATION") else \
                    a_value_for(value_type, directory) if value_type else None
                self.assertTrue(value_type == "" or value is not None, f"no test value for {name} {value_type}")
                result = run("live", name, *([value] if value else []))
                self.assertEqual(result.returncode, 2)  # stdin is not a terminal in any case
                if name in live:
                    self.assertTrue(result.stderr.startswith(self.TERMINAL_ERROR),
                                    f"live --help lists {name}, live refuses it: " + result.stderr)
                else:
                    self.assertTrue(result.stderr.startswith(f"leakdemo: error: {name}: not used by live"),
                                    f"live --help leaves {name} out, live takes it: " + result.stderr)


if __name__ == "__main__":
    unittest.main()
