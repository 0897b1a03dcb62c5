"""google-genai's dependency table (rules/packages.toml) and the installability check built on it.

Offline: the table is compared with the metadata of the google-genai the dev extra installed,
and the check's verdicts are compared with pip's own resolver run over a local folder of stub
wheels made here from the table (`pip install --dry-run --no-index --find-links`), so a verdict
that disagrees with pip fails whatever the table says.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from migrator.knowledge import packages
from migrator.lint.resolve import Pin, check, compatible, interval, python_lowest, table

DATA = packages()["python"]["genai_dependencies"]
RANGE = packages()["python"]["genai_requirement"].removeprefix("google-genai")


def _normal(requirements: list[str]) -> set[str]:
    out = set()
    for text in requirements:
        req = Requirement(text)
        if req.marker is not None and "extra" in str(req.marker):
            continue
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        marker = f"; {req.marker}" if req.marker else ""
        out.add(f"{req.name.lower().replace('_', '-')}{extras}{req.specifier}{marker}")
    return out


def test_table_matches_the_installed_release() -> None:
    installed = Version(importlib.metadata.version("google-genai"))
    assert installed in SpecifierSet(RANGE), f"the dev extra installed {installed}"
    release = next(r for r in DATA["release"] if installed in SpecifierSet(r["versions"]))
    meta = importlib.metadata.metadata("google-genai")
    assert release["requires_python"] == meta["Requires-Python"]
    assert _normal(release["requires"]) == _normal(importlib.metadata.requires("google-genai")
                                                   or [])


def test_releases_cover_the_range_without_gaps() -> None:
    bounds = [SpecifierSet(r["versions"]) for r in DATA["release"]]
    lows = [Version(next(s.version for s in b if s.operator == ">=")) for b in bounds]
    highs = [Version(next(s.version for s in b if s.operator == "<")) for b in bounds]
    assert str(lows[0]) == DATA["lowest"] and highs[-1] == Version(DATA["below"])
    assert all(high == low for high, low in zip(highs, lows[1:], strict=False))
    assert f">={DATA['lowest']},<{DATA['below']}" == RANGE


def test_every_transitive_entry_is_a_dependency_of_some_release() -> None:
    names = {Requirement(r).name for release in DATA["release"] for r in release["requires"]}
    for entry in DATA["transitive"]:
        assert entry["package"] in names
        wanted = [Requirement(r) for release in DATA["release"] for r in release["requires"]
                  if Requirement(r).name == entry["package"]]
        # The recorded version is the lowest some release accepts.
        assert any(Version(entry["version"]) in req.specifier for req in wanted)


@pytest.mark.parametrize(("spec", "low", "high", "empty"), [
    ("==2.8.2", (2, 8, 2), (2, 8, 2), False),
    (">=2.12.5,<3.0.0", (2, 12, 5), (3, 0, 0), False),
    ("~=1.4.2", (1, 4, 2), (1, 5), False),
    ("==1.*", (1,), (2,), False),
    (">=3,<2", (3,), (2,), True),
    ("<2", (), (2,), False),
])
def test_interval(spec: str, low: tuple[int, ...], high: tuple[int, ...], empty: bool) -> None:
    found = interval(spec)
    assert (found.low, found.empty) == (low, empty)
    assert found.high == high


def test_compatible_agrees_with_packaging() -> None:
    versions = [Version(v) for v in ("2.8.2", "2.12.4", "2.12.5", "2.13.0", "3.0.0", "1.10.0")]
    specs = ["==2.8.2", ">=2.12.5,<3.0.0", "~=2.12", "<2.12.5", ">2.12.5", "<=2.12.5",
             "==2.*", ">=1.10,<2"]
    for first in specs:
        for second in specs:
            both = SpecifierSet(first) & SpecifierSet(second)
            witnessed = any(v in both for v in versions)
            if witnessed:  # a version the sample has satisfies both: never called a conflict
                assert compatible(first, second), (first, second)
            if not compatible(first, second):
                assert not witnessed


@pytest.mark.parametrize(("spec", "lowest"), [
    (">=3.9", (3, 9)), ("^3.10", (3, 10)), ("3.11", (3, 11)), ("python-3.9.18", (3, 9)),
    ("=3.12", (3, 12)), (">=3.8 || ^3.11", (3, 8)), ("*", None), ("<3.12", None),
])
def test_python_lowest(spec: str, lowest: tuple[int, ...] | None) -> None:
    assert python_lowest(spec) == lowest


# --- the verdicts against pip's resolver ------------------------------------------------------


def _wheel(folder: Path, name: str, version: str, requires: list[str],
           python: str = "") -> None:
    """A minimal valid wheel: metadata only, which is all a dry run reads."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{dist}/__init__.py": "",
        f"{info}/METADATA": "\n".join(
            ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
             *([f"Requires-Python: {python}"] if python else []),
             *(f"Requires-Dist: {r}" for r in requires)]) + "\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest())
        record.append(f"{path},sha256={digest.rstrip(b'=').decode()},{len(text)}")
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    with zipfile.ZipFile(folder / f"{dist}-{version}-py3-none-any.whl", "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)


# Versions of google-genai's dependencies a pin below may name, beside each floor of the table.
EXTRA_VERSIONS = {
    "pydantic": ["2.8.2", "2.13.0"], "pydantic-core": ["2.20.1", "2.43.0"],
    "google-auth": ["2.32.0", "2.60.0"], "typing-extensions": ["4.12.2", "4.15.0"],
    "httpx": ["0.27.0"], "requests": ["2.25.1", "2.29.0", "2.32.3"],
    "tenacity": ["9.2.0"], "anyio": ["3.7.1"], "websockets": ["12.0", "15.0.1", "17.0"],
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stub wheels shaped by the table: one google-genai per release block (its lowest
    version), its dependencies at their floors and at the versions the cases pin, and the
    recorded second-level requirements on the dependencies' floor versions and newer."""
    folder = tmp_path_factory.mktemp("index")
    transitive = {e["package"]: e for e in DATA["transitive"]}
    versions: dict[str, set[str]] = {}

    def want(text: str) -> None:
        req = Requirement(text)
        floors = [s.version.removesuffix(".*") for s in req.specifier if s.operator in
                  (">=", "==", "~=")]
        name = req.name.lower().replace("_", "-")
        versions.setdefault(name, set()).update(floors or ["1.0"])

    for release in DATA["release"]:
        low = next(s.version for s in SpecifierSet(release["versions"]) if s.operator == ">=")
        _wheel(folder, "google-genai", low, release["requires"], release["requires_python"])
        for text in release["requires"]:
            want(text)
    for entry in DATA["transitive"] + DATA.get("target", []):
        for text in entry["requires"]:
            want(text.split(";")[0])
    for name, extra in EXTRA_VERSIONS.items():
        versions.setdefault(name, set()).update(extra)
    targets = {e["package"]: e for e in DATA.get("target", [])}
    for name, entry in targets.items():
        versions.setdefault(name, set()).add(entry["version"])
    for name, found in versions.items():
        for version in found:
            entry = transitive.get(name)
            requires = []
            if entry is not None and Version(version) >= Version(entry["version"]):
                # Newer releases need at least what the floor needs (the table's premise).
                requires = [r for r in entry["requires"] if ";" not in r]
            target = targets.get(name)
            if target is not None and Version(version) >= Version(target["version"]):
                requires = [r for r in target["requires"] if ";" not in r]
            if name == "pydantic" and version in ("2.8.2", "2.13.0"):
                # A pydantic is tied to the pydantic-core of its own release.
                core = "2.43.0" if version == "2.13.0" else "2.20.1"
                requires = [r for r in requires if not r.startswith("pydantic-core")]
                requires.append(f"pydantic-core=={core}")
            _wheel(folder, name, version, requires)
    return folder


def _pip_resolves(index: Path, pins: list[str], python: str | None = None) -> bool:
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--quiet",
               "--disable-pip-version-check", "--find-links", str(index),
               "--ignore-installed", f"google-genai{RANGE}", *pins]
    if python:
        command += ["--python-version", python, "--only-binary=:all:"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return done.returncode == 0


CASES = [
    ([], None),
    (["pydantic==2.8.2"], None),
    (["google-auth==2.32.0", "typing_extensions==4.12.2"], None),
    (["httpx==0.27.0"], None),  # 3.x moved to httpx2
    (["httpx==0.27.0"], "3.10"),  # ... which needs Python 3.11
    (["websockets==17.0"], None),
    (["tenacity==9.2.0"], None),
    (["requests==2.29.0"], None),  # google-auth[requests]>=2.56 needs requests>=2.30
    (["pydantic-core==2.20.1"], None),  # pydantic>=2.12.5 needs a newer core
    (["pydantic==2.13.0", "pydantic-core==2.43.0", "google-auth==2.60.0"], None),
    ([], "3.9"),
]


@pytest.mark.parametrize(("pins", "python"), CASES)
def test_verdict_agrees_with_pip(index: Path, pins: list[str], python: str | None) -> None:
    parsed = [Pin(Requirement(p).name.lower().replace("_", "-"), p,
                  str(Requirement(p).specifier)) for p in pins]
    lowest = python_lowest(python) if python else None
    verdict = check(parsed, RANGE, lowest)
    assert verdict.ok == _pip_resolves(index, pins, python), (pins, python, verdict)


def test_table_loads_every_release() -> None:
    assert len(table().releases) == len(DATA["release"])


def _project(root: Path, requirements: str) -> Path:
    root.mkdir()
    (root / "app.py").write_text(
        "from google import genai\n\nclient = genai.Client()\n"
        'print(client.interactions.create(model="gemini-2.5-flash", input="x").output_text)\n',
        encoding="utf-8")
    (root / "embed.py").write_text(
        "import google.generativeai as genai\n\nprint(genai.embed_content)\n", encoding="utf-8")
    (root / "requirements.txt").write_text(requirements, encoding="utf-8")
    return root / "requirements.txt"


def _run(path: Path) -> list[str]:
    from migrator import engine
    from migrator.config import Settings

    ctx = engine.make_context(Settings(root=str(path.parent)), write=True)
    results = engine.run([str(path)], ctx)
    return [f"{f.code}{'*' if f.fixed else ''}" for r in results for f in r.findings]


def test_what_the_run_writes_pip_can_install(index: Path, tmp_path: Path) -> None:
    _wheel(index, "google-generativeai", "0.8.3", [])
    frozen = "google-generativeai==0.8.3\npydantic==2.13.0\npydantic-core==2.43.0\n"
    path = _project(tmp_path / "ok", frozen)
    assert "GM407*" in _run(path)
    written = path.read_text(encoding="utf-8")
    assert f"google-genai{RANGE}" in written
    assert _pip_resolves(index, ["-r", str(path)])


def test_conflicting_exact_pins_are_raised_to_a_set_pip_installs(index: Path,
                                                                   tmp_path: Path) -> None:
    _wheel(index, "google-generativeai", "0.8.3", [])
    frozen = "google-generativeai==0.8.3\npydantic==2.8.2\npydantic-core==2.20.1\n"
    path = _project(tmp_path / "frozen", frozen)
    # What a naive edit would have written: pip refuses it.
    assert _pip_resolves(index, ["google-generativeai==0.8.3", "pydantic==2.8.2"]) is False
    assert sorted(_run(path)) == ["GM401", "GM407*", "GM411*", "GM411*"]
    assert path.read_text(encoding="utf-8") == (
        f"google-generativeai==0.8.3\ngoogle-genai{RANGE}\npydantic==2.12.5\n"
        "pydantic-core==2.41.5\n")
    assert _pip_resolves(index, ["-r", str(path)])


def test_a_set_pip_cannot_install_is_never_written(index: Path, tmp_path: Path) -> None:
    _wheel(index, "google-generativeai", "0.8.3", [])
    _wheel(index, "pydantic", "1.10.13", [])
    # pydantic 1.x to 2.12.5 is a major jump: not raised, so nothing is written.
    frozen = "google-generativeai==0.8.3\npydantic==1.10.13\n"
    path = _project(tmp_path / "frozen", frozen)
    assert sorted(_run(path)) == ["GM401", "GM407", "GM408"]
    assert path.read_text(encoding="utf-8") == frozen
    assert _pip_resolves(index, ["google-generativeai==0.8.3", "pydantic==1.10.13"]) is False
    assert _pip_resolves(index, ["google-generativeai==0.8.3"])


# Frozen files: whatever the run writes into them, pip must be able to install.
FROZEN = [
    "pydantic==2.8.2\npydantic-core==2.20.1\ntyping_extensions==4.12.2\ngoogle-auth==2.32.0\n",
    "typing-extensions==4.12.2\n",
    "requests==2.25.1\ngoogle-auth==2.32.0\n",
    "websockets==12.0\n",  # 12 -> 13 is a major jump: reported, not raised
    "websockets==17.0\n",  # too new for 2.x, fine for 3.x
    "pydantic==2.8.2\npydantic-core==2.20.1  # pinned by hand\n",
    "anyio==3.7.1\npydantic==2.8.2\n",  # anyio 3 -> 4: nothing raised
    "tenacity==9.2.0\n",  # above google-genai's cap: never lowered
]


@pytest.mark.parametrize("pins", FROZEN)
def test_what_a_run_writes_into_a_frozen_file_pip_installs(index: Path, tmp_path: Path,
                                                            pins: str) -> None:
    _wheel(index, "google-generativeai", "0.8.3", [])
    root = tmp_path / "p"
    root.mkdir()
    (root / "app.py").write_text(
        "from google import genai\n\nclient = genai.Client()\n"
        'print(client.interactions.create(model="gemini-2.5-flash", input="x").output_text)\n',
        encoding="utf-8")
    path = root / "requirements.txt"
    original = "google-generativeai==0.8.3\n" + pins
    path.write_text(original, encoding="utf-8")
    found = _run(path)
    written = path.read_text(encoding="utf-8")
    if written == original:
        assert "GM401*" not in found and not any(f.startswith("GM411") for f in found)
        return
    assert "google-generativeai" not in written and "GM401*" in found
    assert _pip_resolves(index, ["-r", str(path)]), (found, written)


def test_every_target_meets_the_bounds_it_serves() -> None:
    """The version a pin is raised to satisfies every recorded requirement on its package."""
    requirements = [r for e in DATA["release"] + DATA["transitive"]
                    for r in e["requires"] if ";" not in r]
    targets = {e["package"]: e["version"] for e in DATA["target"]}
    for text in requirements:
        req = Requirement(text)
        name = req.name.lower().replace("_", "-")
        lows = [s.version for s in req.specifier if s.operator in (">=", "==")
                and "*" not in s.version]
        if not lows:
            continue
        assert name in targets, text
        if not req.specifier.contains(targets[name]):
            # Only an upper bound of another release may exclude it (websockets<17 vs 3.x).
            assert all(Version(targets[name]) >= Version(low) for low in lows), text
