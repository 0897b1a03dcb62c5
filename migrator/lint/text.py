"""Model names in JavaScript / TypeScript, YAML, JSON, TOML and `.env` files.

No parser: a model id is reported only when it is a whole value, i.e. the entire content of a
quoted string (every file type) or, in YAML and `.env` files, an unquoted scalar that fills the
rest of its line (`model: gemini-1.5-flash`, `- gemini-pro`, `MODEL=gemini-pro`). Prose that
mentions a model (`description: works with gemini-1.5-flash`), comments and look-alikes
(`gemini-pro-tips`) are not. The same rule makes JSON with comments (tsconfig) and templated
YAML safe to scan without parsing them.
"""

from __future__ import annotations

import os
import re

from migrator.context import Context, Handler, HandlerOutput
from migrator.findings import FIX_NONE, FIX_SAFE, FIX_UNSAFE, Finding, finding
from migrator.knowledge import EMBEDDING, MODELS_PREFIX, REEMBED, ModelInfo, ModelTable
from migrator.lint.common import decide_fix, model_code, model_finding, successor_id

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx")
YAML_SUFFIXES = (".yaml", ".yml")
QUOTED_ONLY_SUFFIXES = (".json", ".jsonc", ".json5", ".toml")
QUOTES = "\"'`"
LEGACY_JS_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)(["'])@google/generative-ai\1"""
)


def is_env_file(name: str) -> bool:
    lower = name.lower()
    return lower == ".env" or lower.startswith(".env.") or lower.endswith(".env")


def kind_of(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(JS_SUFFIXES):
        return "js"
    if lower.endswith(YAML_SUFFIXES):
        return "yaml"
    if lower.endswith(QUOTED_ONLY_SUFFIXES):
        return "quoted"
    if is_env_file(name):
        return "env"
    return None


def claims(name: str) -> bool:
    return kind_of(name) is not None


def _in_comment(before: str, kind: str) -> bool:
    if kind == "js":
        stripped = before.lstrip()
        if stripped.startswith(("//", "*", "/*")):
            return True
        return re.search(r"(?:^|\s)//", before) is not None
    return re.search(r"(?:^|\s)#", before) is not None


def _whole_value(line: str, start: int, end: int, kind: str) -> bool:
    before, after = line[:start], line[end:]
    if _in_comment(before, kind):
        return False
    if before and after and before[-1] in QUOTES and after[0] == before[-1]:
        # A key (`"gemini-pro": ...`, `"gemini-1.5-flash" = {...}`) names a model, it does
        # not select one: alias maps and gemini-migrate's own model overrides look like this.
        # A branch of a conditional expression (`pro ? "gemini-1.5-pro" : ...`) is a value.
        return not _is_key(before[:-1], after[1:], kind)
    if kind not in ("yaml", "env"):
        return False
    head, tail = before.rstrip(), after.lstrip()
    if kind == "env":
        opens = head.endswith("=")
    else:
        opens = head.endswith((":", "[", ",")) or head == "-" or head.endswith(" -")
    closes = tail == "" or tail.startswith(("#", ",", "]", "}"))
    return opens and closes


def _is_key(before: str, after: str, kind: str) -> bool:
    """Whether the quoted string between `before` and `after` is a key (or, in JS, a `case`
    label): followed by `:` or `=`, but not the middle of `cond ? "a" : "b"`."""
    if not after.lstrip().startswith((":", "=")):
        return False
    return kind != "js" or not before.rstrip().endswith("?")


# JS / TS: what makes a quoted model id a comparison or a lookup rather than a value.
_JS_COMPARED_BEFORE = re.compile(
    r"(?:[=!]=|\bcase|\.(?:includes|indexOf|lastIndexOf|has|get|startsWith|endsWith|"
    r"localeCompare|toBe|toEqual|toStrictEqual|toContain|toMatch|toHaveBeenCalledWith|"
    r"toHaveBeenLastCalledWith|toMatchObject|toHaveProperty)\(|[\w)\]]\[)$"
)
# An inline list looked up on the same line: `["gemini-pro", ...].includes(model)`.
_JS_LIST_LOOKUP = re.compile(r"\]\s*\.\s*(?:includes|indexOf|some|find)\s*\("
                             r"|\bnew\s+(?:Set|Map)\s*\(\s*\[")
_JS_ASSERTIONS = re.compile(r"\b(?:expect|assert(?:\.\w+)?|toHaveBeenCalledWith|"
                            r"toHaveBeenLastCalledWith|toMatchObject)\s*\(")
_JS_TEST_PATH = re.compile(r"(?:^|[/\\])(?:__tests__|__mocks__|tests?|spec)[/\\]|"
                           r"\.(?:test|spec)\.[cm]?[jt]sx?$")
# Tuning: the id names the base model of a tuning job, which a current model may not be.
_JS_TUNING = re.compile(r"\b(?:baseModel|base_model|sourceModel|source_model)\b")
_VERTEX_JS = re.compile(r"@google-cloud/vertexai|\bvertexai\s*:\s*true\b")


def _js_held(text: str, table: ModelTable, path: str) -> dict[str, int]:
    """Outdated ids (without "models/") that the file also compares or looks up, and the first
    line where it does: `model === "gemini-pro"`, `case "gemini-pro":`, a key of an object
    (`{"gemini-pro": ...}`), `PRICES["gemini-pro"]`, `.includes("gemini-pro")`, an assertion
    (`expect(model).toBe("gemini-pro")`, and in a test file any line of an `expect(...)`).
    Rewriting one place would make the other stop matching, so the id is reported, not
    written (as in Python)."""
    held: dict[str, int] = {}
    test_file = _JS_TEST_PATH.search(path) is not None
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        for match in table.token_pattern.finditer(line):
            token = match.group()
            before, after = line[:match.start()], line[match.end():]
            if not (before and after and before[-1] in QUOTES and after[0] == before[-1]):
                continue
            if table.outdated(token) is None or _in_comment(before, "js"):
                continue
            head, tail = before[:-1].rstrip(), after[1:].lstrip()
            compared = (_JS_COMPARED_BEFORE.search(head) is not None
                        or tail.startswith(("==", "!=")) or _is_key(head, tail, "js")
                        or _JS_ASSERTIONS.search(line) is not None
                        or _JS_LIST_LOOKUP.search(line) is not None)
            if not compared and test_file:
                window = "\n".join(lines[max(0, number - 4):number])
                compared = _JS_ASSERTIONS.search(window) is not None
            if compared:
                held.setdefault(token.removeprefix(MODELS_PREFIX), number)
    return held


def _js_listed_beside(text: str, offset: int, successor: str) -> bool:
    """Whether the innermost array literal around `offset` already holds `successor` as a
    quoted string (a model picker would then list it twice)."""
    depth = 0
    start = -1
    for index in range(offset - 1, max(-1, offset - 4000), -1):
        char = text[index]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                start = index if char == "[" else -1
                break
            depth -= 1
    if start < 0:
        return False
    depth, end = 0, len(text)
    for index in range(start + 1, min(len(text), start + 8000)):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                end = index
                break
            depth -= 1
    span = text[start:end]
    return any(f"{q}{name}{q}" in span for q in QUOTES
               for name in (successor, MODELS_PREFIX + successor))


def _js_fix(
    text: str, start: int, line: str, token: str, info: ModelInfo, safety: str,
    held: dict[str, int], vertex: bool,
) -> tuple[str, str]:
    """(fix safety, note) for an outdated id in JS / TS code.

    A retired id (calls answer 404) is a safe fix wherever it stands, calls left on the legacy
    SDK and wrapper libraries (LangChain's `ChatGoogleGenerativeAI({ model })`) included:
    nothing that works today can change. Not on Vertex AI (served per region), not for
    embedding models (stored vectors), not for a tuning job's base model, not where the file
    compares or looks up the same id, and not beside its successor in a list. A deprecated id
    keeps `safety` (safe in a file that calls the Interactions API, else unsafe)."""
    bare, successor = token.removeprefix(MODELS_PREFIX), info.successor
    if info.kind == EMBEDDING:
        return FIX_UNSAFE, "" if REEMBED in info.note else f" ({REEMBED})"
    fix = FIX_SAFE if info.status == "retired" and not vertex else safety
    if _JS_TUNING.search(line):
        return FIX_NONE, (" (the base model of a tuning job: not substituted, choose a model "
                          "that can be tuned)")
    if bare in held:
        return FIX_NONE, (f" (not substituted: line {held[bare]} compares or looks up the same "
                          "id, and would stop matching; change both by hand)")
    if _js_listed_beside(text, start, successor):
        return FIX_NONE, f" (the list already holds `{successor}`: remove this entry)"
    return fix, ""


def scan_models(
    text: str, path: str, ctx: Context, kind: str, *, safety: str,
    legacy_lines: frozenset[int] = frozenset(),
) -> tuple[list[tuple[int, int, str]], list[Finding]]:
    """Model findings in `text` and the (start, end, replacement) edits to apply.

    `safety` is the fix of a deprecated id (and, outside JS / TS code, of every id);
    `legacy_lines` are lines of a `getGenerativeModel(...)` left on the legacy SDK in a file
    that calls the Interactions API, where a deprecated id keeps working (unsafe there)."""
    table = ctx.models
    pattern = table.token_pattern
    edits: list[tuple[int, int, str]] = []
    found: list[Finding] = []
    offset = 0
    held = _js_held(text, table, path) if kind == "js" else {}
    vertex = kind == "js" and _VERTEX_JS.search(text) is not None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        for match in pattern.finditer(line):
            token = match.group()
            info = table.outdated(token)
            if info is None or not _whole_value(line, match.start(), match.end(), kind):
                continue
            code = model_code(info)
            if not ctx.enabled(code, path):
                continue
            new = successor_id(token, info)
            line_safety = FIX_UNSAFE if number in legacy_lines else safety
            fix, note = (line_safety if new else FIX_NONE), ""
            if kind == "js" and new:
                fix, note = _js_fix(text, offset + match.start(), line, token, info,
                                    line_safety, held, vertex)
            elif info.kind == EMBEDDING and new:
                note = "" if REEMBED in info.note else f" ({REEMBED})"
            report_fix, apply = decide_fix(ctx, path, code, line, fix)
            if apply:
                edits.append((offset + match.start(), offset + match.end(), new))
            found.append(model_finding(path, (number, match.start() + 1), token, info,
                                       fix=report_fix, fixed=apply, note=note))
        offset += len(line)
    return edits, found


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def decode(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for UTF-8 with or without a BOM; None for anything else."""
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


# Byte-order marks, longest first (UTF-32 LE starts with UTF-16 LE's), and the codec of the text
# after them.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8"),
)


def decode_marked(data: bytes) -> tuple[str, str, bytes] | None:
    """(text, codec, byte-order mark) for UTF-8 (with or without a BOM) and UTF-16 / UTF-32
    with a BOM, as pip reads a requirements file; `encode_marked` writes it back byte for byte.
    None for anything else."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), codec, bom
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8"), "utf-8", b""
    except UnicodeDecodeError:
        return None


def encode_marked(text: str, codec: str, bom: bytes) -> bytes:
    return bom + text.encode(codec)


def run_text(path: str, data: bytes, ctx: Context) -> HandlerOutput:
    kind = kind_of(os.path.basename(path))
    if kind is None:
        return HandlerOutput(None, [])
    if b"\0" in data:
        return HandlerOutput(None, [finding(path, (1, 1), "GM902", "binary file; skipped")])
    decoded = decode(data)
    if decoded is None:
        return HandlerOutput(
            None, [finding(path, (1, 1), "GM902", "not UTF-8 text; model names not checked")]
        )
    text, encoding = decoded
    # Where the file calls the Interactions API, the old model would be refused: a safe fix.
    safety = FIX_SAFE if kind == "js" and "interactions.create" in text else FIX_UNSAFE
    edits, found = scan_models(text, path, ctx, kind, safety=safety)
    if kind == "js":
        found.extend(_legacy_imports(text, path))
    if not edits:
        return HandlerOutput(None, found)
    return HandlerOutput(apply_edits(text, edits).encode(encoding), found)


def _legacy_imports(text: str, path: str) -> list[Finding]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in LEGACY_JS_IMPORT.finditer(line):
            if _in_comment(line[: match.start()], "js"):
                continue
            out.append(finding(path, (number, match.start() + 1), "GM403",
                               "imports the end-of-life `@google/generative-ai`; migrate to "
                               "`@google/genai`"))
    return out


TEXT_HANDLER = Handler(name="text", run=run_text)
