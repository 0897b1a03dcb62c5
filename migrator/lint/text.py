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
        return not after[1:].lstrip().startswith((":", "="))
    if kind not in ("yaml", "env"):
        return False
    head, tail = before.rstrip(), after.lstrip()
    if kind == "env":
        opens = head.endswith("=")
    else:
        opens = head.endswith((":", "[", ",")) or head == "-" or head.endswith(" -")
    closes = tail == "" or tail.startswith(("#", ",", "]", "}"))
    return opens and closes


def scan_models(
    text: str, path: str, ctx: Context, kind: str, *, safety: str
) -> tuple[list[tuple[int, int, str]], list[Finding]]:
    """Model findings in `text` and the (start, end, replacement) edits to apply."""
    table = ctx.models
    pattern = table.token_pattern
    edits: list[tuple[int, int, str]] = []
    found: list[Finding] = []
    offset = 0
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
            report_fix, apply = decide_fix(ctx, path, code, line, safety if new else FIX_NONE)
            if apply:
                edits.append((offset + match.start(), offset + match.end(), new))
            found.append(model_finding(path, (number, match.start() + 1), token, info,
                                       fix=report_fix, fixed=apply))
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
