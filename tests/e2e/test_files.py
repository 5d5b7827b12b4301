"""End-to-end tests of how -o FILE and --report FILE are written: never clobber what is not a regular file,
never follow a link planted at a temporary name, keep the mode, rename only at the end, one file per output."""
import glob
import os
import resource
import signal
import stat
import subprocess
import tempfile
import time
import unittest

from helpers import LEAKDEMO, csv_rows, jsonl_records, leakdemo_env, run

CSV_FIELDS = 14
NOBODY = 65534


def temporaries(path):
    """The temporary files a run keeps beside path: PATH.XXXXXX.tmp."""
    return glob.glob(glob.escape(path) + ".*.tmp")


class FileTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, mode=0o644):
        with open(self.path(name), "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(self.path(name), mode)

    def read(self, name):
        with open(self.path(name), encoding="utf-8") as file:
            return file.read()

    def assert_usage_error(self, result, flag):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "", "nothing ran")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith(f"leakdemo: error: {flag}: "), lines[0])

    def assert_no_temporaries(self):
        self.assertEqual(glob.glob(os.path.join(self.dir, "**", "*.tmp"), recursive=True), [])


class NotARegularFile(FileTestCase):
    """FILE must be a regular file or absent, checked at start: exit 2, nothing run, nothing touched."""

    def check_refused(self, name, kind):
        for flag, extra in (("--output", ["--format", "csv"]), ("--report", [])):
            with self.subTest(flag=flag, kind=kind):
                result = run(flag, self.path(name), *extra, "-n", 1, "-i", 0, timeout=30)  # a FIFO must not hang
                self.assert_usage_error(result, flag)
                self.assertIn(kind, result.stderr)
                self.assert_no_temporaries()

    def test_a_fifo_is_refused_without_blocking(self):
        os.mkfifo(self.path("fifo"))
        self.check_refused("fifo", "a FIFO")
        self.assertTrue(stat.S_ISFIFO(os.lstat(self.path("fifo")).st_mode))

    def test_a_directory_is_refused(self):
        os.mkdir(self.path("dir"))
        self.check_refused("dir", "a directory")
        self.assertTrue(os.path.isdir(self.path("dir")))

    @unittest.skipUnless(os.geteuid() == 0, "mknod needs root")
    def test_a_device_node_is_refused_and_stays_a_device(self):
        null = os.stat("/dev/null")
        os.mknod(self.path("null"), stat.S_IFCHR | 0o666, null.st_rdev)  # a copy of /dev/null's node
        self.check_refused("null", "a device")
        self.assertTrue(stat.S_ISCHR(os.lstat(self.path("null")).st_mode))

    def test_an_unwritable_directory_is_a_usage_error_before_the_run(self):
        os.chmod(self.dir, 0o755)
        os.mkdir(self.path("ro"), 0o555)
        os.chmod(self.path("ro"), 0o555)  # whatever the umask
        as_nobody = {"user": NOBODY} if os.geteuid() == 0 else {}  # root may write anywhere
        for flag, extra in (("--output", ["--format", "csv"]), ("--report", [])):
            with self.subTest(flag=flag):
                result = run(flag, self.path("ro/x.csv"), *extra, "-n", 2, "-i", 0, "--mode", "free",
                             timeout=30, **as_nobody)
                self.assert_usage_error(result, flag)
                self.assertIn("cannot create a file in", result.stderr)


class Symlinks(FileTestCase):
    def test_a_symlink_at_file_is_followed_its_target_replaced_and_the_link_kept(self):
        for flag, extra in (("--output", ["--format", "csv"]), ("--report", [])):
            with self.subTest(flag=flag):
                self.write("target", "old contents\n")
                os.symlink("target", self.path("link"))
                result = run(flag, self.path("link"), *extra, "-n", 2, "-i", 0, "--mode", "free", "-q")
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertTrue(os.path.islink(self.path("link")), "the link is kept")
                self.assertEqual(os.readlink(self.path("link")), "target")
                text = self.read("target")
                self.assertNotIn("old contents", text)
                self.assertIn("iteration" if flag == "--output" else "<html", text)
                os.remove(self.path("link"))
                self.assert_no_temporaries()

    def test_a_link_planted_at_the_old_temporary_name_is_never_followed(self):
        self.write("victim", "precious\n")
        for name in ("r.html.tmp", "r.csv.tmp"):
            os.symlink("victim", self.path(name))
        result = run("--report", self.path("r.html"), "-o", self.path("r.csv"), "-n", 2, "-i", 0, "--mode",
                     "free", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.read("victim"), "precious\n")
        self.assertTrue(os.path.islink(self.path("r.html.tmp")))
        self.assertIn("<html", self.read("r.html"))
        self.assertEqual(len(csv_rows(self.read("r.csv"))), 3)


class ModesAndRenames(FileTestCase):
    def test_an_existing_file_keeps_its_mode(self):
        for flag, name in (("--report", "r.html"), ("-o", "r.csv")):
            with self.subTest(flag=flag):
                self.write(name, "OLD CONTENTS\n", 0o600)
                result = run(flag, self.path(name), "-n", 1, "-i", 0, "--mode", "free", "-q")
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(stat.S_IMODE(os.stat(self.path(name)).st_mode), 0o600)
                self.assertNotIn("OLD CONTENTS", self.read(name), "replaced")

    def test_a_new_file_gets_0666_less_the_umask(self):
        args = ["--report", self.path("r.html"), "-o", self.path("r.csv"), "-n", 1, "-i", 0, "--mode", "free",
                "-q"]
        result = subprocess.run([LEAKDEMO, *map(str, args)], capture_output=True, text=True, timeout=60,
                                env=leakdemo_env(args), preexec_fn=lambda: os.umask(0o002))
        self.assertEqual(result.returncode, 0, result.stderr)
        for name in ("r.html", "r.csv"):
            self.assertEqual(stat.S_IMODE(os.stat(self.path(name)).st_mode), 0o664, name)

    def test_two_runs_with_the_same_file_never_mix_their_lines(self):
        path = self.path("shared.csv")
        processes = []
        for mode in ("leak", "free"):
            args = ["-o", path, "-n", 40, "-i", "1ms", "-b", "4KiB", "--mode", mode, "-q"]
            processes.append(subprocess.Popen([LEAKDEMO, *map(str, args)], stdout=subprocess.DEVNULL,
                                              stderr=subprocess.PIPE, text=True, env=leakdemo_env(args)))
        for process in processes:
            _, err = process.communicate(timeout=60)
            self.assertEqual(process.returncode, 0, err)
        rows = csv_rows(self.read("shared.csv"))  # the last run to finish, whole
        self.assertEqual([row["iteration"] for row in rows], list(range(41)))
        self.assertEqual(len({row["mode"] for row in rows}), 1, "one run's rows only")
        self.assert_no_temporaries()

    def lines_in_temporary(self, name):
        found = temporaries(self.path(name))
        self.assertLessEqual(len(found), 1, found)
        if not found:
            return []
        with open(found[0], encoding="utf-8") as file:
            text = file.read()
        return jsonl_records(text[:text.rfind("\n") + 1])

    def test_while_running_the_data_is_in_a_temporary_file_and_file_is_untouched(self):
        self.write("run.jsonl", "old\n")
        args = ["-o", self.path("run.jsonl"), "-i", "60s", "--mode", "free", "-q"]
        process = subprocess.Popen([LEAKDEMO, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True, env=leakdemo_env(args))
        self.addCleanup(process.kill)
        deadline = time.monotonic() + 60  # a hang detector, not a timing assertion
        while len(self.lines_in_temporary("run.jsonl")) < 2:  # samples 0 and 1: then it sleeps a minute
            self.assertLess(time.monotonic(), deadline, "no sample arrived in the temporary file")
            time.sleep(0.02)
        self.assertEqual(self.read("run.jsonl"), "old\n")
        self.assertEqual([r["iteration"] for r in self.lines_in_temporary("run.jsonl")], [0, 1])
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 143, err)
        records = jsonl_records(self.read("run.jsonl"))
        self.assertEqual(records[-1]["type"], "summary", "FILE complete after SIGTERM")
        self.assert_no_temporaries()

    def test_a_failed_run_removes_its_temporary_files_and_leaves_file_as_it_was(self):
        self.write("r.csv", "old\n")
        self.write("r.html", "old report\n")
        args = ["-o", self.path("r.csv"), "--report", self.path("r.html"), "-n", 100000, "-i", 0, "-b", 64,
                "--mode", "free", "-q"]

        def small_files():  # writes past 64 KiB fail with EFBIG instead of killing the process
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

        result = subprocess.run([LEAKDEMO, *map(str, args)], capture_output=True, text=True, timeout=120,
                                env=leakdemo_env(args), preexec_fn=small_files)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("leakdemo: error: ", result.stderr)
        self.assertEqual(self.read("r.csv"), "old\n")
        self.assertEqual(self.read("r.html"), "old report\n")
        self.assert_no_temporaries()

    def test_a_usage_error_found_later_removes_the_temporary_file_made_before_it(self):
        os.mkfifo(self.path("fifo"))
        result = run("-o", self.path("x.csv"), "--report", self.path("fifo"), "-n", 1, "-i", 0)
        self.assert_usage_error(result, "--report")
        self.assertFalse(os.path.exists(self.path("x.csv")))
        self.assert_no_temporaries()


class OneFilePerOutput(FileTestCase):
    def check_same(self, output, report):
        result = run("-o", self.path(output), "--report", self.path(report), "-n", 1, "-i", 0, "--format", "csv")
        self.assert_usage_error(result, "--report")
        self.assertIn("also the --output file", result.stderr)
        self.assert_no_temporaries()

    def test_the_same_path_twice_is_a_usage_error(self):
        self.check_same("x.csv", "x.csv")
        self.check_same("x.csv", "./x.csv")
        os.symlink("x.csv", self.path("dangling.html"))
        self.check_same("x.csv", "dangling.html")  # neither exists yet: compared by resolved path

    def test_an_existing_file_through_a_link_is_the_same_file(self):
        self.write("x.csv", "keep me\n")
        os.symlink("x.csv", self.path("y.html"))
        self.check_same("x.csv", "y.html")  # compared by device and inode
        self.assertEqual(self.read("x.csv"), "keep me\n")


if __name__ == "__main__":
    unittest.main()
