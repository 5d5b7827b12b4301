"""Shared helpers for the end-to-end tests: run the real binary as a user or a script would."""
import csv
import io
import json
import os
import re
import shlex
import signal
import subprocess
import time
import uuid

LEAKDEMO = os.environ.get("LEAKDEMO", "leakdemo")
ARTICLE = os.environ.get("ARTICLE", "article_memory_leaks")
SOURCE_DIR = os.environ.get("LEAKDEMO_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SANITIZED = os.environ.get("LEAKDEMO_SANITIZED", "0") in ("1", "ON", "true")

BLOCK = 4096000  # the article's 4096 * 1000


# The modes that lose memory on purpose, so that LeakSanitizer reports them (the zoo's indirect, cycle and
# exception too; interior's blocks keep an interior pointer, which LeakSanitizer counts as a reference).
LEAKING_MODES = ("leak", "indirect", "cycle", "exception")


def mode_of(args):
    """The --mode an argument list asks for (leak when not given); for compare, a leaking one if a child leaks."""
    args = [str(arg) for arg in args]
    if "compare" in args:
        modes = "leak,free"
        for index, arg in enumerate(args):
            if arg == "--modes" and index + 1 < len(args):
                modes = args[index + 1]
        leaking = [mode for mode in modes.split(",") if mode in LEAKING_MODES]
        return leaking[0] if leaking else modes.split(",")[0]
    for index, arg in enumerate(args):
        if arg in ("-m", "--mode") and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--mode="):
            return arg.split("=", 1)[1]
    return "leak"


def sanitizer_env(args):
    """Under ASan (LEAKDEMO_SANITIZED=1): the leaking modes leak on purpose, so LeakSanitizer is off for them; every
    other run keeps leak detection on and must be clean. malloc returning NULL is a feature under test
    (exit 3), so ASan must return NULL instead of aborting. ASan's quarantine (freed blocks held back for
    256 MiB) would make free mode grow RSS like a leak: it is off, as for the unit tests."""
    if not SANITIZED:
        return {}
    detect_leaks = 0 if mode_of(args) in LEAKING_MODES else 1
    return {"ASAN_OPTIONS": f"detect_leaks={detect_leaks}:allocator_may_return_null=1:quarantine_size_mb=0"}


def leakdemo_env(args, env=None):
    """The environment a test runs leakdemo in: no COLUMNS, sanitizer options, then the test's own."""
    full_env = dict(os.environ)
    full_env.pop("COLUMNS", None)
    full_env.update(sanitizer_env(args))
    if env:
        full_env.update(env)
    return full_env


def run(*args, timeout=120, env=None, **kwargs):
    """Runs leakdemo with args; returns the CompletedProcess (text mode)."""
    full_env = leakdemo_env(args, env)
    return subprocess.run([LEAKDEMO, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=full_env, stdin=subprocess.DEVNULL, **kwargs)


def help_text(*args, columns=None):
    """`leakdemo ARGS --help`'s stdout, which must succeed; `columns` sets COLUMNS (unset by default)."""
    result = run(*args, "--help", env={"COLUMNS": str(columns)} if columns is not None else None)
    assert result.returncode == 0, result.stderr
    return result.stdout


def subcommands():
    """The subcommands the top-level --help lists, in its order."""
    names, listing = [], False
    for line in help_text().splitlines():
        if line == "Subcommands:":
            listing = True
        elif listing and re.match(r"^  [a-z]", line):
            names.append(line.split()[0])
        elif listing and line and not line.startswith(" "):
            break
    return names


def csv_rows(text):
    """Parses leakdemo CSV into a list of dicts with integer fields converted."""
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for key, value in row.items():
            if key == "mode":
                continue
            row[key] = float(value) if key == "elapsed_s" else int(value)
    return rows


def jsonl_records(text):
    """Every line must be a JSON object; returns them in order."""
    return [json.loads(line) for line in text.splitlines()]


def run_csv(*args, **kwargs):
    result = run("--format", "csv", "--interval", "0", *args, **kwargs)
    return result, csv_rows(result.stdout)


# cgroup v1 memory boxes for the guard tests (this machine is v1; on v2 these tests skip with the reason).
CGROUP_V1_MEMORY = "/sys/fs/cgroup/memory"


def own_v1_memory_cgroup():
    """This process's cgroup v1 memory directory, or None."""
    try:
        with open("/proc/self/cgroup", encoding="ascii") as lines:
            for line in lines:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if "memory" in controllers.split(","):
                    directory = CGROUP_V1_MEMORY + path.rstrip("/")
                    return directory if os.path.isdir(directory) else CGROUP_V1_MEMORY
    except OSError:
        return None
    return None


def remove_cgroup(directory):
    """Kills whatever is left in the box (an OOM-killed compare's children die a moment later, by
    PR_SET_PDEATHSIG), then removes it; retried while the kernel still counts them."""
    for _ in range(100):
        try:
            with open(os.path.join(directory, "cgroup.procs"), encoding="ascii") as procs:
                for pid in procs.read().split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            os.rmdir(directory)
            return
        except OSError:
            time.sleep(0.05)
    os.rmdir(directory)  # the last try says why


def make_memory_box(test, limit_bytes, prefix="leakdemo-test"):
    """A child of this process's memory cgroup limited to `limit_bytes`, removed after the test (whatever is
    still inside is killed first); skips the test when no box can be made here."""
    parent = own_v1_memory_cgroup()
    if parent is None:
        test.skipTest("no cgroup v1 memory controller here (/proc/self/cgroup names none)")
    box = os.path.join(parent, f"{prefix}-{uuid.uuid4().hex[:8]}")
    try:
        os.mkdir(box)
        with open(os.path.join(box, "memory.limit_in_bytes"), "w", encoding="ascii") as limit:
            limit.write(str(limit_bytes))
    except OSError as error:
        if os.path.isdir(box):
            os.rmdir(box)
        test.skipTest(f"not permitted to create a memory cgroup here: {error}")
    test.addCleanup(remove_cgroup, box)
    return box


def run_in_memory_box(test, box, args, timeout):
    """Runs leakdemo ARGS inside `box`: a shell moves itself into the box, then becomes leakdemo, so only
    leakdemo (and what it starts) runs under the limit. Skips the test when the move is not permitted."""
    procs = os.path.join(box, "cgroup.procs")
    command = " ".join(shlex.quote(str(arg)) for arg in [LEAKDEMO, *args])
    script = f"echo $$ > {shlex.quote(procs)} || exit 77; exec {command}"
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL, env=leakdemo_env(args))
    if result.returncode == 77:
        test.skipTest(f"not permitted to move a process into the cgroup: {result.stderr.strip()}")
    return result


class LiveTerminal:
    """`leakdemo live` in a real terminal: a detached tmux server of its own (unique socket, killed by
    close()), a pane of `width` x `height` running a wrapper script that records `stty -g` before and after
    the run and leakdemo's exit status into files in `workdir` (`before`: shell lines run first, e.g. a
    ulimit), then waits, so the pane (and the terminal
    state leakdemo left) stays for inspection. No sleep-based asserts: wait_for() polls with a deadline."""

    def __init__(self, workdir, args, width=100, height=30, env=None, interactive=False, before=""):
        import shlex
        import uuid
        self.workdir = workdir
        self.socket = f"leakdemo-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        full_env = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
        if SANITIZED:  # live switches modes: some of them leak on purpose
            full_env["ASAN_OPTIONS"] = "detect_leaks=0:allocator_may_return_null=1:quarantine_size_mb=0"
        full_env.update(env or {})
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in full_env.items())
        command = " ".join(shlex.quote(str(arg)) for arg in [LEAKDEMO, "live", *args])
        self.files = {name: os.path.join(workdir, name) for name in ("before", "after", "rc")}
        script = os.path.join(workdir, "wrapper.sh")
        with open(script, "w", encoding="utf-8") as file:
            file.write(f"""stty -g > {self.files['before']}
export {exports}
{before}
{command}
echo $? > {self.files['rc']}.tmp
stty -g > {self.files['after']}
mv {self.files['rc']}.tmp {self.files['rc']}
exec sleep 600
""")
        if interactive:
            # An interactive shell with job control (Ctrl-Z, fg): the test types `self.command` itself.
            self.command = command
            self.tmux("new-session", "-d", "-x", str(width), "-y", str(height),
                      f"env {exports} PS1='$ ' bash --norc --noprofile -i")
            return
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height), f"bash --norc --noprofile {script}")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30,
                              check=True).stdout

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)

    def screen(self):
        return self.tmux("capture-pane", "-p")

    def keys(self, *keys):
        self.tmux("send-keys", *keys)

    def pane_flags(self):
        """(alternate screen on, cursor visible) as tmux sees the pane."""
        on, cursor = self.tmux("display-message", "-p", "#{alternate_on} #{cursor_flag}").split()
        return on == "1", cursor == "1"

    def leakdemo_pid(self):
        """The pid of leakdemo: the pane's shell's child."""
        shell = int(self.tmux("display-message", "-p", "#{pane_pid}"))
        with open(f"/proc/{shell}/task/{shell}/children", encoding="utf-8") as file:
            children = file.read().split()
        return int(children[0]) if children else None

    def wait_for(self, condition, what, timeout=30):
        """Polls condition() (given the screen's capture when it takes an argument) until it is true; returns
        the last capture."""
        import inspect
        import time
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.screen()
            takes_screen = bool(inspect.signature(condition).parameters)
            if condition(last) if takes_screen else condition():
                return last
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{last}")

    def exit_status(self, timeout=30):
        self.wait_for(lambda: os.path.exists(self.files["rc"]), "leakdemo to exit", timeout)
        with open(self.files["rc"], encoding="utf-8") as file:
            return int(file.read())

    def stty(self, which):
        with open(self.files[which], encoding="utf-8") as file:
            return file.read().strip()
