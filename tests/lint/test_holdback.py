"""Engine level: code is migrated only where a manifest that governs it can declare google-genai
(GM412), and the manifests a run edits follow their own folder's code (usage.manifest_scope)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator import engine
from migrator.config import Settings

LEGACY = (
    "import google.generativeai as genai\n\n"
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("Hello").text)\n'
)
HASHED = ("google-generativeai==0.8.3 \\\n"
          "    --hash=sha256:1108ff89d5b8e59f51e63d1a8bf84701cd84656e17ca28d73aeed745e736d9b7\n")


def _tree(root: Path, files: dict[str, str]) -> None:
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def _run(root: Path, *, write: bool) -> dict[str, list[str]]:
    files = sorted(str(p) for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)
    ctx = engine.make_context(Settings(root=str(root)), write=write)
    out: dict[str, list[str]] = {}
    for result in engine.run(files, ctx):
        rel = Path(result.path).relative_to(root).as_posix()
        out[rel] = sorted(f"{f.line} {f.code}{'*' if f.fixed else ''}" for f in result.findings)
    return out


@pytest.mark.parametrize("write", [False, True])
def test_sub_apps_are_judged_by_their_own_manifests(tmp_path: Path, write: bool) -> None:
    _tree(tmp_path, {
        "requirements.txt": HASHED, "legacy.py": LEGACY,
        "app/requirements.txt": "google-generativeai==0.8.3\nstreamlit==1.38.0\n",
        "app/main.py": LEGACY,
    })
    found = _run(tmp_path, write=write)
    # The root's only manifest is hash-checked: legacy.py stays as it was.
    assert "1 GM412" in found["legacy.py"]
    assert not any(f.endswith("*") for f in found["legacy.py"])
    assert (tmp_path / "legacy.py").read_text(encoding="utf-8") == LEGACY
    # app/ has a manifest of its own that can be given google-genai: migrated.
    assert "1 GM001*" in found["app/main.py"] and "1 GM412" not in found["app/main.py"]
    assert found["app/requirements.txt"] == ["1 GM401*"]
    if write:
        assert "from google import genai" in (tmp_path / "app/main.py").read_text()
        assert (tmp_path / "app/requirements.txt").read_text() == (
            "google-genai>=2.26.0,<4\nstreamlit==1.38.0\n")
        assert (tmp_path / "requirements.txt").read_text() == HASHED


def test_a_python_below_google_genai_holds_the_code_back(tmp_path: Path) -> None:
    _tree(tmp_path, {"requirements.txt": "google-generativeai==0.8.3\n",
                     "runtime.txt": "python-3.9.18\n", "app.py": LEGACY})
    found = _run(tmp_path, write=True)
    assert "1 GM412" in found["app.py"]
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == LEGACY
    assert (tmp_path / "requirements.txt").read_text() == "google-generativeai==0.8.3\n"


def test_pins_that_can_be_raised_do_not_hold_the_code_back(tmp_path: Path) -> None:
    _tree(tmp_path, {"requirements.txt": "google-generativeai==0.8.3\npydantic==2.8.2\n",
                     "app.py": LEGACY})
    found = _run(tmp_path, write=True)
    assert "1 GM412" not in found["app.py"]
    assert found["requirements.txt"] == ["1 GM401*", "2 GM411*"]
    assert (tmp_path / "requirements.txt").read_text() == (
        "google-genai>=2.26.0,<4\npydantic==2.12.5\n")


def test_a_notebook_is_held_back_too(tmp_path: Path) -> None:
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": LEGACY.splitlines(keepends=True)}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook, indent=1) + "\n"
    _tree(tmp_path, {"notebook.ipynb": text,
                     "pyproject.toml": '[project]\nname = "x"\ndependencies = [\n'
                                       '    "google-generativeai",\n    broken\n]\n'})
    found = _run(tmp_path, write=True)
    assert any(f.endswith("GM412") for f in found["notebook.ipynb"])
    assert (tmp_path / "notebook.ipynb").read_text(encoding="utf-8") == text


def test_no_manifest_naming_the_sdk_holds_nothing_back(tmp_path: Path) -> None:
    _tree(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": LEGACY})
    found = _run(tmp_path, write=True)
    assert "1 GM001*" in found["app.py"]


def test_a_legacy_pin_nothing_imports_raises_nothing(tmp_path: Path) -> None:
    frozen = "google-generativeai==0.8.3\npydantic==2.8.2\n"
    _tree(tmp_path, {"requirements.txt": frozen, "util.py": "import os\n"})
    found = _run(tmp_path, write=True)
    assert found["requirements.txt"] == ["1 GM401", "2 GM408"]
    assert (tmp_path / "requirements.txt").read_text() == frozen


def test_google_genai_code_without_interactions_gets_its_pins_raised(tmp_path: Path) -> None:
    _tree(tmp_path, {"requirements.txt": "google-generativeai==0.8.3\npydantic==2.8.2\n",
                     "app.py": "from google import genai\n\nprint(genai.Client().models)\n"})
    found = _run(tmp_path, write=True)
    assert found["requirements.txt"] == ["1 GM401*", "2 GM411*"]


MANIFESTS = {
    "requirements.txt": [
        "google-generativeai==0.8.3\n",
        HASHED,
        "google-generativeai==0.8.3\npydantic==2.8.2\npydantic-core==2.20.1\n",
        "google-generativeai==0.8.3\npydantic==1.10.13\n",
        "google-generativeai==0.8.3\nwebsockets==12.0\n",
        "-c constraints.txt\ngoogle-generativeai==0.8.3\n",
    ],
    "pyproject.toml": [
        '[project]\nname = "x"\ndependencies = ["google-generativeai>=0.8", "pydantic==2.8.2"]\n',
        '[project]\nname = "x"\nrequires-python = ">=3.9"\n'
        'dependencies = ["google-generativeai>=0.8"]\n',
        '[project]\nname = "x"\ndependencies = [\n    "google-generativeai",\n    broken\n]\n',
        '[tool.poetry.dependencies]\npython = "^3.11"\ngoogle-generativeai = "^0.8.3"\n'
        'pydantic = "2.8.2"\n',
    ],
    "setup.cfg": [
        "[options]\ninstall_requires = google-generativeai\n",
        "[options]\ninstall_requires =\n    google-generativeai\n    typing_extensions==4.12.2\n",
    ],
}
CASES = [(name, text) for name, texts in MANIFESTS.items() for text in texts]


@pytest.mark.parametrize(("name", "text"), CASES)
def test_migrated_code_is_always_declared(tmp_path: Path, name: str, text: str) -> None:
    """Whatever the manifest, after a run the code imports google-genai only where its
    manifest declares google-genai; otherwise it stays legacy with GM412."""
    files = {name: text, "app.py": LEGACY, "sub/helper.py": LEGACY}
    if "constraints.txt" in text:
        files["constraints.txt"] = "typing_extensions==4.12.2\n"
    _tree(tmp_path, files)
    found = _run(tmp_path, write=True)
    declared = "google-genai" in (tmp_path / name).read_text(encoding="utf-8")
    for code in ("app.py", "sub/helper.py"):
        migrated = "from google import genai" in (tmp_path / code).read_text(encoding="utf-8")
        assert migrated == declared, (code, found)
        assert migrated or any(f.endswith("GM412") for f in found[code]), found[code]
