"""Following a call's response: accessor reads (`.text`, usage), stream loops, responses
returned or handed on, and statements that must be hoisted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import (
    Access,
    Assignment,
)

from migrator.codemods import responses
from migrator.codemods.convert import Unsupported
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import COUNT, USAGE_FIELDS
from migrator.codemods.facts.sites import Site
from migrator.codemods.facts.syntax import is_name as _is_name
from migrator.codemods.facts.syntax import is_truth_test as _is_truth_test
from migrator.codemods.legacy.common import (
    CODE_TEXT,
    RESPONSE_ONLY,
    _inside,
    _kind,
)

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan


class Results:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


    def plan_result(self, site: Site) -> None:
        plan = self.plan
        result = site.result
        assert result is not None
        parent = plan.parent(result)
        statement = plan.statement_of(result)
        is_chat = site.holder is not None and site.holder.kind == "chat"
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            site.statement = statement if isinstance(statement, cst.SimpleStatementLine) else None
            if isinstance(target, cst.Name):
                self.follow_response(site, target)
            elif plan.canonical(target) is None:
                raise Unsupported("GM011", "the response is stored where it cannot be followed")
            else:
                raise Unsupported("GM011", f"the response is stored in {plan.code(target)}; "
                                  "its reads cannot be followed")
            site.response_target = target
        elif isinstance(parent, cst.Attribute) and parent.value is result:
            self.accessor(site, parent)
            if is_chat:
                self.plan_hoist(site)
        elif isinstance(parent, cst.Expr):
            site.statement = statement if isinstance(statement, cst.SimpleStatementLine) else None
            if site.stream:
                raise Unsupported("GM013", "a stream that is never read")
        elif isinstance(parent, cst.For) and parent.iter is result:
            if not site.stream:
                raise Unsupported("GM011", "iterating over a non-streamed response")
            self.plan_loop(site, parent)
            if is_chat and site.holder is not None:
                raise Unsupported("GM013", "a chat stream consumed inline is not migrated yet")
        else:
            raise Unsupported("GM011", "the response is passed or returned where "
                              "gemini-migrate cannot follow it")
        if is_chat and site.statement is None and not site.hoist:
            raise Unsupported("GM011", "cannot place the chat-state update after this call")

    def follow_response(self, site: Site, target: cst.Name) -> None:
        """Plan the reads of the response variable that this call's value may reach (facts/
        flow.py: a name reused down a script, or on another branch, is judged read by read).
        Another value that may reach one of those reads must be the response of another call
        of the same shape; the two are linked, so they migrate together or stay together: a
        read that may see a legacy response never becomes `output_text`."""
        plan = self.plan
        if plan.scopes.get(target) is None:
            raise Unsupported("GM011", "cannot resolve the response variable")
        reads = sorted(plan.flow.reads_reached(target), key=plan.pos)
        loops = 0
        for node in reads:
            planner = site
            for definition in plan.flow.reaching(node):
                other = getattr(definition, "node", None)
                if other is target or self.none_assignment(other):
                    continue  # None has no fields to read: a guarded read stays right
                if not site.stream and responses.text_placeholder(plan, other, node):
                    continue  # `reply = ""` before a loop: falsy, and has no .text either
                other_site = self.response_site(other)
                if other_site is None:
                    raise Unsupported("GM011", f"{target.value!r} also holds other values")
                if site.stream or other_site.stream or _kind(other_site) != _kind(site):
                    raise Unsupported("GM011", f"{target.value!r} may hold the result of "
                                      "another kind of call where it is read")
                plan.response_links.append((site, other_site))
                if plan.pos(other_site.call) < plan.pos(planner.call):
                    planner = other_site
            if planner is not site:
                continue  # the first of the linked calls plans this read
            parent = plan.parent(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                if site.stream:
                    if responses.stream_read(plan, site, parent):
                        continue
                    raise Unsupported("GM013", f"{plan.code(parent)} on a stream is not "
                                      "migrated")
                self.accessor(site, parent)
            elif isinstance(parent, cst.For) and parent.iter is node and site.stream:
                loops += 1
                self.plan_loop(site, parent)
            elif _is_truth_test(node, parent):
                continue
            else:
                raise Unsupported("GM011", f"the response {target.value!r} is used where "
                                  "gemini-migrate cannot follow it")
        if site.stream and loops != 1:
            raise Unsupported("GM013", "a stream must be read by exactly one for loop")

    def none_assignment(self, binding: cst.CSTNode | None) -> bool:
        target = self.plan.parent(binding) if binding is not None else None
        assign = self.plan.parent(target) if isinstance(target, cst.AssignTarget) else None
        return isinstance(assign, cst.Assign) and _is_name(assign.value, "None")

    def response_site(self, binding: cst.CSTNode | None) -> Site | None:
        """The call site whose result a definition `name = <site>` stores, if any."""
        plan = self.plan
        target = plan.parent(binding) if binding is not None else None
        assign = plan.parent(target) if isinstance(target, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None
        value = assign.value
        if isinstance(value, cst.Await):
            value = value.expression
        if plan._site_of is None:
            plan._site_of = {id(s.call): s for s in plan.sites}
        return plan._site_of.get(id(value))

    def accessor(self, site: Site, attribute: cst.Attribute) -> None:
        plan = self.plan
        name = attribute.attr.value
        if site.method in COUNT:
            if name != "total_tokens":
                raise Unsupported("GM015", f"count_tokens result .{name} is not migrated")
            return
        if name == "text":
            if plan.calls.runs_code(site):
                raise Unsupported(CODE_TEXT, "the answer's .text joins the code the model ran "
                                  "and its output with the text; output_text keeps only the "
                                  "final text")
            site.accessor_edits.append((attribute, lambda a: a.with_changes(
                attr=cst.Name("output_text"))))
            return
        if name == "usage_metadata":
            outer = plan.parent(attribute)
            if isinstance(outer, cst.Attribute) and outer.value is attribute:
                new = USAGE_FIELDS.get(outer.attr.value)
                if new is None:
                    raise Unsupported("GM015", f"usage_metadata.{outer.attr.value} has no "
                                      "Interactions equivalent")
                site.accessor_edits.append((attribute, lambda a: a.with_changes(
                    attr=cst.Name("usage"))))
                site.accessor_edits.append((outer, lambda a, new=new: a.with_changes(
                    attr=cst.Name(new))))
                return
            raise Unsupported("GM015", "usage_metadata read as a whole")
        if name in RESPONSE_ONLY:
            if plan.tools.round_trip.read(site, attribute):
                return
            plan.tools.round_trip.check_read(site, name)
            responses.response_read(plan, site, attribute)
            return
        if name == "id" and site.holder is not None:
            return
        raise Unsupported("GM015", f"response.{name} is not understood")

    def plan_loop(self, site: Site, loop: cst.For) -> None:
        plan = self.plan
        target = loop.target
        if not isinstance(target, cst.Name):
            raise Unsupported("GM013", "the stream loop target is not a simple name")
        scope = plan.scopes.get(target)
        reads: list[Access] = []
        for assignment in sorted(scope.assignments[target.value] if scope else (),
                                 key=plan.assignment_pos):
            if not isinstance(assignment, Assignment) or assignment.node is not target:
                if isinstance(assignment, Assignment):
                    raise Unsupported("GM013", f"{target.value!r} is reused outside the loop")
                continue
            reads.extend(plan.refs(assignment))
        for access in reads:
            node = access.node
            parent = plan.parent(node)
            if not (isinstance(parent, cst.Attribute) and parent.value is node
                    and parent.attr.value == "text"):
                raise Unsupported("GM013", "the stream loop uses the chunk for more than "
                                  "its text")
            if not _inside(node, loop.body, plan.parent):
                raise Unsupported("GM013", "the chunk is read after the loop")
        site.loops.append(loop)

    def plan_hoist(self, site: Site) -> None:
        """`print(chat.send_message(m).text)`: the call moves into its own statement first."""
        result = site.result
        assert result is not None
        statement = self.plan.statement_of(result)
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            raise Unsupported("GM011", "cannot move the chat call out of this statement")
        calls = [n for n in _walk(statement) if isinstance(n, cst.Call)]
        path = set()
        current: cst.CSTNode | None = result
        while current is not None and current is not statement:
            path.add(id(current))
            current = self.plan.parent(current)
        for call in calls:
            if call is site.call or any(call is a for a in _walk(site.call)):
                continue
            if id(call) not in path:
                raise Unsupported("GM011", "other calls in the statement would run in a "
                                  "different order")
        for node in _walk(statement):
            if isinstance(node, (cst.Lambda, cst.BaseComp, cst.IfExp, cst.BooleanOperation,
                                 cst.NamedExpr, cst.Yield)):
                raise Unsupported("GM011", "the chat call is evaluated conditionally")
        site.statement = statement
        site.hoist = True
