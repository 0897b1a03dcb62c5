"""The byte prefilter: the one place that decides which files can hold anything to act on.

Most files of a repository mention nothing Gemini-related. They are read, searched once and
dropped: never decoded, never parsed, and the module of their handler (for Python files
`migrator.codemods`, then LibCST) is not even imported. A file passes only when it holds a token
that SDK usage or a deprecated model id produces:

- `generativeai` (the legacy package: its imports, pins and install lines), `generative_models`
  (Vertex AI), `@google/generative-ai` (the legacy JS package);
- `genai` as a word of its own (`from google import genai`, `google.genai`, `google-genai`,
  `genai.Client`), not inside another word;
- an outdated model id or family prefix of rules/models.toml or the user's overrides, where an
  id can start (`"gemini-1.5-flash"`, `models/text-bison-001`, `model: aqa`).

Common words are not enough on their own (`gemini`, `interactions`, `send_message`): a file that
calls the Interactions API or the legacy SDK imports it, and the import is one of the tokens.

Speed: in CPython a regular expression over a whole file costs several times a substring search
(`bytes in bytes` skips ahead; `re` steps through every byte), so each kind of file has a few
necessary substrings ("needles") and a precise pattern that only runs on the rare file that
holds one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.knowledge import ModelTable

# The kinds of files, by what their handler looks for.
PYTHON = "python"  # Python sources, notebooks, Markdown / reST (their code blocks are Python)
TEXT = "text"  # YAML, JSON, TOML, .env: model ids and the legacy JS package
JS = "js"  # JavaScript / TypeScript: both JS SDKs, Interactions calls, model ids
DOCUMENT = "document"  # Markdown: Python and JS code blocks
HTML = "html"  # <script> blocks that use a JS SDK
MANIFEST = "manifest"  # requirements, pyproject.toml, package.json, lock files, ...
SETUP_PY = "setup.py"  # Python that is also a manifest

# SDK tokens of Python code: (needle, precise pattern).
_PYTHON_SDK = (
    (b"generative", rb"generative(?:ai|_models)"),
    (b"genai", rb"(?<![A-Za-z0-9])genai(?![A-Za-z0-9])"),
)
_JS_SDK = ((b"generative-ai", rb"@google/generative-ai\b"),)
# JS/TS code: both SDKs (imports, CDN URLs, the client classes) and Interactions calls made
# through a client another module created (their 1.x-schema misuse is reported).
_JS_CODE = (
    *_JS_SDK,
    (b"@google/genai", rb"@google/genai\b"),
    (b"GoogleGen", rb"\bGoogleGen(?:erativeAI|AI)\b"),
    (b"interaction", rb"interactions\.create|content\.delta|interaction\.complete"),
)
# A manifest that names none of these names none of the packages of rules/packages.toml.
# `-r other.txt` / `-c pins.txt`: the pins may be in the included file.
MANIFEST_NEEDLES = (
    b"generativeai", b"genai", b"generative-ai", b"generativelanguage", b"vertexai",
    b"aiplatform", b"gemini-", b"bison", b"-r ", b"-c ", b"--requirement", b"--constraint",
)
# Where a model id can start: not inside a word, a dotted name, a path other than `models/`,
# an npm scope or another dashed name.
_ID_START = rb"(?<![\w.@-])(?:models/)?"
# Words of model ids too common to search for on their own.
_COMMON_WORDS = frozenset({
    "text", "chat", "code", "pro", "flash", "lite", "preview", "exp", "latest", "vision",
    "ultra", "image", "live", "audio", "tts", "models",
})


@dataclass(frozen=True)
class Prefilter:
    needles: tuple[bytes, ...]
    source: bytes | None  # the precise pattern; None: any needle is enough

    @cached_property
    def pattern(self) -> re.Pattern[bytes] | None:
        # Compiled on first use: most runs (a pre-commit hook on clean files) never need it.
        return None if self.source is None else re.compile(self.source)

    def matches(self, data: bytes) -> bool:
        if not any(needle in data for needle in self.needles):
            return False
        pattern = self.pattern
        return pattern is None or pattern.search(data) is not None

    def mentions(self, text: str) -> bool:
        """The same test on decoded text (a notebook cell, a Markdown code block)."""
        return self.matches(text.encode("utf-8", "surrogatepass"))


def _words(literal: str) -> list[str]:
    return [w for w in re.split(r"[-@/.*]", literal)
            if w.isalpha() and len(w) >= 4 and w.lower() not in _COMMON_WORDS]


def _needles(literals: list[str]) -> list[bytes]:
    """One necessary substring per literal: a distinctive word of it, the one most literals
    share ("bison" for text-bison and codechat-bison), else the whole literal ("aqa")."""
    counts: dict[str, int] = {}
    for literal in literals:
        for word in set(_words(literal)):
            counts[word] = counts.get(word, 0) + 1
    out = []
    for literal in literals:
        words = _words(literal)
        out.append(max(words, key=lambda w: counts[w]).encode() if words else literal.encode())
    return out


def model_literals(models: ModelTable) -> list[str]:
    """Outdated exact ids and family globs: every id the lint reports starts with one."""
    literals = {model_id for model_id, info in models.exact.items() if info.outdated}
    # A trailing wildcard adds nothing to a prefix search.
    literals.update(glob.rstrip("*") for glob, info in models.families if info.outdated)
    ordered = sorted(literal for literal in literals if literal)
    # A literal that starts with another one adds nothing to a prefix search.
    return [lit for lit in ordered if not any(lit != o and lit.startswith(o) for o in ordered)]


def _build(sdk: Iterable[tuple[bytes, bytes]], literals: list[str]) -> Prefilter:
    needles = [needle for needle, _ in sdk]
    alternatives = [pattern for _, pattern in sdk]
    if literals:
        needles.extend(_needles(literals))
        # A family's glob (`gemini-*-exp*`): its wildcards match the characters of an id.
        ids = b"|".join(rb"[\w.@-]*".join(re.escape(part.encode()) for part in lit.split("*"))
                        for lit in sorted(literals, key=len, reverse=True))
        # Prefixes only: an alias suffix (`-001`, `-latest`) or the rest of a family may follow.
        alternatives.append(_ID_START + b"(?:" + ids + b")")
    unique = sorted(set(needles), key=len)
    # A needle that contains a shorter one adds nothing: the shorter one already matched.
    kept = tuple(n for i, n in enumerate(unique) if not any(m in n for m in unique[:i]))
    return Prefilter(kept, b"|".join(alternatives))


@lru_cache(maxsize=32)
def for_kind(kind: str, models: ModelTable) -> Prefilter:
    """The prefilter of one kind of file under one model table (the user's overrides count)."""
    if kind == MANIFEST:
        return Prefilter(MANIFEST_NEEDLES, None)
    if kind == TEXT:
        return _build(_JS_SDK, model_literals(models))
    if kind == JS:
        return _build(_JS_CODE, model_literals(models))
    if kind == HTML:
        return _build(_JS_CODE, [])
    if kind == DOCUMENT:
        return _build((*_PYTHON_SDK, *_JS_CODE), model_literals(models))
    python = _build(_PYTHON_SDK, model_literals(models))
    if kind == SETUP_PY:
        return Prefilter(tuple(sorted(set(python.needles + MANIFEST_NEEDLES))), None)
    return python


def python(models: ModelTable) -> Prefilter:
    return for_kind(PYTHON, models)
