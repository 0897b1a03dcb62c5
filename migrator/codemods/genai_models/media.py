"""google-genai `contents` values followed to their definition (part of the google-genai pass).

- a PIL image: google-genai sent it re-encoded (`_transformers.pil_to_blob`): a JPEG opened from
  a file as JPEG with `quality="keep"` (when its mode is one JPEG can store), any other image as
  PNG. For an opened image the migrated code makes the same test at run time; a new or derived
  image (format None) is PNG. The encoding goes in statements placed just before the
  statement that evaluates the contents, and the block is
  `{"type": "image", "data": <base64>, "mime_type": ...}`.
- a `types.Part` variable (`part = types.Part.from_bytes(data=..., mime_type="image/png")`):
  the block reads the Part's own fields at the call, its type comes from the literal MIME type.
Anything else is None (the caller reports it); a value that is one of these but cannot be
converted exactly raises Unsupported (GM104).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from migrator.codemods.genai_convert import (
    CONTENTS,
    PartResolver,
    Unsupported,
    dict_node,
    is_part,
    literal,
    part_block,
    string_value,
    text_block,
)

if TYPE_CHECKING:
    from migrator.codemods.genai_models.common import Unit
    from migrator.codemods.genai_models.core import Pass

# PIL calls that make an image with no file behind it (google-genai sent those as PNG).
PIL_FACTORIES = frozenset({"PIL.Image.new", "PIL.Image.fromarray", "PIL.Image.frombytes",
                           "PIL.Image.frombuffer", "PIL.Image.merge"})
# Image methods that return a new image (format None: sent as PNG).
PIL_DERIVED = frozenset({"convert", "resize", "rotate", "crop", "copy", "transpose", "filter",
                         "quantize", "reduce"})
# Statements the encoding cannot go before: the call would not run exactly once after it.
_LAZY = (cst.Lambda, cst.BaseComp, cst.IfExp, cst.BooleanOperation, cst.NamedExpr)


def resolver(p: Pass, unit: Unit, call: cst.CSTNode,
             sent: cst.CSTNode | None = None) -> PartResolver:
    """Blocks for the values of one call's contents; `call` is where they are evaluated (the
    call, or the list literal a contents variable is bound to; then `sent` is the call)."""
    def resolve(node: cst.BaseExpression) -> cst.BaseExpression | None:
        block = block_for(p, unit, call, node)
        if block is not None and sent is not None and isinstance(node, cst.Name):
            # The block is built where the list is: the value must not change before the call.
            start, end = p.pos(call), p.pos(sent)
            for assignment in p.referents(node):
                for access in assignment.references:
                    if start < p.pos(access.node) < end and not p.inside(access.node, call):
                        raise Unsupported(CONTENTS, f"`{node.value}` is used between the "
                                                    "contents list and the call")
        return block
    return resolve


def block_for(p: Pass, unit: Unit, call: cst.CSTNode,
              node: cst.BaseExpression) -> cst.BaseExpression | None:
    if not isinstance(node, cst.Name):
        return None
    found = p.referents(node)
    if len(found) != 1:
        return None
    value = p.assigned_value(next(iter(found)))
    if value is None:
        return None
    if is_part(value, p.is_types):
        return _part_variable(p, unit, node, value)
    kind = pil_kind(p, value)
    if kind is None:
        return None
    return _pil_block(p, unit, call, node, kind)


def _part_variable(p: Pass, unit: Unit, name: cst.Name,
                   value: cst.BaseExpression) -> cst.BaseExpression:
    # Checked as if written in place: the same helpers and literal MIME types are accepted.
    block = part_block(value, p.is_types, p.values.is_text, set())
    if not isinstance(block, cst.Dict):
        raise Unsupported(CONTENTS, f"the Part `{name.value}` is not converted")
    fields = {string_value(e.key): e.value for e in block.elements
              if isinstance(e, cst.DictElement)}
    kind = string_value(fields.get("type", cst.Name("None")))
    if kind == "text":
        return text_block(cst.Attribute(name, cst.Name("text")))
    mime = fields.get("mime_type")
    if kind is None or mime is None:
        raise Unsupported(CONTENTS, f"the Part `{name.value}` is not converted")
    if "data" in fields:
        unit.imports.add("base64")
        data = cst.parse_expression(f"base64.b64encode({name.value}.inline_data.data).decode()")
        return dict_node([("type", literal(kind)), ("data", data), ("mime_type", mime)])
    uri = cst.parse_expression(f"{name.value}.file_data.file_uri")
    return dict_node([("type", literal(kind)), ("uri", uri), ("mime_type", mime)])


def pil_kind(p: Pass, value: cst.BaseExpression, depth: int = 0) -> str | None:
    """"file" for `Image.open(...)` (JPEG or PNG, told at run time), "png" for an image
    google-genai always sent as PNG (format None), None when `value` is not proven a PIL
    image."""
    if not isinstance(value, cst.Call) or depth > 3:
        return None
    names = p.qualified(value.func)
    if "PIL.Image.open" in names:
        source = value.args[0].value if value.args and value.args[0].keyword is None else next(
            (a.value for a in value.args if a.keyword is not None and a.keyword.value == "fp"),
            None)
        return None if source is None else "file"
    if names & PIL_FACTORIES:
        return "png"
    func = value.func
    if isinstance(func, cst.Attribute) and func.attr.value in PIL_DERIVED:
        inner: cst.BaseExpression | None = func.value
        if isinstance(inner, cst.Name):
            found = p.referents(inner)
            inner = p.assigned_value(next(iter(found))) if len(found) == 1 else None
        if inner is not None and pil_kind(p, inner, depth + 1) is not None:
            return "png"
    return None


def _pil_block(p: Pass, unit: Unit, call: cst.CSTNode, name: cst.Name, kind: str) -> cst.Dict:
    statement = _placement(p, call)
    unit.imports |= {"base64", "io"}
    image = name.value
    if kind == "png":
        buffer = p.temp_name(f"{image}_png")
        lines = [f"{buffer} = io.BytesIO()\n", f'{image}.save({buffer}, "PNG")\n']
        mime: cst.BaseExpression = literal("image/png")
    else:
        # pil_to_blob: a JPEG opened from a file keeps its format (and quantisation).
        image_format = p.temp_name(f"{image}_format")
        buffer = p.temp_name(f"{image}_data")
        lines = [f'{image_format} = (  # as google-genai sent it\n    "JPEG"\n'
                 f'    if {image}.format == "JPEG" and {image}.filename\n'
                 f'    and {image}.mode in ("1", "L", "RGB", "RGBX", "CMYK")\n'
                 '    else "PNG"\n)\n',
                 f"{buffer} = io.BytesIO()\n",
                 f'{image}.save({buffer}, {image_format}, quality="keep")\n']
        mime = cst.parse_expression(f'f"image/{{{image_format}.lower()}}"')
    stmts = [cst.parse_statement(line) for line in lines]
    entry = unit.before.setdefault(id(statement), (statement, []))
    entry[1].extend(stmts)
    data = cst.parse_expression(f"base64.b64encode({buffer}.getvalue()).decode()")
    return dict_node([("type", literal("image")), ("data", data), ("mime_type", mime)])


def _placement(p: Pass, call: cst.CSTNode) -> cst.CSTNode:
    """The statement the encoding goes before: the call runs exactly once each time it runs."""
    statement = p.statement(call)
    current = p.parent(call)
    while current is not None and current is not statement:
        if isinstance(current, _LAZY):
            raise Unsupported(CONTENTS, "a PIL image in a call that runs conditionally: no "
                                        "place to encode it before the call")
        current = p.parent(current)
    block = p.parent(statement) if statement is not None else None
    if statement is None or not (isinstance(statement, cst.SimpleStatementLine) or (
            isinstance(statement, cst.For) and p.inside(call, statement.iter))) or not (
            isinstance(block, (cst.IndentedBlock, cst.Module))):
        raise Unsupported(CONTENTS, "a PIL image in a call with no statement to encode it "
                                    "before")
    return statement


def _pure(node: cst.BaseExpression) -> bool:
    """Evaluating `node` does nothing observable (a name, an attribute of one, a literal)."""
    if isinstance(node, cst.Attribute):
        return _pure(node.value)
    return isinstance(node, (cst.Name, cst.SimpleString, cst.Integer, cst.Float))


def receiver_placement(p: Pass, call: cst.Call) -> cst.CSTNode | None:
    """The statement the call's receiver can be evaluated just before, unchanged in effect:
    nothing that runs before the receiver in that statement does anything. None if none."""
    child: cst.CSTNode = call
    parent = p.parent(call)
    while parent is not None:
        if isinstance(parent, (cst.Attribute, cst.Await)) or (
                isinstance(parent, (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr))
                and parent.value is child):
            pass
        elif isinstance(parent, cst.Arg) and parent.value is child and not parent.star:
            outer = p.parent(parent)
            if not isinstance(outer, cst.Call) or not _pure(outer.func):
                return None
            for arg in outer.args:
                if arg is parent:
                    break
                if arg.star or not _pure(arg.value):
                    return None
            child, parent = outer, p.parent(outer)
            continue
        elif isinstance(parent, cst.SimpleStatementLine):
            block = p.parent(parent)
            if parent.body[0] is not child or not isinstance(block, (cst.IndentedBlock,
                                                                      cst.Module)):
                return None
            return parent
        elif isinstance(parent, cst.For) and parent.iter is child:
            block = p.parent(parent)
            return parent if isinstance(block, (cst.IndentedBlock, cst.Module)) else None
        else:
            return None
        child, parent = parent, p.parent(parent)
    return None
