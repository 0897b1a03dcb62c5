"""google-generativeai response details, chat state and error handlers -> Interactions.

Hooks called by the legacy pass (`migrator.codemods.legacy`) for what a response or chat is
read through beyond `.text` / `usage_metadata`:

- `response.parts` and `response.candidates[0].content.parts` become the content blocks of the
  interaction's `model_output` steps, when every read of a part is its `.text` (GM033);
- `candidates[0].finish_reason == / != MAX_TOKENS` becomes `status == / != "incomplete"`
  (GM033); `response.resolve()` is dropped (GM033);
- `chat.last.<read>` reads the chat's last interaction back with `interactions.get`, and
  `chat.rewind()` moves `previous_interaction_id` one interaction back (GM035);
- reads with no Interactions counterpart (safety ratings, prompt feedback, several candidates,
  `to_dict()`, `chat.history`, ...) pin the object with a code that says which (GM034, GM036);
- `except` clauses around a migrated call that would stop matching what the new call raises pin
  the call (GM037); an `except ValueError` around a `.text` read that becomes `output_text` is
  reported as no longer reached for blocked answers (GM037).

Everything here only plans: edits are (node, function) pairs the legacy pass's `Apply` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import libcst as cst

from migrator.codemods.convert import Unsupported, string_value
from migrator.codemods.facts.sdk import COUNT, EMBED, MODELS_API, USAGE_FIELDS
from migrator.codemods.facts.sites import Holder, Site
from migrator.codemods.facts.syntax import is_truth_test

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan

PARTS = "GM033"  # faithful response-detail rewrites
NO_EQUIVALENT = "GM034"
CHAT_STATE = "GM035"
CHAT_STATE_KEPT = "GM036"
HANDLER = "GM037"

# Candidate / response fields the Interactions API has no counterpart for, and why.
NO_COUNTERPART = {
    "safety_ratings": "Interactions reports no per-answer safety ratings",
    "citation_metadata": "Interactions reports no citation metadata (text blocks may carry "
                         "annotations instead)",
    "grounding_metadata": "grounding results are separate search steps in Interactions",
    "avg_logprobs": "Interactions returns no log probabilities",
    "logprobs_result": "Interactions returns no log probabilities",
    "token_count": "Interactions reports tokens per interaction (usage), not per candidate",
    "index": "Interactions returns a single answer, not indexed candidates",
}
RESPONSE_NO_COUNTERPART = {
    "prompt_feedback": "a blocked prompt is not reported as prompt_feedback; check "
                       "interaction.status / errors",
    "to_dict": "interaction.model_dump() has a different shape (steps, not candidates)",
    "model_version": "interaction.model is the requested model, not the served version",
}
# Legacy exception classes the migrated calls no longer raise.
LEGACY_ERRORS = "google.generativeai."
API_CORE = "google.api_core.exceptions."
STATUS = {
    "BadRequest": 400, "InvalidArgument": 400, "FailedPrecondition": 400, "OutOfRange": 400,
    "Unauthorized": 401, "Unauthenticated": 401, "Forbidden": 403, "PermissionDenied": 403,
    "NotFound": 404, "Conflict": 409, "AlreadyExists": 409, "Aborted": 409,
    "TooManyRequests": 429, "ResourceExhausted": 429, "InternalServerError": 500,
    "ServiceUnavailable": 503, "DeadlineExceeded": 504, "GatewayTimeout": 504,
}
BROAD = {"builtins.Exception", "builtins.BaseException"}

Edit = Callable[[cst.CSTNode], cst.CSTNode]


# --------------------------------------------------------------------------------------------
# response reads
# --------------------------------------------------------------------------------------------


def response_read(plan: Plan, site: Site, attribute: cst.Attribute) -> None:
    """Plans `response.<name>` for `parts`, `candidates` and the fields with no counterpart;
    raises Unsupported for what must stay on the legacy SDK."""
    name = attribute.attr.value
    if name in RESPONSE_NO_COUNTERPART:
        raise Unsupported(NO_EQUIVALENT, f"response.{name}: {RESPONSE_NO_COUNTERPART[name]}")
    if name == "resolve":
        _resolve(plan, site, attribute)
        return
    if name == "parts":
        _parts(plan, site, attribute, depth=1)
        return
    if name != "candidates":
        raise Unsupported("GM015", f"response.{name} is not understood")
    index = plan.parent(attribute)
    if not (isinstance(index, cst.Subscript) and index.value is attribute
            and _index_value(index) == 0):
        raise Unsupported(NO_EQUIVALENT, "several candidates: an interaction has a single "
                          "answer")
    field = plan.parent(index)
    if not (isinstance(field, cst.Attribute) and field.value is index):
        raise Unsupported(NO_EQUIVALENT, "a candidate used as a whole has no Interactions "
                          "counterpart")
    what = field.attr.value
    if what == "content":
        parts = plan.parent(field)
        if isinstance(parts, cst.Attribute) and parts.value is field \
                and parts.attr.value == "parts":
            _parts(plan, site, parts, depth=4)
            return
        raise Unsupported(NO_EQUIVALENT, "candidates[0].content used as a whole: Interactions "
                          "has steps, not a Content")
    if what == "finish_reason":
        _finish_reason(plan, site, field)
        return
    reason = NO_COUNTERPART.get(what, "it has no Interactions counterpart")
    raise Unsupported(NO_EQUIVALENT, f"candidates[0].{what}: {reason}")


def stream_read(plan: Plan, site: Site, attribute: cst.Attribute) -> bool:
    """`stream.resolve()` after the loop that consumed the stream: nothing left to do."""
    if attribute.attr.value != "resolve":
        return False
    _resolve(plan, site, attribute)
    return True


def _resolve(plan: Plan, site: Site, attribute: cst.Attribute) -> None:
    call = plan.parent(attribute)
    expr = plan.parent(call)
    line = plan.parent(expr)
    if not (isinstance(call, cst.Call) and call.func is attribute and not call.args
            and isinstance(expr, cst.Expr) and isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1):
        raise Unsupported(NO_EQUIVALENT, "the value of response.resolve() is used")
    if site.stream and not any(plan.pos(loop) < plan.pos(call) and plan.parent(loop)
                               is plan.parent(line) for loop in site.loops):
        # Before the loop it reads the whole stream first; Interactions streams cannot replay.
        raise Unsupported("GM013", "response.resolve() before the stream loop")
    if any(not _blank(empty) for empty in line.leading_lines) or _has_comment(line):
        raise Unsupported(NO_EQUIVALENT, "response.resolve() carries a comment")
    block = plan.parent(line)
    if len(getattr(block, "body", ())) < 2:
        raise Unsupported(NO_EQUIVALENT, "response.resolve() is the only statement of its "
                          "block")
    site.read_edits.append((line, lambda n: cst.RemoveFromParent(), PARTS,
                            "response.resolve() is dropped: the stream is consumed by its loop"
                            if site.stream else "response.resolve() is dropped: an interaction "
                            "is complete when create() returns"))


def _parts(plan: Plan, site: Site, node: cst.Attribute, depth: int) -> None:
    """`<response>.parts` (depth 1) or `<response>.candidates[0].content.parts` (depth 4)."""
    _require_plain_text_answer(plan, site, "parts")
    parent = plan.parent(node)
    if isinstance(parent, cst.Subscript) and parent.value is node:
        outer = plan.parent(parent)
        if _index_value(parent) is None or not (
            isinstance(outer, cst.Attribute) and outer.value is parent
            and outer.attr.value == "text"
        ):
            raise Unsupported(NO_EQUIVALENT, "a response part used other than for its .text: "
                              "Interactions content blocks are not Part objects")
    elif isinstance(parent, cst.Arg) and _is_len(plan, parent):
        pass
    elif isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
        _check_part_loop(plan, parent)
    else:
        raise Unsupported(NO_EQUIVALENT, "response parts used as Part objects: Interactions "
                          "content blocks are not Part objects")

    quote = _quote(plan, node)

    def edit(updated: cst.CSTNode, depth: int = depth) -> cst.CSTNode:
        response: cst.CSTNode = updated
        for _ in range(depth):
            response = response.value  # type: ignore[attr-defined]
        return _blocks(response, quote)

    site.read_edits.append((node, edit, PARTS, "the response parts are read from the "
                            "model_output steps"))


def _blocks(response: cst.CSTNode, quote: str) -> cst.BaseExpression:
    """`[block for step in R.steps or [] if step.type == "model_output" for block in
    step.content]`: the legacy parts of a plain answer, in order."""
    taken = {n.value for n in _walk(response) if isinstance(n, cst.Name)}
    step = next(n for n in ("step", "step_", "s") if n not in taken)
    block = next(n for n in ("block", "block_", "b") if n not in taken)
    template = cst.parse_expression(
        f'[{block} for {step} in RESPONSE.steps or [] if {step}.type == '
        f'{quote}model_output{quote} for {block} in {step}.content]')
    return template.visit(_Put(response))  # type: ignore[return-value]


def _check_part_loop(plan: Plan, loop: cst.For | cst.CompFor) -> None:
    target = loop.target
    if not isinstance(target, cst.Name):
        raise Unsupported(NO_EQUIVALENT, "response parts unpacked in a loop")
    scope = plan.scopes.get(target)
    assignments = list(scope.assignments[target.value]) if scope is not None else []
    if len(assignments) != 1 or getattr(assignments[0], "node", None) is not target:
        raise Unsupported(NO_EQUIVALENT, f"the part variable {target.value!r} is reused")
    for access in assignments[0].references:
        parent = plan.parent(access.node)
        if not (isinstance(parent, cst.Attribute) and parent.value is access.node
                and parent.attr.value == "text"):
            raise Unsupported(NO_EQUIVALENT, "a response part used other than for its "
                              ".text: Interactions content blocks are not Part objects")
        if isinstance(loop, cst.For) and not _within(plan, access.node, loop.body):
            raise Unsupported(NO_EQUIVALENT, "a response part read after its loop")


def _finish_reason(plan: Plan, site: Site, node: cst.Attribute) -> None:
    """`finish_reason == MAX_TOKENS` keeps its meaning as `status == "incomplete"` (the only
    status the API documents for a length cut). Other reasons have no status twin: STOP is
    `completed` only if SAFETY / RECITATION stops never end that way, which is not documented."""
    _require_plain_text_answer(plan, site, "finish_reason")
    subject: cst.CSTNode = node
    parent = plan.parent(node)
    if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "name":
        subject, parent = parent, plan.parent(parent)
    if not (isinstance(parent, cst.Comparison) and len(parent.comparisons) == 1):
        raise Unsupported(NO_EQUIVALENT, "candidates[0].finish_reason read as a value: "
                          "interaction.status has a different vocabulary")
    target = parent.comparisons[0]
    if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
        raise Unsupported(NO_EQUIVALENT, "finish_reason compared other than with == / !=")
    other = target.comparator if parent.left is subject else parent.left
    reason = _reason(plan, other, by_name=subject is not node)
    if reason is not None and subject is node:
        plan.explained.append(other)  # the enum goes (or stays) with the comparison
    if reason != "MAX_TOKENS":
        raise Unsupported(NO_EQUIVALENT, f"finish_reason compared with {plan.code(other)}: "
                          "only MAX_TOKENS has an Interactions status (incomplete)")
    left_side = parent.left is subject
    quote = _quote(plan, parent)
    depth = 3 if subject is node else 4

    def edit(updated: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(updated, cst.Comparison)
        side = updated.left if left_side else updated.comparisons[0].comparator
        response: cst.CSTNode = side
        for _ in range(depth):
            response = response.value  # type: ignore[attr-defined]
        status = cst.Attribute(response, cst.Name("status"))  # type: ignore[arg-type]
        incomplete = cst.SimpleString(f"{quote}incomplete{quote}")
        first, second = (status, incomplete) if left_side else (incomplete, status)
        return updated.with_changes(left=first, comparisons=[
            updated.comparisons[0].with_changes(comparator=second)])

    site.read_edits.append((parent, edit, PARTS, "finish_reason MAX_TOKENS is read as "
                            "status \"incomplete\""))
    plan.explained.append(parent)


def _reason(plan: Plan, node: cst.CSTNode, by_name: bool) -> str | None:
    if by_name:
        return string_value(node)  # type: ignore[arg-type]
    if isinstance(node, cst.Attribute):
        names = plan.qualified(node)
        if any(q.startswith(LEGACY_ERRORS) and ".FinishReason." in q for q in names):
            return node.attr.value
    return None


def _require_plain_text_answer(plan: Plan, site: Site, what: str) -> None:
    """With tools or non-text output, a legacy answer's parts hold function calls or media
    (separate steps / blocks in Interactions) and STOP becomes requires_action."""
    configs = [v for c in plan.calls.model_constructions(site) for k, v in c.kwargs]
    configs += [a.value for a in site.call.args]
    keywords = {k for c in plan.calls.model_constructions(site) for k, _ in c.kwargs}
    keywords |= {a.keyword.value for a in site.call.args if a.keyword is not None}
    if keywords & {"tools", "tool_config"} or any(
        "response_modalities" in plan.code(v) for v in configs
    ):
        raise Unsupported(NO_EQUIVALENT, f"response {what} with tools or non-text output: "
                          "function calls and media are separate steps in Interactions")


# --------------------------------------------------------------------------------------------
# chat state
# --------------------------------------------------------------------------------------------


def chat_state_use(plan: Plan, holder: Holder, use: cst.BaseExpression,
                   attribute: cst.Attribute) -> None:
    """`chat.history` / `chat.last` / `chat.rewind()`; pins the chat when not faithful."""
    method = attribute.attr.value
    if method == "history":
        plan.pin(holder, CHAT_STATE_KEPT, "chat.history: Interactions keeps the conversation "
                 "on the server and cannot list it in one call; keep your own list of turns",
                 use)
        return
    initial_history = any(_has_history(c) for c in holder.constructions)
    if method == "rewind":
        call = plan.parent(attribute)
        expr = plan.parent(call)
        if not (isinstance(call, cst.Call) and call.func is attribute and not call.args
                and isinstance(expr, cst.Expr)):
            plan.pin(holder, CHAT_STATE_KEPT, "the contents chat.rewind() returns are not "
                     "kept by Interactions", use)
            return
        if initial_history:
            plan.pin(holder, CHAT_STATE_KEPT, "chat.rewind() on a chat started with history: "
                     "the history travels in the first interaction and would be rewound too",
                     use)
            return
        plan.state_edits.append((holder, expr, lambda n, client, u=use: _rewind(
            plan, n, u, client), "chat.rewind() moves previous_interaction_id one "
            "interaction back"))
        return
    field = plan.parent(attribute)
    if not (isinstance(field, cst.Attribute) and field.value is attribute):
        plan.pin(holder, CHAT_STATE_KEPT, "chat.last used as a whole: it is an Interaction "
                 "now, read back with client.interactions.get", use)
        return
    edits = _last_reads(plan, field)
    if edits is None:
        plan.pin(holder, CHAT_STATE_KEPT, f"chat.last.{field.attr.value} has no "
                 "Interactions counterpart", use)
        return
    for node, edit in edits:
        plan.state_edits.append((holder, node, edit, "chat.last is read back with "
                                 "client.interactions.get"))
    plan.state_edits.append((holder, attribute, lambda n, client, u=use: _last(
        plan, n, u, client), "chat.last is read back with client.interactions.get"))


def check_chat_state(plan: Plan) -> None:
    """`chat.last` after `chat.rewind()` is None in the legacy SDK, not the turn before."""
    enabled = plan.ctx.enabled(CHAT_STATE, plan.path)
    for holder in plan.holders.values():
        kinds = {_attr_name(node) for h, node, _, _ in plan.state_edits if h is holder}
        if kinds and not enabled:
            plan.pin(holder, "", "disabled", holder.constructions[0].call
                     if holder.constructions else plan.module)
        if "rewind" in kinds and "last" in kinds and holder.pin is None:
            node = next(n for h, n, _, _ in plan.state_edits if h is holder)
            plan.pin(holder, CHAT_STATE_KEPT, "chat.last together with chat.rewind(): the "
                     "legacy chat forgets its last answer on rewind", node)


def _attr_name(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Expr):
        return "rewind"
    return node.attr.value if isinstance(node, cst.Attribute) else ""


def _last_reads(plan: Plan, field: cst.Attribute) -> list[tuple[cst.CSTNode, Callable]] | None:
    name = field.attr.value
    if name == "text":
        return [(field, lambda n, client: n.with_changes(attr=cst.Name("output_text")))]
    if name == "usage_metadata":
        outer = plan.parent(field)
        if isinstance(outer, cst.Attribute) and outer.value is field \
                and outer.attr.value in USAGE_FIELDS:
            new = USAGE_FIELDS[outer.attr.value]
            return [(field, lambda n, client: n.with_changes(attr=cst.Name("usage"))),
                    (outer, lambda n, client, new=new: n.with_changes(attr=cst.Name(new)))]
    return None


def _get_last(plan: Plan, use: cst.BaseExpression, chat: cst.BaseExpression,
              client: str) -> cst.BaseExpression:
    function = plan.enclosing_function(use)
    is_async = function is not None and function.asynchronous is not None
    get = f"await {client}.aio.interactions.get" if is_async else f"{client}.interactions.get"
    quote = _quote(plan, use)
    template = cst.parse_expression(f'{get}(CHAT[{quote}previous_interaction_id{quote}])')
    return template.visit(_Put(chat))  # type: ignore[return-value]


def _last(plan: Plan, updated: cst.CSTNode, use: cst.BaseExpression,
          client: str) -> cst.CSTNode:
    assert isinstance(updated, cst.Attribute)
    value = _get_last(plan, use, updated.value, client)
    if isinstance(value, cst.Await):
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return value


def _rewind(plan: Plan, updated: cst.CSTNode, use: cst.BaseExpression,
            client: str) -> cst.CSTNode:
    assert isinstance(updated, cst.Expr)
    call = updated.value
    assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
    chat = call.func.value
    state = cst.Subscript(chat, [cst.SubscriptElement(cst.Index(
        cst.SimpleString('"previous_interaction_id"')))])
    value = _get_last(plan, use, chat, client)
    if isinstance(value, cst.Await):
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Assign([cst.AssignTarget(state)],
                      cst.Attribute(value, cst.Name("previous_interaction_id")))


def _has_history(construction: object) -> bool:
    if getattr(construction, "history", None):
        return True
    call = getattr(construction, "call", None)
    return isinstance(call, cst.Call) and any(
        a.keyword is not None and a.keyword.value == "history" for a in call.args)


# --------------------------------------------------------------------------------------------
# error handlers
# --------------------------------------------------------------------------------------------


def check_handlers(plan: Plan) -> None:
    """Pins the migrating calls whose enclosing `except` would stop matching, and notes the
    `except ValueError` clauses around `.text` reads that output_text never triggers."""
    for site in plan.sites:
        if site.pin is not None:
            continue
        models_api = site.method in COUNT or site.method in EMBED or site.method in MODELS_API
        new = "client.models" if models_api else "client.interactions.create"
        for handler_type in _handlers(plan, site.call):
            for name in _handled(plan, handler_type):
                if name.startswith(API_CORE):
                    short = name[len(API_CORE):]
                    status = STATUS.get(short)
                    raises = ("google.genai.errors.APIError (code "
                              f"{status})" if models_api else
                              "google-genai's own interactions errors (status_code "
                              f"{status}), importable only from a private module "
                              "(google.genai._interactions, absent in 2.9-2.33)") \
                        if status else ("google.genai.errors.APIError" if models_api else
                                        "google-genai's own interactions errors")
                    plan.pin(site, HANDLER, f"{short} does not match what {new} raises: "
                             f"{raises}", site.call)
                elif name.startswith(LEGACY_ERRORS):
                    plan.explained.append(handler_type)  # stays with the pinned call
                    short = name.rsplit(".", 1)[-1]
                    plan.pin(site, HANDLER, f"{short} is caught, but {new} never raises it; a "
                             "blocked or stopped answer is reported through "
                             "interaction.status", site.call)
        _note_text_reads(plan, site, [node for node, _ in site.accessor_edits])
    for holder in plan.holders.values():
        _note_text_reads(plan, holder, [n for h, n, _, _ in plan.state_edits if h is holder])


def _note_text_reads(plan: Plan, owner: Site | Holder, nodes: list[cst.CSTNode]) -> None:
    """`.text` raised ValueError on a blocked answer; `output_text` is "" instead."""
    for node in nodes:
        if not (isinstance(node, cst.Attribute) and node.attr.value == "text"):
            continue
        for handler_type in _handlers(plan, node):
            if "builtins.ValueError" in _handled(plan, handler_type):
                plan.handler_notes.append((owner, node, HANDLER, "output_text does not raise "
                                           "on a blocked or empty answer: the except "
                                           "ValueError no longer runs for it; test the text "
                                           "for emptiness instead"))
                break


def _handlers(plan: Plan, node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    """The exception types of every `try` / `pytest.raises` whose body holds `node`."""
    child: cst.CSTNode = node
    current = plan.parent(node)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef,
                                                            cst.Lambda)):
        if isinstance(current, (cst.Try, cst.TryStar)) and child is current.body:
            for handler in current.handlers:
                if handler.type is None:
                    return  # a bare except still catches everything
                yield handler.type
        elif isinstance(current, cst.With) and child is current.body:
            for item in current.items:
                call = item.item
                if isinstance(call, cst.Call) and any(
                    q.endswith("pytest.raises") for q in plan.qualified(call.func)
                ) and call.args:
                    yield call.args[0].value
        child, current = current, plan.parent(current)


def _handled(plan: Plan, node: cst.BaseExpression, depth: int = 0) -> list[str]:
    """Qualified names of the classes an except clause names, in source order, through
    `ERRORS = (A, B)`."""
    names = [e.value for e in node.elements] if isinstance(node, (cst.Tuple, cst.List)) \
        else [node]
    out: list[str] = []
    for name in names:
        value = _tuple_value(plan, name) if depth < 3 else None
        out += _handled(plan, value, depth + 1) if value is not None \
            else sorted(plan.qualified(name))
    return out


def _tuple_value(plan: Plan, name: cst.BaseExpression) -> cst.BaseExpression | None:
    """The tuple a plain name is bound to once (`ERRORS = (NotFound, ResourceExhausted)`)."""
    if not isinstance(name, cst.Name):
        return None
    scope = plan.scopes.get(name)
    if scope is None:
        return None
    assignments = list(scope[name.value])
    if len(assignments) != 1:
        return None
    target = getattr(assignments[0], "node", None)
    holder = plan.parent(target) if target is not None else None
    assign = plan.parent(holder) if isinstance(holder, cst.AssignTarget) else None
    value = getattr(assign, "value", None)
    return value if isinstance(value, (cst.Tuple, cst.List)) else None


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


class _Put(cst.CSTTransformer):
    """Replaces the placeholder names RESPONSE / CHAT of a parsed template."""

    def __init__(self, value: cst.CSTNode) -> None:
        super().__init__()
        self.value = value

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if updated.value in ("RESPONSE", "CHAT"):
            return self.value  # type: ignore[return-value]
        return updated


def _quote(plan: Plan, node: cst.CSTNode) -> str:
    """The quote a new string literal needs: inside an f-string (before Python 3.12), not
    the f-string's own."""
    current = plan.parent(node)
    while current is not None and not isinstance(current, cst.BaseStatement):
        if isinstance(current, cst.FormattedString):
            return "'" if '"' in current.start else '"'
        current = plan.parent(current)
    return '"'


def _index_value(node: cst.Subscript) -> int | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    value = node.slice[0].slice.value
    if isinstance(value, cst.Integer):
        return int(value.value, 0)
    return None


def _is_len(plan: Plan, arg: cst.Arg) -> bool:
    call = plan.parent(arg)
    return isinstance(call, cst.Call) and len(call.args) == 1 and arg.keyword is None \
        and "builtins.len" in plan.qualified(call.func)


def _within(plan: Plan, node: cst.CSTNode, body: cst.CSTNode) -> bool:
    current: cst.CSTNode | None = node
    while current is not None:
        if current is body:
            return True
        current = plan.parent(current)
    return False


def _blank(line: cst.EmptyLine) -> bool:
    return line.comment is None


def _has_comment(line: cst.SimpleStatementLine) -> bool:
    return line.trailing_whitespace.comment is not None


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def text_placeholder(plan: Plan, binding: cst.CSTNode | None, read: cst.Name) -> bool:
    """`reply = ""` (a string literal) reaching a read that is a truth test or `.text`: the
    string is falsy where the response is not, and neither `"".text` nor `"".output_text`
    exists, so the read behaves the same whichever value it sees."""
    target = plan.parent(binding) if binding is not None else None
    assign = plan.parent(target) if isinstance(target, cst.AssignTarget) else None
    if not (isinstance(assign, cst.Assign) and isinstance(
            assign.value, (cst.SimpleString, cst.ConcatenatedString))):
        return False
    parent = plan.parent(read)
    return is_truth_test(read, parent) or (
        isinstance(parent, cst.Attribute) and parent.value is read
        and parent.attr.value == "text")
