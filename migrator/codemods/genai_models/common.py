"""Constants the google-genai pass and its feature planners share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from migrator.codemods.genai_convert import (
    Unsupported,
)

GENERATE = "GM101"
CHATS = "GM102"
MODEL_SUBSTITUTED = "GM303"
TUNED = "GM306"
MODEL_KEY = "GM307"

NOT_PROVEN = "GM106"
TODO_PREFIX = "# TODO(gemini-migrate): "
USAGE_FIELDS = {
    "prompt_token_count": "total_input_tokens",
    "candidates_token_count": "total_output_tokens",
    "total_token_count": "total_tokens",
    "cached_content_token_count": "total_cached_tokens",
    "thoughts_token_count": "total_thought_tokens",
    "tool_use_prompt_token_count": "total_tool_use_tokens",
}
FUNCTION_CALL_FIELDS = {"name": "name", "id": "id", "args": "arguments"}
# Methods whose result is a str whatever their receiver is (a heuristic kept deliberately short).
TEXT_METHODS = frozenset({"format", "read_text", "chat_input", "text_input", "text_area"})
# Methods that return a str when called on a str (and bytes on bytes): the receiver decides.
STR_METHODS = frozenset({
    "join", "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "replace",
    "casefold", "removeprefix", "removesuffix",
})
TEXT_FUNCTIONS = frozenset({"str", "input", "repr"})
TEXT_CALLS = frozenset({"textwrap.dedent", "textwrap.indent", "textwrap.fill"})
LAZY = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.IfExp,
        cst.BooleanOperation)

Edit = Callable[[Any], Any]


@dataclass
class Unit:
    """One call's rewrite: edits keyed by original node, applied only if the unit survives."""

    call: cst.Call
    code: str
    edits: dict[tuple[int, str], tuple[cst.CSTNode, Edit]] = field(default_factory=dict)
    before: dict[int, tuple[cst.CSTNode, list[cst.BaseStatement]]] = field(default_factory=dict)
    after: dict[int, tuple[cst.CSTNode, list[cst.BaseStatement]]] = field(default_factory=dict)
    imports: set[str] = field(default_factory=set)
    fixed: list[tuple[cst.CSTNode, str, str, dict[str, str]]] = field(default_factory=list)
    error: Unsupported | None = None
    parsed: tuple[str, str] | None = None
    # Steps of `chats.create(history=[...])`, sent with the chat's first message.
    history: list[cst.BaseExpression] = field(default_factory=list)

    def edit(self, node: cst.CSTNode, tag: str, fn: Edit) -> None:
        self.edits[(id(node), tag)] = (node, fn)

    def fail(self, error: Unsupported) -> None:
        if self.error is None:
            self.error = error


