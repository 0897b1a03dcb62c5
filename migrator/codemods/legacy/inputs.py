"""What a call sends: whether a value is surely text, a non-text part or unknown, and how it
becomes the `input=` of an Interactions call (including a chat's first-turn history).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import Assignment

from migrator.codemods import retries
from migrator.codemods.convert import (
    Unsupported,
    history_to_steps,
    is_text_literal,
    string_value,
    text_block,
)
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import LEGACY
from migrator.codemods.facts.sites import Site
from migrator.codemods.facts.syntax import is_name as _is_name

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan


class Inputs:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def non_text(self, node: cst.BaseExpression, depth: int = 0) -> str | None:
        """Why a value the legacy SDK took as text-or-parts may not be text: a list, dict,
        parts object, or a name / parameter bound to one somewhere in this file. None when
        every binding the file shows is text or opaque (an attribute, a call's result)."""
        plan = self.plan
        if isinstance(node, (cst.List, cst.Tuple, cst.Dict, cst.Set, cst.ListComp,
                             cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            return "a list or dict of parts"
        if isinstance(node, cst.Call) and (
            any(q.startswith((LEGACY, "PIL.")) for q in plan.qualified(node.func))
            or plan.code(node.func).endswith(("Image.open", "read_bytes"))
        ):
            return f"{plan.code(node.func)}(...)"
        if not isinstance(node, cst.Name) or depth > 2:
            return None
        scope = plan.scopes.get(node)
        if scope is None:
            return None
        for assignment in scope[node.value]:
            if not isinstance(assignment, Assignment):
                continue
            bound = assignment.node
            parent = plan.parent(bound)
            if isinstance(bound, cst.Param):
                why = self.non_text_param(bound, depth)
                if why is not None:
                    return f"{node.value!r}: {why}"
            elif isinstance(parent, (cst.AssignTarget, cst.AnnAssign)):
                holder = plan.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
                value = getattr(holder, "value", None)
                why = self.non_text(value, depth + 1) if value is not None else None
            else:
                why = None
            if why is not None:
                return f"{node.value!r} may hold {why}" if not why.startswith("'") else why
        return None

    def non_text_param(self, param: cst.Param, depth: int) -> str | None:
        """An unannotated parameter is judged by its default and by what this file passes."""
        plan = self.plan
        if param.annotation is not None:
            annotation = plan.code(param.annotation.annotation).replace(" ", "")
            if annotation in ("str", "Optional[str]", "str|None", "None|str",
                              "typing.Optional[str]"):
                return None
            return f"a {annotation} parameter"
        if param.default is not None and self.non_text(param.default, depth + 1):
            return "a non-text default"
        params = plan.parent(param)
        function = plan.parent(params)
        if not (isinstance(params, cst.Parameters) and isinstance(function, cst.FunctionDef)):
            return None
        positional = [*params.posonly_params, *params.params]
        index = positional.index(param) if param in positional else None
        # `obj.method(a)` fills the parameter after self; a bare `method(a)` is another function
        is_method = isinstance(plan.parent(plan.parent(function)), cst.ClassDef) and not any(
            _is_name(d.decorator, "staticmethod") for d in function.decorators)
        shift = 1 if is_method else 0
        for call in self.calls_of(function.name.value):
            if is_method and isinstance(call.func, cst.Name):
                continue
            for position, arg in enumerate(call.args):
                if arg.star:
                    break  # later positions are unknown
                if arg.keyword is not None:
                    matches = arg.keyword.value == param.name.value
                else:
                    matches = index is not None and position + shift == index
                if matches:
                    why = self.non_text(arg.value, depth + 1)
                    if why is not None:
                        return f"{function.name.value}() is passed {why}"
        return None

    def surely_text(self, node: cst.BaseExpression) -> bool:
        """A string literal, or a name every binding of which is one (or a `str` parameter)."""
        plan = self.plan
        if is_text_literal(node):
            return True
        if not isinstance(node, cst.Name):
            return False
        scope = plan.scopes.get(node)
        bindings = list(scope[node.value]) if scope is not None else []
        if not bindings:
            return False
        for assignment in bindings:
            if not isinstance(assignment, Assignment):
                return False
            bound = assignment.node
            if isinstance(bound, cst.Param):
                annotation = bound.annotation
                if annotation is None or plan.code(annotation.annotation) != "str":
                    return False
                continue
            parent = plan.parent(bound)
            if not isinstance(parent, (cst.AssignTarget, cst.AnnAssign)):
                return False
            holder = plan.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
            value = getattr(holder, "value", None)
            if value is None or not is_text_literal(value):
                return False
        return True

    def non_text_param_name(self, name: cst.Name) -> str | None:
        """`def ask(contents): model.generate_content(contents)`, called with a list."""
        scope = self.plan.scopes.get(name)
        for assignment in scope[name.value] if scope is not None else ():
            if isinstance(assignment, Assignment) and isinstance(assignment.node, cst.Param):
                why = self.non_text_param(assignment.node, 0)
                if why is not None:
                    return f"{name.value!r}: {why}"
        return None

    def calls_of(self, name: str) -> list[cst.Call]:
        plan = self.plan
        if plan.all_calls is None:
            plan.all_calls = [n for n in _walk(plan.module) if isinstance(n, cst.Call)]
        return [n for n in plan.all_calls if (
            _is_name(n.func, name) or (isinstance(n.func, cst.Attribute)
                                       and n.func.attr.value == name))]

    def timeout(self, node: cst.BaseExpression) -> cst.BaseExpression:
        retries.check_request_options(self.plan, node)
        if isinstance(node, cst.Dict) and len(node.elements) == 1:
            element = node.elements[0]
            if isinstance(element, cst.DictElement) and string_value(element.key) == "timeout":
                return element.value
        raise Unsupported("GM014", "request_options other than a literal timeout")

    def convert_input(self, node: cst.BaseExpression, site: Site | None = None
                      ) -> cst.BaseExpression:
        self.plan.tools.round_trip.check_input(node)
        blocks = self.plan.media.convert(node, site) if site is not None else None
        if blocks is not None:
            return blocks  # images, blobs, uploaded files (media.py)
        if is_text_literal(node):
            return node
        if isinstance(node, (cst.List, cst.Tuple)):
            if node.elements and all(
                isinstance(e, cst.Element) and is_text_literal(e.value) for e in node.elements
            ):
                return cst.List([cst.Element(text_block(e.value)) for e in node.elements])
            if node.elements and all(isinstance(e.value, cst.Dict) for e in node.elements):
                return cst.List([cst.Element(s) for s in history_to_steps(node)])
            raise Unsupported("GM014", "multimodal or non-text contents are not migrated yet")
        if isinstance(node, cst.Dict):
            raise Unsupported("GM014", "contents given as a dict are not migrated yet")
        if isinstance(node, cst.Name):
            self.check_input_name(node)
            why = self.non_text_param_name(node)
            if why is not None:
                raise Unsupported("GM014", f"{why}: the contents are not always text")
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            raise Unsupported("GM014", "contents built by a comprehension are not migrated yet")
        return node

    def check_input_name(self, name: cst.Name) -> None:
        """A name bound to parts, images or files is not text: leave it to a human."""
        plan = self.plan
        scope = plan.scopes.get(name)
        if scope is None:
            return
        for assignment in sorted(scope[name.value], key=plan.assignment_pos):
            if not isinstance(assignment, Assignment):
                continue
            parent = plan.parent(assignment.node)
            assign = plan.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
            value = getattr(assign, "value", None)
            if isinstance(value, (cst.List, cst.Tuple, cst.Dict, cst.Set, cst.ListComp)):
                raise Unsupported("GM014", f"{name.value!r} holds parts, not text: multimodal "
                                  "input is not migrated yet")
            if isinstance(value, cst.Call):
                callee = plan.code(value.func)
                names = plan.qualified(value.func)
                if any(q.startswith(("PIL.", LEGACY)) for q in names) or callee.endswith(
                    ("Image.open", ".read", "read_bytes", "upload_file", "open")
                ):
                    raise Unsupported("GM014", f"{name.value!r} holds an image, file or bytes: "
                                      "multimodal input is not migrated yet")

    def first_turn_history(self, site: Site) -> list[cst.Dict] | None:
        """The history of `start_chat(history=...)` goes with the chat's first message, which
        must be statically the first: the next statement after start_chat that touches the
        chat, in the same block."""
        plan = self.plan
        holder = site.holder
        assert holder is not None
        histories = [c.history for c in holder.constructions if c.history]
        if not histories:
            return None
        if len(holder.constructions) != 1 or not holder.key.startswith("name:"):
            raise Unsupported("GM012", "history replay needs one chat created in one place")
        start = plan.statement_of(holder.constructions[0].call)
        block = plan.parent(start) if start is not None else None
        body = list(getattr(block, "body", ()) or ())
        if start not in body:
            raise Unsupported("GM012", "cannot tell which message is the chat's first")
        uses = {id(n) for n in holder.uses}
        first = next((s for s in body[body.index(start) + 1:]
                      if any(id(n) in uses for n in _walk(s))), None)
        firsts = [s for s in holder.sites if plan.statement_of(s.call) is first]
        if first is None or len(firsts) != 1:
            raise Unsupported("GM012", "the chat's first message is not in straight-line code "
                              "after start_chat(history=...)")
        return histories[0] if firsts[0] is site else None
