"""scripts/screenshots.py, which makes the README's pictures: every shot is written, a PNG, at its device's width."""
import importlib.util
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
EXPECTED = {"phone-map.png": (390, 844), "phone-report.png": (390, 844), "tablet-triage.png": (1024, 768),
            "tablet-roster.png": (1024, 768), "tablet-performance.png": (1024, 768)}


def load_script():
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshots_are_written_at_phone_and_tablet_size(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright (python) is not installed")

    written = load_script().main([str(tmp_path / "shots")])

    assert sorted(p.name for p in written) == sorted(EXPECTED)
    for name, size in EXPECTED.items():
        path = tmp_path / "shots" / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == size, name
