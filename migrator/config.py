"""Settings: `[tool.gemini-migrate]` in pyproject.toml, merged under the command-line flags."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration problem the user has to fix (exit code 2)."""


DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env.d", "virtualenv", ".tox", ".nox",
    "site-packages", "dist-packages", "node_modules", "__pycache__", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs", "*.egg-info", ".ipynb_checkpoints",
    "__pypackages__", ".cache",
)


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unsafe_fixes: bool = False
    jobs: int = 0  # 0: one per core
    # Overrides for rules/models.toml: {"model-id": {"status": ..., "successor": ...}}
    models: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    root: str = "."

    def model_overrides(self) -> dict[str, Any]:
        return {name: dict(entry) for name, entry in self.models}

    def enabled(self, code: str, path: str | None = None) -> bool:
        from migrator.codes import matches

        if not matches(code, self.select) or matches(code, self.ignore):
            return False
        if path is not None and self.per_file_ignores:
            from fnmatch import fnmatch

            rel = _relative(path, self.root)
            for pattern, codes in self.per_file_ignores:
                if (fnmatch(rel, pattern) or fnmatch(Path(rel).name, pattern)) and matches(
                    code, codes
                ):
                    return False
        return True


def _relative(path: str, root: str) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # different drive on Windows
        return Path(path).as_posix()


_KEYS = {
    "select", "ignore", "exclude", "extend-exclude", "include", "per-file-ignores",
    "unsafe-fixes", "jobs", "models",
}


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(pyproject: Path | None) -> Settings:
    if pyproject is None:
        return Settings()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read configuration: {exc}") from exc
    section = data.get("tool", {}).get("gemini-migrate", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{pyproject}: [tool.gemini-migrate] must be a table")
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{pyproject}: unknown key(s) in [tool.gemini-migrate]: {', '.join(unknown)}"
        )
    settings = Settings(root=str(pyproject.parent))
    return apply(settings, section, source=str(pyproject))


def _strings(value: Any, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{source}: `{key}` must be a string or a list of strings")


def apply(settings: Settings, section: dict[str, Any], *, source: str) -> Settings:
    changes: dict[str, Any] = {}
    for key in ("select", "ignore", "exclude", "extend-exclude", "include"):
        if key in section:
            changes[key.replace("-", "_")] = _strings(section[key], key, source)
    if "per-file-ignores" in section:
        table = section["per-file-ignores"]
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: `per-file-ignores` must be a table")
        changes["per_file_ignores"] = tuple(
            (pattern, _strings(codes, "per-file-ignores", source))
            for pattern, codes in table.items()
        )
    if "unsafe-fixes" in section:
        if not isinstance(section["unsafe-fixes"], bool):
            raise ConfigError(f"{source}: `unsafe-fixes` must be true or false")
        changes["unsafe_fixes"] = section["unsafe-fixes"]
    if "jobs" in section:
        if not isinstance(section["jobs"], int) or section["jobs"] < 0:
            raise ConfigError(f"{source}: `jobs` must be a whole number >= 0")
        changes["jobs"] = section["jobs"]
    if "models" in section:
        models = section["models"]
        if not isinstance(models, dict) or not all(isinstance(v, dict) for v in models.values()):
            raise ConfigError(f"{source}: `models` must be a table of tables")
        changes["models"] = tuple(
            (name, tuple(sorted(entry.items()))) for name, entry in models.items()
        )
    return replace(settings, **changes)


@dataclass
class CliOverrides:
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = field(default_factory=tuple)
    unsafe_fixes: bool | None = None
    jobs: int | None = None

    def merge(self, settings: Settings) -> Settings:
        changes: dict[str, Any] = {}
        if self.select:
            changes["select"] = self.select
        if self.ignore:
            changes["ignore"] = settings.ignore + self.ignore
        if self.extend_exclude:
            changes["extend_exclude"] = settings.extend_exclude + self.extend_exclude
        if self.unsafe_fixes is not None:
            changes["unsafe_fixes"] = self.unsafe_fixes
        if self.jobs is not None:
            changes["jobs"] = self.jobs
        return replace(settings, **changes)


DEFAULT_LINE_LENGTH = 88  # black's and ruff's default


def line_length(path: str) -> int:
    """The line length the project formats to, as its own tools read it: the nearest folder
    (from the file upwards) with ruff, black or flake8 settings decides; else 88."""
    return _folder_line_length(os.path.dirname(os.path.abspath(path)))


@lru_cache(maxsize=256)
def _folder_line_length(folder: str) -> int:
    if not os.path.isdir(folder):  # a name such as `<stdin>` or a notebook cell's
        return DEFAULT_LINE_LENGTH
    found = _configured_line_length(Path(folder))
    if found is not None:
        return found
    parent = os.path.dirname(folder)
    if parent == folder or os.path.isdir(os.path.join(folder, ".git")):
        return DEFAULT_LINE_LENGTH
    return _folder_line_length(parent)


def _configured_line_length(folder: Path) -> int | None:
    """What the config files of one folder say, in ruff's order of precedence."""
    for name in (".ruff.toml", "ruff.toml"):
        data = _toml(folder / name)
        if data is not None and _positive(data.get("line-length")):
            return int(data["line-length"])
    data = _toml(folder / "pyproject.toml")
    if data is not None:
        tool = data.get("tool", {})
        for section in (tool.get("ruff", {}), tool.get("black", {})):
            if isinstance(section, dict):
                value = section.get("line-length", section.get("line_length"))
                if isinstance(value, int) and _positive(value):
                    return value
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        value = _ini_line_length(folder / name)
        if value is not None:
            return value
    return None


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 40 <= value <= 400


def _toml(path: Path) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _ini_line_length(path: Path) -> int | None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not parser.read(path, encoding="utf-8"):
            return None
    except (configparser.Error, UnicodeDecodeError):
        return None
    for section in ("flake8", "pycodestyle"):
        if parser.has_option(section, "max-line-length"):
            value = parser.get(section, "max-line-length").strip()
            if value.isdigit() and _positive(int(value)):
                return int(value)
    return None
