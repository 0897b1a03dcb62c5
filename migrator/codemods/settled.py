"""A file with nothing left to do, told without LibCST (issue 10, target e).

A pre-commit hook runs on every commit after the migration, over files that already import
google-genai and call `client.interactions.create(...)`: they pass the byte prefilter, and
until now each paid for importing LibCST and every pass, resolving metadata and running the
Interactions lint only to report nothing. `settled()` answers "no pass can change this file
or report anything in it" from the text, the `ast` tree and the string tokens, in a few
milliseconds. It is conservative: it says True only when every pass would, by its own text
gates or by the checks below, give the module back unchanged with no finding; whenever it is
unsure it says False and the full run decides. tests/codemods/test_settled.py checks on every
fixture that a settled file is one the full run leaves alone.

The questions it asks, pass by pass (the passes of `codemods.transform_module`):

- the legacy, Vertex and google-genai passes, and the mocks lint: their own text gates;
- the Interactions lint (GM201-GM208, GM301-GM305): its text gate, else no string that is a
  notable model id, a 1.x stream event name, a `"role"` or `"data"` key; no `.outputs`; no
  `agent=`, `store=`, `previous_interaction_id=` or `tools=` argument; nothing an environment
  lookup or a configuration reader can be resolved from (GM305);
- the tidy pass: no `global client` it could turn into `self.client`, and no model dict it
  could inline (every `x = dict(...)` is written on one line, which it keeps as the author's,
  or `x` is not spread into a call, or is read at least twice where it is bound); the alias it
  drops is never one the file was written with, and the wrap pass only touches new lines;
- LibCST itself: the file parses (CPython's parser, then the shapes LibCST reads differently:
  deep nesting, long runs of adjacent strings, a parenthesized annotated target).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.knowledge import ModelTable

# Stream event names of the google-genai 1.x schema and their >=2.0 names (api-mapping.md 3.5).
EVENT_RENAMES = {
    "content.delta": "step.delta",
    "content.start": "step.start",
    "content.stop": "step.stop",
    "interaction.complete": "interaction.completed",
    "interaction.start": "interaction.created",
}
# The mocks lint reads metadata only for files that mock anything ("dispatch" is not a patch).
MOCKING = re.compile(r"\bpatch\b|\b(?:setattr|delattr|setitem|delitem)\s*\(|\bsys\.modules\b")
# `global client` in a method: the tidy pass may make it `self.client`.
GLOBAL = re.compile(r"^[ \t]+global (\w+)[ \t]*$", re.MULTILINE)

# Arguments of an Interactions call that a check of the lint looks at.
_CHECKED_KEYWORDS = frozenset({"agent", "store", "previous_interaction_id", "tools"})
# Dict keys the input checks look at (GM206 role turns, GM207 inline bytes).
_CHECKED_STRINGS = frozenset({"role", "data", *EVENT_RENAMES})
# Where GM305's "the model comes from an environment variable / a configuration file" can
# resolve from: modules of ENV_LOOKUPS / CONFIG_LOADERS (facts/modelsource.py) and their names.
_SOURCE_MODULES = frozenset({"os", "json", "yaml", "tomllib", "tomli", "toml", "dotenv"})
_SOURCE_NAMES = _SOURCE_MODULES | {
    "getenv", "environ", "load", "loads", "safe_load", "full_load", "dotenv_values",
}
# LibCST walks its tree recursively: a tree this deep may exceed the recursion limit (GM908).
_MAX_DEPTH = 60
_MAX_ADJACENT_STRINGS = 20
_FRAMES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_NESTED = (*_FRAMES, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def client_globals(code: str) -> list[str]:
    """The names of `global NAME` lines (written once) whose NAME is assigned a `*.Client(...)`:
    the candidates of the tidy pass's client-in-a-method edit."""
    globals_ = GLOBAL.findall(code)
    return [name for name in dict.fromkeys(globals_)
            if globals_.count(name) == 1
            and re.search(rf"\b{name} = \w+\.Client\(", code) is not None]


def interactions_gate(code: str, models: ModelTable) -> bool:
    """The Interactions lint's own text gate: False when it skips the file."""
    return ("interactions" in code or "aqa" in code
            or any(name in code for name in EVENT_RENAMES)
            or any(models.notable(m.group()) for m in models.token_pattern.finditer(code)))


def settled(data: bytes, models: ModelTable) -> bool:
    """True when no pass of the Python handler can change `data` or report anything in it."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        code = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return False
    if "generativeai" in code or "vertexai" in code:
        return False
    if ("models.generate_content" in code or "chats" in code) and "genai" in code:
        return False
    if (".genai." in code) and MOCKING.search(code) is not None:
        return False
    if "global " in code and client_globals(code):
        return False
    lint = interactions_gate(code, models)
    inline = "interactions.create(**" in code
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    if not _plain_tree(tree, lint):
        return False
    if inline and not _no_inlining(tree):
        return False
    return _plain_strings(code, models, lint)


def _plain_tree(tree: ast.Module, lint: bool) -> bool:
    """Not too deep for LibCST, no shape it reads differently, and (when the Interactions
    lint runs) nothing its checks look at."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return False
        if isinstance(node, ast.AnnAssign) and not node.simple and isinstance(node.target,
                                                                              ast.Name):
            return False  # `(x): int = 1`: CPython reads it, LibCST does not
        if lint:
            if isinstance(node, ast.keyword) and node.arg in _CHECKED_KEYWORDS:
                return False
            if isinstance(node, ast.Attribute) and node.attr == "outputs":
                return False
            if isinstance(node, ast.Name) and node.id in _SOURCE_NAMES:
                return False
            if isinstance(node, ast.alias) and (
                    node.name.split(".")[0] in _SOURCE_NAMES
                    or node.name.rsplit(".", 1)[-1] in _SOURCE_NAMES
                    or (node.asname or "") in _SOURCE_NAMES):
                return False
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] \
                    in _SOURCE_MODULES:
                return False
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1))
    return True


def _no_inlining(tree: ast.Module) -> bool:
    """No `x = dict(k=v, ...)` the tidy pass could inline into `create(**x)`.

    On a file it did not rewrite, the pass keeps every dict whose statement's text is in the
    file as written: always so for a statement on one line. For one on several lines, it
    inlines only a dict read once, as `**x`: a name spread nowhere, or read at least twice in
    the frame it is bound in (after its binding, outside nested scopes), is not such a dict.
    """
    spread: set[str] = set()
    declared: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg is None and isinstance(node.value,
                                                                             ast.Name):
            spread.add(node.value.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
    if not spread:
        return True
    for frame, statement, name in _dict_assignments(tree):
        if name not in spread or statement.lineno == statement.end_lineno:
            continue
        if name in declared or _reads_after(frame, name, statement) < 2:
            return False
    return True


def _dict_assignments(tree: ast.Module) -> list[tuple[ast.AST, ast.Assign, str]]:
    found: list[tuple[ast.AST, ast.Assign, str]] = []
    stack: list[tuple[ast.AST, ast.AST]] = [(tree, tree)]
    while stack:
        node, frame = stack.pop()
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            value = node.value
            if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                    and value.func.id == "dict" and not value.args and value.keywords
                    and all(k.arg is not None for k in value.keywords)):
                found.append((frame, node, node.targets[0].id))
        inner = node if isinstance(node, _FRAMES) else frame
        for child in ast.iter_child_nodes(node):
            stack.append((child, inner))
    return found


def _reads_after(frame: ast.AST, name: str, statement: ast.stmt) -> int:
    """Reads of `name` in `frame` itself (not in nested functions, classes or
    comprehensions) that come after `statement`."""
    end = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
    count = 0
    stack: list[ast.AST] = list(ast.iter_child_nodes(frame))
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        if (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
                and (node.lineno, node.col_offset) > end):
            count += 1
        stack.extend(ast.iter_child_nodes(node))
    return count


def _plain_strings(code: str, models: ModelTable, lint: bool) -> bool:
    """No long run of adjacent string literals (LibCST nests them), and (when the
    Interactions lint runs) no string literal its checks look at: LibCST's strings are the
    tokenizer's, so each is read on its own, as written."""
    run = 0
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    for token in tokens:
        if token.type in (tokenize.NL, tokenize.COMMENT, tokenize.NEWLINE):
            if token.type == tokenize.NEWLINE:
                run = 0
            continue
        if token.type != tokenize.STRING:
            run = 0
            continue
        run += 1
        if run > _MAX_ADJACENT_STRINGS:
            return False
        if not lint:
            continue
        text = token.string
        prefix = text[:len(text) - len(text.lstrip("rRbBuUfF"))]
        if "f" in prefix.lower():
            body = text[len(prefix):].strip("'\"")
            if "'" in body or '"' in body:
                return False  # strings inside the f-string's expressions
            continue
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return False
        if not isinstance(value, str):
            continue
        if value in _CHECKED_STRINGS or (value and models.notable(value) is not None):
            return False
    return True
