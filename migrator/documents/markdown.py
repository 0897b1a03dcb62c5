"""Markdown (.md, .markdown, .mdx) and reStructuredText (.rst): Python code blocks in place.

Each fenced ```python / ```py block (and each reST `.. code-block:: python`) is rewritten as its
own snippet; prose, other blocks and the fences themselves are kept byte for byte, and so is
the indentation of a block nested in a list. Findings carry the line in the document. A block
that mentions the legacy SDK but does not parse (an excerpt with `...`, a console session) is
left as it was with a GM901 finding; the other blocks still migrate. ```js / ```ts (and
jsx, tsx, mjs, cjs) blocks go through the JS/TS pass the same way. IPython lines in a Python
block copied from Colab (`!pip install ...`) are handled as in a notebook cell, and `pip
install` lines there and in shell blocks (```bash, ```sh, ```console, ```shell) move to
google-genai.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from migrator import prefilter
from migrator.context import Context, Handler, HandlerOutput
from migrator.documents import (
    GENAI_IMPORT,
    LEGACY_IMPORT,
    rewrite_install_line,
    shell_commands,
)
from migrator.documents.notebook import mask_ipython, unmask_ipython
from migrator.findings import Finding, finding
from migrator.syntax import cpython_error, syntax_error_finding, too_deep_finding, unparsable

_PYTHON_LANGS = frozenset({"python", "py", "python3", "py3", "ipython", "ipython3"})
# JS / TS block languages and the file suffix each is checked as.
_JS_LANGS = {"js": ".js", "javascript": ".js", "mjs": ".mjs", "cjs": ".cjs", "jsx": ".jsx",
             "node": ".js", "ts": ".ts", "typescript": ".ts", "mts": ".mts", "cts": ".cts",
             "tsx": ".tsx"}
_SHELL_LANGS = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "text", ""})
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\r\n]*)$")
_RST_DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]*)\.\.[ \t]+(?:code-block|code|sourcecode)::[ \t]*(?P<lang>\S*)[ \t]*$"
)
_COMPILE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


@dataclass
class _Block:
    first: int  # index of the first content line in the document's lines
    end: int  # index one past the last content line
    indent: str  # removed from every content line, put back afterwards
    lang: str


def _fenced_blocks(lines: list[str]) -> Iterator[_Block]:
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i].rstrip("\r\n"))
        if match is None:
            i += 1
            continue
        fence, indent = match.group("fence"), match.group("indent")
        info = match.group("info").strip()
        if fence[0] == "`" and "`" in info:
            i += 1  # an inline code span, not a fence
            continue
        lang = info.split(None, 1)[0].strip("{}.").lower() if info else ""
        closing = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence))
                             + r",}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j].rstrip("\r\n")):
            j += 1
        closed = j < len(lines)
        if not closed and indent:
            # Unclosed inside a list item: CommonMark ends the block with the item, at the
            # first non-blank line indented less than the fence.
            j = next((k for k in range(i + 1, len(lines)) if lines[k].strip()
                      and not lines[k].startswith(indent)), len(lines))
        # An unclosed fence runs to the end of the document (CommonMark), so its code is code.
        yield _Block(i + 1, j, indent, lang)
        i = j + 1 if closed else j


def _rst_blocks(lines: list[str]) -> Iterator[_Block]:
    i = 0
    while i < len(lines):
        match = _RST_DIRECTIVE.match(lines[i].rstrip("\r\n"))
        if match is None:
            i += 1
            continue
        base = len(match.group("indent").expandtabs())
        j = i + 1
        # Directive options (`:linenos:`) come before the blank line that opens the content.
        while j < len(lines) and lines[j].strip().startswith(":") and lines[j].strip():
            j += 1
        start = j
        end = j
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped and len(lines[j]) - len(lines[j].lstrip()) <= base:
                break
            if stripped:
                end = j + 1
            j += 1
        content = [line for line in lines[start:end] if line.strip()]
        if content:
            indent = min((line[: len(line) - len(line.lstrip())] for line in content), key=len)
            yield _Block(start, end, indent, match.group("lang").lower() or "python")
        i = max(j, i + 1)


def _dedent(lines: list[str], indent: str) -> str | None:
    out = []
    for line in lines:
        if line.startswith(indent):
            out.append(line[len(indent):])
        elif not line.strip():
            out.append(line.lstrip(" \t"))
        else:
            return None  # less indented than the fence: not one block we understand
    return "".join(out)


def _indent(text: str, indent: str) -> str:
    return "".join(indent + line if line.strip() else line
                   for line in text.splitlines(keepends=True))


def run_markdown(path: str, data: bytes, ctx: Context) -> HandlerOutput:
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        message = f"not valid UTF-8 ({exc.reason} at byte {exc.start}); left as it was"
        return HandlerOutput(None, [finding(path, (1, 1), "GM902", message)], skipped=message)
    lines = text.splitlines(keepends=True)
    rst = path.lower().endswith(".rst")
    blocks = list(_rst_blocks(lines) if rst else _fenced_blocks(lines))
    findings: list[Finding] = []
    replacements: dict[int, tuple[int, str]] = {}
    python_blocks = [b for b in blocks if b.lang in _PYTHON_LANGS]
    for block in python_blocks:
        new = _python_block(path, lines, block, ctx, findings)
        if new is not None:
            replacements[block.first] = (block.end, new)
    for block in blocks:
        if block.lang in _JS_LANGS and not rst:
            new = _js_block(path, lines, block, ctx, findings)
            if new is not None:
                replacements[block.first] = (block.end, new)
    # Install lines keep the legacy package while a Python block still imports it.
    remaining = "\n".join(replacements[b.first][1] if b.first in replacements
                          else "".join(lines[b.first:b.end]) for b in python_blocks)
    keep_legacy = bool(LEGACY_IMPORT.search(remaining))
    uses_genai = bool(GENAI_IMPORT.search(remaining))
    for block in blocks:
        if block.lang in _SHELL_LANGS and not rst:
            new = _shell_block(path, lines, block, keep_legacy, uses_genai, findings)
            if new is not None:
                replacements[block.first] = (block.end, new)
    if not replacements:
        return HandlerOutput(None, findings)
    out, i = [], 0
    while i < len(lines):
        if i in replacements:
            end, new = replacements[i]
            out.append(new)
            i = end
        else:
            out.append(lines[i])
            i += 1
    updated = ("\ufeff" if bom else "") + "".join(out)
    return HandlerOutput(updated.encode("utf-8"), findings)


def _python_block(
    path: str, lines: list[str], block: _Block, ctx: Context, findings: list[Finding]
) -> str | None:
    """The block's new text (indented as it was), or None when it stays as it is."""
    from libcst import ParserSyntaxError

    from migrator.codemods import transform_source

    original = "".join(lines[block.first : block.end])
    if not prefilter.python(ctx.models).mentions(original):
        return None
    code = _dedent(lines[block.first : block.end], block.indent)
    if code is None:
        return None
    newline = "\r\n" if original.endswith("\r\n") else "\n"
    # A block copied from Colab may hold `!pip install ...` lines: masked like a notebook cell.
    nonce = hashlib.sha256(code.encode()).hexdigest()[:12]
    masked = mask_ipython(code, nonce, False)
    what = "this Python code block"
    problem: Finding | None = None
    error = cpython_error(masked.text, path, _COMPILE_FLAGS)
    if error is not None:
        problem = syntax_error_finding(path, error, what=what)
    else:
        try:
            new_masked, found = transform_source(masked.text, path, ctx)
        except ParserSyntaxError as exc:
            problem = unparsable(path, masked.text, exc, flags=_COMPILE_FLAGS, what=what)
        except RecursionError:
            problem = too_deep_finding(path, what=what)
    if problem is not None:
        # Back from the masked, dedented block to the document.
        line = problem.line
        if masked.line_map:
            line = masked.line_map[min(max(line, 1), len(masked.line_map)) - 1] + 1
        findings.append(replace(problem, line=block.first + line,
                                column=problem.column + len(block.indent)))
        return None
    for item in found:
        line = masked.line_map[min(max(item.line, 1), len(masked.line_map)) - 1] + 1
        findings.append(finding(
            path, (block.first + line, item.column + len(block.indent)), item.code,
            item.message, fix=item.fix, fixed=item.fixed, **dict(item.data),
        ))
    keep_legacy = bool(LEGACY_IMPORT.search(new_masked))
    uses_genai = bool(GENAI_IMPORT.search(new_masked))
    installs = []
    for number, magic in zip(masked.magic_lines, masked.magics, strict=True):
        change = rewrite_install_line(magic, keep_legacy=keep_legacy, uses_genai=uses_genai)
        if change is None:
            installs.append(magic)
            continue
        installs.append(change.new_line)
        findings.append(finding(
            path, (block.first + number + 1, len(block.indent) + 1), "GM401", change.message,
            fix="safe", fixed=True, **{"from": change.old_token, "to": change.result},
        ))
    new_code = unmask_ipython(new_masked, masked, nonce, installs)
    if new_code is None:
        findings.append(finding(path, (block.first + 1, 1), "GM901",
                                "the rewrite of this code block lost an IPython line; the "
                                "block was left as it was"))
        return None
    if new_code == code:
        return None
    try:
        compile(new_masked, path, "exec", _COMPILE_FLAGS, dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        findings.append(finding(path, (block.first + 1, 1), "GM903",
                                f"the rewrite of this code block did not compile ({exc}); "
                                "the block was left as it was"))
        return None
    if newline == "\r\n" and "\r\n" not in new_code:
        new_code = new_code.replace("\n", "\r\n")
    return _indent(new_code, block.indent)


def _js_block(
    path: str, lines: list[str], block: _Block, ctx: Context, findings: list[Finding]
) -> str | None:
    """A ```js / ```ts block through the JS/TS pass, as a program of its own."""
    from migrator.js import run_source
    from migrator.js.source import LANGUAGES

    original = "".join(lines[block.first : block.end])
    if not prefilter.for_kind(prefilter.JS, ctx.models).mentions(original):
        return None
    code = _dedent(lines[block.first : block.end], block.indent)
    if code is None:
        return None
    suffix = _JS_LANGS[block.lang]
    new_code, found, error = run_source(code, path, LANGUAGES[suffix], ctx, suffix)
    for item in found:
        findings.append(finding(
            path, (block.first + item.line, item.column + len(block.indent)), item.code,
            item.message, fix=item.fix, fixed=item.fixed, **dict(item.data),
        ))
    if error is not None:
        findings.append(finding(path, (block.first + 1, 1), "GM903",
                                f"the rewrite of this code block did not check ({error}); "
                                "the block was left as it was"))
        return None
    if new_code == code:
        return None
    return _indent(new_code, block.indent)


def _shell_block(
    path: str, lines: list[str], block: _Block, keep_legacy: bool, uses_genai: bool,
    findings: list[Finding],
) -> str | None:
    changed = False
    out = []
    for offset, line in shell_commands(lines[block.first : block.end]):
        number = block.first + offset
        change = rewrite_install_line(line, keep_legacy=keep_legacy, uses_genai=uses_genai)
        if change is None:
            out.append(line)
            continue
        changed = True
        out.append(change.new_line)
        findings.append(finding(
            path, (number + 1, 1), "GM401",
            change.message,
            fix="safe", fixed=True, **{"from": change.old_token, "to": change.result},
        ))
    return "".join(out) if changed else None


MARKDOWN_HANDLER = Handler(
    name="markdown", run=run_markdown, reports_skips=True
)
