"""Make migrated code read as a careful engineer would write it (issue 11, readable output).

Three edits, each made only where the program keeps its meaning:

- A model dict used once is inlined into its call. `model = dict(model="gemini-2.5-flash")`
  followed by a single `client.interactions.create(**model, input=q)` in the same scope becomes
  `client.interactions.create(model="gemini-2.5-flash", input=q)`. Only values whose meaning
  cannot change between the two places move (literals, parameters and names bound once outside
  any loop); a dict with comments, one named anywhere else, or one whose use is in another
  notebook cell stays. A module-level name is no riskier to inline than it was to rewrite: the
  legacy pass keeps every model another file imports as it was (codemods/crossmodule.py).
- A client a method made through `global client` (the legacy `configure()` was in `__init__`)
  becomes `self.client` when only methods of that class read it. Each object then uses the key
  it was given; with the legacy global configuration the last object's key won for all (the
  same when every object gets the same key, as in practice).
- An alias the rewrite carried over from the legacy import (`import google.generativeai as palm`
  became `from google import genai as palm`) is dropped and its uses renamed to `genai`, when
  nothing in the file already uses that name and no string (an annotation) mentions the alias.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import libcst as cst
from libcst.metadata import (
    Assignment,
    GlobalScope,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from migrator.codemods.facts.nodes import walk
from migrator.codemods.facts.source import code_of, wrapper_of
from migrator.codemods.settled import client_globals
from migrator.context import Context
from migrator.documents import CELL_MARKER
from migrator.findings import Finding


def tidy_pass_for(original: str) -> Callable[[cst.Module, str, Context],
                                                tuple[cst.Module, list[Finding]]]:
    """The tidy pass of one file: it knows the original text, so it never undoes the author's
    own choices (an alias or a dict the file already had)."""

    def tidy_pass(module: cst.Module, path: str, ctx: Context
                  ) -> tuple[cst.Module, list[Finding]]:
        from migrator.codemods.facts.source import code_of

        code = code_of(module)
        if "interactions.create(**" in code:
            module = _inline_model_dicts(module, original)
        if "global " in code_of(module):
            module = _client_in_method(module, code_of(module))
        alias = _carried_alias(code_of(module), original)
        if alias is not None:
            module = _rename_alias(module, alias)
        return module, []

    return tidy_pass


# --- single-use model dicts -------------------------------------------------------------------

def _inline_model_dicts(module: cst.Module, original: str) -> cst.Module:
    wrapper = wrapper_of(module)
    scopes = wrapper.resolve(ScopeProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    positions = wrapper.resolve(PositionProvider)
    lines = code_of(module).splitlines()
    removed: set[int] = set()  # id() of statement lines to drop
    inlined: dict[int, Sequence[cst.Arg]] = {}  # id() of the `**name` Arg -> the dict's args

    for statement, target, call in _dict_assignments(wrapper.module):
        if wrapper.module.code_for_node(statement).strip() in original:
            continue  # the author's own dict, not the rewrite's
        scope = scopes.get(target)
        if scope is None:
            continue
        bindings = [a for a in scope.assignments[target.value] if isinstance(a, Assignment)]
        if len(bindings) != 1 or len(scope.assignments[target.value]) != 1:
            continue
        accesses = list(bindings[0].references)
        if len(accesses) != 1:
            continue
        use = accesses[0].node
        arg = parents.get(use)
        if not (isinstance(arg, cst.Arg) and arg.star == "**" and arg.value is use):
            continue
        outer = parents.get(arg)
        if not (isinstance(outer, cst.Call) and isinstance(outer.func, cst.Attribute)
                and outer.func.attr.value == "create"):
            continue
        first, last = positions[target].start.line, positions[use].start.line
        if not _same_frame(scopes.get(use), scope) or last <= first or any(
                CELL_MARKER in line for line in lines[first:last]):
            continue  # a notebook keeps each cell's code in its cell
        if _has_comment(statement) or any(
                "\n" in wrapper.module.code_for_node(a.value) for a in call.args) or not all(
                _stable(a.value, scopes, parents) for a in call.args):
            continue
        if any(a.keyword is not None and outer_arg.keyword is not None
               and a.keyword.value == outer_arg.keyword.value
               for a in call.args for outer_arg in outer.args):
            continue
        removed.add(id(statement))
        inlined[id(arg)] = [a.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
                            for a in call.args]

    if not removed:
        return module
    return wrapper.module.visit(_Inline(removed, inlined))


def _dict_assignments(module: cst.Module
                      ) -> list[tuple[cst.SimpleStatementLine, cst.Name, cst.Call]]:
    found: list[tuple[cst.SimpleStatementLine, cst.Name, cst.Call]] = []

    class Find(cst.CSTVisitor):
        def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
            if len(node.body) != 1 or not isinstance(node.body[0], cst.Assign):
                return
            assign = node.body[0]
            value = assign.value
            if (len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)
                    and isinstance(value, cst.Call) and isinstance(value.func, cst.Name)
                    and value.func.value == "dict" and value.args
                    and all(a.keyword is not None and not a.star for a in value.args)):
                found.append((node, assign.targets[0].target, value))

    module.visit(Find())
    return found


def _same_frame(use_scope: Scope | None, scope: Scope) -> bool:
    """The use runs in the assignment's frame: its own scope or a comprehension inside it."""
    return _frame(use_scope) is scope


def _has_comment(node: cst.CSTNode) -> bool:
    return any(isinstance(n, cst.Comment) for n in walk(node))


_LITERALS = (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)


def _stable(value: cst.BaseExpression, scopes: Mapping[cst.CSTNode, Scope | None],
            parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    """The value is the same wherever in the frame it is evaluated."""
    if isinstance(value, _LITERALS):
        return True
    if isinstance(value, cst.ConcatenatedString):
        return _stable(value.left, scopes, parents) and _stable(value.right, scopes, parents)
    if isinstance(value, cst.UnaryOperation):
        return _stable(value.expression, scopes, parents)
    if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return all(not isinstance(e, cst.StarredElement) and _stable(e.value, scopes, parents)
                   for e in value.elements)
    if isinstance(value, cst.Dict):
        return all(isinstance(e, cst.DictElement) and _stable(e.key, scopes, parents)
                   and _stable(e.value, scopes, parents) for e in value.elements)
    if isinstance(value, cst.Name):
        return value.value in ("True", "False", "None") or _bound_once(value, scopes, parents)
    return False


def _bound_once(name: cst.Name, scopes: Mapping[cst.CSTNode, Scope | None],
                parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    """A name with one binding, made outside any loop: a parameter, a def, an import or one
    plain assignment."""
    scope = scopes.get(name)
    if scope is None or name.value not in scope:
        return False
    bindings = list(scope[name.value])
    if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
        return False
    node = bindings[0].node
    if isinstance(node, (cst.Param, cst.FunctionDef, cst.ClassDef, cst.Import,
                         cst.ImportFrom)):
        return True
    if not isinstance(node, cst.Name):
        return False
    assign = parents.get(parents.get(node, node), node)
    if not (isinstance(assign, cst.Assign) and assign.targets[0].target is node):
        return False
    current: cst.CSTNode | None = assign
    while current is not None:
        if isinstance(current, (cst.For, cst.While, cst.FunctionDef, cst.ClassDef)):
            # a loop repeats the binding; a def or class body ends the search (the binding's
            # own frame, where it is made once)
            return not isinstance(current, (cst.For, cst.While))
        current = parents.get(current)
    return True


class _Inline(cst.CSTTransformer):
    def __init__(self, removed: set[int], inlined: dict[int, Sequence[cst.Arg]]) -> None:
        self.removed = removed
        self.inlined = inlined

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not any(id(a) in self.inlined for a in original_node.args):
            return updated_node
        args: list[cst.Arg] = []
        for original_arg, arg in zip(original_node.args, updated_node.args, strict=True):
            moved = self.inlined.get(id(original_arg))
            if moved is None:
                args.append(arg)
                continue
            # an exploded call (one argument per line) gets one per line; else one line,
            # which the layout pass splits when it is too long
            exploded = isinstance(arg.comma, cst.Comma) and isinstance(
                arg.comma.whitespace_after, cst.ParenthesizedWhitespace)
            for index, item in enumerate(moved):
                last = index == len(moved) - 1
                if last:
                    comma, after = arg.comma, arg.whitespace_after_arg
                else:
                    comma = arg.comma if exploded else cst.Comma(
                        whitespace_after=cst.SimpleWhitespace(" "))
                    after = cst.SimpleWhitespace("")
                args.append(item.with_changes(comma=comma, whitespace_after_arg=after))
        return updated_node.with_changes(args=args)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._drop(original_node.body, updated_node.body))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._drop(original_node.body, updated_node.body))

    def _drop(self, original: Sequence[cst.BaseStatement],
              updated: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        kept: list[cst.BaseStatement] = []
        carry: Sequence[cst.EmptyLine] = ()
        for before, after in zip(original, updated, strict=True):
            if id(before) in self.removed and isinstance(after, cst.SimpleStatementLine):
                # the blank lines before the dropped line now separate what follows it
                carry = after.leading_lines
                continue
            if carry and isinstance(after, (cst.SimpleStatementLine,
                                            cst.BaseCompoundStatement)):
                if not after.leading_lines:
                    after = after.with_changes(leading_lines=carry)
                carry = ()
            kept.append(after)
        return kept


# --- the legacy import's alias ----------------------------------------------------------------

def _carried_alias(code: str, original: str) -> str | None:
    match = re.search(r"^from google import genai as (\w+)\s*$", code, re.MULTILINE)
    if match is None:
        return None
    alias = match.group(1)
    if alias == "genai" or f"import genai as {alias}" in original:
        return None  # the author chose it
    if re.search(r"\bgenai\b", code.replace(match.group(0), "")):
        return None  # the name is taken (a variable, another import, a comment)
    if re.search(rf"[\"']\s*{re.escape(alias)}\.", code):
        return None  # a string annotation names it; renaming code would leave it stale
    if "__all__" in code or "generativeai" in code:
        return None
    return alias


def _rename_alias(module: cst.Module, alias: str) -> cst.Module:
    wrapper = wrapper_of(module)
    scopes = wrapper.resolve(ScopeProvider)
    rename: set[int] = set()
    import_alias: cst.ImportAlias | None = None
    scope = scopes.get(wrapper.module)
    if not isinstance(scope, GlobalScope) or alias not in scope:
        return module
    for binding in scope[alias]:
        if not isinstance(binding, Assignment) or not isinstance(binding.node, cst.ImportFrom):
            return module  # the alias is also bound some other way
        names = binding.node.names
        for item in names if not isinstance(names, cst.ImportStar) else ():
            if item.asname is not None and isinstance(item.asname.name, cst.Name) \
                    and item.asname.name.value == alias:
                import_alias = item
        rename.update(id(ref.node) for ref in binding.references)
    if import_alias is None:
        return module
    # every Name spelled like the alias must be one of its references: a local of that name
    # would otherwise keep the old spelling next to renamed ones
    spelled: list[cst.Name] = []

    class Count(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            if node.value == alias:
                spelled.append(node)

    wrapper.module.visit(Count())
    asname = import_alias.asname
    assert asname is not None
    if any(id(n) not in rename and n is not asname.name for n in spelled):
        return module
    target = import_alias

    class Rename(cst.CSTTransformer):
        def leave_ImportAlias(self, original_node: cst.ImportAlias,
                              updated_node: cst.ImportAlias) -> cst.ImportAlias:
            if original_node is target:
                return updated_node.with_changes(asname=None)
            return updated_node

        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
            if id(original_node) in rename:
                return updated_node.with_changes(value="genai")
            return updated_node

    return wrapper.module.visit(Rename())


# --- a client made in a method ----------------------------------------------------------------


def _client_in_method(module: cst.Module, code: str) -> cst.Module:
    """`global client` + `client = genai.Client(...)` in a method, when only methods of that
    class use the client, becomes `self.client`: what a careful engineer writes, and one client
    per object instead of one the last object made (the legacy SDK's configuration was global,
    so each object kept configuring the same one)."""
    for name in client_globals(code):
        rewritten = _to_attribute(module, name)
        if rewritten is not None:
            return rewritten
    return module


def _to_attribute(module: cst.Module, name: str) -> cst.Module | None:
    wrapper = wrapper_of(module)
    scopes = wrapper.resolve(ScopeProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    scope = scopes.get(wrapper.module)
    if not isinstance(scope, GlobalScope) or name not in scope:
        return None
    bindings = list(scope[name])
    if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
        return None
    target = bindings[0].node
    assign = parents.get(target)
    if not (isinstance(target, cst.Name) and isinstance(assign, cst.AssignTarget)):
        return None
    method, owner = _method_of(target, parents)
    if method is None or owner is None:
        return None
    self_name = _self_param(method)
    if self_name is None or _has_attribute(owner, name):
        return None
    # every read is in a method of the same class, where its first parameter is the object
    edits: dict[int, str] = {id(target): self_name}
    for reference in bindings[0].references:
        node = reference.node
        if not isinstance(node, cst.Name):
            return None
        user, user_owner = _method_of(node, parents)
        if user is None or user_owner is not owner:
            return None
        user_self = _self_param(user)
        if user_self is None or _frame(scopes.get(node)) is not scopes.get(user.body):
            return None
        edits[id(node)] = user_self
    global_statement = next((s for s in method.body.body if isinstance(
        s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Global)
        and [n.name.value for n in s.body[0].names] == [name]), None)
    if global_statement is None:
        return None

    class Rewrite(cst.CSTTransformer):
        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name
                       ) -> cst.BaseExpression:
            owner_name = edits.get(id(original_node))
            if owner_name is None:
                return updated_node
            return cst.Attribute(value=cst.Name(owner_name), attr=cst.Name(name))

        def leave_SimpleStatementLine(
                self, original_node: cst.SimpleStatementLine,
                updated_node: cst.SimpleStatementLine
        ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
            if original_node is global_statement:
                return cst.RemovalSentinel.REMOVE
            return updated_node

    return wrapper.module.visit(Rewrite())


def _method_of(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]
               ) -> tuple[cst.FunctionDef | None, cst.ClassDef | None]:
    """The innermost function around `node` and, when it is a plain method, its class."""
    current = parents.get(node)
    while current is not None and not isinstance(current, cst.FunctionDef):
        if isinstance(current, (cst.Lambda, cst.ClassDef)):
            return None, None
        current = parents.get(current)
    if current is None:
        return None, None
    block = parents.get(current)
    owner = parents.get(block) if isinstance(block, cst.IndentedBlock) else None
    if not isinstance(owner, cst.ClassDef):
        return current, None
    return current, owner


def _self_param(method: cst.FunctionDef) -> str | None:
    if any(isinstance(d.decorator, cst.Name) and d.decorator.value in (
            "staticmethod", "classmethod") for d in method.decorators):
        return None
    params = [*method.params.posonly_params, *method.params.params]
    return params[0].name.value if params else None


def _frame(scope: Scope | None) -> Scope | None:
    from libcst.metadata import ComprehensionScope

    while isinstance(scope, ComprehensionScope):
        scope = scope.parent
    return scope


def _has_attribute(owner: cst.ClassDef, name: str) -> bool:
    """The class already has something called `name` (an attribute set anywhere in it, a
    class variable, a method): the client must not take its place."""
    found = False

    class Find(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            nonlocal found
            found = found or node.attr.value == name

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            nonlocal found
            found = found or node.name.value == name

    owner.visit(Find())
    for statement in owner.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and name in cst.Module(
                        [statement]).code:
                    found = True
    return found
