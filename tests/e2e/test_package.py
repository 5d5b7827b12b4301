"""End-to-end tests of the Debian package as Debian's own tools judge it: lintian finds no error and no
warning, and the package is reproducible: two builds of this source tree with the same SOURCE_DATE_EPOCH, in
two different build directories and under two different umasks (022, 077), give byte-identical .debs.

The package is a Release artefact, so this test builds its own two Release trees from LEAKDEMO_SOURCE_DIR in
a temporary directory (configure, build, cpack -G DEB) whatever build tree the tested binary comes from; both
checks share those two builds. Skipped, with the reason, when a tool is missing or on the sanitizer pass.
"""
import gzip
import hashlib
import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import unittest

from helpers import SANITIZED, SOURCE_DIR

EPOCH = 1700000000  # 2023-11-14 22:13:20 UTC: not today, not the last commit, so a clock or git date shows
# The date cmake/Reproducible.cmake falls back to without SOURCE_DATE_EPOCH and without git history.
FALLBACK_EPOCH = 1767225600
TOOLS = ("cmake", "cpack", "dpkg-deb", "dpkg-parsechangelog", "lintian", "help2man", "readelf")
JOBS = "2"


def missing_tools():
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def run(command, env=None, umask=None, cwd=None, timeout=600):
    """Runs a command; on failure the assertion carries its output. umask applies to the child only."""
    result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                            timeout=timeout, preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)
    assert result.returncode == 0, f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
    return result.stdout


def build_env(**extra):
    env = {key: value for key, value in os.environ.items() if key not in ("SOURCE_DATE_EPOCH", "COLUMNS")}
    env.update(extra)
    return env


def build_package(build_dir, umask):
    """Configures and builds a Release tree in build_dir under umask, packages it; returns the .deb's path."""
    env = build_env(SOURCE_DATE_EPOCH=str(EPOCH))
    run(["cmake", "-S", SOURCE_DIR, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release", "-DLEAKDEMO_BUILD_TESTS=OFF",
         "-DLEAKDEMO_BUILD_BENCH=OFF"], env=env, umask=umask)
    run(["cmake", "--build", build_dir, "--parallel", JOBS], env=env, umask=umask)
    out = os.path.join(build_dir, "package")
    # cpack itself runs under 022, as `make package` runs it: CPack copies the umask into the modes of the
    # .deb's ar members (debian-binary, control.tar.gz, data.tar.gz) and has no option to set them.
    run(["cpack", "-G", "DEB", "--config", os.path.join(build_dir, "CPackConfig.cmake"), "-B", out], env=env,
        umask=0o022)
    debs = [name for name in os.listdir(out) if name.endswith(".deb")]
    assert len(debs) == 1, debs
    return os.path.join(out, debs[0])


def sha256(path):
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def data_members(deb):
    """{name: TarInfo} and {name: bytes} of the package's data archive (`dpkg-deb --fsys-tarfile`)."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], capture_output=True, check=True, timeout=60).stdout
    infos, contents = {}, {}
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for info in archive.getmembers():
            infos[info.name] = info
            if info.isfile():
                contents[info.name] = archive.extractfile(info).read()
    return infos, contents


def control_members(deb):
    data = subprocess.run(["dpkg-deb", "--ctrl-tarfile", deb], capture_output=True, check=True, timeout=60).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return archive.getmembers()


@unittest.skipIf(SANITIZED, "the .deb is built from Release trees; the release pass of `make test` checks it")
class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        missing = missing_tools()
        if missing:
            raise unittest.SkipTest(f"needs {', '.join(missing)} (scripts/setup.sh test installs them)")
        cls.workdir = tempfile.mkdtemp(prefix="leakdemo-package-")
        # Two directories of different names and depths, and two umasks: neither may reach the bytes.
        cls.build_dirs = [os.path.join(cls.workdir, "a"), os.path.join(cls.workdir, "second", "build-tree")]
        cls.debs = [build_package(cls.build_dirs[0], 0o022), build_package(cls.build_dirs[1], 0o077)]
        cls.deb = cls.debs[0]
        cls.infos, cls.contents = data_members(cls.deb)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def field(self, name):
        return run(["dpkg-deb", "--field", self.deb, name]).strip()

    def test_lintian_reports_no_error_and_no_warning(self):
        # Not --show-overrides: with it, lintian 2.116 counts an overridden warning towards --fail-on.
        result = subprocess.run(["lintian", "--fail-on", "error,warning", "--display-info", self.deb],
                                capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
        print(f"\nlintian {os.path.basename(self.deb)}:\n{result.stdout}", end="")
        complaints = [line for line in result.stdout.splitlines() if re.match(r"^[EW]: ", line)]
        self.assertEqual(complaints, [], "lintian errors or warnings")
        # Non-zero also when lintian could not check the package at all.
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_every_lintian_override_says_why(self):
        overrides = self.contents["./usr/share/lintian/overrides/leakdemo"].decode().splitlines()
        for index, line in enumerate(overrides):
            if line.strip() and not line.startswith("#"):
                self.assertTrue(index > 0 and overrides[index - 1].startswith("# "),
                                f"override without a comment above it: {line}")

    def test_two_builds_in_different_directories_are_byte_identical(self):
        sums = [sha256(deb) for deb in self.debs]
        print(f"\nsha256 {os.path.basename(self.debs[0])}: {sums[0]} ({self.build_dirs[0]}, umask 022)"
              f"\nsha256 {os.path.basename(self.debs[1])}: {sums[1]} ({self.build_dirs[1]}, umask 077)")
        if sums[0] != sums[1]:
            # Name what differs, so a failure points at its cause.
            other_infos, other_contents = data_members(self.debs[1])
            differing = sorted(name for name in set(self.infos) | set(other_infos)
                               if name not in self.infos or name not in other_infos
                               or self.infos[name].get_info() != other_infos[name].get_info()
                               or self.contents.get(name) != other_contents.get(name))
            control = [sorted((info.get_info(), info.size) for info in control_members(deb)) for deb in self.debs]
            ar_headers = [run(["ar", "tv", deb]) for deb in self.debs] if shutil.which("ar") else ["?", "?"]
            self.fail(f"the two .debs differ; data members that differ: {differing or 'none'}; control members "
                      f"{'differ' if control[0] != control[1] else 'agree'}; ar headers:\n"
                      f"{ar_headers[0]}{ar_headers[1]}")

    def test_no_build_path_in_any_file(self):
        for build_dir in self.build_dirs[:1] + [os.path.realpath(SOURCE_DIR)]:
            needle = os.path.realpath(build_dir).encode()
            found = [name for name, content in self.contents.items() if needle in content]
            self.assertEqual(found, [], f"{needle.decode()} is embedded in")

    def test_dates_come_from_source_date_epoch(self):
        wrong = [f"{info.name} {info.mtime}" for info in [*self.infos.values(), *control_members(self.deb)]
                 if info.mtime != EPOCH]
        self.assertEqual(wrong, [], "mtimes other than SOURCE_DATE_EPOCH")
        page = gzip.decompress(self.contents["./usr/share/man/man1/leakdemo.1.gz"]).decode()
        self.assertRegex(page, r'(?m)^\.TH LEAKDEMO "1" "November 2023" ')
        changelog = os.path.join(self.workdir, "changelog")
        with open(changelog, "wb") as file:
            file.write(gzip.decompress(self.contents["./usr/share/doc/leakdemo/changelog.Debian.gz"]))
        self.assertEqual(run(["dpkg-parsechangelog", "-l", changelog, "-S", "Timestamp"]).strip(), str(EPOCH))
        self.assertEqual(run(["dpkg-parsechangelog", "-l", changelog, "-S", "Version"]).strip(),
                         self.field("Version"))

    def test_gzip_members_carry_no_name_or_time(self):
        for name in ("./usr/share/man/man1/leakdemo.1.gz", "./usr/share/doc/leakdemo/changelog.Debian.gz"):
            header = self.contents[name][:10]
            self.assertEqual(header[3] & 0x08, 0, f"{name}: gzip stored the file name (gzip -n)")
            self.assertEqual(header[4:8], b"\0\0\0\0", f"{name}: gzip stored a time (gzip -n)")
            self.assertEqual(header[8], 2, f"{name}: not gzip -9")

    def test_owner_and_permissions(self):
        wrong = []
        for info in [*self.infos.values(), *control_members(self.deb)]:
            expected = 0o755 if info.isdir() or info.name in ("./usr/bin/leakdemo",) else 0o644
            if (info.uid, info.gid, info.uname, info.gname) != (0, 0, "root", "root") or info.mode != expected:
                wrong.append(f"{info.name} {info.uname}:{info.gname} {oct(info.mode)}")
        self.assertEqual(wrong, [], "not root:root with 0755 (directories, the program) / 0644 (the rest)")

    def test_binary_is_stripped(self):
        binary = os.path.join(self.workdir, "leakdemo")
        with open(binary, "wb") as file:
            file.write(self.contents["./usr/bin/leakdemo"])
        sections = run(["readelf", "--section-headers", "--wide", binary])
        self.assertNotIn(".symtab", sections)
        self.assertNotRegex(sections, r"\.debug_")

    def test_copyright_is_machine_readable_and_is_the_license(self):
        copyright_file = self.contents["./usr/share/doc/leakdemo/copyright"].decode()
        paragraphs = copyright_file.split("\n\n")
        self.assertTrue(paragraphs[0].startswith(
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"), paragraphs[0])
        self.assertIn("Files: *\nCopyright: ", paragraphs[1])
        self.assertIn("\nLicense: Expat", paragraphs[1])
        license_paragraph = paragraphs[2].splitlines()
        self.assertEqual(license_paragraph[0], "License: Expat")
        # The license text, undone from DEP-5's continuation lines, is LICENSE's from "Permission" on.
        text = "\n".join("" if line == " ." else line[1:] for line in license_paragraph[1:])
        with open(os.path.join(SOURCE_DIR, "LICENSE"), encoding="utf-8") as license_file:
            license_text = license_file.read()
        self.assertEqual(text.strip(), license_text[license_text.index("Permission is hereby"):].strip())
        year_and_holder = re.search(r"^Copyright \(c\) (.+)$", license_text, re.M).group(1)
        self.assertIn(f"Copyright: {year_and_holder}\n", paragraphs[1])

    def test_section_and_placeholder_maintainer(self):
        self.assertIn(self.field("Section"), ("utils", "devel"))
        # The placeholder stays a placeholder until a packager sets -DLEAKDEMO_PACKAGE_MAINTAINER.
        self.assertEqual(self.field("Maintainer"), "The leakdemo authors <leakdemo@example.org>")


class BuildDate(unittest.TestCase):
    """Without SOURCE_DATE_EPOCH the date is the last commit's (or the fallback without git history)."""

    def test_configure_takes_the_last_commit_date(self):
        if shutil.which("cmake") is None:
            self.skipTest("needs cmake")
        git = subprocess.run(["git", "-C", SOURCE_DIR, "log", "-1", "--format=%ct"], capture_output=True,
                             text=True, timeout=60) if shutil.which("git") else None
        expected = git.stdout.strip() if git and git.returncode == 0 else str(FALLBACK_EPOCH)
        with tempfile.TemporaryDirectory(prefix="leakdemo-date-") as build_dir:
            output = run(["cmake", "-S", SOURCE_DIR, "-B", build_dir, "-DLEAKDEMO_BUILD_TESTS=OFF",
                          "-DLEAKDEMO_BUILD_BENCH=OFF"], env=build_env())
            with open(os.path.join(build_dir, "source-date-epoch"), encoding="utf-8") as epoch_file:
                self.assertEqual(epoch_file.read().strip(), expected, output)
            with open(os.path.join(build_dir, "deb", "cpack-project-config.cmake"), encoding="utf-8") as config:
                self.assertIn(f'set(ENV{{SOURCE_DATE_EPOCH}} "{expected}")', config.read())


if __name__ == "__main__":
    unittest.main()
