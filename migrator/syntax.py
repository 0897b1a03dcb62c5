"""Why Python source could not be rewritten, in CPython's words when CPython rejects it too.

LibCST's parser reports a position and the list of tokens it expected; CPython's compiler says
what is wrong (`'[' was never closed`) and where. So when LibCST fails, the same source is
compiled: if CPython rejects it, its message and position are reported (GM901); if CPython
accepts it, the code is valid Python that LibCST cannot read (GM908), and that is said plainly.
"""

from __future__ import annotations

import ast
import re
import sys

from migrator.findings import Finding, finding

PYTHON = f"Python {sys.version_info.major}.{sys.version_info.minor}"
_FLAGS = ast.PyCF_ONLY_AST
_STOPPED = re.compile(r"\berror at (\d+):(\d+)")


def cpython_error(source: str | bytes, path: str, flags: int = 0) -> SyntaxError | None:
    """CPython's SyntaxError for `source`, or None when it compiles."""
    try:
        compile(source, path, "exec", _FLAGS | flags, dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError) as exc:
        # NUL bytes, or nesting beyond the compiler's own limits: no position to give.
        error = SyntaxError(str(exc) or type(exc).__name__)
        error.lineno, error.offset = 1, 1
        return error
    return None


def syntax_error_finding(path: str, exc: SyntaxError, *, line: int = 0, column: int = 0,
                         what: str = "the file") -> Finding:
    """GM901 at CPython's position (shifted by `line` / `column` for embedded code)."""
    reason = exc.msg or "invalid syntax"
    return finding(path, (line + (exc.lineno or 1), column + max(exc.offset or 1, 1)), "GM901",
                   f"{what} does not parse as {PYTHON}: {reason}; it was left as it was")


def libcst_only_finding(path: str, position: tuple[int, int], *,
                        what: str = "the file") -> Finding:
    """GM908: CPython accepts the code, LibCST does not."""
    return finding(path, position, "GM908",
                   f"{what} is valid Python that LibCST (the parser gemini-migrate rewrites "
                   "with) cannot read at this position; it was left as it was: migrate it by "
                   "hand, or rewrite this statement (e.g. `(x): int = 1` as `x: int = 1`)")


def too_deep_finding(path: str, *, line: int = 1, what: str = "the file") -> Finding:
    """GM908: LibCST parsed the code but walking its tree exceeds Python's recursion limit."""
    return finding(path, (line, 1), "GM908",
                   f"{what} is valid Python nested too deeply for LibCST's tree (for example "
                   "hundreds of adjacent string literals or chained operators); it was left as "
                   "it was")


def unparsable(path: str, source: str | bytes, exc: Exception, *, line: int = 0,
               column: int = 0, flags: int = 0, what: str = "the file") -> Finding:
    """The finding for source LibCST failed to parse with `exc` (a ParserSyntaxError)."""
    error = cpython_error(source, path, flags)
    if error is not None:
        return syntax_error_finding(path, error, line=line, column=column, what=what)
    # LibCST's raw position can point past the statement (the next line); the one in its
    # message ("error at 2:5", column 0-based) is where its parser stopped.
    stopped = _STOPPED.search(str(getattr(exc, "message", "")))
    if stopped:
        raw_line, raw_column = int(stopped[1]), int(stopped[2])
    else:
        raw_line, raw_column = getattr(exc, "raw_line", 1) or 1, getattr(exc, "raw_column", 0)
    return libcst_only_finding(path, (line + raw_line, column + raw_column + 1), what=what)
