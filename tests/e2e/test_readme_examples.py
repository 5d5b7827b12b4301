"""Runs the shell examples of README.md's "Scripting" section as a reader would, and checks what they print.

An example is a ```sh block under the Scripting heading whose first line is `# example: NAME`. Each runs in
bash (-e -o pipefail) in an empty directory with leakdemo first on PATH. Every example needs a check here,
and every check needs its example: a README change cannot silently break or drop one.
"""
import os
import re
import subprocess
import tempfile
import unittest

from helpers import BLOCK, LEAKDEMO, SOURCE_DIR, sanitizer_env


def scripting_examples():
    """{name: script} of the `# example:` sh blocks in README.md's Scripting section."""
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as file:
        readme = file.read()
    section = re.search(r"^## Scripting\n(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    if section is None:
        raise AssertionError("README.md has no '## Scripting' section")
    examples = {}
    for block in re.findall(r"^```sh\n(.*?)^```", section.group(1), re.MULTILINE | re.DOTALL):
        first_line = block.split("\n", 1)[0]
        match = re.fullmatch(r"# example: (\S+)", first_line)
        if match:
            examples[match.group(1)] = block
    return examples


def run_example(script, directory):
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(LEAKDEMO)) + os.pathsep + env.get("PATH", "")
    env.pop("COLUMNS", None)
    env.update(sanitizer_env(["--mode", "leak"]))  # the examples leak on purpose (ASan build: LSan off)
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=directory, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


class ReadmeExamples(unittest.TestCase):
    EXPECTED = {"growth-per-iteration", "jq-summary", "fail-the-build", "gnuplot", "compare-verdicts"}

    @classmethod
    def setUpClass(cls):
        cls.examples = scripting_examples()

    def run_named(self, name, replace=None):
        self.assertIn(name, self.examples, "the README example is gone")
        script = self.examples[name]
        if replace:
            self.assertIn(replace[0], script)
            script = script.replace(*replace)
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        return run_example(script, directory.name), directory.name

    def test_every_example_is_checked_and_every_check_has_its_example(self):
        self.assertEqual(set(self.examples), self.EXPECTED)
        self.assertGreaterEqual(len(self.examples), 4)

    def test_growth_per_iteration_with_awk(self):
        result, _ = self.run_named("growth-per-iteration")
        self.assertEqual(result.returncode, 0, result.stderr)
        match = re.fullmatch(r"(\d+) bytes per iteration\n", result.stdout)
        self.assertIsNotNone(match, result.stdout)
        # 1,001 pages per 4,096,000-byte block in leak mode.
        self.assertAlmostEqual(int(match.group(1)), 4100096, delta=0.05 * BLOCK)

    def test_jq_on_the_summary(self):
        result, _ = self.run_named("jq-summary")
        self.assertEqual(result.returncode, 0, result.stderr)
        verdict, slope = result.stdout.split()
        self.assertEqual(verdict, "leaking")
        self.assertAlmostEqual(int(slope), 4100096, delta=0.05 * BLOCK)

    def test_fail_the_build_fails_for_a_leak(self):
        result, directory = self.run_named("fail-the-build")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertRegex(result.stderr, r"^leak detected: \d+ bytes per iteration\n$")
        self.assertTrue(os.path.getsize(os.path.join(directory, "summary.json")) > 0)

    def test_fail_the_build_passes_without_a_leak(self):
        result, _ = self.run_named("fail-the-build", replace=("--mode leak", "--mode free"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")

    def test_gnuplot_draws_an_svg(self):
        result, directory = self.run_named("gnuplot")
        self.assertEqual(result.returncode, 0, result.stderr)
        svg = os.path.join(directory, "rss.svg")
        self.assertTrue(os.path.exists(svg), result.stderr)
        with open(svg, encoding="utf-8") as file:
            text = file.read()
        self.assertIn("<svg", text)
        self.assertIn("RSS (MiB)", text)
        # Each mode is drawn with its own point symbol (gpPt0, gpPt1): 21 samples plus one in the key.
        # Proof that the data reached the plot, not just the axes.
        self.assertEqual(text.count("xlink:href='#gpPt0'"), 21 + 1)
        self.assertEqual(text.count("xlink:href='#gpPt1'"), 21 + 1)

    def test_compare_verdicts(self):
        result, _ = self.run_named("compare-verdicts")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "leak leaking\nfree stable\n")


if __name__ == "__main__":
    unittest.main()
