"""The legacy import: which names a module binds to the SDK, whether any use remains, and
the import swap once none does."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    QualifiedNameProvider,
)

from migrator.codemods.facts.nodes import dotted as _dotted
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import LEGACY
from migrator.codemods.legacy.common import (
    _client_assignment,
    _qualified,
    _statement,
)


def _legacy_alias(node: cst.CSTNode) -> tuple[str, str | None] | None:
    """For an import of the legacy SDK: (kind, bound name). kind: module | from-module | names."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            dotted = _dotted(alias.name)
            if dotted == LEGACY:
                bound = alias.asname.name.value if alias.asname else None  # type: ignore[union-attr]
                return "module", bound
    elif isinstance(node, cst.ImportFrom) and node.module is not None:
        dotted = _dotted(node.module)
        if dotted == "google" and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if _dotted(alias.name) == "generativeai":
                    bound = (alias.asname.name.value if alias.asname  # type: ignore[union-attr]
                             else "generativeai")
                    return "from-module", bound
        if dotted == LEGACY or dotted.startswith(LEGACY + "."):
            return "names", None
    return None



def _new_sdk_names(module: cst.Module) -> tuple[str | None, str | None]:
    """(name bound to google.genai, name of a module-level google.genai Client) if any."""
    sdk = None
    for node in _walk(module):
        if isinstance(node, cst.ImportFrom) and node.module is not None and not isinstance(
            node.names, cst.ImportStar
        ) and _dotted(node.module) == "google":
            for alias in node.names:
                if _dotted(alias.name) == "genai":
                    sdk = alias.asname.name.value if alias.asname else "genai"  # type: ignore
        if isinstance(node, cst.Import):
            for alias in node.names:
                if _dotted(alias.name) == "google.genai" and alias.asname:
                    sdk = alias.asname.name.value  # type: ignore[union-attr]
    client = None
    if sdk is not None:
        for statement in module.body:
            client = _client_assignment(statement, sdk)
            if client is not None:
                break
    return sdk, client



def _legacy_names(module: cst.Module) -> tuple[set[str], set[str]] | None:
    """Names the legacy imports of `module` bind, more than that rather than fewer: (bound to
    the SDK module itself, bound to anything else that may lead into it); None for a star
    import from it, which can bind any name."""
    modules: set[str] = set()
    others: set[str] = set()
    for node in _walk(module):
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = _dotted(alias.name)
                if alias.asname is None:
                    if name.split(".")[0] == "google":
                        others.add("google")  # `google.generativeai.x` reaches the SDK
                elif name == LEGACY:
                    modules.add(alias.asname.name.value)  # type: ignore[union-attr]
                elif name == "google" or name.startswith(LEGACY + "."):
                    others.add(alias.asname.name.value)  # type: ignore[union-attr]
        elif isinstance(node, cst.ImportFrom) and node.module is not None:
            source = _dotted(node.module)
            if source != "google" and source != LEGACY and not source.startswith(LEGACY + "."):
                continue
            if isinstance(node.names, cst.ImportStar):
                return None
            for alias in node.names:
                name = _dotted(alias.name)
                if source == "google" and name != "generativeai":
                    continue  # `from google import genai` is the new SDK
                bound = (alias.asname.name.value if alias.asname  # type: ignore[union-attr]
                         else name.split(".")[-1])
                (modules if source == "google" else others).add(bound)
    return modules, others



def _legacy_surely_gone(module: cst.Module) -> bool:
    """True when no name a legacy import binds is used outside the imports, but as the
    `<sdk>.Client` this pass writes: then nothing can resolve to the legacy SDK, and
    `_legacy_remains` need not resolve scopes to know it. False: undecided."""
    bound = _legacy_names(module)
    if bound is None:
        return False
    modules, others = bound
    names = modules | others
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, is_value = stack.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            continue
        if isinstance(node, cst.Name) and node.value in names:
            return False
        if (isinstance(node, cst.Attribute) and not is_value and node.attr.value == "Client"
                and isinstance(node.value, cst.Name) and node.value.value in modules):
            continue  # `<sdk>.Client` (not `<sdk>.Client.x`): the client this pass wrote
        attribute = node.value if isinstance(node, cst.Attribute) else None
        stack.extend((child, child is attribute) for child in node.children)
    return True



def _legacy_remains(module: cst.Module) -> bool:
    """Whether the rewritten module still uses the legacy SDK outside its imports."""
    return not _legacy_surely_gone(module) and _legacy_resolved(module)



def _legacy_resolved(module: cst.Module) -> bool:
    """`_legacy_remains` through scopes and qualified names (a whole metadata resolution)."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    qnames = wrapper.resolve(QualifiedNameProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    for node in _walk(module):
        if not isinstance(node, (cst.Name, cst.Attribute)):
            continue
        # `<sdk>.Client` is the client this pass just wrote while the old import still binds
        # the name; the legacy SDK has no Client.
        if not any((q == LEGACY or q.startswith(LEGACY + ".")) and q != f"{LEGACY}.Client"
                   for q in _qualified(qnames, node)):
            continue
        current = parents.get(node)
        if isinstance(current, cst.Attribute) and current.value is node:
            continue  # `genai` of `genai.x`: the dotted form decides (`<sdk>.Client` is ours)
        while current is not None and not isinstance(current, (cst.Import, cst.ImportFrom)):
            current = parents.get(current)
        if current is None:
            return True
    return False



class FixImports(cst.CSTTransformer):
    """Swap legacy imports for the google-genai one; a removed import's comments move down."""

    def __init__(self, sdk: str, add_import: bool, legacy_remains: bool,
                 every: bool = False) -> None:
        super().__init__()
        self.sdk = sdk
        self.add_import = add_import
        self.legacy_remains = legacy_remains
        # Function-local imports, and the cells of a notebook (a cell that imports the legacy
        # SDK again may be run on its own): each import is replaced, or joined, where it is.
        self.every = every
        self.placed_import = False
        self.carried: list[cst.EmptyLine] = []

    def import_stmt(self) -> cst.SimpleStatementLine:
        alias = "" if self.sdk == "genai" else f" as {self.sdk}"
        return _statement(f"from google import genai{alias}\n")

    def on_leave(self, original, updated):  # type: ignore[no-untyped-def]
        if isinstance(updated, cst.SimpleStatementLine):
            updated = self.leave_statement(updated)
        if self.carried and isinstance(updated, (cst.SimpleStatementLine,
                                                 cst.BaseCompoundStatement)):
            updated = updated.with_changes(
                leading_lines=[*self.carried, *updated.leading_lines])
            self.carried = []
        return updated

    def leave_statement(self, updated: cst.SimpleStatementLine):  # type: ignore[no-untyped-def]
        kinds = [_legacy_alias(s) for s in updated.body
                 if isinstance(s, (cst.Import, cst.ImportFrom))]
        kinds = [k for k in kinds if k is not None]
        if not kinds:
            return updated
        if self.legacy_remains:
            if self.add_import and (self.every or not self.placed_import):
                self.placed_import = True
                return cst.FlattenSentinel([updated, self.import_stmt()])
            return updated
        if len(updated.body) != 1:
            return updated  # `import os; import google.generativeai as genai`: leave it
        trailing = updated.trailing_whitespace
        if not self.add_import or (self.placed_import and not self.every):
            if any(line.comment is not None for line in updated.leading_lines):
                self.carried.extend(updated.leading_lines)
            if trailing.comment is not None:  # the comment on the dropped line goes on
                self.carried.append(cst.EmptyLine(comment=trailing.comment))
            return cst.RemovalSentinel.REMOVE
        self.placed_import = True
        new = self.import_stmt().with_changes(leading_lines=updated.leading_lines)
        if trailing.comment is not None:
            # `import google.generativeai as genai     # why`: the comment stays, at its column
            code = cst.Module([]).code_for_node
            column = len(code(updated.body[0])) + len(trailing.whitespace.value)
            gap = max(2, column - len(code(new.body[0])))
            new = new.with_changes(trailing_whitespace=trailing.with_changes(
                whitespace=cst.SimpleWhitespace(" " * gap)))
        return new

