"""What the legacy planner records about a module: model and chat holders, their constructions,
the call sites being migrated, and the pins that keep one as it was.

Shared by the codemods/legacy/ planners and the passes they delegate to (caching, media,
responses, tools).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst


@dataclass(eq=False)
class Pin:
    code: str
    reason: str
    node: cst.CSTNode


@dataclass(eq=False)
class Construction:
    """A `GenerativeModel(...)` call or a `model.start_chat(...)` call."""

    call: cst.Call
    holder: Holder | None = None
    # create() keyword arguments this construction stands for, in order.
    kwargs: list[tuple[str, cst.BaseExpression]] = field(default_factory=list)
    history: list[cst.Dict] | None = None
    model_source: Holder | Construction | None = None  # for start_chat


@dataclass(eq=False)
class Holder:
    """Where a model or chat object lives: a name in a scope, an attribute, a dict of them."""

    key: str
    kind: str  # "model" | "chat"
    constructions: list[Construction] = field(default_factory=list)
    uses: list[cst.BaseExpression] = field(default_factory=list)
    pin: Pin | None = None
    sites: list[Site] = field(default_factory=list)
    chats: list[Construction] = field(default_factory=list)


@dataclass(eq=False)
class Site:
    """A `generate_content` or `send_message` call being migrated."""

    call: cst.Call
    method: str
    receiver: cst.BaseExpression
    holder: Holder | None
    inline: Construction | None
    is_async: bool
    stream: bool = False
    pin: Pin | None = None
    result: cst.BaseExpression | None = None  # the call or the Await around it
    statement: cst.SimpleStatementLine | None = None
    accessor_edits: list[tuple[Any, Callable[..., Any]]] = field(default_factory=list)
    loops: list[cst.For] = field(default_factory=list)
    # New arguments: original ones edited in place (None drops one), new ones in front.
    edits: dict[int, cst.Arg | None] = field(default_factory=dict)
    prepend: list[cst.Arg] = field(default_factory=list)
    append: list[cst.Arg] = field(default_factory=list)
    response_target: cst.BaseExpression | None = None
    hoist: bool = False
    # response-detail rewrites (responses.py): (node, edit, code, message)
    read_edits: list[tuple[Any, Callable[..., Any], str, str]] = field(default_factory=list)
