"""`@google/generative-ai`: the client, its models and everything called on them.

`new GoogleGenerativeAI(key)` becomes `new GoogleGenAI({ apiKey: key })`; a model from
`getGenerativeModel({...})` becomes the object of create() parameters it stood for (same name),
spread into each `client.interactions.create({ ...model, input })`. A model moves only when
every use of it is understood (api-mapping-js.md 4); otherwise it stays, with a finding and a
TODO comment on the use that stopped it. When some models of a client stay, the legacy client
stays for them and a `@google/genai` client is declared next to it for the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from migrator.findings import FIX_UNSAFE, finding
from migrator.js.chats import Chats, request_options
from migrator.js.config import Converter
from migrator.js.contents import Contents, is_string
from migrator.js.files import MANAGER, FilesPass
from migrator.js.layout import create_call
from migrator.js.origins import exported, exported_message, report_foreign
from migrator.js.results import Reads, bound_name, called, member_of, outer
from migrator.js.source import (
    Change,
    Edit,
    Escape,
    Source,
    assignment_of,
    is_legacy_spec,
    object_pairs,
    same,
    unwrap,
)
from migrator.js.streams import Streams
from migrator.js.types import annotation_of, field_annotation, retype

if TYPE_CHECKING:
    from ast_grep_py import SgNode

CLIENT_NAMES = ("ai", "genAI2", "googleGenAI")
ERROR_CLASSES = ("GoogleGenerativeAIFetchError", "GoogleGenerativeAIResponseError",
                 "GoogleGenerativeAIError", "GoogleGenerativeAIRequestInputError",
                 "GoogleGenerativeAIAbortError")
MANAGERS = ("GoogleAICacheManager",)
# Parameters whose values include string-literal unions in @google/genai's types.
TYPED_LITERALS = ("safety_settings", "tools", "response_format", "tool_choice", "thinking_level")


@dataclass
class Model:
    node: SgNode  # the getGenerativeModel call
    ref: str  # how the code names the params object: `model`, `this.model`
    client: str  # the @google/genai client expression
    converter: Converter
    has_system: bool = False
    has_tools: bool = False


def imported_names(src: Source) -> dict[str, SgNode]:
    """Local names bound by imports / requires of the legacy package (and its subpaths)."""
    out: dict[str, SgNode] = {}
    for string in src.root.find_all(kind="string"):
        value = string.text()[1:-1]
        if not is_legacy_spec(value):
            continue
        parent = string.parent()
        if parent is not None and parent.kind() == "import_statement":
            for spec in parent.find_all(kind="import_specifier"):
                alias = spec.field("alias") or spec.field("name")
                if alias is not None:
                    out[alias.text()] = spec
            for ns in parent.find_all(kind="namespace_import"):
                out["*"] = ns
        elif parent is not None and parent.kind() == "arguments":
            call = parent.parent()
            declarator = outer(call).parent() if call is not None else None
            if declarator is not None and declarator.kind() == "variable_declarator":
                pattern = declarator.field("name")
                if pattern is not None and pattern.kind() == "object_pattern":
                    for child in pattern.named_children():
                        if child.kind() == "shorthand_property_identifier_pattern":
                            out[child.text()] = child
                        elif child.kind() == "pair_pattern":
                            value_node = child.field("value")
                            if value_node is not None:
                                out[value_node.text()] = child
                else:
                    out["*"] = declarator
            elif call is not None:
                out["*"] = call  # a dynamic import() or a bare require
    return out


class LegacyPass:
    def __init__(self, src: Source) -> None:
        self.src = src

    def run(self) -> None:
        names = imported_names(self.src)
        if not names:
            return
        if "*" in names:
            self.src.flag(names["*"], "GM521", "the legacy SDK is imported as a namespace or "
                          "dynamically; the rewrite follows named imports only")
            return
        local = {self.original(spec): name for name, spec in names.items()}
        self.src.legacy_types = {name: original for original, name in local.items()}
        for error in ERROR_CLASSES:
            if error in local and len(self.src.identifiers(local[error])) > 1:
                use = self.src.identifiers(local[error])[1]
                self.src.flag(use, "GM526", f"`{error}` is caught or tested; @google/genai "
                              "throws other classes, so the file is left as it was (check "
                              "`e.status` instead)")
                return
        if MANAGER in local:
            FilesPass(self.src).run(local[MANAGER])
        for manager in MANAGERS:
            if manager in local:
                for use in self.src.identifiers(local[manager])[1:]:
                    self.src.flag(use, "GM525", f"`{manager}` is not migrated: use "
                                  "`ai.caches` of @google/genai (results differ in shape)")
        client_class = local.get("GoogleGenerativeAI")
        if client_class is not None:
            for node in self.src.root.find_all(kind="new_expression"):
                constructor = node.field("constructor")
                if constructor is not None and constructor.text() == client_class:
                    self.client(node)
        report_foreign(self.src)

    @staticmethod
    def original(spec: SgNode) -> str:
        if spec.kind() == "import_specifier":
            return spec.field("name").text()  # type: ignore[union-attr]
        if spec.kind() == "pair_pattern":
            return spec.field("key").text()  # type: ignore[union-attr]
        return spec.text()

    # -- the client ------------------------------------------------------------------------------

    def client(self, node: SgNode) -> None:
        src = self.src
        args = [a for a in node.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"] if node.field("arguments") is not None else []
        if len(args) != 1 or args[0].kind() == "spread_element":
            src.flag(node, "GM521", "the client is not built from one API key")
            return
        key = args[0]
        ref, uses = self.client_uses(node)
        if ref is None:
            return
        models: list[SgNode] = []
        others: list[SgNode] = []
        for use in uses:
            member = member_of(use)
            call = called(member[0]) if member is not None and \
                member[1] == "getGenerativeModel" else None
            if call is not None:
                models.append(call)
            else:
                others.append(use)
        tried = [(call, self.model(call, ref)) for call in models]
        if not others and all(isinstance(r, Change) for _, r in tried):
            change = Change()
            change.replace(node, f"new GoogleGenAI({{ {self.api_key(key)} }})")
            change.findings.append(src.fixed(node, "GM501", "`new GoogleGenerativeAI(key)` "
                                             "became `new GoogleGenAI({ apiKey })`"))
            for _, result in tried:
                assert isinstance(result, Change)
                change.edits.extend(result.edits)
                change.findings.extend(result.findings)
            src.commit(change)
            return
        for use in others:
            src.flag(use, "GM521", "the legacy client is used other than through "
                     "getGenerativeModel (passed on, exported or another method), so it stays")
        for _call, result in tried:
            if isinstance(result, Escape):
                src.flag(result.node, result.code, result.message)
        movable = [call for call, r in tried if isinstance(r, Change)]
        if not movable:
            return
        statement = src.statement_of(node)
        bare = unwrap(key)  # `process.env.KEY as string`, `key!`
        simple = bare is not None and bare.kind() in ("identifier", "member_expression",
                                                      "string")
        if not simple or statement.parent() is None or statement.kind() not in (
            "lexical_declaration", "variable_declaration"
        ):
            for call in movable:
                src.flag(call, "GM521", "the model could move, but its client stays and its API "
                         "key is not a plain name to build a @google/genai client from")
            return
        name = next((n for n in CLIENT_NAMES if not src.identifiers(n)), None)
        if name is None:
            return
        change = Change()
        indent = src.indent_of(statement)
        change.insert(statement.range().end.index,
                      f"\n{indent}const {name} = new GoogleGenAI({{ {self.api_key(key)} }});")
        change.findings.append(src.fixed(node, "GM501", f"a @google/genai client `{name}` was "
                                         "added next to the legacy one"))
        for call in movable:
            result = self.model(call, name)
            if isinstance(result, Change):
                change.edits.extend(result.edits)
                change.findings.extend(result.findings)
        src.commit(change)

    @staticmethod
    def api_key(key: SgNode) -> str:
        return "apiKey" if key.text() == "apiKey" else f"apiKey: {key.text()}"

    def client_uses(self, node: SgNode) -> tuple[str | None, list[SgNode]]:
        src = self.src
        name = bound_name(node)
        if name is not None:
            declaration = src.binding(name)
            if declaration is None:
                src.flag(node, "GM521", f"`{name.text()}` is not declared in this file")
                return None, []
            declarations = [declaration]
            statement = src.statement_of(declarations[0])
            if statement.kind() == "export_statement":
                src.flag(node, "GM521", exported_message(src, "the client"))
                return None, []
            uses = [u for u in src.uses(name.text(), declarations[0])
                    if assignment_of(u) is None]
            return name.text(), uses
        parent = outer(node).parent()
        spelled = None
        if parent is not None and parent.kind() == "assignment_expression":
            left = parent.field("left")
            if left is not None and left.text().startswith("this.") and left.text().count(".") == 1:
                spelled = left.text()
        elif parent is not None and parent.kind() == "public_field_definition":
            prop = parent.field("name")
            if prop is not None:
                spelled = f"this.{prop.text()}"
        if spelled is not None:
            uses = [m for m in src.root.find_all(kind="member_expression",
                                                 regex=rf"^{spelled.replace('.', r'[.]')}$")
                    if assignment_of(m) is None]
            return spelled, uses
        member = member_of(outer(node))
        if member is not None and member[1] == "getGenerativeModel":
            src.flag(node, "GM521", "a client built inline is not migrated; hold it in a name")
            return None, []
        src.flag(node, "GM521", "the client is kept where the rewrite cannot follow it")
        return None, []

    # -- models ----------------------------------------------------------------------------------

    def model(self, call: SgNode, client: str) -> Change | Escape:
        change = Change()
        try:
            self.model_into(call, client, change)
        except Escape as escape:
            return escape
        if change.nested():
            return Escape("GM521", call, "the rewrite of this model's uses would overlap itself "
                          "(a value read in two converted places); left as it was")
        return change

    def model_into(self, call: SgNode, client: str, change: Change) -> None:
        src = self.src
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) != 1:
            raise Escape("GM521", call, "getGenerativeModel() with request options (base URL, "
                         "API version, headers) is not migrated; set them on the client's "
                         "httpOptions")
        converter = Converter(src)
        params = converter.model_params(args[0])
        ref, uses = self.model_uses(call, change)
        if ref is None:
            raise Escape("GM521", call, "the model is kept where the rewrite cannot follow it "
                         "(returned, exported, passed on or used inline)")
        model = Model(call, ref, client, converter, params.has_system, params.has_tools)
        text = params.text
        if src.typescript and any(f"{key}:" in text for key in TYPED_LITERALS):
            # Without a contextual type `"harassment"` widens to string and the spread no
            # longer type-checks (api-mapping-js.md 4.1); `satisfies` keeps the literals.
            text += " satisfies Partial<Interactions.CreateModelInteractionParamsNonStreaming>"
        change.replace(call, text)
        for node, new in converter.extra:
            change.replace(node, new)
        change.findings.append(src.fixed(call, "GM502", "the model became the parameters "
                                         "object spread into each `interactions.create`"))
        if params.dropped and converter.drop_node is not None:
            for key in params.dropped:
                change.findings.append(finding(
                    src.path, src.pos(converter.drop_node), "GM520",
                    f"`{key}` has no Interactions equivalent; dropped (unsafe fix: the answers "
                    "may change)", fix=FIX_UNSAFE, fixed=True))
        chats = Chats(src, change, model)
        for use in uses:
            self.model_use(use, model, change, chats)
        chats.sends()

    def model_uses(self, call: SgNode, change: Change) -> tuple[str | None, list[SgNode]]:
        src = self.src
        name = bound_name(call)
        if name is not None:
            declaration = src.binding(name)
            if declaration is None:
                raise Escape("GM521", call, f"`{name.text()}` is not declared in this file")
            declarations = [declaration]
            if src.statement_of(declarations[0]).kind() == "export_statement":
                raise Escape("GM521", call, exported_message(src, "the model"))
            uses = []
            for use in src.uses(name.text(), declarations[0]):
                parent = use.parent()
                if parent is not None and parent.kind() == "assignment_expression" and same(
                    parent.field("left"), use
                ):
                    if not same(parent.field("right"), outer(call)):
                        raise Escape("GM521", use, f"`{name.text()}` is assigned more than once")
                    continue
                uses.append(use)
            retype(src, change, annotation_of(declarations[0]), "model")
            return name.text(), uses
        parent = outer(call).parent()
        if parent is not None and parent.kind() == "assignment_expression":
            left = parent.field("left")
            if left is not None and left.text().startswith("this.") and left.text().count(".") == 1:
                spelled = left.text()
                uses = []
                for m in src.root.find_all(kind="member_expression",
                                           regex=rf"^{spelled.replace('.', r'[.]')}$"):
                    holder = m.parent()
                    if holder is not None and holder.kind() == "assignment_expression" and same(
                        holder.field("left"), m
                    ):
                        if not same(holder, parent):
                            raise Escape("GM521", m, f"`{spelled}` is assigned more than once")
                        continue
                    uses.append(m)
                retype(src, change, field_annotation(src, call, spelled.split(".", 1)[1]),
                       "model")
                return spelled, uses
        return None, []

    def model_use(self, use: SgNode, model: Model, change: Change, chats: Chats) -> None:
        member = member_of(use)
        if member is None:
            if exported(use):
                raise Escape("GM521", use, exported_message(self.src, "the model"))
            raise Escape("GM521", use, "the model is used whole (passed on, returned or "
                         "stored), so it stays")
        node, method = member
        call = called(node)
        if call is None:
            raise Escape("GM521", node, f"`.{method}` of a model has no twin on the parameters "
                         "object")
        if method in ("generateContent", "generateContentStream"):
            self.generate(call, model, change, stream=method == "generateContentStream")
        elif method == "startChat":
            chats.start(call)
        elif method == "countTokens":
            self.count_tokens(call, model, change)
        elif method == "embedContent":
            self.embed_content(call, model, change)
        else:
            raise Escape("GM525", node, f"`{method}()` is not migrated")

    def generate(self, call: SgNode, model: Model, change: Change, *, stream: bool) -> None:
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) not in (1, 2):
            raise Escape("GM521", call, "a call with request options is not migrated")
        options = request_options(args[1], self.src, change) if len(args) == 2 else None
        value = self.request_input(args[0], change)
        members = [f"...{model.ref}", f"input: {value}", *(["stream: true"] if stream else [])]
        change.replace(call, create_call(model.client, members, self.src, call,
                                         tail=f", {options}" if options else ""))
        code = "GM504" if stream else "GM503"
        change.findings.append(self.src.fixed(call, code, "the call became "
                                              "`interactions.create`"))
        if stream:
            Streams(self.src, change).result(call)
        else:
            Reads(self.src, change).result(call)

    def request_input(self, arg: SgNode, change: Change) -> str:
        inner = unwrap(arg)
        if inner is not None and inner.kind() == "object":
            pairs = list(object_pairs(inner))
            if len(pairs) == 1 and pairs[0][0] == "contents":
                steps = Contents(self.src).history(pairs[0][2])
                return "[" + ", ".join(steps) + "]"
            raise Escape("GM521", arg, "a request object with per-call options is not migrated")
        return Contents(self.src, change).input(arg)

    def embed_content(self, call: SgNode, model: Model, change: Change) -> None:
        """`model.embedContent(text)` -> `ai.models.embedContent({ model, contents })`; the one
        vector moves from `.embedding.values` to `.embeddings[0].values`."""
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) != 1 or not is_string(self.src, args[0]):
            raise Escape("GM525", call, "embedContent() of something other than a string is not "
                         "migrated")
        if model.has_system or model.has_tools:
            raise Escape("GM525", call, "an embedding model with a system instruction or tools "
                         "is not migrated")
        bang = "!" if self.src.typescript else ""
        reads = Reads(self.src, change)
        name = bound_name(call)
        if name is None:
            raise Escape("GM525", call, "the embedding is not held in a name")
        for use in reads.uses_of(name):
            member = member_of(use)
            values = member_of(member[0]) if member is not None and \
                member[1] == "embedding" else None
            if values is None or values[1] != "values":
                raise Escape("GM525", use, "only `.embedding.values` of an embedding is migrated "
                             "(the result has another shape)")
            change.edits.append(Edit(use.range().end.index, values[0].range().end.index,
                                     f".embeddings{bang}[0].values{bang}"))
        change.replace(call, create_call(model.client, [f"model: {model.ref}.model",
                                                        f"contents: {args[0].text()}"],
                                         self.src, call, "models.embedContent"))
        change.findings.append(self.src.fixed(call, "GM508", "`embedContent` moved to "
                                              "`models.embedContent`"))

    def count_tokens(self, call: SgNode, model: Model, change: Change) -> None:
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) != 1 or not is_string(self.src, args[0]):
            raise Escape("GM525", call, "countTokens() of something other than a string is "
                         "not migrated")
        if model.has_system or model.has_tools:
            raise Escape("GM525", call, "the legacy count included the system instruction and "
                         "tools; `ai.models.countTokens` counts only the contents")
        name = bound_name(call)
        reads: list[SgNode] = []
        if name is not None:
            for use in Reads(self.src, change).uses_of(name):
                member = member_of(use)
                if member is None or member[1] != "totalTokens":
                    raise Escape("GM525", use, "only `totalTokens` of a token count is migrated")
                reads.append(use)
        else:
            member = member_of(outer(call))
            if member is None or member[1] != "totalTokens":
                raise Escape("GM525", call, "only `totalTokens` of a token count is migrated")
        change.replace(call, create_call(model.client, [f"model: {model.ref}.model",
                                                        f"contents: {args[0].text()}"],
                                         self.src, call, "models.countTokens"))
        change.findings.append(self.src.fixed(call, "GM508", "`countTokens` moved to "
                                              "`models.countTokens`"))
