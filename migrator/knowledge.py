"""Access to the data in migrator/rules/*.toml, merged with the user's overrides."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, replace
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


# What `ModelTable.decide` is told about where an id goes.
INTERACTIONS = "interactions"  # client.interactions.create(model=...), written or existing
LEGACY = "legacy"  # a call that stays on google-generativeai (v1beta generateContent)
GENAI = "genai"  # another google-genai call (client.models..., chats)
PYTHON = "python"  # a string in Python code whose destination is not known
CONFIG = "config"  # YAML / JSON / TOML / .env values, read by code the tool cannot see
VERTEX = "vertex"  # Vertex AI code: served per region, where a successor may not be
TIER_SUCCESSOR = "@tier"  # a family's successor chosen by the id's tier (meta.tier)
EMBEDDING = "embedding"  # ModelInfo.kind of embedding models
REEMBED = "vectors from different models are not comparable: re-embed stored data"


@dataclass(frozen=True)
class ModelInfo:
    id: str
    status: str
    successor: str = ""
    interactions: bool = True
    date: str = ""
    source: str = ""
    note: str = ""
    # "v1beta" when the id exists only on that API version (google-genai 3.x defaults to v1).
    api: str = ""
    # "embedding" for embedding models: another model's vectors are not comparable with the
    # ones already stored, so their successor is never written as a safe fix.
    kind: str = ""

    @property
    def outdated(self) -> bool:
        return self.status in ("deprecated", "retired", "legacy")


@dataclass(frozen=True)
class ModelDecision:
    """What an id should become where it stands, and why (`ModelTable.decide`)."""

    original: str
    model: str  # what to write; equal to `original` when it stays
    code: str = ""  # the finding to report; "" when there is nothing to say
    message: str = ""
    fix: str = "none"  # "safe" | "unsafe" | "none": how `model` / `api_version` may be applied
    api_version: str = ""  # "v1beta": the call must be sent there (the -latest aliases)
    info: ModelInfo | None = None

    @property
    def changed(self) -> bool:
        return self.model != self.original


@dataclass(frozen=True)
class _Family:
    """A [[family]] entry: `prefix = "gemini-1.5-"` or `pattern = "gemini-*-exp*"`."""

    regex: re.Pattern[str]
    literal: int  # characters that are not wildcards: the more, the more specific
    order: int
    info: ModelInfo


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
        meta = data.get("meta", {})
        self.default_successor: str = meta.get("default_successor", "")
        # (tier word, successor), most specific first: "flash-lite" before "flash".
        self.tiers: list[tuple[str, str]] = [(t["word"], t["successor"])
                                             for t in meta.get("tier", [])]
        self.exact: dict[str, ModelInfo] = {}
        self._families: list[_Family] = []
        for entry in data.get("model", []):
            self.exact[entry["id"]] = _info(entry["id"], entry)
        for entry in data.get("family", []):
            self._add_family(entry.get("pattern") or entry["prefix"] + "*", entry)
        for model_id, entry in (overrides or {}).items():
            if "*" in model_id:
                self._add_family(model_id, entry, user=True)
            else:
                self.exact[model_id] = _info(model_id, entry)
        # The most specific family (most characters that are not wildcards) wins:
        # "gemini-1.5-pro*" beats "gemini-1.5-*"; on a tie, the user's, then the one listed first.
        self._families.sort(key=lambda f: (-f.literal, f.order))
        self._pattern: re.Pattern[str] | None = None

    def _add_family(self, pattern: str, entry: dict[str, Any], *, user: bool = False) -> None:
        parts = pattern.split("*")
        regex = re.compile("(.*)".join(re.escape(part) for part in parts) + "$")
        # A user's entry replaces a shipped one with the same pattern, and wins a tie.
        self._families = [f for f in self._families if f.info.id != pattern]
        order = -1 - len(self._families) if user else len(self._families)
        self._families.append(_Family(regex, len(pattern.replace("*", "")), order,
                                      _info(pattern, entry)))

    @property
    def families(self) -> list[tuple[str, ModelInfo]]:
        """(pattern, entry) of every family, most specific first."""
        return [(f.info.id, f.info) for f in self._families]

    def _family(self, bare: str, strict: bool) -> ModelInfo | None:
        for family in self._families:
            match = family.regex.match(bare)
            if match is None:
                continue
            if strict:
                # What the wildcards matched must be version numbers and model-name words.
                rest = [part for group in match.groups() for part in re.split(r"[-@]", group)
                        if part]
                if not all(_MODEL_WORD.fullmatch(part) for part in rest):
                    continue
            return self._resolve(bare, family.info)
        return None

    def _resolve(self, bare: str, info: ModelInfo) -> ModelInfo:
        """A family entry whose successor depends on the tier of the id it matched."""
        if info.successor != TIER_SUCCESSOR:
            return info
        for word, successor in self.tiers:
            if re.search(rf"(?:^|-){re.escape(word)}(?:-|$)", bare):
                kind = EMBEDDING if word == EMBEDDING else info.kind
                return replace(info, successor=successor, kind=kind)
        return replace(info, successor=self.default_successor)

    def lookup(self, model_id: str) -> ModelInfo | None:
        bare = model_id.removeprefix(MODELS_PREFIX)
        if bare in self.exact:
            return self.exact[bare]
        found = self._family(bare, strict=False)
        if found is not None:
            return found
        # "-latest" and "-00N" suffixes are aliases of the id they end.
        alias = _ALIAS_SUFFIX.sub("", bare)
        if alias != bare and alias in self.exact:
            return self.exact[alias]
        return None

    def recognise(self, token: str) -> ModelInfo | None:
        """The entry for `token` when the whole token is a model id, else None.

        Stricter than `lookup`: a family matches only when what its wildcards match is made
        of version numbers and model-name words, so prose such as "gemini-1.5-pro-tips" or a
        product name that merely starts like a model is never taken for one.
        """
        bare = token.removeprefix(MODELS_PREFIX)
        if bare in self.exact:
            return self.exact[bare]
        alias = _ALIAS_SUFFIX.sub("", bare)
        if alias != bare and alias in self.exact:
            return self.exact[alias]
        return self._family(bare, strict=True)

    def notable(self, token: str) -> ModelInfo | None:
        """The entry when `token` is a whole model id with something to say about it: outdated,
        or only served on one API version."""
        info = self.recognise(token)
        return info if info is not None and (info.outdated or info.api) else None

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

    def decide(self, model_id: str, where: str = PYTHON, *,
               migrating: bool = False) -> ModelDecision:
        """What `model_id` should become where it stands, and why: the one policy behind the
        migration's substitutions and the model lint.

        `where` is what receives the id (INTERACTIONS, LEGACY, GENAI, PYTHON or CONFIG);
        `migrating` is True for an id the migration is writing into a call it creates (the
        finding is then GM303, "substituted while migrating").

        - A retired id (calls answer 404): its successor, a safe fix wherever it stands in
          Python code (nothing that works today can change), unsafe in config files (the code
          reading them is not seen). GM301; one with no successor is only reported.
        - A deprecated id: still answers generateContent, so outside the Interactions API its
          successor is an unsafe fix (GM302; none inside legacy calls, which the migration
          owns); the Interactions API refuses ids marked `interactions = false`, so there the
          successor is safe.
        - A v1beta-only alias (`gemini-pro-latest`): google-genai 3.x sends every call to /v1,
          where the alias does not exist, so a google-genai call with it is sent with
          `api_version="v1beta"` (GM304): the model the user chose, on the API version where
          it exists. Legacy calls already use v1beta and are left alone.
        - The Interactions API takes ids without the "models/" prefix.
        """
        bare = model_id.removeprefix(MODELS_PREFIX)
        info = self.lookup(model_id)
        keep = ModelDecision(model_id, bare if where == INTERACTIONS else model_id, info=info)
        if info is None:
            return keep
        if info.api == "v1beta":
            if where not in (INTERACTIONS, GENAI):
                return keep
            return ModelDecision(
                model_id, keep.model, "GM304",
                f"`{model_id}` exists only on the v1beta API, and google-genai 3.x sends "
                "calls to /v1 (where it is not found): send this call with "
                "api_version=\"v1beta\"", fix="safe" if where == INTERACTIONS else "none",
                api_version="v1beta", info=info)
        if info.kind == EMBEDDING and info.outdated and info.successor:
            return keep if migrating else self._embedding(model_id, info)
        successor = info.successor
        target = successor if where == INTERACTIONS or not model_id.startswith(
            MODELS_PREFIX) else MODELS_PREFIX + successor
        refused = where == INTERACTIONS and not info.interactions
        if info.status == "retired" or (info.outdated and refused):
            if not successor:
                return ModelDecision(model_id, keep.model, "GM301", model_message(model_id, info),
                                     info=info)
            code = "GM303" if migrating else ("GM301" if info.status == "retired" else "GM302")
            fix = "unsafe" if where in (CONFIG, VERTEX) else "safe"
            why = "retired" if info.status == "retired" else "refused by the Interactions API"
            message = (f"model {model_id!r} is {why}; substituted {target!r}" if migrating
                       else model_message(model_id, info))
            return ModelDecision(model_id, target, code, message, fix=fix, info=info)
        if not info.outdated:
            return keep
        if migrating:
            return keep  # still answered by the Interactions API: the lint reports it after
        fix = {INTERACTIONS: "safe", LEGACY: "none", VERTEX: "none"}.get(where, "unsafe") \
            if successor else "none"
        return ModelDecision(model_id, target if successor else model_id, "GM302",
                             model_message(model_id, info), fix=fix, info=info)

    def _embedding(self, model_id: str, info: ModelInfo) -> ModelDecision:
        """An outdated embedding model: its successor answers with vectors of another space
        (and size: embedding-001 gave 768 values, gemini-embedding-001 gives 3072), which
        stored vectors cannot be compared with. Replacing the id silently would turn a loud
        404 into wrong search results, so it is never a safe fix: the migration keeps the id,
        the lint reports it with an unsafe fix (`--unsafe-fixes`) and the re-embed note."""
        target = (MODELS_PREFIX + info.successor if model_id.startswith(MODELS_PREFIX)
                  else info.successor)
        code = "GM301" if info.status == "retired" else "GM302"
        message = model_message(model_id, info)
        if REEMBED not in message:
            message += f" ({REEMBED})"
        return ModelDecision(model_id, target, code, message, fix="unsafe", info=info)

    def interactions_name(self, model_id: str) -> tuple[str, ModelInfo | None]:
        """The id to send to the Interactions API, and the entry that forced a substitution
        (`decide(model_id, INTERACTIONS, migrating=True)`, for the callers written before it:
        a v1beta-only alias comes back unchanged, and `decide` says it needs api_version)."""
        decision = self.decide(model_id, INTERACTIONS, migrating=True)
        if decision.code == "GM303":
            return decision.model, decision.info
        return decision.model, None


def _info(model_id: str, entry: dict[str, Any]) -> ModelInfo:
    return ModelInfo(
        id=model_id,
        status=str(entry.get("status", "deprecated")),
        successor=str(entry.get("successor", "")),
        interactions=bool(entry.get("interactions", True)),
        date=str(entry.get("date", "")),
        source=str(entry.get("source", "user configuration")),
        note=str(entry.get("note", "")),
        api=str(entry.get("api", "")),
        kind=str(entry.get("kind", "")),
    )


def model_message(token: str, info: ModelInfo) -> str:
    """`retired model `x`; use `y`` and the entry's date and note."""
    state = "retired" if info.status == "retired" else info.status
    text = f"{state} model `{token}`"
    if info.date:
        text += f" (since {info.date})"
    text += f"; use `{info.successor}`" if info.successor else "; it has no successor"
    if info.note:
        text += f" ({info.note})"
    return text


@lru_cache(maxsize=8)
def _models_data() -> dict[str, Any]:
    return _load("models.toml")


def model_table(overrides: dict[str, Any] | None = None) -> ModelTable:
    return ModelTable(_models_data(), overrides)


@lru_cache(maxsize=1)
def packages() -> dict[str, Any]:
    return _load("packages.toml")
