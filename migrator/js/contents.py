"""Legacy request contents -> Interactions `input`, and chat history -> steps.

The legacy SDK took a string, an array of strings and parts, or a request object; Interactions
takes a string or steps made of content blocks. Only values whose shape is certain here are
converted: a name of unknown type may hold parts or a request object at run time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from migrator.findings import FIX_UNSAFE, finding
from migrator.js.source import (
    Change,
    Escape,
    Source,
    assignment_of,
    object_pairs,
    string_value,
    unwrap,
)

if TYPE_CHECKING:
    from ast_grep_py import SgNode

# Methods whose result is a string whatever the receiver (`x.join(", ")`, `s.trim()`).
_STRING_METHODS = {"join", "trim", "trimStart", "trimEnd", "toString", "toUpperCase",
                   "toLowerCase", "replace", "replaceAll", "padStart", "padEnd", "toFixed",
                   "normalize", "toISOString", "toLocaleString"}
_STRING_CALLS = {"String", "JSON.stringify"}
# Methods that give a string when called on one (arrays have some of them too).
_STRING_IF_STRING = {"slice", "concat", "at", "substring", "substr", "charAt", "repeat"}


def kind_of_mime(mime: str) -> str:
    for prefix in ("image", "audio", "video"):
        if mime.startswith(prefix + "/"):
            return prefix
    return "document"


def is_string(src: Source, node: SgNode | None, depth: int = 0) -> bool:
    """True when `node` certainly evaluates to a string (or undefined from `process.env`)."""
    node = unwrap(node)
    if node is None or depth > 4:
        return False
    kind = node.kind()
    if kind in ("string", "template_string"):
        return True
    if kind == "binary_expression":
        op = node.field("operator")
        if op is not None and op.text() == "+":
            return is_string(src, node.field("left"), depth + 1) or is_string(
                src, node.field("right"), depth + 1)
        if op is not None and op.text() in ("??", "||"):
            return is_string(src, node.field("left"), depth + 1) and is_string(
                src, node.field("right"), depth + 1)
        return False
    if kind == "ternary_expression":
        return is_string(src, node.field("consequence"), depth + 1) and is_string(
            src, node.field("alternative"), depth + 1)
    if kind == "member_expression":
        obj = node.field("object")
        return obj is not None and obj.text() == "process.env"
    if kind == "call_expression":
        func = node.field("function")
        if func is None:
            return False
        if func.text() in _STRING_CALLS:
            return True
        prop = func.field("property") if func.kind() == "member_expression" else None
        if prop is not None and prop.text() in _STRING_IF_STRING and "?." not in func.text():
            receiver = func.field("object")
            return receiver is not None and (is_string(src, receiver, depth + 1) or
                                             proven_string(src, receiver))
        return prop is not None and prop.text() in _STRING_METHODS
    if kind in ("identifier", "shorthand_property_identifier"):  # `{ message }` reads it too
        return _identifier_is_string(src, node, depth)
    return False


def _identifier_is_string(src: Source, node: SgNode, depth: int) -> bool:
    decl = src.binding(node)
    if decl is None:
        return False
    parent = decl.parent()
    if parent is None:
        return False
    if parent.kind() == "variable_declarator":
        annotation = parent.field("type")
        if annotation is not None and annotation.text().lstrip(": ").strip() == "string":
            return True
        holder = parent.parent()
        if holder is None or not holder.text().startswith("const"):
            # `let x = "a"` may be reassigned with anything: every assignment must be a string
            uses = src.uses(node.text(), decl)
            if _rebound(src, node.text()):
                return False
            assignments = [a for a in (assignment_of(n) for n in uses) if a is not None]
            if any(not is_string(src, a.field("right"), depth + 1) for a in assignments) or \
                    any(_changed_in_place(n) for n in uses):
                return False
            if parent.field("value") is None:
                # `let x;` given only strings afterwards (`if (...) x = "a"; else x = `b``):
                # a read before any assignment is `undefined`, which both SDKs refuse
                return bool(assignments)
        return is_string(src, parent.field("value"), depth + 1)
    if parent.kind() in ("required_parameter", "optional_parameter"):
        annotation = parent.field("type")
        if annotation is not None:
            return annotation.text().lstrip(": ").strip() == "string"
        return _unassigned(src, node, decl) and _callers_pass_strings(src, parent, depth)
    if parent.kind() == "formal_parameters" and decl.kind() == "identifier":
        return _unassigned(src, node, decl) and _callers_pass_strings(src, decl, depth)
    return False


_PATTERNS = ("array_pattern", "object_pattern", "pair_pattern", "assignment_pattern",
             "rest_pattern")


def _rebound(src: Source, name: str) -> bool:
    """True when the file gives `name` a value without declaring it, in a way `uses()` counts
    as a binding: `[x] = list`, `({ x } = obj)`, `for (x of list)` (conservative: anywhere)."""
    for node in src.identifiers(name):
        parent = node.parent()
        if parent is None:
            continue
        if parent.kind() == "for_in_statement" and same_node(parent.field("left"), node) and \
                parent.field("kind") is None:
            return True
        if parent.kind() in _PATTERNS or node.kind() == "shorthand_property_identifier_pattern":
            for ancestor in node.ancestors():
                if ancestor.kind() in _PATTERNS:
                    continue
                if ancestor.kind() == "assignment_expression":
                    return True
                break
    return False


def _changed_in_place(use: SgNode) -> bool:
    """`x++`, `x -= 1`, `x ??= y`, `[x] = list`, `for (x of list)`: an update other than
    `x += ...` (which keeps a string one)."""
    parent = use.parent()
    if parent is None:
        return False
    if parent.kind() in ("update_expression", "array_pattern", "object_pattern", "pair_pattern",
                         "assignment_pattern", "rest_pattern") or \
            use.kind() == "shorthand_property_identifier_pattern":
        return True
    if parent.kind() == "for_in_statement" and same_node(parent.field("left"), use):
        return True
    if parent.kind() == "augmented_assignment_expression" and same_node(parent.field("left"),
                                                                          use):
        op = parent.field("operator")
        return op is None or op.text() != "+="
    return False


def _unassigned(src: Source, node: SgNode, decl: SgNode) -> bool:
    return not _rebound(src, node.text()) and all(
        assignment_of(n) is None for n in src.uses(node.text(), decl))


def _callers_pass_strings(src: Source, param: SgNode, depth: int) -> bool:
    """A parameter of a function declared in this file, not exported, whose name is only
    ever called directly, and every call passes a string in that position."""
    params = param.parent()
    function = params.parent() if params is not None else None
    if params is None or function is None or params.kind() != "formal_parameters":
        return False
    position = [p for p in params.named_children() if p.kind() != "comment"]
    index = next((i for i, p in enumerate(position) if p == param), None)
    if index is None:
        return False
    name = function.field("name") if function.kind() == "function_declaration" else None
    if name is None and function.kind() in ("arrow_function", "function_expression"):
        declarator = function.parent()
        if declarator is not None and declarator.kind() == "variable_declarator" and \
                declarator.field("value") == function:
            name = declarator.field("name")
    if name is None or name.kind() != "identifier" or \
            src.statement_of(function).kind() == "export_statement":
        return False
    calls = 0
    for use in src.uses(name.text(), name):
        call = use.parent()
        if call is None or call.kind() != "call_expression" or call.field("function") != use:
            return False  # passed on, exported or reassigned: other callers may exist
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) <= index or args[index].kind() == "spread_element" or \
                not is_string(src, args[index], depth + 1):
            return False
        calls += 1
    return calls > 0


# Methods only strings have: a call that ran without throwing proves the receiver is one.
_STRING_ONLY = {"trim", "trimStart", "trimEnd", "toLowerCase", "toUpperCase", "startsWith",
                "endsWith", "split", "charAt", "charCodeAt", "substring", "substr", "match",
                "matchAll", "replace", "replaceAll", "padStart", "padEnd", "localeCompare",
                "normalize", "codePointAt", "toLocaleLowerCase", "toLocaleUpperCase"}


def proven_string(src: Source, node: SgNode) -> bool:
    """A name the code has already proven to be a string before `node` runs: an early exit
    on `typeof name !== "string"`, a string-only method called on it in an enclosing block,
    or a TypeScript `string` in the annotation of the pattern that bound it."""
    inner = unwrap(node)
    if inner is None or inner.kind() not in ("identifier", "shorthand_property_identifier"):
        return False
    name = inner.text()
    declaration = src.binding(inner)
    if declaration is None:
        return False
    if _annotated_string(declaration, name):
        return True
    if _checked_in_condition(src, node, name, declaration):
        return True
    start = node.range().start.index
    blocks = [a for a in node.ancestors() if a.kind() in ("statement_block", "program")]
    guard = re.compile(rf"typeof\s+{re.escape(name)}\s*!==?\s*[\"']string[\"']")
    for block in blocks:
        for statement in block.named_children():
            if statement.range().start.index >= start:
                break
            if statement.range().end.index > start:
                continue  # the statement that holds the call
            text = statement.text()
            if statement.kind() == "if_statement":
                condition = statement.field("condition")
                consequence = statement.field("consequence")
                if condition is not None and guard.search(condition.text()) and \
                        "&&" not in condition.text() and consequence is not None and \
                        re.search(r"\b(return|throw)\b", consequence.text()) and \
                        statement.field("alternative") is None:
                    return True
                continue
            for call in statement.find_all(kind="call_expression"):
                func = call.field("function")
                if func is None or func.kind() != "member_expression":
                    continue
                obj, prop = func.field("object"), func.field("property")
                if obj is not None and prop is not None and obj.text() == name and \
                        prop.text() in _STRING_ONLY and "?." not in func.text() and \
                        src.binding(obj) == declaration and \
                        not any(a.kind() in ("if_statement", "ternary_expression",
                                             "binary_expression", "arrow_function",
                                             "function_expression", "catch_clause")
                                for a in call.ancestors()
                                if a.range().start.index >= statement.range().start.index):
                    return True
            del text
    return False


_SHORT_CIRCUIT = {"&&", "||", "??"}


def _checked_in_condition(src: Source, node: SgNode, name: str, declaration: SgNode) -> bool:
    """`if (msg.toLowerCase() === "exit") ... else { ...use(msg) }`: the condition of an `if`
    whose branch holds `node` called a string-only method on the name, on a path that always
    runs, and the name is never assigned: it is a string in both branches."""
    if _rebound(src, name) or any(assignment_of(use) is not None or _changed_in_place(use)
                                  for use in src.uses(name, declaration)):
        return False
    for ancestor in node.ancestors():
        if ancestor.kind() in ("function_declaration", "function_expression", "arrow_function",
                               "method_definition", "generator_function_declaration"):
            return False  # the branch runs in another call than the condition
        if ancestor.kind() != "if_statement":
            continue
        condition = ancestor.field("condition")
        if condition is None or condition.range().end.index > node.range().start.index:
            continue
        consequence = ancestor.field("consequence")
        if consequence is not None and consequence.range().start.index <= \
                node.range().start.index < consequence.range().end.index and \
                _typeof_string(condition, name):
            return True  # `if (typeof x === "string" && ...) { ...use(x) }`
        for call in condition.find_all(kind="call_expression"):
            func = call.field("function")
            if func is None or func.kind() != "member_expression":
                continue
            obj, prop = func.field("object"), func.field("property")
            if obj is None or prop is None or obj.text() != name or \
                    prop.text() not in _STRING_ONLY or "?." in func.text() or \
                    not same_node(src.binding(obj), declaration):
                continue
            if _always_runs(call, condition):
                return True
    return False


def _typeof_string(condition: SgNode | None, name: str) -> bool:
    """The condition is `typeof name === "string"`, or an `&&` chain with that as one of its
    operands: when it holds, `name` is a string."""
    node = unwrap(condition)
    if node is None or node.kind() != "binary_expression":
        return False
    op = node.field("operator")
    if op is not None and op.text() == "&&":
        return _typeof_string(node.field("left"), name) or \
            _typeof_string(node.field("right"), name)
    pattern = rf"^(typeof\s+{re.escape(name)}\s*===?\s*[\"']string[\"']|" \
        rf"[\"']string[\"']\s*===?\s*typeof\s+{re.escape(name)})$"
    return re.match(pattern, node.text()) is not None


def _always_runs(call: SgNode, condition: SgNode) -> bool:
    """True when evaluating `condition` always evaluates `call`: no short-circuit operand,
    ternary branch or function body lies between them."""
    child = call
    for ancestor in call.ancestors():
        if ancestor == condition:
            return True
        kind = ancestor.kind()
        if kind in ("arrow_function", "function_expression", "optional_chain"):
            return False
        if kind == "binary_expression":
            op = ancestor.field("operator")
            if op is not None and op.text() in _SHORT_CIRCUIT and \
                    not same_node(ancestor.field("left"), child):
                return False
        if kind == "ternary_expression" and not same_node(ancestor.field("condition"), child):
            return False
        child = ancestor
    return False


def _annotated_string(declaration: SgNode, name: str) -> bool:
    """`{ prompt }: { prompt: string }` or `const { prompt } = x as { prompt: string }`."""
    for ancestor in declaration.ancestors()[:4]:
        annotation = None
        if ancestor.kind() in ("required_parameter", "optional_parameter"):
            annotation = ancestor.field("type")
        elif ancestor.kind() == "variable_declarator":
            annotation = ancestor.field("type")
            value = ancestor.field("value")
            while annotation is None and value is not None and value.kind() in (
                "as_expression", "satisfies_expression", "parenthesized_expression"
            ):
                if value.kind() == "parenthesized_expression":
                    value = value.named_children()[0] if value.named_children() else None
                    continue
                annotation = value.named_children()[-1]
        if annotation is not None:
            return re.search(rf"(?:^|[{{;,\s]){re.escape(name)}\s*:\s*string\s*(?:[;,}}]|$)",
                             annotation.text()) is not None
    return False


def same_node(a: SgNode | None, b: SgNode | None) -> bool:
    return a is not None and b is not None and a == b


def text_block(expr: str) -> str:
    return f'{{ type: "text", text: {expr} }}'


def user_step(blocks: list[str]) -> str:
    return f'{{ type: "user_input", content: [{", ".join(blocks)}] }}'


class Contents:
    def __init__(self, src: Source, change: Change | None = None) -> None:
        self.src = src
        self.change = change

    def t(self, node: SgNode) -> str:
        """The source of a user expression embedded in new code, with edits made inside it."""
        return self.change.text(node) if self.change is not None else node.text()

    def input(self, node: SgNode) -> str:
        """The `input` expression for a legacy `generateContent` / `sendMessage` argument."""
        inner = unwrap(node)
        if is_string(self.src, node) or proven_string(self.src, node):
            return self.t(node)
        if inner is not None and inner.kind() == "array":
            elements = [e for e in inner.named_children() if e.kind() != "comment"]
            if len(elements) == 1 and is_string(self.src, elements[0]):
                return self.t(elements[0])  # one text part is the text itself
            if elements and all(_part_key(e) == "functionResponse" for e in elements):
                return "[" + ", ".join(self.block(e) for e in elements) + "]"  # result steps
            if all(e.kind() == "object" and {k for k, _p, _v in object_pairs(e)} <= {"role",
                                                                                   "parts"}
                   and any(k == "parts" for k, _p, _v in object_pairs(e))
                   for e in inner.named_children() if e.kind() != "comment"):
                return "[" + ", ".join(self.history(inner)) + "]"  # a list of Content turns
            return f"[{user_step(self.blocks(inner))}]"
        mapped = self.mapped_results(inner)
        if mapped is not None:
            return mapped
        ctx = self.src.ctx
        if self.change is not None and inner is not None and inner.kind() in (
            "identifier", "member_expression", "subscript_expression"
        ) and ctx.unsafe_fixes and ctx.enabled("GM522", self.src.path):
            self.change.findings.append(finding(
                self.src.path, self.src.pos(node), "GM522",
                f"`{_short(node.text())}` is passed on as the input text (unsafe fix: a list of "
                "parts or a request object would now be refused by the API)",
                fix=FIX_UNSAFE, fixed=True))
            return self.t(node)
        raise Escape("GM522", node, f"`{_short(node.text())}` is not certainly a string or a "
                     "literal list of parts; convert it to Interactions input by hand")

    def mapped_results(self, node: SgNode | None) -> str | None:
        """`calls.map((call) => ({ functionResponse: { name: call.name, response: R } }))`."""
        if node is None or node.kind() != "call_expression":
            return None
        func = node.field("function")
        args = node.field("arguments")
        prop = func.field("property") if func is not None and \
            func.kind() == "member_expression" else None
        if prop is None or prop.text() != "map" or args is None:
            return None
        callbacks = [a for a in args.named_children() if a.kind() != "comment"]
        if len(callbacks) != 1 or callbacks[0].kind() != "arrow_function":
            return None
        body = callbacks[0].field("body")
        part = unwrap(body)
        if body is None or part is None or _part_key(part) != "functionResponse":
            return None
        value = list(object_pairs(part))[0][2]
        from migrator.js.functions import function_result

        step = function_result(self.change, part, value, self.t)
        start = node.range().start.index
        head = self.src.text[start : body.range().start.index]
        tail = self.src.text[body.range().end.index : node.range().end.index]
        if len(head) + len(step) > 70 and "\n" not in tail:
            from migrator.js.layout import _split_top, indent_unit

            unit = indent_unit(self.src.text)
            # `input:` sits one level inside the create() call's object
            outer_indent = self.src.indent_of(self.src.statement_of(node)) + unit
            members = _split_top(step.strip()[1:-1])
            step = "{\n" + "".join(f"{outer_indent}{unit}{m},\n" for m in members) + \
                outer_indent + "}"
        return f"{head}({step}){tail}"

    def blocks(self, array: SgNode) -> list[str]:
        out = []
        for element in array.named_children():
            if element.kind() == "comment":
                continue
            out.append(self.block(element))
        return out

    def block(self, part: SgNode) -> str:
        if is_string(self.src, part):
            return text_block(self.t(part))
        inner = unwrap(part)
        if inner is None or inner.kind() != "object":
            raise Escape("GM522", part, f"part `{_short(part.text())}` is not a literal")
        pairs = list(object_pairs(inner))
        if len(pairs) != 1 or pairs[0][0] is None:
            raise Escape("GM522", part, "a part is not a literal the rewrite knows")
        key, _pair, value = pairs[0]
        if key == "text":
            return text_block(self.t(value))
        if key in ("inlineData", "fileData"):
            if value.kind() != "object":
                raise Escape("GM522", value, f"`{key}` is not an object literal")
            fields = {k: v for k, _p, v in object_pairs(value)}
            if None in fields or set(fields) - {"data", "mimeType", "fileUri"}:
                raise Escape("GM522", value, f"`{key}` has fields the rewrite does not know")
            mime = fields.get("mimeType")
            mime_text = string_value(mime) if mime is None or mime.kind() == "string" \
                else uploaded_mime(self.src, mime)
            if mime is None or mime_text is None:
                raise Escape("GM522", value, "the MIME type is not a literal, so the content "
                             "block type (image, audio, video, document) cannot be chosen")
            kind = kind_of_mime(mime_text)
            if key == "inlineData":
                data = fields.get("data")
                if data is None:
                    raise Escape("GM522", value, "inline data without `data`")
                if _is_buffer(data):
                    raise Escape("GM522", data, "inline data is a Buffer; the legacy SDK took "
                                 "base64 text")
                return f'{{ type: "{kind}", data: {self.t(data)}, mime_type: {mime.text()} }}'
            uri = fields.get("fileUri")
            if uri is None:
                raise Escape("GM522", value, "file data without `fileUri`")
            return f'{{ type: "{kind}", uri: {self.t(uri)}, mime_type: {mime.text()} }}'
        if key == "functionResponse":
            from migrator.js.functions import function_result

            return function_result(self.change, part, value, self.t)
        if key == "functionCall":
            raise Escape("GM506", part, "a `functionCall` part in a request is not migrated")
        raise Escape("GM522", part, f"part `{key}` is not migrated")

    def history(self, node: SgNode) -> list[str]:
        """Steps for a literal legacy history (`[{ role, parts }]`)."""
        if node.kind() != "array":
            raise Escape("GM524", node, "the chat history is not a literal list")
        steps = []
        for element in node.named_children():
            if element.kind() == "comment":
                continue
            if element.kind() != "object":
                raise Escape("GM524", element, "a history entry is not an object literal")
            role = None
            parts = None
            for key, _pair, value in object_pairs(element):
                if key == "role":
                    role = string_value(value)
                elif key == "parts":
                    parts = value
                else:
                    raise Escape("GM524", element, "a history entry has keys other than "
                                 "role and parts")
            if parts is None or role not in ("user", "model"):
                raise Escape("GM524", element, "a history entry is not a user or model turn")
            if parts.kind() == "array":
                blocks = self.blocks(parts)
            elif is_string(self.src, parts):
                blocks = [text_block(parts.text())]
            else:
                raise Escape("GM524", parts, "history parts are not a literal")
            step = "user_input" if role == "user" else "model_output"
            steps.append(f'{{ type: "{step}", content: [{", ".join(blocks)}] }}')
        return steps


def uploaded_mime(src: Source, node: SgNode) -> str | None:
    """The literal MIME type a file was uploaded with, when `node` reads it back from the
    upload's `const`: `upload.file.mimeType` of a legacy `uploadFile(path, { mimeType: "..." })`,
    `file.mimeType` of `const { file } = ...` of one, or `upload.mimeType` of `files.upload({
    file, config: { mimeType: "..." } })`. The service keeps the type it was given."""
    if node.kind() != "member_expression" or node.field("property") is None or \
            node.field("property").text() != "mimeType":  # type: ignore[union-attr]
        return None
    obj = node.field("object")
    legacy = obj is not None and obj.kind() == "member_expression" and \
        obj.field("property") is not None and obj.field("property").text() == "file"  # type: ignore[union-attr]
    holder = obj.field("object") if legacy and obj is not None else obj
    if holder is None or holder.kind() != "identifier":
        return None
    declaration = src.binding(holder)
    if declaration is None:
        return None
    declarator = declaration.parent()
    if declaration.kind() == "shorthand_property_identifier_pattern" and \
            declaration.text() == "file" and declarator is not None and not legacy:
        declarator, legacy = declarator.parent(), True  # `const { file } = await ...`
    if declarator is None or declarator.kind() != "variable_declarator" or \
            declarator.parent() is None or \
            not declarator.parent().text().startswith("const"):  # type: ignore[union-attr]
        return None
    call = unwrap(declarator.field("value"))
    func = call.field("function") if call is not None and call.kind() == "call_expression" \
        else None
    if func is None or func.kind() != "member_expression":
        return None
    args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
            if a.kind() != "comment"]
    method = func.field("property").text()  # type: ignore[union-attr]
    if legacy and method == "uploadFile" and len(args) == 2:
        metadata = unwrap(args[1])
    elif not legacy and method == "upload" and func.field("object") is not None and \
            func.field("object").text().endswith(".files") and len(args) == 1:  # type: ignore[union-attr]
        request = unwrap(args[0])
        config = [v for k, _p, v in object_pairs(request)
                  if k == "config"] if request is not None and request.kind() == "object" else []
        metadata = unwrap(config[0]) if len(config) == 1 else None
    else:
        return None
    if metadata is None or metadata.kind() != "object":
        return None
    found = [v for k, _p, v in object_pairs(metadata) if k == "mimeType"]
    return string_value(found[0]) if len(found) == 1 else None


def _part_key(node: SgNode) -> str | None:
    inner = unwrap(node)
    if inner is None or inner.kind() != "object":
        return None
    pairs = list(object_pairs(inner))
    return pairs[0][0] if len(pairs) == 1 else None


def _is_buffer(node: SgNode) -> bool:
    text = node.text()
    return text.startswith("Buffer.") or text.startswith("fs.readFileSync(") or \
        text.startswith("readFileSync(")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."
