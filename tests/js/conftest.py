"""The npm packages the TypeScript checks need, installed by scripts/setup_js_tests.sh."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "js-tests" / "node_modules"


@pytest.fixture(scope="session")
def js_packages() -> Path:
    """node_modules with typescript, both SDKs and Node's types; skips only without npm."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm / node not installed")
    if not (CACHE / ".bin" / "tsc").exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "setup_js_tests.sh")], check=True)
    return CACHE
