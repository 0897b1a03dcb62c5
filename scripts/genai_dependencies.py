"""Build the google-genai dependency table of migrator/rules/packages.toml from PyPI metadata.

    python scripts/genai_dependencies.py            print the TOML tables
    python scripts/genai_dependencies.py --check    exit 1 if packages.toml disagrees

What the pin checks need to know, offline, to be sure a manifest they write can be installed:
for every google-genai release in the range the migration writes (`genai_range`), its
Requires-Python and its Requires-Dist (extras left out); and, for the dependencies whose own
requirements a frozen requirements file can contradict (google-auth[requests], pydantic, the
HTTP client), the requirements of the lowest version of each that some google-genai of the range
accepts (the weakest ones pip can choose). Releases with identical metadata are merged into one
`[[python.genai_dependencies.release]]` block spanning them.

Metadata comes from `pip install --dry-run --no-deps --ignore-installed --report`, which reads a
release's METADATA from the index without installing anything: the index pip is configured with
is the only network access. Maintainers run this when google-genai releases (the unit tests
check only the installed release against the table; they never use the network).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "migrator" / "rules" / "packages.toml"
# Dependencies of google-genai whose own requirements are recorded (with the extra genai asks).
TRANSITIVE = ("google-auth[requests]", "pydantic", "anyio", "httpx", "httpx2")


def _metadata(spec: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--no-deps",
             "--ignore-installed", "--disable-pip-version-check", "--report", str(report), spec],
            check=True, stdout=subprocess.DEVNULL,
        )
        data: dict = json.loads(report.read_text())["install"][0]["metadata"]
        return data


def _versions(package: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", package,
         "--disable-pip-version-check"], check=True, capture_output=True, text=True,
    ).stdout
    match = re.search(r"Available versions: (.*)", out)
    return match.group(1).split(", ") if match else []


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def _requires(meta: dict, extras: tuple[str, ...] = ()) -> list[str]:
    out = []
    for item in meta.get("requires_dist") or []:
        requirement, _, marker = item.partition(";")
        extra = re.search(r"""extra\s*==\s*["']([\w-]+)["']""", marker)
        if extra and extra.group(1) not in extras:
            continue
        if extra:
            # Only the extra's condition was in the way; other markers (python_version) stay.
            marker = re.sub(r"""(?:\s*and\s*)?extra\s*==\s*["'][\w-]+["']""", "", marker)
            marker = marker.strip().removeprefix("and").strip()
        requirement = re.sub(r"\s+", "", requirement).replace("(", "").replace(")", "")
        out.append(f"{requirement}; {marker.strip()}" if marker.strip() else requirement)
    return sorted(set(out), key=str.lower)


def _quote(text: str) -> str:
    """A TOML string: literal ('...') when the text holds double quotes (markers do)."""
    return f"'{text}'" if '"' in text else f'"{text}"'


def _floor(requirement: str) -> str | None:
    match = re.search(r">=\s*([\w.]+)|==\s*([\w.]+)", requirement)
    return (match.group(1) or match.group(2)) if match else None


def build() -> str:
    import tomllib

    data = tomllib.loads(PACKAGES.read_text(encoding="utf-8"))
    table = data["python"]["genai_dependencies"]
    low, high = _key(table["lowest"]), _key(table["below"])
    versions = sorted((v for v in _versions("google-genai")
                       if re.fullmatch(r"[\d.]+", v) and low <= _key(v) < high), key=_key)
    groups: list[tuple[list[str], str, list[str]]] = []
    for version in versions:
        meta = _metadata(f"google-genai=={version}")
        python, requires = meta.get("requires_python") or "", _requires(meta)
        if groups and groups[-1][1] == python and groups[-1][2] == requires:
            groups[-1][0].append(version)
        else:
            groups.append(([version], python, requires))
    lines = []
    for index, (members, python, requires) in enumerate(groups):
        end = f",<{groups[index + 1][0][0]}" if index + 1 < len(groups) else f",<{table['below']}"
        lines += [
            "[[python.genai_dependencies.release]]",
            f"# {', '.join(members)}",
            f'versions = ">={members[0]}{end}"',
            f'requires_python = "{python}"',
            "requires = [",
            *(f"    {_quote(r)}," for r in requires),
            "]",
            "",
        ]
    wanted = {re.split(r"[<>=!~;\[]", r)[0].lower(): r for g in groups for r in g[2]}
    for dependency in TRANSITIVE:
        name, _, extra = dependency.partition("[")
        extras = tuple(e for e in extra.rstrip("]").split(",") if e)
        requirement = wanted.get(name.lower())
        floor = _floor(requirement) if requirement else None
        if floor is None:
            continue
        meta = _metadata(f"{name}=={floor}")
        lines += [
            "[[python.genai_dependencies.transitive]]",
            f'package = "{name}"',
            f'version = "{floor}"',
            f'requires_python = "{meta.get("requires_python") or ""}"',
            "requires = [",
            *(f"    {_quote(r)}," for r in _requires(meta, extras)),
            "]",
            "",
        ]
    lines += _targets(groups, lines)
    return "\n".join(lines)


def _targets(groups: list[tuple[list[str], str, list[str]]], lines: list[str]) -> list[str]:
    """`[[python.genai_dependencies.target]]`: for each package google-genai or a recorded
    dependency asks for with a lower bound, the lowest version that meets every such bound,
    with its own requirements: the version a conflicting exact pin is raised to (GM411), and
    what that version needs in turn, so the raise is judged from metadata too."""
    import tomllib

    recorded = tomllib.loads("\n".join(lines))["python"]["genai_dependencies"]
    requirements = [r for g in groups for r in g[2]]
    for entry in recorded.get("transitive", []):
        requirements += entry["requires"]
    floors: dict[str, str] = {}
    extras: dict[str, set[str]] = {}
    for requirement in requirements:
        if ";" in requirement or "*" in requirement:  # `httpcore==1.*` names no version
            continue
        name = re.split(r"[<>=!~;\[]", requirement)[0].lower().replace("_", "-")
        asked = re.search(r"\[([^\]]*)\]", requirement)
        extras.setdefault(name, set()).update(
            e.strip() for e in (asked.group(1).split(",") if asked else []) if e.strip())
        floor = _floor(requirement)
        if floor is not None and _key(floor) > _key(floors.get(name, "0")):
            floors[name] = floor
    out = []
    for name in sorted(floors):
        meta = _metadata(f"{name}=={floors[name]}")
        wanted = tuple(sorted(extras.get(name, ())))
        out += [
            "[[python.genai_dependencies.target]]",
            f'package = "{name}"',
            f'version = "{floors[name]}"',
            f'requires_python = "{meta.get("requires_python") or ""}"',
            *([f'extras = [{", ".join(_quote(e) for e in wanted)}]'] if wanted else []),
            "requires = [",
            *(f"    {_quote(r)}," for r in _requires(meta, wanted)),
            "]",
            "",
        ]
    return out


def current() -> str:
    """The generated part of packages.toml, between the markers."""
    text = PACKAGES.read_text(encoding="utf-8")
    start = text.index("# --- generated by scripts/genai_dependencies.py: start")
    end = text.index("# --- generated by scripts/genai_dependencies.py: end")
    return text[text.index("\n", start) + 1:end].strip() + "\n"


def main() -> int:
    generated = build()
    if "--check" in sys.argv:
        if generated.strip() != current().strip():
            print("packages.toml's google-genai dependency table is stale:\n" + generated)
            return 1
        print("packages.toml's google-genai dependency table matches PyPI")
        return 0
    print(generated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
