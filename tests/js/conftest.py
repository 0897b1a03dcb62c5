"""The npm packages the TypeScript checks need: the verify cache of migrator/verify/node.py
(installed by scripts/setup_node.sh from migrator/verify/_node/package-lock.json), seen through
a node_modules folder whose `@google/genai` is the pin floor, 2.25.0."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrator.verify import node


@pytest.fixture(scope="session")
def js_packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """node_modules with typescript, both SDKs and Node's types; skips only without npm."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm / node not installed")
    root = node.cache_root()
    if not node.installed(root):
        node.install(root)
    _, floor = node.choose_genai(root, "2.25.0")
    modules = tmp_path_factory.mktemp("js-packages") / "node_modules"
    modules.mkdir()
    for entry in (root / "node_modules").iterdir():
        if entry.name != "@google":
            (modules / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    scope = modules / "@google"
    scope.mkdir()
    (scope / "genai").symlink_to(floor, target_is_directory=True)
    (scope / "generative-ai").symlink_to(root / "node_modules" / "@google" / "generative-ai",
                                         target_is_directory=True)
    return modules
