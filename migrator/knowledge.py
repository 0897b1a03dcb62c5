"""Access to the data in migrator/rules/*.toml, merged with the user's overrides."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MODELS_PREFIX = "models/"


@dataclass(frozen=True)
class ModelInfo:
    id: str
    status: str
    successor: str = ""
    interactions: bool = True
    date: str = ""
    source: str = ""
    note: str = ""

    @property
    def outdated(self) -> bool:
        return self.status in ("deprecated", "retired", "legacy")


def _load(name: str) -> dict[str, Any]:
    text = resources.files("migrator").joinpath("rules", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


class ModelTable:
    def __init__(self, data: dict[str, Any], overrides: dict[str, Any] | None = None) -> None:
        self.default_successor: str = data.get("meta", {}).get("default_successor", "")
        self.exact: dict[str, ModelInfo] = {}
        self.families: list[tuple[str, ModelInfo]] = []
        for entry in data.get("model", []):
            self.exact[entry["id"]] = _info(entry["id"], entry)
        for entry in data.get("family", []):
            self.families.append((entry["prefix"], _info(entry["prefix"] + "*", entry)))
        for model_id, entry in (overrides or {}).items():
            if model_id.endswith("*"):
                self.families.append((model_id[:-1], _info(model_id, entry)))
            else:
                self.exact[model_id] = _info(model_id, entry)
        # The longest prefix wins, so "gemini-1.5-pro" beats "gemini-1.5-".
        self.families.sort(key=lambda item: len(item[0]), reverse=True)

    def lookup(self, model_id: str) -> ModelInfo | None:
        bare = model_id.removeprefix(MODELS_PREFIX)
        if bare in self.exact:
            return self.exact[bare]
        # "-latest" and "-00N" suffixes are aliases of the family they end.
        for prefix, info in self.families:
            if bare.startswith(prefix):
                return info
        for suffix in ("-latest",):
            if bare.endswith(suffix) and bare[: -len(suffix)] in self.exact:
                return self.exact[bare[: -len(suffix)]]
        return None

    def interactions_name(self, model_id: str) -> tuple[str, ModelInfo | None]:
        """The id to send to the Interactions API, and the entry that forced a substitution."""
        info = self.lookup(model_id)
        bare = model_id.removeprefix(MODELS_PREFIX)
        if info is not None and not info.interactions and info.successor:
            return info.successor, info
        return bare, None


def _info(model_id: str, entry: dict[str, Any]) -> ModelInfo:
    return ModelInfo(
        id=model_id,
        status=str(entry.get("status", "deprecated")),
        successor=str(entry.get("successor", "")),
        interactions=bool(entry.get("interactions", True)),
        date=str(entry.get("date", "")),
        source=str(entry.get("source", "user configuration")),
        note=str(entry.get("note", "")),
    )


@lru_cache(maxsize=8)
def _models_data() -> dict[str, Any]:
    return _load("models.toml")


def model_table(overrides: dict[str, Any] | None = None) -> ModelTable:
    return ModelTable(_models_data(), overrides)


@lru_cache(maxsize=1)
def packages() -> dict[str, Any]:
    return _load("packages.toml")
