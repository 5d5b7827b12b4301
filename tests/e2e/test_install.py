"""End-to-end tests of distribution: `cmake --install`, the man page generated from --help, the Debian package.

They work on the build tree the tested binary lives in (CMAKE_RUNTIME_OUTPUT_DIRECTORY is <build>/bin) and
write only to temporary directories: `cmake --install --prefix TMP`, `cpack -B TMP`, `dpkg --root TMP`.
"""
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from helpers import LEAKDEMO, SOURCE_DIR, leakdemo_env

BUILD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(LEAKDEMO)))


def check_output(*command, **kwargs):
    """stdout of a command that must succeed; a failure carries its stderr, to say why."""
    result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300, **kwargs)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    return result.stdout


def project_version():
    """The one place the version lives: project(leakdemo VERSION x.y.z) in the top CMakeLists.txt."""
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as top:
        match = re.search(r"project\(\s*leakdemo\s+VERSION\s+([0-9]+(?:\.[0-9]+)*)", top.read())
    assert match, "no project(leakdemo VERSION ...) in CMakeLists.txt"
    return match.group(1)


def cache_value(build_dir, name):
    """A variable from a build tree's CMakeCache.txt (`NAME:TYPE=value`)."""
    with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as cache:
        for line in cache:
            if line.startswith(f"{name}:"):
                return line.rstrip("\n").split("=", 1)[1]
    raise AssertionError(f"{name} not in {build_dir}/CMakeCache.txt")


def debian_version(build_dir):
    """The package's version: the project's plus the Debian revision (LEAKDEMO_PACKAGE_REVISION)."""
    return f"{project_version()}-{cache_value(build_dir, 'LEAKDEMO_PACKAGE_REVISION')}"


def help_blocks(program, *args):
    """`program [args] --help` split into {heading: [lines]}; the lines before the first heading go under ''."""
    blocks = {"": []}
    heading = ""
    for line in check_output(program, *args, "--help").splitlines():
        if re.match(r"^\S.*:$", line):
            heading = line[:-1]
            blocks[heading] = []
        elif line.strip():
            blocks[heading].append(line)
    return blocks


def long_options(program, *args):
    """Every long option named at the start of an option line of `--help`, e.g. `-m,--mode MODE` -> --mode.
    A subcommand's block of the top-level options it takes too ("Options of leakdemo it takes too") is left
    out: those are documented once, under OPTIONS."""
    options = set()
    for heading, lines in help_blocks(program, *args).items():
        if args and heading.startswith("Options of "):
            continue
        for line in lines:
            match = re.match(r"^\s+(-\S+)", line)
            if match:
                options.update(name for name in match.group(1).split(",") if name.startswith("--"))
    return options


def documented_long_options(program):
    """{(subcommand or '', option)} for the program and every subcommand its --help lists."""
    found = {("", option) for option in long_options(program)}
    for line in help_blocks(program).get("Subcommands", []):
        if not re.match(r"^  \S", line):
            continue  # a wrapped description's next line
        subcommand = line.split()[0]
        found |= {(subcommand, option) for option in long_options(program, subcommand)}
    return found


def render(man_source):
    """Renders a man page as plain text; returns (text, groff's warnings). -ww turns on every warning."""
    result = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-P-cbou"], input=man_source,
                            capture_output=True, text=True, timeout=60, env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    # Overstrikes and SGR escapes, should a grotty still emit them; typographic minus signs back to '-'.
    text = re.sub(r".\x08|\x1b\[[0-9;]*m", "", result.stdout).replace("\u2212", "-").replace("\u2010", "-")
    return text, result.stderr


def man_sections(text):
    """{SECTION: [lines]} of a rendered page (headings are the lines that start in column 0)."""
    sections = {}
    current = None
    for line in text.splitlines():
        if re.match(r"^[A-Z][A-Z ]+$", line):
            current = line.strip()
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def option_entries(lines):
    """The options a rendered page documents as entries: lines that start (after the indent) with names."""
    entries = set()
    for line in lines:
        # man justifies a long entry's first line, so the ", " between names may be stretched.
        match = re.match(r"^\s+((?:--?[\w?][\w-]*,\s+)*--?[\w?][\w-]*)(?:\s|$)", line)
        if match:
            entries.update(name for name in re.split(r",\s+", match.group(1)) if name.startswith("--"))
    return entries


class ManPageChecks:
    """Checks shared by the installed page and the packaged one."""

    def check_man_page(self, man_source):
        text, warnings = render(man_source)
        self.assertEqual(warnings, "", "groff -ww warned while rendering the man page")
        version = project_version()
        header = next(line for line in man_source.splitlines() if line.startswith(".TH "))
        self.assertIn(f'"leakdemo {version}"', header)

        sections = man_sections(text)
        for name in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES", "SEE ALSO"):
            self.assertIn(name, sections)
        # Every long option --help lists is an entry in OPTIONS; each subcommand's are entries in COMMANDS.
        entries = {"": option_entries(sections["OPTIONS"]), "sub": option_entries(sections.get("COMMANDS", []))}
        expected = documented_long_options(LEAKDEMO)
        self.assertGreaterEqual(len(expected), 5, expected)
        missing = sorted(f"{subcommand} {option}".strip() for subcommand, option in expected
                         if option not in entries["sub" if subcommand else ""])
        self.assertEqual(missing, [], "long options of --help missing from the man page")

        # The exit codes: the same numbers in --help's "Exit codes:" block and in EXIT STATUS.
        blocks = help_blocks(LEAKDEMO)
        self.assertIn("Exit codes", blocks, "--help has no 'Exit codes:' block to compare EXIT STATUS with")
        help_codes = set()
        for line in blocks["Exit codes"]:
            help_codes.update(int(code) for code in re.findall(r"(?:^|\s{2,})(\d{1,3}) \S", line))
        man_codes = {int(match.group(1)) for line in sections["EXIT STATUS"]
                     if (match := re.match(r"^\s+(\d{1,3})\s", line))}
        self.assertGreaterEqual(len(help_codes), 3, help_codes)
        self.assertEqual(man_codes, help_codes)

        # The hand-written part: max RSS explained as a high-water mark, and valgrind in SEE ALSO.
        self.assertIn("high-water mark", " ".join(" ".join(sections["WHAT THE NUMBERS MEAN"]).split()))
        self.assertIn("valgrind(1)", " ".join(sections["SEE ALSO"]))


# What CLI11 2.1 prints for a program with one subcommand (captured from a small CLI11 program), to check
# that doc/help-for-man.sh puts a subcommand's options in the page before leakdemo has a subcommand.
FAKE_CLI11_PROGRAM = r"""#!/bin/sh
case "$*" in
--version) echo "fake 1.2.3" ;;
--help) printf '%s\n' 'fake: does things' 'Usage: fake [OPTIONS] [SUBCOMMAND]' '' 'Options:' \
    '  -h,--help                   Print this help message and exit' \
    '  -n,--iterations INT         number' '' 'Subcommands:' \
    '  compare                     run two modes side by side' '' 'Exit codes:' '  0 done   1 error' ;;
"compare --help") printf '%s\n' 'run two modes side by side' 'Usage: fake compare [OPTIONS]' '' 'Options:' \
    '  -h,--help                   Print this help message and exit' \
    '  --modes TEXT                two modes A,B' '  --no-bars                   no bars' ;;
*) exit 2 ;;
esac
"""


class HelpForMan(unittest.TestCase):
    def test_subcommand_options_land_under_commands(self):
        with tempfile.TemporaryDirectory(prefix="leakdemo-h2m-") as workdir:
            fake = os.path.join(workdir, "fake")
            with open(fake, "w", encoding="utf-8") as script:
                script.write(FAKE_CLI11_PROGRAM)
            os.chmod(fake, 0o755)
            self.assertEqual(documented_long_options(fake),
                             {("", "--help"), ("", "--iterations"), ("compare", "--help"),
                              ("compare", "--modes"), ("compare", "--no-bars")})
            wrapper = os.path.join(SOURCE_DIR, "doc", "help-for-man.sh")
            page = check_output("help2man", "--no-info", f"'{wrapper}' '{fake}'")
        text, warnings = render(page)
        self.assertEqual(warnings, "")
        sections = man_sections(text)
        self.assertEqual(option_entries(sections["OPTIONS"]), {"--help", "--iterations"})
        self.assertEqual(option_entries(sections["COMMANDS"]), {"--help", "--modes", "--no-bars"})
        self.assertNotIn("Exit codes", text)  # replaced by the hand-written EXIT STATUS in leakdemo's page


class CmakeInstall(ManPageChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prefix = tempfile.mkdtemp(prefix="leakdemo-install-")
        check_output("cmake", "--install", BUILD_DIR, "--prefix", cls.prefix)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.prefix, *parts)

    def test_installs_the_program_man_page_docs_and_example(self):
        for relative in ("bin/leakdemo", "share/man/man1/leakdemo.1", "share/doc/leakdemo/README.md",
                         "share/doc/leakdemo/LICENSE", "share/doc/leakdemo/examples/memory_leaks.c"):
            self.assertTrue(os.path.isfile(self.path(relative)), relative)
        self.assertTrue(os.access(self.path("bin/leakdemo"), os.X_OK))
        # The JSON Schema files, as in the source tree.
        schemas = sorted(os.listdir(os.path.join(SOURCE_DIR, "docs", "schema")))
        self.assertIn("record.schema.json", schemas)
        self.assertEqual(sorted(os.listdir(self.path("share/doc/leakdemo/schema"))), schemas)
        for name in schemas:
            with open(os.path.join(SOURCE_DIR, "docs", "schema", name), "rb") as source, \
                    open(self.path("share/doc/leakdemo/schema", name), "rb") as installed:
                self.assertEqual(installed.read(), source.read(), name)
        # The completion scripts, where bash-completion, zsh and fish look for a package's, as the program
        # writes them.
        for shell, relative in (("bash", "share/bash-completion/completions/leakdemo"),
                                ("zsh", "share/zsh/vendor-completions/_leakdemo"),
                                ("fish", "share/fish/vendor_completions.d/leakdemo.fish")):
            with open(self.path(relative), encoding="utf-8") as installed:
                self.assertEqual(installed.read(), check_output(self.path("bin/leakdemo"), "--completions", shell))
            self.assertEqual(os.stat(self.path(relative)).st_mode & 0o777, 0o644, relative)
        # The Debian-only files (copyright, changelog.Debian.gz, lintian overrides) are for the .deb alone.
        for relative in ("share/doc/leakdemo/copyright", "share/doc/leakdemo/changelog.Debian.gz", "share/lintian"):
            self.assertFalse(os.path.exists(self.path(relative)), relative)
        # No test, benchmark or article_* binaries: leakdemo is the only program installed.
        self.assertEqual(os.listdir(self.path("bin")), ["leakdemo"])

    def test_installed_program_reports_the_project_version(self):
        output = check_output(self.path("bin/leakdemo"), "--version")
        self.assertEqual(output.strip(), f"leakdemo {project_version()}")

    def test_man_page_renders_without_warnings_and_matches_help(self):
        with open(self.path("share/man/man1/leakdemo.1"), encoding="utf-8") as page:
            self.check_man_page(page.read())


class DebianPackage(ManPageChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="leakdemo-deb-")
        # cpack stages and writes into its own directory (-B), never into the build tree other tests use.
        check_output("cpack", "-G", "DEB", "--config", os.path.join(BUILD_DIR, "CPackConfig.cmake"),
                     "-B", cls.workdir)
        cls.arch = check_output("dpkg", "--print-architecture").strip()
        cls.debs = sorted(name for name in os.listdir(cls.workdir) if name.endswith(".deb"))
        cls.deb = os.path.join(cls.workdir, f"leakdemo_{debian_version(BUILD_DIR)}_{cls.arch}.deb")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def field(self, name):
        return check_output("dpkg-deb", "--field", self.deb, name).strip()

    def test_one_package_named_with_version_and_architecture(self):
        self.assertEqual(self.debs, [os.path.basename(self.deb)])

    def test_control_fields(self):
        info = check_output("dpkg-deb", "--info", self.deb)
        self.assertEqual(self.field("Package"), "leakdemo")
        self.assertEqual(self.field("Version"), debian_version(BUILD_DIR))
        self.assertEqual(self.field("Architecture"), self.arch)
        self.assertRegex(self.field("Maintainer"), r"^\S.* <[^@\s]+@[^@\s]+>$")
        self.assertTrue(self.field("Section"), info)
        description = self.field("Description").splitlines()
        self.assertIn("memory leak", description[0])
        self.assertGreaterEqual(len(description), 2, "no extended description")
        self.assertTrue(all(len(line) <= 80 for line in description), description)

    def test_depends_names_the_package_of_every_linked_library(self):
        depends = {alternative.split()[0].split(":")[0]
                   for clause in self.field("Depends").split(",") for alternative in clause.split("|")}
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", check_output("readelf", "-d", LEAKDEMO))
        self.assertTrue(any(soname.startswith("libfmt") for soname in needed), needed)
        for soname in needed:
            owners = {line.split(":")[0] for line in check_output("dpkg", "-S", f"*/{soname}").splitlines()
                      if ": /" in line}
            self.assertTrue(owners & depends, f"{soname} (from {owners}) not in Depends: {depends}")
        self.assertTrue({"libc6", "libstdc++6"} <= depends, depends)

    def test_contents(self):
        listing = check_output("dpkg-deb", "--contents", self.deb)
        paths = {line.split()[-1] for line in listing.splitlines()}
        for path in ("./usr/bin/leakdemo", "./usr/share/man/man1/leakdemo.1.gz", "./usr/share/doc/leakdemo/README.md",
                     "./usr/share/doc/leakdemo/LICENSE", "./usr/share/doc/leakdemo/examples/memory_leaks.c",
                     "./usr/share/doc/leakdemo/copyright", "./usr/share/doc/leakdemo/changelog.Debian.gz",
                     "./usr/share/lintian/overrides/leakdemo", "./usr/share/doc/leakdemo/schema/record.schema.json",
                     "./usr/share/bash-completion/completions/leakdemo", "./usr/share/zsh/vendor-completions/_leakdemo",
                     "./usr/share/fish/vendor_completions.d/leakdemo.fish"):
            self.assertIn(path, paths)
        self.assertEqual(sorted(path for path in paths if path.startswith("./usr/bin/") and path != "./usr/bin/"),
                         ["./usr/bin/leakdemo"])
        self.assertTrue(all(entry.split()[1] == "root/root" for entry in listing.splitlines()), listing)

    def test_installs_into_a_temporary_root_and_runs(self):
        root = os.path.join(self.workdir, "root")
        admin = os.path.join(root, "var", "lib", "dpkg")
        for directory in ("info", "updates", "triggers"):
            os.makedirs(os.path.join(admin, directory), exist_ok=True)
        # The temporary dpkg database knows the packages named in Depends as this machine has them installed,
        # so dpkg checks the package's Depends for real (no --force-depends) without touching the system.
        depends = {alternative.split()[0] for clause in self.field("Depends").split(",")
                   for alternative in clause.split("|")}
        with open(os.path.join(admin, "status"), "w", encoding="utf-8") as status:
            for package in sorted(depends):
                status.write(check_output("dpkg-query", "--status", package).rstrip("\n") + "\n\n")
        # --path-include undoes a slim image's path-exclude of /usr/share/man and /usr/share/doc (dpkg.cfg.d).
        command = ["dpkg", f"--root={root}", "--path-include=*", "--install", self.deb]
        if os.geteuid() != 0:
            command.insert(1, "--force-not-root")
        result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        state = check_output("dpkg-query", f"--admindir={admin}", "--show", "--showformat=${Status} ${Version}",
                             "leakdemo")
        self.assertEqual(state, f"install ok installed {debian_version(BUILD_DIR)}")

        installed = os.path.join(root, "usr", "bin", "leakdemo")
        self.assertEqual(check_output(installed, "--version").strip(), f"leakdemo {project_version()}")
        args = ["--format", "csv", "-n", "2", "-i", "0", "-q"]
        result = subprocess.run([installed, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                timeout=60, env=leakdemo_env(args))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(result.stdout.splitlines()), 4)  # header + baseline + 2 samples
        with gzip.open(os.path.join(root, "usr", "share", "man", "man1", "leakdemo.1.gz"), "rt",
                       encoding="utf-8") as page:
            self.check_man_page(page.read())


if __name__ == "__main__":
    unittest.main()
