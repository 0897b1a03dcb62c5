"""Access to the data in migrator/rules/*.toml, merged with the user's overrides."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MODELS_PREFIX = "models/"

# What may follow a family prefix in a real model id: version numbers, dates and the words
# Google uses in model names. "gemini-1.5-pro-002" is a model; "gemini-1.5-pro-tips" is prose.
_MODEL_WORD = re.compile(
    r"(?:\d[\w.]*|latest|exp|experimental|preview|lite|\d+b|thinking|vision|pro|flash|image|"
    r"generation|tts|audio|live|native|dialog|ultra|tuning|it|text|chat|code|multilingual)",
    re.IGNORECASE,
)
# "-001" / "@002" revision suffixes and "-latest" are aliases of the id they end.
_ALIAS_SUFFIX = re.compile(r"(?:[-@]\d{3}|-latest)$")


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
    # The file next to this module: importlib.resources (and the tempfile, shutil and zipfile
    # it imports) would cost a clean pre-commit run ~15 ms. Only a zipped install needs it.
    path = os.path.join(os.path.dirname(__file__), "rules", name)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        from importlib import resources

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
        self._pattern: re.Pattern[str] | None = None

    def lookup(self, model_id: str) -> ModelInfo | None:
        bare = model_id.removeprefix(MODELS_PREFIX)
        if bare in self.exact:
            return self.exact[bare]
        # "-latest" and "-00N" suffixes are aliases of the family they end.
        for prefix, info in self.families:
            if bare.startswith(prefix):
                return info
        alias = _ALIAS_SUFFIX.sub("", bare)
        if alias != bare and alias in self.exact:
            return self.exact[alias]
        return None

    def recognise(self, token: str) -> ModelInfo | None:
        """The entry for `token` when the whole token is a model id, else None.

        Stricter than `lookup`: a family matches only when what follows its prefix is made of
        version numbers and model-name words, so prose such as "gemini-1.5-pro-tips" or a
        product name that merely starts like a model is never taken for one.
        """
        bare = token.removeprefix(MODELS_PREFIX)
        if bare in self.exact:
            return self.exact[bare]
        alias = _ALIAS_SUFFIX.sub("", bare)
        if alias != bare and alias in self.exact:
            return self.exact[alias]
        for prefix, info in self.families:
            if bare.startswith(prefix):
                rest = [part for part in re.split(r"[-@]", bare[len(prefix):]) if part]
                if all(_MODEL_WORD.fullmatch(part) for part in rest):
                    return info
        return None

    def outdated(self, token: str) -> ModelInfo | None:
        """The entry when `token` is a whole model id that is deprecated, retired or legacy."""
        info = self.recognise(token)
        return info if info is not None and info.outdated else None

    @property
    def token_pattern(self) -> re.Pattern[str]:
        """Candidate model ids in text: a known stem, a dash, then id characters.

        Built from the table (and the user's overrides) so a model the user adds is found too.
        The lookbehind keeps "my-gemini-pro" and "x/gemini-pro" (a URL path) out.
        """
        if self._pattern is None:
            stems = set()
            for name in [*self.exact, *(prefix for prefix, _ in self.families)]:
                if "-" in name:
                    stems.add(re.escape(name.split("-", 1)[0]))
            alternation = "|".join(sorted(stems, key=len, reverse=True)) or "(?!)"
            self._pattern = re.compile(
                rf"(?<![\w./@-])(?:{re.escape(MODELS_PREFIX)})?(?:{alternation})-[\w.@-]*\w"
            )
        return self._pattern

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
