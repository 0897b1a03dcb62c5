"""Can pip install google-genai next to a manifest's own pins? Decided from data, offline.

rules/packages.toml records, for each google-genai release of the range migrations write, its
Requires-Python and Requires-Dist, and the requirements of the lowest acceptable version of its
main dependencies (scripts/genai_dependencies.py builds it from PyPI). A manifest's set is
installable when at least one of those releases accepts every pin the manifest makes:
`pydantic==2.8.2` rules out every release (all need pydantic>=2.12.5), `httpx==0.27.0` only the
2.x ones (3.x moved to httpx2), a project on Python 3.9 all of them.

A pin is judged by the interval of versions its specifier allows (PEP 440 operators, release
numbers only: pre-releases and local versions are not modelled); two specifiers conflict when
their intervals do not meet. Pins with environment markers apply only somewhere, so they are not
taken as conflicts. The second-level requirements are read as floors only (a newer pydantic
needs a newer pydantic-core, never an older one), and only for a dependency the manifest does not
pin itself: a manifest that pins both pydantic and pydantic-core made them agree already.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from migrator.knowledge import packages
from migrator.lint.versions import (
    Version,
    clauses,
    compare,
    normalize,
    parse_requirement,
    parse_version,
)

_INF: Version = (10**9,)


@dataclass(frozen=True)
class Interval:
    low: Version = ()
    low_inclusive: bool = True
    high: Version = _INF
    high_inclusive: bool = False

    @property
    def empty(self) -> bool:
        order = compare(self.low, self.high)
        return order > 0 or (order == 0 and not (self.low_inclusive and self.high_inclusive))

    def meet(self, other: Interval) -> Interval:
        low, low_inc = self.low, self.low_inclusive
        order = compare(other.low, low)
        if order > 0 or (order == 0 and not other.low_inclusive):
            low, low_inc = other.low, other.low_inclusive
        high, high_inc = self.high, self.high_inclusive
        order = compare(other.high, high)
        if order < 0 or (order == 0 and not other.high_inclusive):
            high, high_inc = other.high, other.high_inclusive
        return Interval(low, low_inc, high, high_inc)


def _bump(version: Version, depth: int) -> Version:
    """The first release after every `version[:depth].*` (2.3 at depth 1 -> 3)."""
    head = list(version[:depth]) or [0]
    head[-1] += 1
    return tuple(head)


def interval(spec: str) -> Interval:
    """The versions a PEP 440 specifier allows, as one interval (`!=` is ignored)."""
    result = Interval()
    for op, raw in clauses(spec):
        wildcard = raw.endswith(".*")
        version = parse_version(raw.removesuffix(".*"))
        if version is None:
            continue
        if op in ("==", "===") and wildcard:
            part = Interval(version, True, _bump(version, len(version)), False)
        elif op in ("==", "==="):
            part = Interval(version, True, version, True)
        elif op == "~=":
            part = Interval(version, True, _bump(version, max(1, len(version) - 1)), False)
        elif op == ">=":
            part = Interval(low=version)
        elif op == ">":
            part = Interval(low=version, low_inclusive=False)
        elif op == "<=":
            part = Interval(high=version, high_inclusive=True)
        elif op == "<":
            part = Interval(high=version)
        else:
            continue
        result = result.meet(part)
    return result


def compatible(first: str, second: str) -> bool:
    """Some version satisfies both specifiers."""
    return not interval(first).meet(interval(second)).empty


def floor_only(spec: str) -> str:
    """The lower bound of a specifier as `>=v` (`==2.41.5` -> `>=2.41.5`), or ""."""
    found = interval(spec)
    if not found.low:
        return ""
    low = ".".join(map(str, found.low))
    return f">={low}" if found.low_inclusive else f">{low}"


@dataclass(frozen=True)
class Release:
    versions: str
    python: str
    requires: dict[str, tuple[str, str]]  # key -> (name as written, specifier)


@dataclass(frozen=True)
class Target:
    """The version a conflicting exact pin is raised to (the lowest that meets every lower
    bound google-genai and its recorded dependencies ask for) and that version's requirements."""

    version: str
    requires: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Table:
    releases: tuple[Release, ...]
    transitive: dict[str, tuple[tuple[str, str, str], ...]]  # dep key -> (key, name, floor)
    targets: dict[str, Target] = field(default_factory=dict)


def _requirements(items: list[str]) -> dict[str, tuple[str, str]]:
    out = {}
    for item in items:
        req = parse_requirement(item)
        if req is not None and not req.marker:
            out[req.key] = (req.name, req.spec)
    return out


@lru_cache(maxsize=1)
def table() -> Table:
    data = packages()["python"]["genai_dependencies"]
    releases = tuple(Release(entry["versions"], entry.get("requires_python", ""),
                             _requirements(entry["requires"]))
                     for entry in data.get("release", []))
    transitive = {}
    for entry in data.get("transitive", []):
        floors = []
        for key, (name, spec) in _requirements(entry["requires"]).items():
            if floor := floor_only(spec):
                floors.append((key, name, floor))
        transitive[normalize(entry["package"])] = tuple(floors)
    targets = {normalize(entry["package"]): Target(entry["version"],
                                                   _requirements(entry["requires"]))
               for entry in data.get("target", [])}
    return Table(releases, transitive, targets)


@dataclass(frozen=True)
class Pin:
    key: str
    spelled: str  # the requirement as the manifest writes it
    spec: str
    origin: object = None  # where it stands (an offset, an included file's line)


@dataclass
class Verdict:
    ok: bool
    # (pin, what google-genai needs instead) for the release that conflicts least.
    conflicts: list[tuple[Pin, str]] = field(default_factory=list)
    python_needed: str = ""  # e.g. ">=3.10" when the project's Python is below every release


def python_lowest(spec: str) -> Version | None:
    """The lowest Python (major, minor) a project's Python specifier allows; None if unbounded.

    Accepts PEP 440 (`>=3.9,<4`), Poetry (`^3.9`, `~3.9`, `3.9.*`, `>=3.8 || ^3.11`) and the bare
    versions of Pipfile / conda / runtime.txt (`3.9`, `python-3.9.18`).
    """
    lows: list[Version] = []
    for alternative in re.split(r"\|\|?", spec):
        text = re.sub(r"^python[-=]?", "", alternative.strip()).strip()
        if not text or text == "*":
            return None
        if text[0] in "^~" and not text.startswith("~="):
            version = parse_version(text[1:])
        elif text[0].isdigit() or (text[0] == "=" and text[1:2] != "="):
            version = parse_version(text.lstrip("="))  # "3.9", "3.9.*", conda's "=3.9"
        else:
            version = interval(re.sub(r"\s+", ",", text)).low or None
        if version is None:
            return None
        lows.append(version[:2])
    return min(lows, key=lambda v: v + (0,) * (2 - len(v))) if lows else None


def check(pins: list[Pin], genai_spec: str, python: Version | None) -> Verdict:
    """Whether some recorded google-genai release allowed by `genai_spec` accepts all `pins`."""
    data = table()
    pinned = {pin.key: pin for pin in pins}
    best: list[tuple[Pin, str]] | None = None
    python_needed = ""
    for release in reversed(data.releases):  # newest first: ties report the newest
        if not compatible(release.versions, genai_spec):
            continue
        needed = interval(release.python).low
        if python is not None and needed and compare(python, needed[:2]) < 0:
            python_needed = release.python  # newest first: the last one is the lowest
            continue
        conflicts = []
        for key, (name, spec) in release.requires.items():
            pin = pinned.get(key)
            if pin is not None:
                if not compatible(pin.spec, spec):
                    conflicts.append((pin, f"{name}{_pretty(spec)}"))
                continue
            for sub_key, sub_name, floor in data.transitive.get(key, ()):
                sub = pinned.get(sub_key)
                if sub is not None and not compatible(sub.spec, floor):
                    conflicts.append((sub, f"{sub_name}{floor} (for {name}{_pretty(spec)})"))
        if not conflicts:
            return Verdict(True)
        if best is None or len(conflicts) < len(best):
            best = conflicts
    if best is None and python_needed:
        return Verdict(False, [], python_needed)
    if best is None:
        return Verdict(True)  # no recorded release in `genai_spec`: nothing to judge by
    return Verdict(False, best, "")


def _exact(spec: str) -> Version | None:
    """The version of an exact pin (`==2.8.2`, `===2.8.2`); None for anything else."""
    found = clauses(spec)
    if len(found) != 1 or found[0][0] not in ("==", "===") or "*" in found[0][1]:
        return None
    return parse_version(found[0][1])


def raises(pins: list[Pin], genai_spec: str, python: Version | None,
           raisable: Callable[[Pin], bool]) -> dict[str, tuple[Pin, str]] | None:
    """Exact pins to raise (key -> (pin, version)) so that some recorded google-genai release
    allowed by `genai_spec` accepts the whole set; None when no such raise exists.

    A pin is raised only when `raisable(pin)` says its file may be edited there, it is exact
    (`==v`), the recorded target version is above it in the same major series (dependents cap
    the major: `pydantic<3`; a major jump is the project's call), and what the target version
    requires in turn agrees with the file's pins, raising those the same way (pydantic 2.12.5
    needs pydantic-core==2.41.5, which needs typing-extensions>=4.14.1). The raised set is
    checked again as a whole (`check`).
    """
    data = table()
    for release in reversed(data.releases):  # newest first, as `check`
        if not compatible(release.versions, genai_spec):
            continue
        needed = interval(release.python).low
        if python is not None and needed and compare(python, needed[:2]) < 0:
            continue
        plan = _plan(release, pins, raisable)
        if not plan:
            continue
        raised = [Pin(p.key, p.spelled, f"=={plan[p.key][1]}", p.origin) if p.key in plan
                  else p for p in pins]
        if check(raised, release.versions, python).ok:
            return plan
    return None


def _plan(release: Release, pins: list[Pin],
          raisable: Callable[[Pin], bool]) -> dict[str, tuple[Pin, str]] | None:
    data = table()
    pinned = {pin.key: pin for pin in pins}
    current = {pin.key: pin.spec for pin in pins}
    plan: dict[str, tuple[Pin, str]] = {}
    queue = list(release.requires.items())
    while queue:
        key, (_, spec) = queue.pop(0)
        if key not in current or compatible(current[key], spec):
            continue
        pin, target = pinned.get(key), data.targets.get(key)
        if pin is None or target is None or key in plan or not raisable(pin):
            return None
        old, new = _exact(pin.spec), parse_version(target.version)
        if old is None or new is None or compare(new, old) <= 0 or new[0] != old[0] \
                or not compatible(f"=={target.version}", spec):
            return None
        plan[key] = (pin, target.version)
        current[key] = f"=={target.version}"
        queue.extend(target.requires.items())
    for key in plan:  # what each raised version needs, against the set as it ends up
        for sub, (_, spec) in data.targets[key].requires.items():
            if sub in current and not compatible(current[sub], spec):
                return None
    return plan


def _pretty(spec: str) -> str:
    """`<3.0.0,>=2.12.5` -> `>=2.12.5,<3.0.0`: lower bound first, as people write it."""
    parts = [f"{op}{raw}" for op, raw in clauses(spec)]
    parts.sort(key=lambda p: 0 if p.startswith((">", "=", "~")) else 1)
    return ",".join(parts)
