"""Vertex AI's `vertexai.generative_models`: reported (GM020), rewritten only as an unsafe fix.

`vertexai.generative_models` is a different SDK from google-generativeai with the same class
names, and the Interactions API is not available on Vertex AI through the Python SDK: this
code is never migrated as if it were google-generativeai. With `--unsafe-fixes`, a file whose
every Vertex AI use is one of the common shapes moves to google-genai on Vertex AI:

- `vertexai.init(project=P, location=L)` (module level) -> `client = genai.Client(vertexai=True,
  project=P, location=L)`
- `model = GenerativeModel(name, system_instruction=, generation_config=GenerationConfig(...),
  safety_settings=[SafetySetting(...)])` -> `model = dict(model=name, config={...})`
- `model.generate_content(x)` -> `client.models.generate_content(**model, contents=x)`
- `chat = model.start_chat()` -> `chat = client.chats.create(**model)`; `chat.send_message(x)`
  keeps its spelling
- responses read through `.text` / `.usage_metadata.*` keep their names.

The fix is unsafe: google-genai's chats do not validate responses the way Vertex AI's
`ChatSession(response_validation=True)` did (a blocked answer raised there), `.text` of an
empty answer is None rather than an error, and the default credentials and project discovery
differ. A file with any other Vertex AI use is left entirely as it is, with the reason.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)
from libcst.metadata.base_provider import LazyValue

from migrator.codemods.convert import Unsupported, is_text_literal
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.source import code_of, wrapper_of
from migrator.context import Context
from migrator.findings import FIX_NONE, FIX_UNSAFE, Finding, finding
from migrator.lint.common import decide_fix

CODE = "GM020"
MODULES = ("vertexai.generative_models", "vertexai.preview.generative_models")
INIT = "vertexai.init"
INIT_KEYS = frozenset({"project", "location", "credentials"})
# GenerationConfig fields google-genai's GenerateContentConfig has under the same name.
CONFIG_KEYS = frozenset({
    "temperature", "top_p", "top_k", "candidate_count", "max_output_tokens", "stop_sequences",
    "presence_penalty", "frequency_penalty", "seed", "response_mime_type",
})
USAGE_FIELDS = frozenset({"prompt_token_count", "candidates_token_count", "total_token_count"})


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def _vertex_import(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Import):
        return any(_dotted(a.name).split(".")[0] == "vertexai" for a in node.names)
    if isinstance(node, cst.ImportFrom) and node.module is not None:
        return _dotted(node.module).split(".")[0] == "vertexai"
    return False


class _Planner:
    def __init__(self, wrapper: MetadataWrapper, path: str) -> None:
        self.module = wrapper.module
        self.path = path
        self.qnames = wrapper.resolve(QualifiedNameProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.scopes = wrapper.resolve(ScopeProvider)
        self.positions = wrapper.resolve(PositionProvider)
        self.edits: dict[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel] = {}
        self.imports = [s for s in self.module.body if isinstance(s, cst.SimpleStatementLine)
                        and any(_vertex_import(n) for n in s.body)]
        self.explained: set[int] = set()
        self.client = "client"
        self.sdk = "genai"
        self.add_import = True

    # -- helpers ------------------------------------------------------------------------------

    def qualified(self, node: cst.CSTNode) -> set[str]:
        value = self.qnames.get(node, ())
        if isinstance(value, LazyValue):
            value = value()
        return {q.name for q in value}

    def is_vertex(self, node: cst.CSTNode, name: str) -> bool:
        return any(f"{m}.{name}" in self.qualified(node) for m in MODULES)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.positions[node].start
        return start.line, start.column + 1

    def single_name_target(self, call: cst.Call, what: str) -> cst.Name:
        parent = self.parents.get(call)
        if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1
                and isinstance(parent.targets[0].target, cst.Name)):
            raise Unsupported(CODE, f"the {what} is not assigned to a plain name")
        target = parent.targets[0].target
        assert isinstance(target, cst.Name)
        if len(self.assignments(target)) != 1:
            raise Unsupported(CODE, f"{target.value!r} is assigned more than once")
        return target

    def assignments(self, name: cst.Name) -> list[Assignment]:
        scope = self.scopes.get(name)
        return [a for a in (scope.assignments[name.value] if scope else ())
                if isinstance(a, Assignment)]

    def reads(self, name: cst.Name) -> list[cst.Name]:
        (assignment,) = self.assignments(name)
        nodes = [a.node for a in assignment.references]
        return sorted((n for n in nodes if isinstance(n, cst.Name)), key=self.pos)

    # -- planning -----------------------------------------------------------------------------

    def plan(self) -> None:
        if not self.imports:
            raise Unsupported(CODE, "vertexai is imported inside a function or with other "
                              "modules on the same line")
        for statement in self.imports:
            if len(statement.body) != 1:
                raise Unsupported(CODE, "a vertexai import shares its line with other "
                                  "statements")
        self.choose_names()
        calls = sorted((n for n in _walk(self.module) if isinstance(n, cst.Call)),
                       key=self.pos)
        inits = [c for c in calls if INIT in self.qualified(c.func)]
        models = [c for c in calls if self.is_vertex(c.func, "GenerativeModel")]
        if len(inits) != 1:
            raise Unsupported(CODE, "not exactly one vertexai.init(project=, location=): "
                              "genai.Client(vertexai=True) would find the project elsewhere")
        self.plan_init(inits[0])
        for call in models:
            self.plan_model(call)
        self.check_everything_explained()
        first = True
        for statement in self.imports:
            if first and self.add_import:
                alias = "" if self.sdk == "genai" else f" as {self.sdk}"
                new = cst.parse_statement(f"from google import genai{alias}\n")
                self.edits[statement] = new.with_changes(leading_lines=statement.leading_lines)
            else:
                self.edits[statement] = cst.RemovalSentinel.REMOVE
            first = False

    def choose_names(self) -> None:
        bound: dict[str, set[str]] = {}
        for scope in {id(s): s for s in self.scopes.values() if s is not None}.values():
            for assignment in scope.assignments:
                names = bound.setdefault(assignment.name, set())
                node = getattr(assignment, "node", None)
                if isinstance(node, (cst.Import, cst.ImportFrom)):
                    names.update(q.name for q in scope.get_qualified_names_for(assignment.name))
                else:
                    names.add("")
        sdk = next((name for name, q in bound.items() if q == {"google.genai"}), None)
        if sdk is not None:
            self.sdk, self.add_import = sdk, False
        elif "genai" in bound:
            raise Unsupported(CODE, "the name genai is taken: cannot import google.genai")
        self.client = next(c for c in ("client", "vertex_client", "vertex_genai_client",
                                       "genai_vertex_client") if c not in bound)

    def plan_init(self, call: cst.Call) -> None:
        expr = self.parents.get(call)
        statement = self.parents.get(expr) if expr is not None else None
        if not (isinstance(expr, cst.Expr)
                and isinstance(statement, cst.SimpleStatementLine)
                and statement in self.module.body and len(statement.body) == 1):
            raise Unsupported(CODE, "vertexai.init() is not a statement at module level")
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value not in INIT_KEYS:
                raise Unsupported(CODE, f"vertexai.init({self.code(arg).strip(', ')}) has no "
                                  "genai.Client equivalent gemini-migrate rewrites")
        args = ", ".join(f"{a.keyword.value}={self.code(a.value)}" for a in call.args
                         if a.keyword is not None)
        new = cst.parse_statement(
            f"{self.client} = {self.sdk}.Client(vertexai=True{', ' if args else ''}{args})\n")
        self.edits[statement] = new.with_changes(leading_lines=statement.leading_lines)
        self.explain(call)

    def explain(self, node: cst.CSTNode) -> None:
        self.explained.update(id(n) for n in _walk(node))

    def plan_model(self, call: cst.Call) -> None:
        target = self.single_name_target(call, "GenerativeModel")
        if any(isinstance(n, cst.Comment) for n in _walk(call)):
            raise Unsupported(CODE, "comments inside GenerativeModel() would be lost")
        model: str | None = None
        config: list[tuple[str, str]] = []
        for index, arg in enumerate(call.args):
            name = arg.keyword.value if arg.keyword else ("model_name" if index == 0 else "")
            if arg.star or not name:
                raise Unsupported(CODE, "GenerativeModel() arguments cannot be followed")
            if name == "model_name":
                model = self.code(arg.value)
            elif name == "system_instruction":
                self.text(arg.value, "system_instruction")
                config.append(("system_instruction", self.code(arg.value)))
            elif name == "generation_config":
                config.extend(self.generation_config(arg.value))
            elif name == "safety_settings":
                config.append(("safety_settings", self.safety(arg.value)))
            else:
                raise Unsupported(CODE, f"GenerativeModel({name}=...) is not rewritten")
        if model is None:
            raise Unsupported(CODE, "GenerativeModel() without a model name")
        items = ", ".join(f'"{k}": {v}' for k, v in config)
        text = f"dict(model={model}, config={{{items}}})" if config else f"dict(model={model})"
        if len(text) > 72:
            # One argument and one config key per line, as the constructor call usually was.
            line = code_of(self.module).splitlines()[self.pos(call)[0] - 1]
            indent = line[: len(line) - len(line.lstrip())]
            inner = indent + "    "
            keys = "".join(f'{inner}    "{k}": {v},\n' for k, v in config)
            text = (f"dict(\n{inner}model={model},\n{inner}config={{\n{keys}{inner}}},\n"
                    f"{indent})")
        self.edits[call] = cst.parse_expression(text)
        self.explain(call)
        for read in self.reads(target):
            self.plan_model_use(read)

    def text(self, node: cst.BaseExpression, what: str) -> None:
        if is_text_literal(node) or isinstance(node, cst.Name):
            return
        # A name can only hold parts or images through other vertexai calls, which leave the
        # file as it is (check_everything_explained).
        if isinstance(node, (cst.List, cst.Tuple)) and node.elements and all(
            is_text_literal(e.value) or isinstance(e.value, cst.Name) for e in node.elements
        ):
            return
        raise Unsupported(CODE, f"{what} that is not text is not rewritten")

    def generation_config(self, node: cst.BaseExpression) -> list[tuple[str, str]]:
        items: list[tuple[str, cst.BaseExpression]] = []
        if isinstance(node, cst.Call) and self.is_vertex(node.func, "GenerationConfig"):
            for arg in node.args:
                if arg.keyword is None:
                    raise Unsupported(CODE, "GenerationConfig() with positional arguments")
                items.append((arg.keyword.value, arg.value))
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                key = element.key if isinstance(element, cst.DictElement) else None
                spelled = key.evaluated_value if isinstance(key, cst.SimpleString) else None
                if not isinstance(spelled, str) or not isinstance(element, cst.DictElement):
                    raise Unsupported(CODE, "generation_config keys are not literal")
                items.append((spelled, element.value))
        else:
            raise Unsupported(CODE, "generation_config is not a literal GenerationConfig(...) "
                              "or dict")
        out: list[tuple[str, str]] = []
        for name, expression in items:
            if name not in CONFIG_KEYS:
                raise Unsupported(CODE, f"generation_config {name!r} is not rewritten")
            out.append((name, self.code(expression)))
        return out

    def enum(self, node: cst.BaseExpression, kind: str) -> str:
        if isinstance(node, cst.Attribute) and self.is_vertex(node.value, kind):
            return f'"{node.attr.value}"'
        raise Unsupported(CODE, f"a safety setting that is not a literal {kind} member")

    def safety(self, node: cst.BaseExpression) -> str:
        pairs: list[tuple[str, str]] = []
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if not isinstance(element, cst.DictElement):
                    raise Unsupported(CODE, "safety_settings cannot be followed")
                pairs.append((self.enum(element.key, "HarmCategory"),
                              self.enum(element.value, "HarmBlockThreshold")))
        elif isinstance(node, cst.List):
            for entry in node.elements:
                value = entry.value
                if not (isinstance(value, cst.Call)
                        and self.is_vertex(value.func, "SafetySetting")):
                    raise Unsupported(CODE, "safety_settings entries are not SafetySetting()")
                fields = {a.keyword.value: a.value for a in value.args if a.keyword is not None}
                if set(fields) != {"category", "threshold"} or len(value.args) != 2:
                    raise Unsupported(CODE, "SafetySetting() other than category= and "
                                      "threshold=")
                pairs.append((self.enum(fields["category"], "HarmCategory"),
                              self.enum(fields["threshold"], "HarmBlockThreshold")))
        else:
            raise Unsupported(CODE, "safety_settings is not a literal list or dict")
        entries = ", ".join(f'{{"category": {c}, "threshold": {t}}}' for c, t in pairs)
        return f"[{entries}]"

    def method_call(self, read: cst.Name) -> tuple[str, cst.Call]:
        attribute = self.parents.get(read)
        call = self.parents.get(attribute) if attribute is not None else None
        if not (isinstance(attribute, cst.Attribute) and attribute.value is read
                and isinstance(call, cst.Call) and call.func is attribute):
            raise Unsupported(CODE, f"{read.value!r} is used where gemini-migrate cannot "
                              "follow it")
        return attribute.attr.value, call

    def plan_model_use(self, read: cst.Name) -> None:
        method, call = self.method_call(read)
        if method == "generate_content":
            self.plan_generate(call, read, "generate_content", "contents")
        elif method == "start_chat":
            if call.args:
                raise Unsupported(CODE, "start_chat() with history or options is not "
                                  "rewritten")
            chat = self.single_name_target(call, "chat")
            self.edits[call] = cst.parse_expression(
                f"{self.client}.chats.create(**{read.value})")
            for use in self.reads(chat):
                chat_method, chat_call = self.method_call(use)
                if chat_method != "send_message":
                    raise Unsupported(CODE, f"chat.{chat_method}() is not rewritten")
                self.plan_generate(chat_call, None, "send_message", "content")
        else:
            raise Unsupported(CODE, f"model.{method}() is not rewritten")

    def plan_generate(self, call: cst.Call, model: cst.Name | None, method: str,
                      keyword: str) -> None:
        if len(call.args) != 1 or call.args[0].star or (
            call.args[0].keyword is not None and call.args[0].keyword.value != keyword
        ):
            raise Unsupported(CODE, f"{method}() with options is not rewritten")
        arg = call.args[0]
        self.text(arg.value, "content")
        self.response(call)
        if model is not None:
            self.edits[call] = cst.parse_expression(
                f"{self.client}.models.generate_content(**{model.value}, "
                f"contents={self.code(arg.value)})")

    def response(self, call: cst.Call) -> None:
        parent = self.parents.get(call)
        if isinstance(parent, cst.Expr):
            return
        if isinstance(parent, cst.Attribute) and parent.value is call:
            self.field(parent)
            return
        target = self.single_name_target(call, "response")
        for read in self.reads(target):
            attribute = self.parents.get(read)
            if not (isinstance(attribute, cst.Attribute) and attribute.value is read):
                raise Unsupported(CODE, f"the response {read.value!r} is used as a whole")
            self.field(attribute)

    def field(self, attribute: cst.Attribute) -> None:
        if attribute.attr.value == "text":
            return
        outer = self.parents.get(attribute)
        if attribute.attr.value == "usage_metadata" and isinstance(outer, cst.Attribute) and (
            outer.attr.value in USAGE_FIELDS
        ):
            return
        raise Unsupported(CODE, f"response.{attribute.attr.value} is not rewritten")

    def check_everything_explained(self) -> None:
        for node in _walk(self.module):
            if id(node) in self.explained or not isinstance(node, (cst.Name, cst.Attribute)):
                continue
            names = {q for q in self.qualified(node) if q.split(".")[0] == "vertexai"}
            if not names:
                continue
            parent = self.parents.get(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                continue  # the longest dotted form speaks for it
            current = parent
            while current is not None and not isinstance(current, (cst.Import, cst.ImportFrom)):
                current = self.parents.get(current)
            if current is not None:
                continue
            raise Unsupported(CODE, f"{sorted(names)[0]} is not rewritten")


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: dict[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel]) -> None:
        super().__init__()
        self.edits = edits
        self.carried: list[cst.EmptyLine] = []

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        result = self.edits.get(original_node, updated_node)
        if isinstance(result, cst.RemovalSentinel):
            # A removed import's comments move to the next statement.
            self.carried.extend(getattr(original_node, "leading_lines", ()))
            return result
        if self.carried and isinstance(result, (cst.SimpleStatementLine,
                                                cst.BaseCompoundStatement)):
            result = result.with_changes(leading_lines=[*self.carried, *result.leading_lines])
            self.carried = []
        return result


def vertex_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    """GM020 for every file using `vertexai.generative_models`; with --unsafe-fixes, the
    rewrite to google-genai on Vertex AI when every use has a known shape."""
    code = code_of(module)
    if "vertexai" not in code or "generative_models" not in code:
        return module, []
    wrapper = wrapper_of(module)
    planner = _Planner(wrapper, path)
    anchors = [n for s in planner.imports for n in s.body
               if any(m in planner.code(n) for m in ("generative_models", "import vertexai"))]
    if not any("generative_models" in planner.code(n) for n in _walk(wrapper.module)
               if isinstance(n, (cst.Import, cst.ImportFrom))):
        return module, []
    anchor: cst.CSTNode = anchors[0] if anchors else wrapper.module
    pos = planner.pos(anchor) if anchor in planner.positions else (1, 1)
    base = ("vertexai.generative_models is a different SDK (Vertex AI); it is not migrated to "
            "Interactions, which is not available on Vertex AI through the Python SDK")
    try:
        planner.plan()
    except Unsupported as exc:
        return module, [finding(path, pos, CODE, f"{base}; left as it is: {exc.reason}")]
    line = code_of(planner.module).splitlines()[pos[0] - 1] if pos[0] >= 1 else ""
    fix, apply = decide_fix(ctx, path, CODE, line, FIX_UNSAFE)
    if not apply:
        hint = ("; --unsafe-fixes rewrites it to genai.Client(vertexai=True) + "
                "client.models.generate_content" if fix == FIX_UNSAFE else "")
        return module, [finding(path, pos, CODE, base + hint, fix=fix if hint else FIX_NONE)]
    new_module = wrapper.module.visit(_Apply(planner.edits))
    return new_module, [finding(
        path, pos, CODE, "vertexai.generative_models rewritten to google-genai on Vertex AI "
        "(genai.Client(vertexai=True) + client.models.generate_content / client.chats; unsafe "
        "fix: chats no longer validate responses, an empty answer's .text is None)",
        fix=FIX_UNSAFE, fixed=True)]
