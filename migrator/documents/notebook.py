"""Jupyter notebooks: the code cells are rewritten as one program, everything else is kept.

A model built in cell 2 and used in cell 7 is one data flow, so the Python cells are joined
into one program, separated by marker statements, rewritten once, and split again at the
markers. IPython syntax (`%pip`, `!ls`, `%%capture`, `obj?`) is masked by placeholder
statements first and restored afterwards; `pip install` lines move from google-generativeai to
google-genai. Should the markers not come back exactly once each and in order, every cell is
rewritten on its own instead; a cell is never lost, moved or merged.

Only the `source` value of a changed cell is replaced in the file's text: outputs, execution
counts, metadata, ids, key order, indentation, escaping and the trailing newline stay byte for
byte. A cell that does not parse is left as it was, with a GM906 finding when it mentions the
legacy SDK (like a file, a cell with nothing to migrate in it is not worth an error); broken
JSON and the nbformat 3 layout leave the whole file untouched with a GM906 finding.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from migrator import prefilter
from migrator.context import Context, Handler, HandlerOutput
from migrator.documents import (
    CELL_MARKER,
    GENAI_IMPORT,
    LEGACY_IMPORT,
    rewrite_install_line,
    shell_commands,
)
from migrator.findings import Finding, finding
from migrator.syntax import libcst_only_finding

# Cell magics whose body is ordinary Python: the first line is masked, the body rewritten.
_PYTHON_CELL_MAGICS = frozenset({"capture", "time", "timeit", "prun", "debug"})
# Cell magics whose body is shell: only `pip install` lines are rewritten.
_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system"})
_COMPILE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
_HELP_LINE = re.compile(r"^\s*(?:\?\??[\w.]+|[\w.\[\]]+\s*\?\??)\s*$")
_ASSIGN_MAGIC = re.compile(r"^\s*[\w\s,()\[\]]+=\s*[!%]")
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


# --- Locating the `source` values in the file's text --------------------------------------------


def _ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    assert match is not None
    return match.end()


def _members(text: str, pos: int) -> Iterator[tuple[str, int, int]]:
    """(key, value start, value end) of the JSON object starting at text[pos] == '{'."""
    pos = _ws(text, pos + 1)
    if text[pos] == "}":
        return
    while True:
        key, pos = scanstring(text, pos + 1)
        pos = _ws(text, pos)
        start = _ws(text, pos + 1)  # past ':'
        end = _DECODER.raw_decode(text, start)[1]
        yield key, start, end
        pos = _ws(text, end)
        if text[pos] != ",":
            return
        pos = _ws(text, pos + 1)


def _items(text: str, pos: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each element of the JSON array starting at text[pos] == '['."""
    pos = _ws(text, pos + 1)
    if text[pos] == "]":
        return
    while True:
        end = _DECODER.raw_decode(text, pos)[1]
        yield pos, end
        pos = _ws(text, end)
        if text[pos] != ",":
            return
        pos = _ws(text, pos + 1)


def _source_spans(text: str) -> list[tuple[int, int] | None]:
    """The span of each cell's `source` value; the last duplicate key wins, as in json.loads."""
    start = _ws(text, 0)
    cells_span = None
    for key, value_start, value_end in _members(text, start):
        if key == "cells":
            cells_span = (value_start, value_end)
    assert cells_span is not None
    spans: list[tuple[int, int] | None] = []
    for cell_start, _ in _items(text, cells_span[0]):
        span = None
        if text[cell_start] == "{":
            for key, value_start, value_end in _members(text, cell_start):
                if key == "source":
                    span = (value_start, value_end)
        spans.append(span)
    return spans


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- IPython syntax -----------------------------------------------------------------------------


def _is_magic(line: str) -> bool:
    stripped = line.lstrip()
    if stripped.startswith(("%", "!", "?")):
        return True
    return bool(_HELP_LINE.match(line) or _ASSIGN_MAGIC.match(line))


def _compiles(source: str) -> bool:
    try:
        compile(source, "<cell>", "exec", _COMPILE_FLAGS, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _toggle_strings(line: str, state: str | None) -> str | None:
    """Track whether a line ends inside a triple-quoted string (so `!x` in a prompt stays)."""
    pos = 0
    while True:
        if state is None:
            found = [(line.find(q, pos), q) for q in ('"""', "'''")]
            found = [(i, q) for i, q in found if i >= 0]
            if not found:
                return None
            pos, state = min(found)
            pos += 3
        else:
            end = line.find(state, pos)
            if end < 0:
                return state
            pos, state = end + 3, None


@dataclass
class _Masked:
    """A cell's Python with IPython lines replaced by placeholder statements."""

    text: str
    magics: list[str]  # original text of each placeholder, newline(s) included
    magic_lines: list[int]  # original (0-based) first line of each placeholder
    line_map: list[int]  # masked line (0-based) -> original line (0-based)
    added_newline: bool


def _placeholder(nonce: str, index: int) -> str:
    return f"'__gemini_migrate_magic__ {index} {nonce}'"


def _mask(source: str, nonce: str, first_line_magic: bool) -> _Masked:
    lines = source.splitlines(keepends=True)
    if not first_line_magic and _compiles(source):
        # Plain Python: a line starting with `%` or `!` here is a continuation (`"%s"\n % x`),
        # not IPython syntax, and must not be masked.
        text = source if source.endswith("\n") or not source else source + "\n"
        return _Masked(text, [], [], list(range(len(lines))), text != source)
    out: list[str] = []
    magics: list[str] = []
    magic_lines: list[int] = []
    line_map: list[int] = []
    in_string: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if in_string is None and (_is_magic(line) or (i == 0 and first_line_magic)):
            j = i
            # A shell line continued with a backslash is one command.
            while lines[j].rstrip("\r\n").endswith("\\") and j + 1 < len(lines):
                j += 1
            block = "".join(lines[i : j + 1])
            if not block.endswith("\n"):
                block += "\n"
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{_placeholder(nonce, len(magics))}\n")
            magics.append(block)
            magic_lines.append(i)
            line_map.append(i)
            i = j + 1
            continue
        in_string = _toggle_strings(line, in_string)
        out.append(line)
        line_map.append(i)
        i += 1
    text = "".join(out)
    if text and not text.endswith("\n"):
        text += "\n"
    # Put back without the newline the program needed, if the cell had none at its end.
    added = bool(source) and not source.endswith("\n")
    return _Masked(text, magics, magic_lines, line_map, added)


def _unmask(text: str, masked: _Masked, nonce: str, installs: list[str]) -> str | None:
    """Put the IPython lines back; None when a placeholder went missing or was duplicated."""
    pattern = re.compile(
        r"^[ \t]*'__gemini_migrate_magic__ (\d+) " + re.escape(nonce) + r"'[ \t]*(?:\r?\n|\Z)",
        re.MULTILINE,
    )
    seen: list[int] = []

    def put_back(match: re.Match[str]) -> str:
        index = int(match.group(1))
        seen.append(index)
        return installs[index] if index < len(installs) else ""

    restored = pattern.sub(put_back, text)
    if sorted(seen) != list(range(len(masked.magics))) or nonce in restored:
        return None
    if masked.added_newline and restored.endswith("\n"):
        restored = restored[:-1]
    return restored


# Markdown code blocks copied from Colab carry the same syntax (`!pip install ...`).
mask_ipython = _mask
unmask_ipython = _unmask


# --- The handler --------------------------------------------------------------------------------


@dataclass
class _Cell:
    index: int  # among all cells, 0-based ("cell N" in messages is index + 1)
    source: str
    span: tuple[int, int]
    json_lines: list[int]  # file line of each source line
    kind: str  # "python" | "shell" | "file" (%%writefile x.py) | "other"
    masked: _Masked | None = None
    new_source: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def file_line(self, line: int) -> int:
        """The notebook file's line for a (0-based) line of this cell's source."""
        if not self.json_lines:
            return 1
        return self.json_lines[min(max(line, 0), len(self.json_lines) - 1)]


def _skip(path: str, message: str) -> HandlerOutput:
    return HandlerOutput(None, [finding(path, (1, 1), "GM906", message)], skipped=message)


def _decode(data: bytes) -> tuple[str, bool]:
    bom = data.startswith(b"\xef\xbb\xbf")
    return data.decode("utf-8-sig" if bom else "utf-8"), bom


def _is_python(nb: dict[str, Any]) -> bool:
    meta = nb.get("metadata")
    if not isinstance(meta, dict):
        return True
    for key, name in (("kernelspec", "language"), ("language_info", "name")):
        section = meta.get(key)
        if isinstance(section, dict) and isinstance(section.get(name), str):
            return section[name].lower() in ("python", "python3", "ipython", "ipython3")
    return True


def _json_lines(text: str, span: tuple[int, int], value: Any) -> list[int]:
    if isinstance(value, str):
        line = _line_of(text, span[0])
        return [line] * max(1, value.count("\n") + 1)
    lines: list[int] = []
    for (start, _), element in zip(_items(text, span[0]), value, strict=False):
        line = _line_of(text, start)
        lines.extend([line] * max(1, len(str(element).splitlines())))
    return lines


def _cells(path: str, text: str, nb: dict[str, Any]) -> list[_Cell] | str:
    spans = _source_spans(text)
    cells = []
    for index, (cell, span) in enumerate(zip(nb["cells"], spans, strict=True)):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or span is None:
            continue
        value = cell.get("source")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            source = "".join(value)
        elif isinstance(value, str):
            source = value
        else:
            return f"cell {index + 1} has a `source` that is neither text nor a list of lines"
        first = source.lstrip().split("\n", 1)[0]
        kind = "python"
        if first.startswith("%%"):
            magic = first[2:].split(None, 1)[0] if len(first) > 2 else ""
            if magic in _SHELL_CELL_MAGICS:
                kind = "shell"
            elif magic == "writefile" and first.split()[-1].endswith((".py", ".pyw")):
                kind = "file"  # a script written from the notebook: its own program
            elif magic not in _PYTHON_CELL_MAGICS:
                kind = "other"
        cells.append(_Cell(index, source, span, _json_lines(text, span, value), kind))
    return cells


def run_notebook(path: str, data: bytes, ctx: Context) -> HandlerOutput:
    try:
        text, bom = _decode(data)
        nb = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        return _skip(path, f"not a valid notebook (broken JSON: {exc}); left as it was")
    if not isinstance(nb, dict):
        return _skip(path, "not a notebook (the JSON is not an object); left as it was")
    if "worksheets" in nb or (isinstance(nb.get("nbformat"), int) and nb["nbformat"] < 4):
        return _skip(path, "nbformat 3 notebook; convert it with `jupyter nbconvert --to "
                           "notebook --nbformat 4` and run again; left as it was")
    if not isinstance(nb.get("cells"), list):
        return _skip(path, "not a notebook (no `cells` list); left as it was")
    if not _is_python(nb):
        return HandlerOutput(None, [])
    cells = _cells(path, text, nb)
    if isinstance(cells, str):
        return _skip(path, f"{cells}; left as it was")
    mentions = prefilter.python(ctx.models).mentions
    if not any(mentions(c.source) for c in cells):
        return HandlerOutput(None, [])

    nonce = hashlib.sha256(data).hexdigest()[:12]
    findings: list[Finding] = []
    python = []
    for cell in cells:
        if cell.kind != "python":
            continue
        cell.masked = _mask(cell.source, nonce, cell.source.lstrip().startswith("%%"))
        try:
            compile(cell.masked.text, f"{path}:cell {cell.index + 1}", "exec", _COMPILE_FLAGS,
                    dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            # Like a file without trigger bytes, a broken cell that mentions nothing this tool
            # rewrites is not worth an error (teaching notebooks keep broken cells on purpose).
            if mentions(cell.source):
                findings.append(_unparsable(path, cell, exc, (exc.lineno or 1) - 1
                                            if isinstance(exc, SyntaxError) else 0))
            cell.masked = None
            continue
        if cell.masked.text.strip():
            python.append(cell)

    rewritten = _rewrite_program(path, python, nonce, ctx, findings)
    if rewritten is None:
        _rewrite_cells(path, python, nonce, ctx, findings)
    for cell in cells:
        if cell.kind == "file":
            _rewrite_file_cell(path, cell, ctx, findings)

    # Install lines keep the legacy package while code that imports it remains.
    final_code = "\n".join(c.new_source if c.new_source is not None else c.source
                           for c in cells if c.kind in ("python", "file"))
    keep_legacy = bool(LEGACY_IMPORT.search(final_code))
    uses_genai = bool(GENAI_IMPORT.search(final_code))
    for cell in cells:
        _restore(path, cell, nonce, keep_legacy, uses_genai, findings)
    for cell in cells:
        findings.extend(cell.findings)

    changed = [c for c in cells if c.new_source is not None and c.new_source != c.source]
    if not changed:
        return HandlerOutput(None, findings)
    for cell in changed:
        try:
            if cell.kind == "python":
                masked = _mask(cell.new_source or "", nonce,
                               cell.source.lstrip().startswith("%%"))
                compile(masked.text, path, "exec", _COMPILE_FLAGS, dont_inherit=True)
            elif cell.kind == "file":
                body = (cell.new_source or "").split("\n", 1)[1:]
                compile("".join(body), path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            message = (f"the rewrite of cell {cell.index + 1} did not compile ({exc}); the "
                       "notebook was not written")
            return HandlerOutput(None, [*[f for f in findings if not f.fixed],
                                        finding(path, (1, 1), "GM903", message)],
                                 skipped=message)
    new_text = _splice(text, nb, changed)
    if new_text is None:
        message = "could not write the notebook back unchanged apart from its sources (a bug)"
        return HandlerOutput(None, [*findings, finding(path, (1, 1), "GM903", message)],
                             skipped=message)
    return HandlerOutput(("\ufeff" if bom else "").encode() + new_text.encode("utf-8"),
                         findings)


def _unparsable(path: str, cell: _Cell, exc: Exception, masked_line: int) -> Finding:
    """GM906 for a cell; `masked_line` is the 0-based line of the error in the masked cell."""
    masked = cell.masked
    line_map = masked.line_map if masked else []
    original_line = line_map[min(max(masked_line, 0), len(line_map) - 1)] if line_map else 0
    if not isinstance(exc, (SyntaxError, ValueError)):
        # A LibCST failure: every cell was compiled by CPython first, so this is valid Python
        # that LibCST cannot read, not a broken cell.
        return replace(libcst_only_finding(path, (1, 1), what=f"cell {cell.index + 1}"),
                       line=cell.file_line(original_line))
    reason = getattr(exc, "msg", None) or str(exc)
    reason = str(reason).splitlines()[0] if str(reason).strip() else type(exc).__name__
    return finding(path, (cell.file_line(original_line), 1), "GM906",
                   f"cell {cell.index + 1} does not parse as Python ({reason}, line "
                   f"{original_line + 1} of the cell); the cell was left as it was")


def _cell_marker(nonce: str, number: int) -> str:
    return f"'{CELL_MARKER} {number} {nonce}'\n"


def _rewrite_program(
    path: str, python: list[_Cell], nonce: str, ctx: Context, findings: list[Finding]
) -> bool | None:
    """Rewrite the cells as one program; None when it has to be done cell by cell."""
    from libcst import ParserSyntaxError

    from migrator.codemods import transform_source

    cells = list(python)
    while cells:
        starts, parts, line = [], [], 1
        for number, cell in enumerate(cells):
            assert cell.masked is not None
            if number:
                parts.append(_cell_marker(nonce, number))
                line += 1
            starts.append(line)
            parts.append(cell.masked.text)
            line += cell.masked.text.count("\n")
        program = "".join(parts)
        try:
            new_program, found = transform_source(program, path, ctx)
        except ParserSyntaxError as exc:
            # CPython accepted every cell, LibCST did not accept one: leave that cell alone.
            bad = _cell_at(starts, exc.raw_line)
            findings.append(_unparsable(path, cells[bad], exc, exc.raw_line - starts[bad]))
            cells[bad].masked = None
            del cells[bad]
            continue
        regions = _split(new_program, nonce, len(cells))
        if regions is None:
            return None
        for cell, region in zip(cells, regions, strict=True):
            if cell.masked is not None and region != cell.masked.text:
                cell.new_source = region  # still masked; _restore unmasks
        for item in found:
            number = _cell_at(starts, item.line)
            cells[number].findings.append(_locate(item, cells[number], item.line - starts[number]))
        return True
    return True


def _rewrite_cells(
    path: str, python: list[_Cell], nonce: str, ctx: Context, findings: list[Finding]
) -> None:
    from libcst import ParserSyntaxError

    from migrator.codemods import transform_source

    for cell in python:
        cell.findings.clear()
        cell.new_source = None
        if cell.masked is None:
            continue
        try:
            new, found = transform_source(cell.masked.text, path, ctx)
        except ParserSyntaxError as exc:
            findings.append(_unparsable(path, cell, exc, exc.raw_line - 1))
            cell.masked = None
            continue
        if new != cell.masked.text:
            cell.new_source = new
        cell.findings.extend(_locate(item, cell, item.line - 1) for item in found)


def _rewrite_file_cell(path: str, cell: _Cell, ctx: Context, findings: list[Finding]) -> None:
    """`%%writefile app.py`: the body is a Python file of its own, rewritten on its own."""
    from libcst import ParserSyntaxError

    from migrator.codemods import transform_source

    lines = cell.source.splitlines(keepends=True)
    head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("%%")) + 1
    body = "".join(lines[head:])
    if not prefilter.python(ctx.models).mentions(body):
        return
    try:
        compile(body, path, "exec", dont_inherit=True)
        new_body, found = transform_source(body, path, ctx)
    except (SyntaxError, ValueError, ParserSyntaxError) as exc:
        line = getattr(exc, "lineno", None) or getattr(exc, "raw_line", None) or 1
        findings.append(finding(
            path, (cell.file_line(head + line - 1), 1), "GM906",
            f"cell {cell.index + 1} writes a Python file that does not parse; the cell was "
            "left as it was",
        ))
        return
    if new_body != body:
        cell.new_source = "".join(lines[:head]) + new_body
    for item in found:
        original = head + max(item.line, 1) - 1
        cell.findings.append(finding(
            item.path, (cell.file_line(original), item.column), item.code,
            f"{item.message} (cell {cell.index + 1}, line {original + 1})",
            fix=item.fix, fixed=item.fixed, **dict(item.data),
        ))


def _cell_at(starts: list[int], line: int) -> int:
    number = 0
    for i, start in enumerate(starts):
        if start <= line:
            number = i
    return number


def _locate(item: Finding, cell: _Cell, masked_line: int) -> Finding:
    """Move a finding from program coordinates to the notebook file, naming the cell."""
    masked = cell.masked
    line_map = masked.line_map if masked else []
    original = line_map[min(max(masked_line, 0), len(line_map) - 1)] if line_map else 0
    return finding(
        item.path, (cell.file_line(original), item.column), item.code,
        f"{item.message} (cell {cell.index + 1}, line {original + 1})",
        fix=item.fix, fixed=item.fixed, **dict(item.data),
    )


def _split(program: str, nonce: str, count: int) -> list[str] | None:
    pattern = re.compile(
        rf"^'{CELL_MARKER} (\d+) " + re.escape(nonce) + r"'\r?\n", re.MULTILINE
    )
    matches = list(pattern.finditer(program))
    if [int(m.group(1)) for m in matches] != list(range(1, count)):
        return None
    bounds = [0, *[x for m in matches for x in (m.start(), m.end())], len(program)]
    regions = [program[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    if any(CELL_MARKER in region for region in regions):
        return None
    return regions


def _restore(path: str, cell: _Cell, nonce: str, keep_legacy: bool, uses_genai: bool,
             findings: list[Finding]) -> None:
    """Unmask a rewritten cell and move its install lines; never half a cell."""
    if cell.kind in ("other", "file"):
        return
    if cell.kind == "shell":
        commands = shell_commands(cell.source.splitlines(keepends=True))
        new = "".join(_install(path, cell, number, command, keep_legacy, uses_genai)
                      for number, command in commands)
        if new != cell.source:
            cell.new_source = new
        return
    masked = cell.masked
    if masked is None:
        cell.new_source = None
        return
    installs = [_install(path, cell, masked.magic_lines[i], block, keep_legacy, uses_genai)
                for i, block in enumerate(masked.magics)]
    text = cell.new_source if cell.new_source is not None else masked.text
    restored = _unmask(text, masked, nonce, installs)
    if restored is None:
        cell.findings.clear()
        cell.new_source = None
        findings.append(finding(
            path, (cell.file_line(0), 1), "GM906",
            f"cell {cell.index + 1}: the rewrite lost an IPython line; the cell was left as it "
            "was",
        ))
        return
    cell.new_source = restored if restored != cell.source else None


def _install(path: str, cell: _Cell, line_number: int, line: str, keep_legacy: bool,
             uses_genai: bool) -> str:
    change = rewrite_install_line(line, keep_legacy=keep_legacy, uses_genai=uses_genai)
    if change is None:
        return line
    cell.findings.append(finding(
        path, (cell.file_line(line_number), 1), "GM401",
        f"{change.message} "
        f"(cell {cell.index + 1}, line {line_number + 1})",
        fix="safe", fixed=True, **{"from": change.old_token, "to": change.result},
    ))
    return change.new_line


# --- Writing the sources back -------------------------------------------------------------------


def _style(text: str) -> tuple[str, bool, str]:
    """(indent unit, ensure_ascii, newline) the file was written with."""
    match = re.match(r"\s*\{\r?\n([ \t]+)\S", text)
    unit = match.group(1) if match else ""
    ensure_ascii = text.isascii() and re.search(r"\\u[0-9a-fA-F]{4}", text) is not None
    newline = "\r\n" if "\r\n" in text else "\n"
    return unit, ensure_ascii, newline


def _serialise(text: str, span: tuple[int, int], source: str,
               style: tuple[str, bool, str]) -> str:
    unit, ensure_ascii, newline = style
    old = text[span[0] : span[1]]
    if old.startswith('"'):
        return json.dumps(source, ensure_ascii=ensure_ascii)
    items = [json.dumps(line, ensure_ascii=ensure_ascii)
             for line in source.splitlines(keepends=True)]
    if not items:
        return "[]"
    if "\n" in old:
        first = re.match(r"\[[ \t]*\r?\n([ \t]*)", old)
        last = re.search(r"\n([ \t]*)\]$", old)
        element, closing = (first.group(1), last.group(1)) if first and last else ("", "")
    elif unit:
        line_start = text.rfind("\n", 0, span[0]) + 1
        key_line = text[line_start : span[0]]
        closing = key_line[: len(key_line) - len(key_line.lstrip())]
        element = closing + unit
    else:
        return "[" + ", ".join(items) + "]"
    return "[" + newline + ("," + newline).join(element + i for i in items) + newline \
        + closing + "]"


def _splice(text: str, nb: dict[str, Any], changed: list[_Cell]) -> str | None:
    style = _style(text)
    pieces, pos = [], 0
    for cell in sorted(changed, key=lambda c: c.span[0]):
        assert cell.new_source is not None
        pieces.append(text[pos : cell.span[0]])
        pieces.append(_serialise(text, cell.span, cell.new_source, style))
        pos = cell.span[1]
    pieces.append(text[pos:])
    new_text = "".join(pieces)
    # The one thing that may differ is the sources we meant to change.
    try:
        check = json.loads(new_text)
    except ValueError:
        return None
    expected = {c.index: c.new_source for c in changed}
    for index, (old, new) in enumerate(zip(nb["cells"], check["cells"], strict=True)):
        if index in expected:
            source = new.get("source")
            if ("".join(source) if isinstance(source, list) else source) != expected[index]:
                return None
            if type(source) is not type(old.get("source")):
                return None
            old, new = {**old, "source": None}, {**new, "source": None}
        if old != new:
            return None
    if {k: v for k, v in check.items() if k != "cells"} != \
            {k: v for k, v in nb.items() if k != "cells"}:
        return None
    return new_text


# --- A readable diff ----------------------------------------------------------------------------


def cell_diff(name: str, old: bytes, new: bytes) -> str | None:
    """A unified diff per changed cell, headed `cell N`; None if either side is not a notebook."""
    try:
        old_cells = json.loads(_decode(old)[0])["cells"]
        new_cells = json.loads(_decode(new)[0])["cells"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(old_cells, list) or not isinstance(new_cells, list) or \
            len(old_cells) != len(new_cells):
        return None
    out: list[str] = []
    for number, (before, after) in enumerate(zip(old_cells, new_cells, strict=True), start=1):
        a, b = _text(before), _text(after)
        if a == b:
            continue
        lines = difflib.unified_diff(
            a.splitlines(keepends=True), b.splitlines(keepends=True),
            fromfile=f"a/{name} (cell {number})", tofile=f"b/{name} (cell {number})",
        )
        out.extend(line if line.endswith("\n") else line + "\n\\ No newline at end of cell\n"
                   for line in lines)
    return "".join(out)


def _text(cell: Any) -> str:
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(source) if isinstance(source, list) else str(source)


NOTEBOOK_HANDLER = Handler(name="notebook", run=run_notebook, reports_skips=True)
