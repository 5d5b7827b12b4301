"""The HTML report in a real browser: headless Chromium (Debian's `chromium`, installed by scripts/setup.sh test)
loads it offline, the DOM it builds has every plotted point and the legend, and its screenshot is a picture."""
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest
import zlib

from helpers import LEAKDEMO, SOURCE_DIR, run

# Exactly the flags the README documents: no sandbox (containers, root), nothing fetched, no profile kept.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic"]


def find_chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def decode_png(data):
    """Returns (width, height, rows of (r, g, b) tuples) for an 8-bit RGB/RGBA non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, offset = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1:offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):  # undo the PNG filter of this scanline
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else up_left)
                line[i] = (line[i] + predictor) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


class BrowserRendersTheReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.chromium = find_chromium()
        if cls.chromium is None:
            if os.environ.get("CI"):
                raise AssertionError("chromium is missing in CI: scripts/setup.sh test must install it")
            raise unittest.SkipTest("chromium is not installed (scripts/setup.sh test installs it)")
        cls.dir = tempfile.TemporaryDirectory()
        cls.report = os.path.join(cls.dir.name, "leak.html")
        result = run("--report", cls.report, "--explain", "--mode", "leak", "-n", 8, "-i", 0, "--format", "csv",
                     "-q")
        assert result.returncode == 0, result.stderr
        cls.samples = len(result.stdout.splitlines()) - 1

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def chromium_run(self, *args):
        profile = tempfile.mkdtemp(dir=self.dir.name)
        result = subprocess.run([self.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args,
                                 "file://" + self.report], capture_output=True, text=True, timeout=180,
                                stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        return result

    def test_dom_has_one_point_per_sample_per_series_and_the_legend(self):
        dom = self.chromium_run("--dump-dom").stdout
        self.assertIn("<svg", dom)
        self.assertEqual(self.samples, 9)
        for metric in ("rss", "maxrss", "leaked"):
            points = re.findall(rf'<circle class="point" data-series="leak" data-metric="{metric}"', dom)
            self.assertEqual(len(points), self.samples, metric)
        labels = re.findall(r'<text class="legend-label"[^>]*>([^<]*)</text>', dom)
        self.assertEqual(labels, ["leak: RSS", "leak: max RSS", "leak: leaked"])
        self.assertIn("definitely lost", dom, "the --explain notes are in the page")

    def test_a_million_samples_render_from_their_buckets_with_the_peak_exact(self):
        report = os.path.join(self.dir.name, "long.html")
        result = run("--report", report, "--mode", "free", "-b", 64, "-n", 1_000_000, "-i", 0, "--summary-only",
                     "--format", "jsonl", timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = json.loads(result.stdout)
        self.assertLess(os.path.getsize(report), 2_000_000)
        profile = tempfile.mkdtemp(dir=self.dir.name)
        dom = subprocess.run([self.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                              "file://" + report], capture_output=True, text=True, timeout=180,
                             stdin=subprocess.DEVNULL)
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        # The page says how many points the run became; the browser's DOM has exactly that many per metric.
        said = re.search(r"1000001 samples in (\d+) points", dom.stdout)
        self.assertIsNotNone(said, "the bucket note is in the page")
        buckets = int(said.group(1))
        self.assertLessEqual(buckets, 2048)
        for metric in ("rss", "maxrss", "leaked"):
            points = re.findall(rf'<circle class="point" data-series="free" data-metric="{metric}"', dom.stdout)
            self.assertEqual(len(points), buckets, metric)
        plotted = re.findall(r'data-metric="maxrss" data-iteration="\d+" data-bytes="(\d+)" cx="[\d.]+" '
                             r'cy="([\d.]+)"', dom.stdout)
        peak_bytes, peak_y = max(((int(b), float(y)) for b, y in plotted))
        self.assertEqual(peak_bytes, summary["maxrss_bytes"], "the plotted peak is the run's peak")
        self.assertEqual(peak_y, min(float(y) for _, y in plotted), "and it is drawn highest")

    def test_screenshot_is_a_picture_of_the_chart(self):
        png = os.path.join(self.dir.name, "leak.png")
        self.chromium_run("--hide-scrollbars", "--window-size=1100,1250", f"--screenshot={png}")
        with open(png, "rb") as f:
            width, height, rows = decode_png(f.read())
        self.assertEqual((width, height), (1100, 1250))
        counts = {}
        for row in rows:
            for pixel in row:
                counts[pixel] = counts.get(pixel, 0) + 1
        background = max(counts.values())
        self.assertGreater(len(counts), 20, "more than a handful of colours: text and lines were drawn")
        self.assertGreater(width * height - background, width * height // 50, "at least 2% is not background")
        # The RSS line's blue and the leaked line's red, exactly, in the points' centres.
        self.assertGreater(counts.get((0x1F, 0x5F, 0xBF), 0), 50)
        self.assertGreater(counts.get((0xC4, 0x16, 0x2A), 0), 50)

    def test_screenshot_script_for_the_readme(self):
        # scripts/report-screenshot.sh made docs/report-free.png; it must keep working for a re-run.
        png = os.path.join(self.dir.name, "script.png")
        result = subprocess.run([os.path.join(SOURCE_DIR, "scripts", "report-screenshot.sh"), png, "--mode", "free",
                                 "-n", "3", "-i", "0"], capture_output=True, text=True, timeout=180,
                                env=dict(os.environ, LEAKDEMO=LEAKDEMO, WINDOW="800,600"), stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        with open(png, "rb") as f:
            width, height, _ = decode_png(f.read())
        self.assertEqual((width, height), (800, 600))


if __name__ == "__main__":
    unittest.main()
