"""Constants and small node helpers shared by the legacy planners and the rewriter."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst
from libcst.metadata.base_provider import LazyValue

from migrator.codemods.convert import (
    string_value,
    text_block,
)
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import LEGACY
from migrator.codemods.facts.sites import Site
from migrator.codemods.facts.syntax import is_name as _is_name

MODEL_CLASSES = {f"{LEGACY}.GenerativeModel", f"{LEGACY}.generative_models.GenerativeModel"}

CONFIG_CLASSES = {
    f"{LEGACY}.GenerationConfig",
    f"{LEGACY}.types.GenerationConfig",
    f"{LEGACY}.types.generation_types.GenerationConfig",
}

CONFIGURE = f"{LEGACY}.configure"

CODE_TEXT = "GM046"  # .text of an answer that may hold code the model ran

# The legacy SDK's default model when GenerativeModel() is called without one.
LEGACY_DEFAULT_MODEL = "gemini-1.5-flash-002"

GENERATE = {"generate_content": False, "generate_content_async": True}

SEND = {"send_message": False, "send_message_async": True}

TASK_TYPES = frozenset({
    "retrieval_query", "retrieval_document", "semantic_similarity", "classification",
    "clustering", "question_answering", "fact_verification", "code_retrieval_query",
})

MODEL_FIELDS = {
    "name": "name", "display_name": "display_name", "description": "description",
    "version": "version", "input_token_limit": "input_token_limit",
    "output_token_limit": "output_token_limit",
    "supported_generation_methods": "supported_actions",
}

RESPONSE_ONLY = {"candidates", "parts", "prompt_feedback", "to_dict", "resolve", "model_version"}

TODO_PREFIX = "# TODO(gemini-migrate): "



_PURE_CALLS = ("getenv", "get", "str", "strip", "environ")


# A factory under these returns what its body returns (the same object again, for equal
# arguments): its calls hold the model all the same.
_CACHES = {"functools.cache", "functools.lru_cache"}


def _kind(site: Site) -> str:
    """What reading a site's response means: the same accessors for a model and a chat."""
    if site.method in GENERATE or site.method in SEND:
        return "generate"
    return site.method


def _pure(node: cst.BaseExpression) -> bool:
    """Reads only: names, attributes, literals, subscripts, and getenv / .get() lookups."""
    for child in _walk(node):
        if isinstance(child, cst.Call):
            func = child.func
            name = func.attr.value if isinstance(func, cst.Attribute) else (
                func.value if isinstance(func, cst.Name) else "")
            if name not in _PURE_CALLS:
                return False
        elif isinstance(child, (cst.Await, cst.Yield, cst.NamedExpr, cst.Lambda)):
            return False
    return True


def _is_main_guard(node: cst.If) -> bool:
    test = node.test
    return (isinstance(test, cst.Comparison) and _is_name(test.left, "__name__")
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)
            and string_value(test.comparisons[0].comparator) == "__main__")


def _client_assignment(statement: cst.CSTNode, sdk: str) -> str | None:
    """`X = <sdk>.Client(...)` as a whole statement: X. (libcst.matchers costs 0.17 s to import
    on the pre-commit path; these shapes are simple enough to test by hand.)"""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    assign = statement.body[0]
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)):
        return None
    value = assign.value
    if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
            and _is_name(value.func.value, sdk) and value.func.attr.value == "Client"):
        return assign.targets[0].target.value
    return None


def _qualified(qnames: object, node: cst.CSTNode) -> set[str]:
    value = qnames.get(node)  # type: ignore[attr-defined]
    if value is None:
        return set()
    if isinstance(value, LazyValue):
        value = value()
    return {q.name for q in value}


def _inside(
    node: cst.CSTNode, body: cst.CSTNode, parent: Callable[[cst.CSTNode], cst.CSTNode | None]
) -> bool:
    current: cst.CSTNode | None = node
    while current is not None:
        if current is body:
            return True
        current = parent(current)
    return False


def _awaited(node: cst.BaseExpression) -> cst.BaseExpression:
    """`(await x).id`: without parentheses `.id` would be read from the coroutine."""
    if isinstance(node, cst.Await) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def _clean(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if hasattr(node, "lpar") else node


def layout(node: cst.BaseExpression, indent: str, width: int = 60) -> cst.BaseExpression:
    """Put a long generated list one element per line, indented one level below `indent`."""
    if not isinstance(node, cst.List) or len(node.elements) < 2:
        return node
    if len(cst.Module([]).code_for_node(node)) <= width:
        return node
    inner = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                        last_line=cst.SimpleWhitespace(indent + "    "))
    closing = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                          last_line=cst.SimpleWhitespace(indent))
    elements = [e.with_changes(comma=cst.Comma(whitespace_after=inner)) for e in node.elements]
    elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=closing))
    return node.with_changes(lbracket=cst.LeftSquareBracket(whitespace_after=inner),
                             elements=elements)


def _vertical(node: cst.BaseExpression, indent: str) -> cst.BaseExpression:
    """A generated dict holding a multi-line value (a JSON schema): one key per line, and the
    nested literal shifted to its new depth."""
    from migrator.codemods.genai_convert import first_indent, shift

    code = cst.Module([]).code_for_node(node)
    if not isinstance(node, cst.Dict) or "\n" not in code:
        return node
    inner = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                        last_line=cst.SimpleWhitespace(indent + "    "))
    closing = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                          last_line=cst.SimpleWhitespace(indent))
    elements = []
    for index, element in enumerate(node.elements):
        value = element.value
        current = first_indent(value)
        if current is not None:
            value = shift(value, len(indent) + 8 - len(current))
        last = index == len(node.elements) - 1
        elements.append(element.with_changes(
            value=value, comma=cst.Comma(whitespace_after=closing if last else inner)))
    return node.with_changes(lbrace=cst.LeftCurlyBrace(whitespace_after=inner),
                             elements=elements)


def _embedding_values(node: cst.Subscript, batch: bool) -> cst.BaseExpression:
    embeddings = cst.Attribute(node.value, cst.Name("embeddings"))
    if not batch:
        first = cst.Subscript(embeddings, [cst.SubscriptElement(cst.Index(cst.Integer("0")))])
        return cst.Attribute(first, cst.Name("values"))
    return cst.parse_expression("[e.values for e in x]").with_changes(
        for_in=cst.CompFor(target=cst.Name("e"), iter=embeddings))


def _carry(
    original: Sequence[cst.Arg], updated: Sequence[cst.Arg], edits: dict[int, cst.Arg | None]
) -> dict[int, cst.Arg | None]:
    """Edits that only renamed a slot keep the slot's rewritten value (nested rewrites)."""
    out: dict[int, cst.Arg | None] = {}
    for index, edit in edits.items():
        if edit is not None and edit.value is original[index].value:
            edit = edit.with_changes(value=updated[index].value)
        out[index] = edit
    return out


def _as_blocks(node: cst.BaseExpression) -> cst.List:
    if isinstance(node, cst.List):
        return node
    return cst.List([cst.Element(text_block(node))])


def _statement(code: str) -> cst.SimpleStatementLine:
    stmt = cst.parse_statement(code)
    assert isinstance(stmt, cst.SimpleStatementLine)
    return stmt


def todo_comment(text: str) -> str:
    """The TODO comment for `text`, on one line: a reason can quote code that spans lines, and
    a comment cannot (LibCST refuses it, and the file would not be written)."""
    return TODO_PREFIX + " ".join(text.split())


def _todo_lines(node: cst.CSTNode, todos: list[str]) -> list[cst.EmptyLine]:
    existing = {line.comment.value for line in getattr(node, "leading_lines", ())
                if line.comment is not None}
    lines = list(getattr(node, "leading_lines", ()))
    for text in todos:
        comment = todo_comment(text)
        if comment not in existing:
            lines.append(cst.EmptyLine(comment=cst.Comment(comment)))
            existing.add(comment)
    return lines


def _todo_text(node: cst.CSTNode) -> str:
    for line in getattr(node, "leading_lines", ()):
        if line.comment is not None and line.comment.value.startswith(TODO_PREFIX):
            return line.comment.value[len(TODO_PREFIX):]
    return ""


def _has_any_todo(node: cst.CSTNode) -> bool:
    return any(line.comment is not None and line.comment.value.startswith(TODO_PREFIX)
               for line in getattr(node, "leading_lines", ()))

