"""End-to-end tests of the published JSON Schema (docs/schema/, draft 2020-12): every JSON Lines record the real
binary writes — every mode, --explain, --summary-only, -o FILE, a guard stop, compare — validates against
record.schema.json, and a key added to the output without the schema fails (additionalProperties: false).
Needs python3-jsonschema (scripts/setup.sh test); skipped without it, except under CI=true, where it fails.
"""
import copy
import json
import os
import re
import shutil
import tempfile
import unittest

from helpers import ARTICLE, SANITIZED, SOURCE_DIR, LiveTerminal, jsonl_records, run

try:
    import jsonschema
except ImportError:  # pragma: no cover - depends on the machine
    jsonschema = None

SCHEMA_DIR = os.path.join(SOURCE_DIR, "docs", "schema")
RECORD_TYPES = ("sample", "note", "summary", "watch_sample", "watch_note", "watch_summary", "scenario", "check", "event")
# `leakdemo check` needs valgrind (or liblsan) and an uninstrumented binary: its records are validated where
# it can run, and the coverage check below leaves them out elsewhere.
CHECK_RUNS = not SANITIZED and shutil.which("valgrind") is not None
WRITTEN_TYPES = set(RECORD_TYPES) - (set() if CHECK_RUNS else {"check"})


def load_schema(name):
    with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as file:
        return json.load(file)


def record_validator():
    """A validator for record.schema.json whose `$ref`s to the other files resolve to the files beside it."""
    root = load_schema("record.schema.json")
    others = {f"{kind}.schema.json": load_schema(f"{kind}.schema.json") for kind in RECORD_TYPES}
    try:  # jsonschema >= 4.18 resolves through `referencing`
        import referencing
        import referencing.jsonschema
        registry = referencing.Registry().with_resources(
            (uri, referencing.Resource.from_contents(schema, default_specification=referencing.jsonschema.DRAFT202012))
            for uri, schema in others.items())
        return jsonschema.Draft202012Validator(root, registry=registry)
    except ImportError:  # Debian 12's jsonschema 4.10
        resolver = jsonschema.RefResolver(base_uri="", referrer=root, store=others)
        return jsonschema.Draft202012Validator(root, resolver=resolver)


def readme_table_keys(heading_prefix):
    """The backticked keys in the first column of the README table whose header row starts with heading_prefix."""
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as readme:
        lines = readme.read().splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(f"| {heading_prefix}"))
    keys = set()
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        keys.update(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return keys


# Real runs that between them write every record type, every mode and every stop reason a test can provoke.
RUNS = {
    "leak --explain": ["-n", "3", "-i", "0", "--format", "jsonl", "--explain", "-q"],
    "free --explain": ["--mode", "free", "-n", "3", "-i", "0", "--format", "jsonl", "--explain", "-q"],
    "hold --explain": ["--mode", "hold", "-n", "3", "-i", "0", "--format", "jsonl", "--explain", "-q"],
    "touch none, huge blocks": ["--touch", "none", "-b", "40MiB", "-n", "2", "-i", "0", "--format", "jsonl", "-q"],
    "leak --summary-only": ["-n", "3", "-i", "0", "--summary-only", "--format", "jsonl"],
    "free --summary-only": ["--mode", "free", "-n", "3", "-i", "0", "--summary-only", "--format", "jsonl"],
    "hold --summary-only": ["--mode", "hold", "-n", "3", "-i", "0", "--summary-only", "--format", "jsonl"],
    "guard stop": ["-n", "100", "-i", "0", "--max-memory", "32MiB", "--format", "jsonl", "-q"],
    "compare --explain": ["compare", "-n", "3", "-i", "0", "--format", "jsonl", "--explain", "-q"],
    "compare leak,hold": ["compare", "--modes", "leak,hold", "-n", "3", "-i", "0", "--format", "jsonl", "-q"],
    "compare free,hold": ["compare", "--modes", "free,hold", "-n", "2", "-i", "0", "--format", "jsonl", "-q"],
    "watch the article": ["watch", "-i", "20ms", "--format", "jsonl", "-q", "--", ARTICLE, "3", "0.05"],
    "watch --explain": ["watch", "-i", "20ms", "--format", "jsonl", "--explain", "-q", "--", ARTICLE, "3", "0.05"],
    "watch --summary-only": ["watch", "-i", "20ms", "--summary-only", "--format", "jsonl", "--", ARTICLE, "2", "0.05"],
    "watch guard stop": ["watch", "-i", "20ms", "--max-memory", "24MiB", "--format", "jsonl", "-q", "--",
                         ARTICLE, "0", "0.02"],
    "scenarios": ["scenarios", "--format", "jsonl"],
}
# Each scenario of the zoo once, with its --explain notes (small blocks: the records, not the memory, count).
for scenario in ("indirect", "interior", "cycle", "exception", "cache", "fragment", "arena", "mmap"):
    RUNS[f"{scenario} --explain"] = ["--mode", scenario, "-b", "64KiB", "-n", "3", "-i", "0", "--format", "jsonl",
                                     "--explain", "-q"]
if CHECK_RUNS:
    # 64 KiB blocks: the schema does not need big ones, and under a loaded machine valgrind may call one of a
    # few large blocks "possibly lost" (docs/leak-checkers.md), which made this run exit 5 once in CI.
    RUNS["check leak"] = ["check", "--with", "valgrind", "-b", "64KiB", "-n", "3", "--format", "jsonl"]
    RUNS["check free, both checkers"] = ["check", "--mode", "free", "-n", "2", "--format", "jsonl"]
EXPECTED_EXIT = {"guard stop": 3, "watch guard stop": 3}


def live_records(workdir):
    """The JSONL of a `leakdemo live` run in tmux in which every kind of key was pressed (event records)."""
    path = os.path.join(workdir, "live.jsonl")
    terminal = LiveTerminal(workdir, ["-b", "1MiB", "-i", "20ms", "-o", path])
    try:
        terminal.wait_for(lambda screen: "iteration 2" in screen, "live's frame")
        for key in ("h", "r", "l", "f", "t", "m", "s", "s", "s", "Escape", "s", "1", "+", "-", "Space", "Space"):
            terminal.keys(key)
        terminal.wait_for(lambda screen: "key space: resumed" in screen, "the last key's note")
        terminal.keys("q")
        assert terminal.exit_status() == 0
    finally:
        terminal.close()
    with open(path, encoding="utf-8") as file:
        return jsonl_records(file.read())


@unittest.skipIf(jsonschema is None and not os.environ.get("CI"),
                 "python3-jsonschema is missing (scripts/setup.sh test installs it)")
class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if jsonschema is None:
            raise AssertionError("python3-jsonschema is missing in CI: scripts/setup.sh test must install it")
        cls.validator = record_validator()
        cls.records = {}
        for name, args in RUNS.items():
            result = run(*args)
            assert result.returncode == EXPECTED_EXIT.get(name, 0), f"{name}: exit {result.returncode}\n{result.stderr}"
            cls.records[name] = jsonl_records(result.stdout)
        with tempfile.TemporaryDirectory(prefix="leakdemo-schema-") as workdir:
            path = os.path.join(workdir, "run.jsonl")
            result = run("--mode", "free", "-n", "3", "-i", "0", "-o", path, "--explain", "-q")  # stdout: CSV
            assert result.returncode == 0, result.stderr
            with open(path, encoding="utf-8") as file:
                cls.records["-o FILE.jsonl"] = jsonl_records(file.read())
            cls.records["live -o FILE.jsonl"] = live_records(workdir)

    def errors(self, record):
        return [f"{'/'.join(map(str, error.absolute_path)) or '(record)'}: {error.message}"
                for error in self.validator.iter_errors(record)]

    def test_every_line_of_every_run_validates(self):
        for name, records in self.records.items():
            self.assertTrue(records, f"{name}: no output")
            for line, record in enumerate(records, 1):
                with self.subTest(run=name, line=line):
                    self.assertEqual(self.errors(record), [], json.dumps(record))

    def test_the_runs_cover_every_record_type_mode_and_stop_reason(self):
        every = [record for records in self.records.values() for record in records]
        self.assertEqual({record["type"] for record in every}, WRITTEN_TYPES)
        # Every mode the binary lists (its scenario records) wrote samples, notes or a summary here.
        listed = {record["mode"] for record in self.records["scenarios"]}
        self.assertGreaterEqual(len(listed), 11)
        self.assertEqual({record["mode"] for record in every if "mode" in record and record["type"] != "scenario"},
                         listed)
        watch_summaries = [record for record in every if record["type"] == "watch_summary"]
        self.assertEqual({record["stop_reason"] for record in watch_summaries}, {"exited", "guard"})
        summaries = [record for record in every if record["type"] == "summary"]
        self.assertEqual({record["stop_reason"] for record in summaries}, {"completed", "guard", "interrupted"})
        self.assertEqual({record["verdict"] for record in summaries}, {"leaking", "stable", "inconclusive"})
        # --summary-only writes exactly one record: the summary.
        self.assertEqual([record["type"] for record in self.records["leak --summary-only"]], ["summary"])

    def a_record(self, kind):
        return copy.deepcopy(next(record for records in self.records.values() for record in records
                                  if record["type"] == kind))

    def test_an_unknown_key_is_rejected_in_every_record_type(self):
        for kind in sorted(WRITTEN_TYPES):
            record = self.a_record(kind)
            record["rss_peak_bytes"] = 1
            with self.subTest(type=kind):
                self.assertTrue(any("rss_peak_bytes" in error for error in self.errors(record)), self.errors(record))

    def test_a_wrong_type_is_rejected(self):
        wrong = {"sample": ("rss_bytes", "4263936"), "note": ("text", 7), "summary": ("verdict", "leaky"),
                 "watch_sample": ("processes", -1), "watch_note": ("iteration", "1"), "watch_summary": ("stop_reason", "done"),
                 "scenario": ("lesson", ""), "check": ("verdict", "agreed"),
                 "event": ("key", "x")}
        wrong = {kind: change for kind, change in wrong.items() if kind in WRITTEN_TYPES}
        for kind, (key, value) in wrong.items():
            record = self.a_record(kind)
            record[key] = value
            with self.subTest(type=kind, key=key):
                self.assertTrue(any(error.startswith(key) for error in self.errors(record)), self.errors(record))
        sample = self.a_record("sample")
        sample["iteration"] = -1
        self.assertNotEqual(self.errors(sample), [])

    def test_a_missing_key_and_an_unknown_type_are_rejected(self):
        summary = self.a_record("summary")
        del summary["hwm_bytes"]
        self.assertTrue(any("hwm_bytes" in error for error in self.errors(summary)), self.errors(summary))
        summary = self.a_record("summary")
        summary["hwm_bytes"] = None  # VmHWM unreadable: null is allowed
        self.assertEqual(self.errors(summary), [])
        event = self.a_record("note")
        event["type"] = "event"
        self.assertNotEqual(self.errors(event), [])
        event = self.a_record("event")
        event["type"] = "events"
        self.assertNotEqual(self.errors(event), [])
        self.assertNotEqual(self.errors({"mode": "leak"}), [])

    def test_schemas_are_draft_2020_12_strict_and_described(self):
        for name in sorted(os.listdir(SCHEMA_DIR)):
            schema = load_schema(name)
            with self.subTest(schema=name):
                self.assertEqual(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
                jsonschema.Draft202012Validator.check_schema(schema)
                self.assertTrue(schema.get("description"))
        for kind in RECORD_TYPES:
            schema = load_schema(f"{kind}.schema.json")
            with self.subTest(schema=kind):
                self.assertIs(schema["additionalProperties"], False)
                self.assertEqual(schema["required"], list(schema["properties"]))
                self.assertEqual(schema["properties"]["type"], {**schema["properties"]["type"], "const": kind})
                undescribed = [key for key, value in schema["properties"].items() if not value.get("description")]
                self.assertEqual(undescribed, [])
                # Numbers carry their unit: bytes, seconds or a count.
                unitless = [key for key, value in schema["properties"].items()
                            if value.get("type") in ("integer", "number", ["integer", "null"])
                            and not re.match(r"^(Bytes|Seconds|Count)\b", value["description"])]
                self.assertEqual(unitless, [])

    def test_readme_tables_document_the_same_keys(self):
        sample_keys = set(load_schema("sample.schema.json")["properties"]) - {"type"}
        summary_keys = set(load_schema("summary.schema.json")["properties"]) - {"type"}
        self.assertEqual(readme_table_keys("sample column / key"), sample_keys)
        self.assertEqual(readme_table_keys("summary key"), summary_keys)


if __name__ == "__main__":
    unittest.main()
