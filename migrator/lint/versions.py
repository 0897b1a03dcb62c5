"""Just enough of PEP 508 / PEP 440, Poetry and npm version syntax to judge SDK pins.

The judgement is one question: can this specifier select a version below the floor? A
specifier without a lower bound (`google-genai`, `*`, `<4`) resolves to the newest release and
is fine; `==1.20`, `>=1.0`, `~=2.3`, `^1.33.0` are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Version = tuple[int, ...]

REQUIREMENT = re.compile(
    r"""^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*
    (?P<extras>\[[^\]]*\])?\s*
    (?P<spec>\(?\s*(?:(?:===|==|!=|~=|>=|<=|>|<)\s*[\w.*+!-]+\s*,?\s*)*\)?)?\s*
    (?P<url>@\s*[^;\s]+)?\s*
    (?P<marker>;.*)?$""",
    re.VERBOSE,
)
_CLAUSE = re.compile(r"(===|==|!=|~=|>=|<=|>|<)\s*([\w.*+!-]+)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_version(text: str) -> Version | None:
    """The release numbers of a version (`2.26.0rc1` -> (2, 26, 0)); None if there are none."""
    match = re.match(r"v?(\d+(?:\.\d+)*)", text.strip())
    if not match:
        return None
    return tuple(int(part) for part in match.group(1).split("."))


def compare(a: Version, b: Version) -> int:
    size = max(len(a), len(b))
    pa, pb = a + (0,) * (size - len(a)), b + (0,) * (size - len(b))
    return (pa > pb) - (pa < pb)


@dataclass(frozen=True)
class Requirement:
    name: str
    extras: str
    spec: str
    url: str
    marker: str

    @property
    def key(self) -> str:
        return normalize(self.name)


def parse_requirement(text: str) -> Requirement | None:
    match = REQUIREMENT.match(text)
    if not match:
        return None
    return Requirement(
        name=match.group("name"),
        extras=match.group("extras") or "",
        spec=(match.group("spec") or "").strip(),
        url=(match.group("url") or "").strip(),
        marker=(match.group("marker") or "").strip(),
    )


def clauses(spec: str) -> list[tuple[str, str]]:
    return _CLAUSE.findall(spec.strip().strip("()"))


def pep440_below(spec: str, floor: Version) -> bool:
    """True when `spec` has a lower bound (or exact pin) below `floor`, or caps below it."""
    for op, raw in clauses(spec):
        version = parse_version(raw)
        if version is None:
            continue
        if op in ("==", "===", "~=", ">=", ">") and compare(version, floor) < 0:
            if op == ">" and compare(version, floor) == 0:
                continue
            return True
        if op in ("<", "<=") and compare(version, floor) <= 0:
            return True
    return False


def pep440_raise(spec: str, floor_text: str) -> str:
    """`spec` with its lower bound raised to the floor; upper bounds above the floor kept."""
    floor = parse_version(floor_text) or ()
    kept = [
        f"{op}{raw}"
        for op, raw in clauses(spec)
        if op in ("<", "<=", "!=")
        and (version := parse_version(raw)) is not None
        and compare(version, floor) > 0
    ]
    return ",".join([f">={floor_text}", *kept])


def poetry_below(constraint: str, floor: Version) -> bool:
    """Poetry's `^1.2`, `~1.2`, `1.2.3`, `>=1,<2`, `*`."""
    text = constraint.strip()
    if text in ("", "*"):
        return False
    for part in re.split(r"\s*\|\|\s*|\s*,\s*", text):
        part = part.strip()
        if part.startswith(("^", "~")) and not part.startswith("~="):
            version = parse_version(part.lstrip("^~"))
            if version is not None and compare(version, floor) < 0:
                return True
        elif part and part[0].isdigit():
            version = parse_version(part)
            if version is not None and compare(version, floor) < 0:
                return True
        elif pep440_below(part, floor):
            return True
    return False


def npm_below(spec: str, floor: Version) -> bool:
    """npm semver ranges: the lowest version any `||` alternative allows is below the floor."""
    text = spec.strip()
    if text in ("", "*", "latest", "x") or text.startswith(("file:", "git", "http", "npm:",
                                                            "link:", "workspace:")):
        return False
    for alternative in text.split("||"):
        lowest: Version | None = None
        for part in alternative.split():
            op_match = re.match(r"(\^|~|>=|>|<=|<|=)?v?(\d[\w.*-]*)", part)
            if not op_match:
                continue
            op, raw = op_match.group(1) or "", op_match.group(2)
            version = parse_version(raw.replace("x", "0").replace("*", "0"))
            if version is None:
                continue
            if op in ("", "=", "^", "~", ">=", ">"):
                lowest = version if lowest is None or compare(version, lowest) < 0 else lowest
            elif op in ("<", "<=") and compare(version, floor) <= 0:
                return True
        if lowest is not None and compare(lowest, floor) < 0:
            return True
    return False


def poetry_to_pep440(constraint: str) -> str:
    """Poetry's `^1.2.3`, `~1.2`, `1.2.3`, `1.2.*`, `*` as a PEP 440 specifier (`||`: the first
    alternative; "" for no constraint)."""
    text = constraint.split("||", 1)[0].strip()
    if text in ("", "*"):
        return ""
    out = []
    for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", text):
        part = part.strip()
        if not part:
            continue
        if part.startswith("^"):
            version = parse_version(part[1:])
            if version is None:
                continue
            # ^1.2.3 -> <2.0.0; ^0.2.3 -> <0.3.0; ^0.0.3 -> <0.0.4: the first non-zero part.
            index = next((i for i, n in enumerate(version) if n), len(version) - 1)
            upper = list(version[: index + 1])
            upper[-1] += 1
            out += [f">={part[1:]}", "<" + ".".join(map(str, upper))]
        elif part.startswith("~") and not part.startswith("~="):
            version = parse_version(part[1:])
            if version is None:
                continue
            upper = list(version[:2]) if len(version) > 1 else [version[0]]
            upper[-1] += 1
            out += [f">={part[1:]}", "<" + ".".join(map(str, upper))]
        elif part[0].isdigit():
            out.append(f"=={part}")
        else:
            out.append(part)
    return ",".join(out)


def npm_lowest(spec: str) -> Version | None:
    """The lowest version an npm range allows (`>=18`, `^20.11`, `18 || 20`, `20.x`); None when
    some alternative has no lower bound (`*`, `<22`)."""
    lows: list[Version] = []
    for alternative in spec.split("||"):
        lowest: Version | None = None
        for part in alternative.split():
            match = re.match(r"(\^|~|>=|>|=)?v?(\d[\w.*-]*)", part)
            if not match:
                continue
            version = parse_version(match.group(2).replace("x", "0").replace("*", "0"))
            if version is not None and (lowest is None or compare(version, lowest) < 0):
                lowest = version
        if lowest is None:
            return None
        lows.append(lowest)
    return min(lows, key=lambda v: v + (0,) * (4 - len(v))) if lows else None
