"""The shell completions, run by each shell's own completion machinery: bash (bash-completion's loader and the
function with COMP_WORDS/COMP_CWORD), zsh (compinit in a pseudo-terminal, zsh_complete.zsh) and fish
(`complete -C`). What they must offer is read from the binary itself (--help: its subcommands, each one's long
options, each enum option's choices), never copied here, so a subcommand, option or mode added later is
checked too. The scripts tested are the files the build wrote for installation (build/completions/)."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from helpers import LEAKDEMO, SOURCE_DIR, help_text, run, subcommands

HERE = os.path.dirname(os.path.abspath(__file__))
BUILT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(LEAKDEMO))), "completions")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
FIXED_MINIMUM_SUBCOMMANDS = {"compare", "watch"}
FIXED_MINIMUM_MODES = {"leak", "free", "hold"}


def long_options(*args):
    """The long options `leakdemo [SUB] --help` lists, its own and those it takes from the top level."""
    found = set()
    for line in help_text(*args).splitlines():
        match = re.match(r"^  (-\S+)", line)
        if match:
            found.update(name for name in match.group(1).split(",") if name.startswith("--"))
    return found


def choices(option, *args):
    """An option's choices, as --help shows them after its type (`--mode MODE:{a,b,...}`, `--modes A,B:{...}`),
    lines joined."""
    text = re.sub(r"\n\s+", "", help_text(*args))
    match = re.search(re.escape(option) + r" [A-Z,|]+:\{([^}]*)\}", text)
    assert match, f"{option} shows no choices in --help"
    return set(match.group(1).split(","))


def script(shell):
    name = {"bash": "leakdemo", "zsh": "_leakdemo", "fish": "leakdemo.fish"}[shell]
    return os.path.join(BUILT, name)


class Expectations:
    """What every shell must offer, from the binary."""

    def test_scripts_are_what_the_binary_prints(self):
        with open(script(self.shell), encoding="utf-8") as built:
            self.assertEqual(built.read(), run("--completions", self.shell).stdout)

    def test_subcommands(self):
        expected = set(subcommands())
        self.assertGreaterEqual(expected, FIXED_MINIMUM_SUBCOMMANDS)
        self.assertEqual(set(self.complete("leakdemo ")), expected)

    def test_every_long_option_of_every_command(self):
        for subcommand in ["", *subcommands()]:
            expected = long_options(*([subcommand] if subcommand else []))
            self.assertGreaterEqual(len(expected), 3, subcommand)  # scenarios: --help, --format, --color
            line = f"leakdemo {subcommand} --".replace("  ", " ")
            self.assertEqual(set(self.complete(line)), expected, line)

    def test_short_options(self):
        offered = set(self.complete("leakdemo -"))
        self.assertLessEqual({"-m", "-b", "-n", "-i", "-f", "-o", "-q"}, offered)

    def test_enum_values_from_the_name_tables(self):
        modes = choices("--mode")
        self.assertGreaterEqual(modes, FIXED_MINIMUM_MODES)
        self.assertEqual(set(self.complete("leakdemo --mode ")), modes)
        self.assertEqual(set(self.complete("leakdemo -m ")), modes)
        for option in ("--format", "--touch", "--color", "--progress", "--bars"):
            self.assertEqual(set(self.complete(f"leakdemo {option} ")), choices(option), option)
        self.assertEqual(set(self.complete("leakdemo compare --touch ")), choices("--touch"))
        self.assertEqual(set(self.complete("leakdemo --mode f")), {m for m in modes if m.startswith("f")})

    def test_list_values_and_after_a_comma(self):
        # --modes A,B: mode names, then after a comma the second mode (not the first again), then nothing.
        modes = choices("--modes", "compare")
        self.assertGreaterEqual(modes, FIXED_MINIMUM_MODES)
        self.assertEqual(set(self.complete("leakdemo compare --modes ")), modes)
        self.assertEqual(set(self.complete("leakdemo compare --modes f")), {m for m in modes if m.startswith("f")})
        second = {self.list_item("leak,", mode) for mode in modes - {"leak"}}
        self.assertEqual(set(self.complete("leakdemo compare --modes leak,")), second)
        self.assertEqual(set(self.complete("leakdemo compare -n 3 --modes leak,fre")), {self.list_item("leak,", "free")})

    def test_a_choice_or_a_file(self):
        # watch --command-output stderr|null|inherit|FILE: the names and the files.
        names = choices("--command-output", "watch")
        self.assertGreaterEqual(names, {"stderr", "null", "inherit"})
        with tempfile.TemporaryDirectory() as directory:
            open(os.path.join(directory, "nohup.out"), "w").close()
            offered = self.complete(f"leakdemo watch --command-output {directory}/no")
            self.assertEqual([os.path.basename(path) for path in offered], ["nohup.out"])
        self.assertEqual(set(self.complete("leakdemo watch --command-output nu")), {"null"})

    def test_a_command_after_watch_double_dash(self):
        self.assertIn("true", self.complete("leakdemo watch -- tru"))
        self.assertIn("true", self.complete("leakdemo watch -n 3 -- tru"))

    def test_files_after_output_and_report(self):
        with tempfile.TemporaryDirectory() as directory:
            for name in ("run.csv", "run.jsonl", "other.txt"):
                open(os.path.join(directory, name), "w").close()
            for option in ("-o", "--output", "--report"):
                offered = [os.path.basename(path) for path in self.complete(f"leakdemo {option} {directory}/ru")]
                self.assertEqual(sorted(offered), ["run.csv", "run.jsonl"], option)


@unittest.skipIf(not os.path.exists(BASH_COMPLETION), "bash-completion is not installed")
class Bash(Expectations, unittest.TestCase):
    shell = "bash"
    list_item = staticmethod(lambda given, item: given + item)  # the whole word, the typed part included

    def complete(self, line):
        words = line.split(" ")
        program = (f"source {BASH_COMPLETION}; source {script('bash')}\n"
                   'COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; '
                   "COMP_POINT=${#COMP_LINE}\n"
                   '_leakdemo leakdemo "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
                   'printf "%s\\n" "${COMPREPLY[@]}"')
        result = subprocess.run(["bash", "--norc", "--noprofile", "-c", program, "bash", *words],
                                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 0, result.stderr)
        return [word for word in result.stdout.splitlines() if word]


@unittest.skipIf(shutil.which("zsh") is None, "zsh is not installed")
class Zsh(Expectations, unittest.TestCase):
    shell = "zsh"
    list_item = staticmethod(lambda given, item: item)  # _values offers the item; the typed part stays

    def complete(self, line):
        with tempfile.TemporaryDirectory() as directory:
            shutil.copy(script("zsh"), directory)
            result = subprocess.run(["zsh", "-f", os.path.join(HERE, "zsh_complete.zsh"), directory, line],
                                    capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                                    env={**os.environ, "HOME": directory, "TERM": "dumb"})
        self.assertEqual(result.returncode, 0, result.stderr)
        # zsh offers a file under a directory by its name alone (the directory is the typed prefix).
        return [word for word in result.stdout.splitlines() if word]


@unittest.skipIf(shutil.which("fish") is None, "fish is not installed")
class Fish(Expectations, unittest.TestCase):
    shell = "fish"
    list_item = staticmethod(lambda given, item: given + item)

    def complete(self, line):
        result = subprocess.run(["fish", "--no-config", "-c", f"source {script('fish')}; complete -C $argv[1]",
                                 line], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                                env={**os.environ, "HOME": tempfile.gettempdir()})
        self.assertEqual(result.returncode, 0, result.stderr)
        return [entry.split("\t")[0] for entry in result.stdout.splitlines() if entry]


class DocumentedSetup(unittest.TestCase):
    """docs/completions.md's "Without installing" commands, run as written in a fresh home directory."""

    def test_the_commands_enable_each_shell(self):
        with open(os.path.join(SOURCE_DIR, "docs", "completions.md"), encoding="utf-8") as docs:
            blocks = re.findall(r"^```sh\n(.*?)^```", docs.read(), re.MULTILINE | re.DOTALL)
        self.assertEqual(len(blocks), 1)
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "HOME": home,
                   "PATH": os.path.dirname(os.path.abspath(LEAKDEMO)) + os.pathsep + os.environ["PATH"]}
            result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", blocks[0] + "complete -p leakdemo\n"],
                                    capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("complete -F _leakdemo leakdemo", result.stdout)
            for shell, path in (("zsh", ".zfunc/_leakdemo"), ("fish", ".config/fish/completions/leakdemo.fish")):
                with open(os.path.join(home, path), encoding="utf-8") as written:
                    self.assertEqual(written.read(), run("--completions", shell).stdout, path)


if __name__ == "__main__":
    unittest.main()
