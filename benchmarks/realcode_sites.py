"""What the real-code benchmark counts, defined without gemini-migrate (see realcode.py).

A *call site* is one call in source code that talks to a deprecated Gemini SDK surface. The
definitions below are deliberately the benchmark's own (Python's `ast` for Python, a small
lexer plus patterns for JS/TS) so that the yardstick does not move when the tool does.

Python, google-generativeai ("legacy"). In a file (a notebook is one file: its code cells in
order, IPython magics and shell lines dropped), names are resolved through the file's imports
(`import google.generativeai as genai`, `from google import generativeai`, `from
google.generativeai import GenerativeModel, caching`, ...; the import nearest above the call
wins, so a file holding both SDKs is read correctly). A legacy site is

1. a call whose callee resolves into `google.generativeai` and names one of `LEGACY_FUNCS`
   (`configure`, `GenerativeModel`, `upload_file`, `get_file`, `list_files`, `delete_file`,
   `embed_content`, `list_models`, `get_model`, `caching.CachedContent.create`,
   `GenerativeModel.from_cached_content`, PaLM's `generate_text` / `chat`, tuning calls, ...):
   API calls and the constructors of API objects, not value types (`GenerationConfig`,
   `protos.*`, `types.*` are data, not calls to the service);
2. a call `recv.m(...)`, `m` in `LEGACY_METHODS` (`generate_content[_async]`, `start_chat`,
   `send_message[_async]`, `count_tokens[_async]`), when `recv` is bound from the legacy SDK in
   that file: assigned (anywhere in the file, same spelling: `model`, `self.model`,
   `st.session_state.chat`, `chats[user]`) from a `GenerativeModel(...)` /
   `from_cached_content(...)` / `ChatSession(...)` call or from a legacy `.start_chat(...)`,
   annotated with a legacy type, or a legacy call itself
   (`genai.GenerativeModel(m).generate_content(x)`);
3. `generate_content[_async]`, `start_chat`, `count_tokens[_async]` on any other receiver
   (a model from a factory, a parameter, another module) when the file is in legacy context:
   it imports the legacy SDK, or its repository does and the file imports neither `vertexai`
   nor google-genai without the legacy SDK; `send_message[_async]` on such a receiver only when
   its spelling says chat (`chat`, `session`, `convo`) and not a messaging library (`bot`,
   `channel`, `interaction`, `effective_chat`, `socket`, ...). `recv` ending in `.models` or
   bound from `.chats.create(...)` is google-genai, never legacy.

Python, google-genai "old surface" ("genai"): `X.models.generate_content(...)`,
`X.models.generate_content_stream(...)` (also through `X.aio`), `X.chats.create(...)`
(also `X.aio.chats.create`), and `send_message[_stream]` on a receiver bound from
`.chats.create(...)` in the file.

JS/TS, @google/generative-ai ("js"). Comments and string contents are blanked first. In a
file that imports `@google/generative-ai` (ESM, `require`, dynamic `import()`), or a sibling
in a repository that does and that does not import `@google/genai`: `new
GoogleGenerativeAI(...)` / `GoogleAIFileManager` / `GoogleAICacheManager` (local aliases
followed), and `.getGenerativeModel(`, `.getGenerativeModelFromCachedContent(`,
`.generateContent(`, `.generateContentStream(`, `.startChat(`, `.countTokens(`,
`.embedContent(`, `.batchEmbedContents(` on any receiver not ending in `.models`;
`.sendMessage(` / `.sendMessageStream(` on a receiver assigned from `.startChat(` in the file,
or spelled like a chat and not like a messaging API (`bot`, `socket`, `runtime`, `tabs`,
`port`, `channel`, `client`, `ws`); `.uploadFile(` / `.getFile(` / `.listFiles(` /
`.deleteFile(` on a receiver assigned from `new GoogleAIFileManager(` or spelled
`fileManager`. `.models.generateContent[Stream](` and `.chats.create(` are counted apart as
@google/genai old-surface sites.

The same rules, with the context (legacy or not) taken from the file before the run, count
the sites before and after a run; the difference is what the run migrated. A site the run
left is still counted after it; a site it removed is migrated whatever replaced it.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass, field

LEGACY = "google.generativeai"
GENAI = "google.genai"

LEGACY_FUNCS = frozenset({
    "configure", "GenerativeModel", "ChatSession",
    "upload_file", "get_file", "delete_file", "list_files",
    "embed_content", "embed_content_async", "generate_embeddings",
    "list_models", "get_model", "get_base_model",
    "list_tuned_models", "get_tuned_model", "create_tuned_model", "update_tuned_model",
    "delete_tuned_model", "get_operation", "list_operations",
    "generate_text", "chat", "chat_async", "count_text_tokens", "count_message_tokens",
    "CachedContent.create", "CachedContent.get", "CachedContent.list",
    "GenerativeModel.from_cached_content",
})
LEGACY_OBJECTS = frozenset({
    "GenerativeModel", "ChatSession", "GenerativeModel.from_cached_content",
})
LEGACY_METHODS = frozenset({
    "generate_content", "generate_content_async", "start_chat", "send_message",
    "send_message_async", "count_tokens", "count_tokens_async",
})
STRONG_METHODS = frozenset({
    "generate_content", "generate_content_async", "start_chat", "count_tokens",
    "count_tokens_async",
})
CHAT_LIKE = re.compile(r"chat|session|convo|conversation", re.I)
NOT_GEMINI_CHAT = re.compile(
    r"effective_chat|bot|channel|interaction|\bctx\b|update|socket|websocket|client|message\b",
    re.I,
)


@dataclass
class PySites:
    """Call sites of one Python file (or notebook) and the facts the report needs."""

    legacy: Counter[str] = field(default_factory=Counter)  # callee kind -> count
    genai: Counter[str] = field(default_factory=Counter)
    imports_legacy: bool = False
    imports_genai: bool = False
    imports_vertex: bool = False
    uses_interactions: bool = False
    parsed: bool = True


# --- Python ------------------------------------------------------------------------------


def strip_ipython(source: str) -> str:
    """A notebook cell as plain Python: shell (`!`), magic (`%`) and help (`?`) lines blanked."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("!", "%")) or stripped.endswith("?") and "=" not in stripped:
            lines.append("")
        else:
            lines.append(line)
    return "\n".join(lines)


def notebook_cells(text: str) -> list[str]:
    """The code cells of a notebook (empty when it is not valid notebook JSON)."""
    try:
        nb = json.loads(text)
    except ValueError:
        return []
    cells = []
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        cells.append("".join(src) if isinstance(src, list) else str(src))
    return cells


def parse_python(text: str, *, notebook: bool) -> tuple[ast.Module | None, int]:
    """The module (a notebook's cells joined, unparsable cells skipped); and bad cell count."""
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    if not notebook:
        try:
            return compile(text, "<file>", "exec", flags), 0  # type: ignore[return-value]
        except (SyntaxError, ValueError):
            return None, 1
    body: list[ast.stmt] = []
    offset = 0
    bad = 0
    for cell in notebook_cells(text):
        src = strip_ipython(cell)
        try:
            tree = compile(src, "<cell>", "exec", flags)
        except (SyntaxError, ValueError):
            bad += 1
        else:
            ast.increment_lineno(tree, offset)
            body.extend(tree.body)
        offset += src.count("\n") + 1
    return ast.Module(body=body, type_ignores=[]), bad


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _key(node: ast.AST) -> str:
    try:
        return ast.unparse(node).replace(" ", "")
    except Exception:  # noqa: BLE001 - a receiver we cannot spell is simply not bound
        return ""


class _Imports:
    """name -> [(line, qualified prefix)] from every import of the file."""

    def __init__(self, tree: ast.Module) -> None:
        self.bindings: dict[str, list[tuple[int, str]]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self._bind(alias.asname, node.lineno, alias.name)
                    else:
                        root = alias.name.split(".")[0]
                        self._bind(root, node.lineno, root)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self._bind(alias.asname or alias.name, node.lineno,
                               f"{node.module}.{alias.name}")
        for items in self.bindings.values():
            items.sort()

    def _bind(self, name: str, line: int, qual: str) -> None:
        self.bindings.setdefault(name, []).append((line, qual))

    def modules(self) -> set[str]:
        return {q for items in self.bindings.values() for _, q in items}

    def resolve(self, dotted: str, line: int) -> str | None:
        root, _, rest = dotted.partition(".")
        items = self.bindings.get(root)
        if not items:
            return None
        qual = items[0][1]
        for at, q in items:
            if at <= line:
                qual = q
        return f"{qual}.{rest}" if rest else qual


def _legacy_func(qual: str | None) -> str | None:
    """The LEGACY_FUNCS entry a qualified callee names, if it is one."""
    if not qual or not (qual == LEGACY or qual.startswith(LEGACY + ".")):
        return None
    tail = qual[len(LEGACY) + 1:]
    for name in LEGACY_FUNCS:
        if tail == name or tail.endswith("." + name):
            prefix = tail[: -len(name)].rstrip(".")
            # only submodules (lowercase) may stand before the name: caching., types. ...
            if all(part.islower() or part == "" for part in prefix.split(".")):
                return name
    return None


def python_sites(text: str, *, notebook: bool = False, legacy_repo: bool = False,
                 context: PySites | None = None) -> PySites:
    """Count the call sites of one file. `context`: the same file before the run, whose
    imports decide whether unbound receivers are legacy (rule 3), so that before and after
    are read alike."""
    out = PySites()
    tree, _bad = parse_python(text.lstrip("\ufeff"), notebook=notebook)
    if tree is None:
        out.parsed = False
        return out
    imports = _Imports(tree)
    mods = imports.modules()
    out.imports_legacy = any(m == LEGACY or m.startswith(LEGACY + ".") for m in mods)
    out.imports_genai = any(m == GENAI or m.startswith(GENAI + ".") for m in mods)
    out.imports_vertex = any(m.split(".")[0] == "vertexai" for m in mods)
    ctx = context or out
    legacy_ctx = (ctx.imports_legacy or (legacy_repo and not ctx.imports_vertex
                                         and not (ctx.imports_genai and not ctx.imports_legacy)))

    def legacy_call(node: ast.AST) -> str | None:
        if isinstance(node, ast.Await):
            node = node.value
        if not isinstance(node, ast.Call):
            return None
        dotted = _dotted(node.func)
        return _legacy_func(imports.resolve(dotted, node.lineno) if dotted else None)

    def is_start_chat(node: ast.AST) -> bool:
        if isinstance(node, ast.Await):
            node = node.value
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "start_chat" and not _genai_receiver(node.func.value))

    def is_genai_chat(node: ast.AST) -> bool:
        if isinstance(node, ast.Await):
            node = node.value
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "create" and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "chats")

    legacy_bound: set[str] = set()
    genai_bound: set[str] = set()
    # the file's own functions: `self.count_tokens(...)` of a project class is not the SDK's
    own_methods = {n.name for n in ast.walk(tree)
                   if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}

    def bind(target: ast.AST, value: ast.AST | None, annotation: ast.AST | None = None) -> None:
        key = _key(target)
        if not key:
            return
        if value is not None and (legacy_call(value) in LEGACY_OBJECTS or is_start_chat(value)):
            legacy_bound.add(key)
        if value is not None and is_genai_chat(value):
            genai_bound.add(key)
        if annotation is not None:
            dotted = _dotted(annotation)
            qual = imports.resolve(dotted, annotation.lineno) if dotted else None
            if qual and qual.startswith(LEGACY + ".") and qual.rsplit(".", 1)[-1] in (
                    "GenerativeModel", "ChatSession"):
                legacy_bound.add(key)

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, (ast.AnnAssign,)):
            bind(node.target, node.value, node.annotation)
        elif isinstance(node, ast.NamedExpr):
            bind(node.target, node.value)
        elif isinstance(node, ast.arg) and node.annotation is not None:
            bind(ast.Name(id=node.arg), None, node.annotation)

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "interactions":
            out.uses_interactions = True
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = legacy_call(node)
        if name:
            out.legacy[name] += 1
            continue
        if not isinstance(func, ast.Attribute):
            continue
        method, recv = func.attr, func.value
        if method in ("generate_content", "generate_content_stream") and _genai_receiver(recv):
            out.genai[f"models.{method}"] += 1
            continue
        if method == "create" and isinstance(recv, ast.Attribute) and recv.attr == "chats":
            out.genai["chats.create"] += 1
            continue
        key = _key(recv)
        if method in ("send_message", "send_message_stream") and key in genai_bound:
            out.genai[f"chat.{method}"] += 1
            continue
        if method not in LEGACY_METHODS or _genai_receiver(recv) or key in genai_bound:
            continue
        bound = key in legacy_bound or bool(legacy_call(recv)) or is_start_chat(recv)
        # rule 3: an object the file does not bind, in legacy context
        unbound = (legacy_ctx and method not in own_methods
                   and key not in ("self", "cls", "super()")
                   and (method in STRONG_METHODS
                        or bool(CHAT_LIKE.search(key) and not NOT_GEMINI_CHAT.search(key))))
        if bound or unbound:
            out.legacy[method] += 1
    return out


def _genai_receiver(recv: ast.AST) -> bool:
    """`client.models`, `client.aio.models`, or a variable named `models`."""
    if isinstance(recv, ast.Attribute):
        return recv.attr == "models"
    return isinstance(recv, ast.Name) and recv.id == "models"


def python_compiles(text: str, *, notebook: bool) -> bool:
    """True when every code cell (or the file) compiles."""
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    text = text.lstrip("\ufeff")
    sources = [strip_ipython(c) for c in notebook_cells(text)] if notebook else [text]
    try:
        for src in sources:
            compile(src, "<file>", "exec", flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


_PIP_LINE = re.compile(r"^\s*[!%]\s*pip3?\s+install\b(.*)$", re.M)


def notebook_pip_packages(text: str) -> set[str]:
    """Packages named on `!pip install` / `%pip install` lines of a notebook's code cells."""
    names: set[str] = set()
    for cell in notebook_cells(text):
        for match in _PIP_LINE.finditer(cell):
            for word in match.group(1).split():
                word = word.strip("'\"")
                if word.startswith("-") or not word:
                    continue
                names.add(re.split(r"[<>=!~\[;]", word, maxsplit=1)[0].lower().replace("_", "-"))
    return names


# --- JavaScript / TypeScript ---------------------------------------------------------------

JS_EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_JS_LEGACY_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)(["'])@google/generative-ai(?:/[\w-]+)?\1"""
)
_JS_GENAI_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)(["'])@google/genai(?:/[\w-]+)?\1"""
)
_JS_CLASSES = ("GoogleGenerativeAI", "GoogleAIFileManager", "GoogleAICacheManager")
_JS_METHODS = ("getGenerativeModel", "getGenerativeModelFromCachedContent", "generateContent",
               "generateContentStream", "startChat", "countTokens", "embedContent",
               "batchEmbedContents")
_JS_FILE_METHODS = ("uploadFile", "getFile", "listFiles", "deleteFile")
_CHAIN = r"([A-Za-z_$][\w$]*(?:\s*(?:\?\.|\.)\s*[A-Za-z_$][\w$]*|\s*\[[^\]\n]*\])*)"
_RECEIVER_END = re.compile(_CHAIN + r"\s*$")
_JS_NOT_CHAT = re.compile(r"bot|socket|runtime|tabs|port|channel|client|\bws\b|worker|window",
                          re.I)


def blank_js(text: str) -> str:
    """`text` with comments and the contents of strings, templates and regex literals replaced
    by spaces (newlines kept), so that patterns only see code. `${...}` in templates stays code.
    """
    out = list(text)
    i, n = 0, len(text)
    stack: list[int] = []  # brace depth at each open template's `${`
    depth = 0
    prev = ""  # last significant character of code, to tell a regex from a division

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, j)
            i = j + 1
            prev = c
            continue
        if c == "`" or (c == "}" and stack and depth == stack[-1]):
            if c == "}":
                stack.pop()
            j = i + 1
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == "`":
                    break
                if text[j] == "$" and j + 1 < n and text[j + 1] == "{":
                    break
                j += 1
            blank(i + 1, j)
            if j < n and text[j] == "$":
                stack.append(depth)
                depth += 1
                i = j + 2
            else:
                i = j + 1
            prev = "`"
            continue
        if c == "/" and (prev == "" or prev in "(,=:[!&|?{};+-*%<>~^"):
            j = i + 1
            in_class = False
            while j < n and text[j] != "\n":
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == "[":
                    in_class = True
                elif text[j] == "]":
                    in_class = False
                elif text[j] == "/" and not in_class:
                    break
                j += 1
            blank(i + 1, j)
            i = j + 1
            prev = "/"
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        if not c.isspace():
            prev = c
        i += 1
    return "".join(out)


@dataclass
class JsSites:
    legacy: Counter[str] = field(default_factory=Counter)
    genai: Counter[str] = field(default_factory=Counter)
    imports_legacy: bool = False
    imports_genai: bool = False
    uses_interactions: bool = False


def js_sites(text: str, *, legacy_repo: bool = False, context: JsSites | None = None) -> JsSites:
    out = JsSites()
    out.imports_legacy = bool(_JS_LEGACY_IMPORT.search(text))
    out.imports_genai = bool(_JS_GENAI_IMPORT.search(text))
    ctx = context or out
    legacy_ctx = ctx.imports_legacy or (legacy_repo and not ctx.imports_genai)
    code = blank_js(text)
    out.uses_interactions = bool(re.search(r"\.\s*interactions\s*\.", code))
    if not legacy_ctx:
        for m in re.finditer(_CHAIN + r"\s*\.\s*(generateContent|generateContentStream)\s*\(",
                             code):
            if re.search(r"models$", m.group(1).replace(" ", "")):
                out.genai[f"models.{m.group(2)}"] += 1
        out.genai["chats.create"] += len(re.findall(r"\.\s*chats\s*\.\s*create\s*\(", code))
        return out
    # local names of the SDK's classes: `{ GoogleGenerativeAI as G }`, `{ GoogleGenerativeAI: G }`
    names = {c: {c} for c in _JS_CLASSES}
    classes = "|".join(_JS_CLASSES)
    for m in re.finditer(rf"\b({classes})\s*(?:as|:)\s*([A-Za-z_$][\w$]*)", code):
        names[m.group(1)].add(m.group(2))
    for cls, locals_ in names.items():
        alternatives = "|".join(map(re.escape, locals_))
        pattern = rf"\bnew\s+(?:[\w$]+\s*\.\s*)?({alternatives})\s*\("
        count = len(re.findall(pattern, code))
        if count:
            out.legacy[f"new {cls}"] += count
    chats = {m.group(1).replace(" ", "") for m in re.finditer(
        _CHAIN + r"\s*=\s*(?:await\s+)?[\w$.\s]*\.\s*startChat\s*\(", code)}
    managers = "|".join(map(re.escape, names["GoogleAIFileManager"]))
    files = {m.group(1).replace(" ", "") for m in re.finditer(
        _CHAIN + rf"\s*=\s*new\s+(?:[\w$]+\s*\.\s*)?(?:{managers})\s*\(", code)}
    genai_chats = {m.group(1).replace(" ", "") for m in re.finditer(
        _CHAIN + r"\s*=\s*(?:await\s+)?[\w$.\s]*\.\s*chats\s*\.\s*create\s*\(", code)}
    for m in re.finditer(r"(?:\?\.|\.)\s*([A-Za-z_$][\w$]*)\s*\(", code):
        method = m.group(1)
        before = _RECEIVER_END.search(code, max(0, m.start() - 300), m.start())
        # a receiver that is itself a call, `getGenerativeModel({...}).generateContent(`
        recv = before.group(1).replace(" ", "").replace("\n", "") if before else "<expr>"
        last = re.split(r"\?\.|\.", recv)[-1]
        if method in ("generateContent", "generateContentStream") and last == "models":
            out.genai[f"models.{method}"] += 1
        elif method == "create" and last == "chats":
            out.genai["chats.create"] += 1
        elif method in ("sendMessage", "sendMessageStream") and recv in genai_chats:
            out.genai[f"chat.{method}"] += 1
        elif _js_legacy_call(method, recv, last, chats, files):
            out.legacy[method] += 1
    return out


def _js_legacy_call(method: str, recv: str, last: str, chats: set[str], files: set[str]) -> bool:
    if method in _JS_METHODS:
        return last != "models"
    if method in ("sendMessage", "sendMessageStream"):
        return recv in chats or bool(re.search(r"chat|session|convo", recv, re.I)
                                     and not _JS_NOT_CHAT.search(recv))
    if method in _JS_FILE_METHODS:
        return recv in files or bool(re.search(r"filemanager", recv, re.I))
    return False
