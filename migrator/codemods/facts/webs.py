"""Webs of a module's names: the definitions of one name in one scope, grouped so that two
definitions that may reach the same read are in one web (facts/flow.py answers "which
definitions may reach this read").

A name reused for unrelated objects, such as `model` built again in each cell of a notebook or
each section of a script, has one web per object: the legacy planner keys its holders by web,
so one cell's object can migrate while another cell's object of the same name stays. A read
that may see two definitions joins their webs, so a read never belongs to two holders.

Everything errs towards *fewer* webs (one web is what a name-keyed planner assumed): a read the
flow walk did not visit (inside a function, a class body) sees every definition, since flow.py
keeps all its referents, and so joins them; a definition flow.py does not track (assigned in a
function under `global`) is never dropped from a read, so it joins every web it may reach; a
name also bound by an import, an augmented assignment or an except clause, read by a string
annotation, or read where no definition reaches, has one web.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import libcst as cst
from libcst.metadata import Assignment, BaseAssignment, Scope

from migrator.codemods.facts.flow import Flow

ONE = ""  # the suffix of a name whose definitions form a single web


def binding_name(node: cst.CSTNode) -> cst.Name | None:
    """The Name a definition node binds (the node LibCST's Assignment records)."""
    if isinstance(node, cst.Name):
        return node
    if isinstance(node, (cst.Param, cst.FunctionDef, cst.ClassDef)):
        return node.name
    return None


class Webs:
    def __init__(self, flow: Flow, parents: Mapping[cst.CSTNode, cst.CSTNode],
                 pos: Callable[[cst.CSTNode], tuple[int, int]]) -> None:
        self.flow = flow
        self.parents = parents
        self.pos = pos
        # (id(scope), name) -> {id(binding Name) -> web suffix}; empty: one web
        self._groups: dict[tuple[int, str], dict[int, str]] = {}

    def suffix(self, scope: Scope, node: cst.Name) -> str | None:
        """The web of `node` (a binding of the name in `scope`, or a read that scope's
        definitions reach) as a key suffix: "" when the name has one web; None when the name
        has several and `node` is neither a binding nor a read of it."""
        group = self._group(scope, node.value)
        if not group:
            return ONE
        if id(node) in group:
            return group[id(node)]
        for definition in self.flow.reaching(node):
            found = getattr(definition, "node", None)
            bound = binding_name(found) if found is not None else None
            if bound is not None and id(bound) in group:
                return group[id(bound)]
        return None

    def _group(self, scope: Scope, name: str) -> dict[int, str]:
        key = (id(scope), name)
        cached = self._groups.get(key)
        if cached is not None:
            return cached
        self._groups[key] = group = self._compute(scope, name)
        return group

    def _compute(self, scope: Scope, name: str) -> dict[int, str]:
        definitions = list(scope.assignments[name]) if name in scope.assignments else []
        if len(definitions) < 2:
            return {}
        bound: dict[int, cst.Name] = {}  # id(binding Name) -> that Name
        owner: dict[int, int] = {}  # id(definition node) -> id(binding Name)
        for definition in definitions:
            node = getattr(definition, "node", None)
            target = binding_name(node) if isinstance(definition, Assignment) and (
                node is not None) else None
            if target is None or isinstance(self.parents.get(target), cst.AugAssign):
                return {}  # an import, a global/nonlocal or builtin binding, `x += ...`
            bound[id(target)] = target
            owner[id(node)] = id(target)
        root = {k: k for k in bound}

        def find(k: int) -> int:
            while root[k] != k:
                root[k] = root[root[k]]
                k = root[k]
            return k

        reads: dict[int, cst.Name] = {}
        for definition in definitions:
            assert isinstance(definition, Assignment)
            for access in definition.references:
                if not isinstance(access.node, cst.Name):
                    return {}  # a string annotation naming it: not followed, one web
                reads[id(access.node)] = access.node
            for read in self.flow.reads_reached(definition.node):
                reads[id(read)] = read
        for access in scope.accesses[name]:  # empty for a name never read here
            if isinstance(access.node, cst.Name):
                reads.setdefault(id(access.node), access.node)
        for read in reads.values():
            seen = [owner[id(getattr(d, "node", None))] for d in self._reaching(read)
                    if id(getattr(d, "node", None)) in owner]
            if not seen:
                return {}  # a read no definition reaches (a cell run out of order?): one web
            for other in seen[1:]:
                root[find(other)] = find(seen[0])
        webs: dict[int, list[cst.Name]] = {}
        for k, target in bound.items():
            webs.setdefault(find(k), []).append(target)
        if len(webs) < 2:
            return {}
        ordered = sorted(webs.values(), key=lambda names: min(self.pos(n) for n in names))
        return {id(n): f"#{i}" for i, names in enumerate(ordered) for n in names}

    def _reaching(self, read: cst.Name) -> list[BaseAssignment]:
        return self.flow.reaching(read)
