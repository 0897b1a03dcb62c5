"""A module's text and metadata, computed once per module object (issue 10).

The passes of a round see the same `cst.Module` object until one of them rewrites it, and each
used to render `.code` and resolve scopes and qualified names again for it. Modules are
immutable, so what was computed for one object holds for as long as that object lives: these
caches are keyed by identity and keep the last few modules alive so an id is never reused
while its entry is stored.
"""

from __future__ import annotations

from collections import OrderedDict

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

# What every pass that reads metadata asks for: resolved together, the batchable providers
# share one traversal of the tree instead of one each. QualifiedNameProvider is resolved when
# a pass asks for it (`wrapper.resolve`, cached by the wrapper): it makes a traversal of its
# own, batched or not, and the Interactions lint asks the scopes of the few nodes it needs.
PROVIDERS = (ScopeProvider, ParentNodeProvider, PositionProvider)

# One round touches at most a couple of module objects per file (the input and what the
# rewriting passes returned); a few entries cover them without keeping old trees alive.
_KEEP = 6

_codes: OrderedDict[int, tuple[cst.Module, str]] = OrderedDict()
_wrappers: OrderedDict[int, tuple[cst.Module, MetadataWrapper]] = OrderedDict()
_parsed: OrderedDict[int, cst.Module] = OrderedDict()


def code_of(module: cst.Module) -> str:
    """`module.code`, rendered once per module object."""
    entry = _codes.get(id(module))
    if entry is not None and entry[0] is module:
        return entry[1]
    code = module.code
    _remember(module, code)
    return code


def parsed(module: cst.Module) -> cst.Module:
    """`module`, marked as one `cst.parse_module` returned (no node in two places)."""
    _parsed[id(module)] = module
    if len(_parsed) > _KEEP:
        _parsed.popitem(last=False)
    return module


def _remember(module: cst.Module, code: str) -> None:
    _codes[id(module)] = (module, code)
    if len(_codes) > _KEEP:
        _codes.popitem(last=False)


def wrapper_of(module: cst.Module) -> MetadataWrapper:
    """One `MetadataWrapper` per module object, shared by every pass that reads metadata of
    it: the wrapper caches each provider it resolved, so scopes, qualified names, parents
    and positions are computed once however many passes ask.

    The wrapper holds a copy (`wrapper.module`): a codemod may have put one node object in
    two places of the tree, which metadata keyed by node cannot tell apart. Callers read
    nodes from `wrapper.module`, never from `module`.
    """
    entry = _wrappers.get(id(module))
    if entry is not None and entry[0] is module:
        return entry[1]
    # A module straight from the parser holds each node once: its copy would be wasted work.
    fresh = _parsed.get(id(module))
    wrapper = MetadataWrapper(module, unsafe_skip_copy=fresh is not None and fresh is module)
    # the copy renders to the same text: it need not be rendered again
    _remember(wrapper.module, code_of(module))
    wrapper.resolve_many(PROVIDERS)
    _wrappers[id(module)] = (module, wrapper)
    if len(_wrappers) > _KEEP:
        _wrappers.popitem(last=False)
    return wrapper
