"""The JSON Schema written for a legacy `response_schema` means what google-generativeai 0.8.6
itself sent: each case runs the real SDK's conversion on the same source and compares the two
after the emulator's normalisation (which treats `nullable` and anyOf-null as one spelling)."""

from __future__ import annotations

import ast
import json
import sys
import textwrap
import types
import warnings
from typing import Any

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider

from migrator.codemods.convert import Unsupported
from migrator.codemods.legacy.common import _qualified
from migrator.codemods.schema import LegacySchema
from migrator.verify.meaning import norm_schema

HEADER = """\
import dataclasses
import enum
import typing
from typing import Annotated, List, Literal, Optional, Union

import google.generativeai as genai
import pydantic
from pydantic import BaseModel, Field
from typing_extensions import NotRequired, TypedDict
"""

CLASSES = """\
class Colour(enum.Enum):
    \"\"\"A colour.\"\"\"

    RED = "red"
    GREEN = "green"


class Size(str, enum.Enum):
    S = "s"
    M = "m"


class Part(TypedDict):
    name: str
    grams: float


class Thing(TypedDict, total=False):
    \"\"\"
    A thing,
      indented.
    \"\"\"

    label: str
    count: int
    ok: bool
    colour: Colour
    maybe_colour: Optional[Colour]
    parts: list[Part]
    main: Part
    spare: Part | None
    words: List[Optional[str]]
    grid: list[list[int]]
    kind: Literal["a", "b"]
    later: NotRequired[int]


@dataclasses.dataclass(frozen=True)
class Point:
    x: float
    y: Optional[float]
    size: Size

    def norm(self) -> float:
        return self.x


class Owner(BaseModel):
    \"\"\"Who owns it.\"\"\"

    name: str = Field(description="Full name")
    age: int | None
    email: Annotated[str, Field(description="Where to write")]
    points: list[Point]
    thing: Thing
"""

CONVERTED = [
    ("Thing", "application/json"),
    ("list[Thing]", "application/json"),
    ("Point", "application/json"),
    ("Owner", "application/json"),
    ("list[Owner]", "application/json"),
    ("Colour", "application/json"),
    ("Size", "application/json"),
    ("str", "application/json"),
    ("list[int]", "application/json"),
    ("list[list[str]]", "application/json"),
    ('{"type": "OBJECT", "properties": {"a": {"type": "STRING", "nullable": True}, '
     '"b": {"type": genai.protos.Type.ARRAY, "items": {"type": "INTEGER"}, "max_items": 3}}, '
     '"required": ["a"]}', "application/json"),
    ('{"type": "object", "properties": {"a": {"type": "string", "format": "enum", '
     '"enum": ["x", "y"]}}}', "application/json"),
    ("genai.protos.Schema(type=genai.protos.Type.OBJECT, properties={"
     "'a': genai.protos.Schema(type=genai.protos.Type.STRING, nullable=True, description='A'),"
     "'b': {'type': 'NUMBER'}}, required=['a', 'b'])", "application/json"),
]

# Each of these made google-generativeai 0.8.6 raise, or cannot be derived from this file.
PINNED = {
    "List[Part]": "class or list",
    "Optional[Part]": "class or list",
    "Nested": "nested this deep",
    "Maybe": "nested this deep",
    "WithDefault": "has a default",
    "Factory": "declared with dataclasses.field(...)",
    "Described": "class-typed field",
    "Either": "unions other than Optional",
    "Numbered": "not string literals",
    "Configured": "may change its schema",
    "Child": "not a plain",
    "Imported": "another module",
    '{"type": "object", "title": "T", "nullable": True}': "rejects it",
}

PINNED_CLASSES = """\
from elsewhere import Imported


class Nested(TypedDict):
    rows: list[list[Part]]


class Maybe(TypedDict):
    parts: list[Optional[Part]]


class WithDefault(BaseModel):
    n: int = 3


@dataclasses.dataclass
class Factory:
    tags: list[str] = dataclasses.field(default_factory=list)


class Described(BaseModel):
    part: Part = Field(description="lost by the legacy SDK")


class Either(TypedDict):
    v: Union[int, str]


class Numbered(enum.Enum):
    ONE = 1


class Configured(BaseModel):
    model_config = pydantic.ConfigDict(title="x")
    n: int


class Child(Owner):
    extra: str
"""


def _ours(source: str, expression: str) -> Any:
    module = cst.parse_module(source + f"\nSCHEMA = {expression}\n")
    wrapper = MetadataWrapper(module)
    qnames = wrapper.resolve(QualifiedNameProvider)
    scopes = wrapper.resolve(ScopeProvider)
    statement = wrapper.module.body[-1]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign)
    converted = LegacySchema(lambda n: _qualified(qnames, n), scopes)(assign.value)
    return ast.literal_eval(cst.Module([]).code_for_node(converted))


def _legacy(source: str, expression: str, mime: str) -> Any:
    generation_types = pytest.importorskip("google.generativeai.types.generation_types")
    from google.generativeai import protos

    module = types.ModuleType("schema_case")  # dataclasses and pydantic look their module up
    sys.modules[module.__name__] = module
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, "<case>", "exec"), module.__dict__)
            config = generation_types.to_generation_config_dict(
                {"response_mime_type": mime,
                 "response_schema": eval(expression, module.__dict__)})
    finally:
        del sys.modules[module.__name__]
    # The REST body the SDK sends: camelCase, types by name.
    with warnings.catch_warnings():  # the keyword's protobuf 5 rename is reported, not needed
        warnings.simplefilter("ignore", DeprecationWarning)
        return json.loads(protos.Schema.to_json(config["response_schema"],
                                                including_default_value_fields=False))


@pytest.mark.parametrize(("expression", "mime"), CONVERTED)
def test_converted_schema_means_what_the_legacy_sdk_sent(expression: str, mime: str) -> None:
    source = HEADER + "\n\n" + CLASSES
    ours = _ours(source, expression)
    assert norm_schema(ours) == norm_schema(_legacy(source, expression, mime))


@pytest.mark.parametrize("expression", sorted(PINNED))
def test_schema_that_cannot_be_reproduced_is_pinned(expression: str) -> None:
    source = HEADER + "\n\n" + CLASSES + "\n\n" + PINNED_CLASSES
    with pytest.raises(Unsupported) as caught:
        _ours(source, expression)
    assert caught.value.code == "GM030"
    assert PINNED[expression] in str(caught.value)


def test_class_layout_is_readable() -> None:
    source = HEADER + "\n\n" + CLASSES
    module = cst.parse_module(source + "\nSCHEMA = Point\n")
    wrapper = MetadataWrapper(module)
    qnames = wrapper.resolve(QualifiedNameProvider)
    statement = wrapper.module.body[-1]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign)
    converted = LegacySchema(lambda n: _qualified(qnames, n),
                             wrapper.resolve(ScopeProvider))(assign.value)
    assert cst.Module([]).code_for_node(converted) == textwrap.dedent("""\
        {
            "type": "object",
            "properties": {
                "x": {"type": "number"},
                "y": {"anyOf": [{"type": "number"}, {"type": "null"}]},
                "size": {"type": "string", "enum": ["s", "m"]},
            },
        }""")


def test_ai_studio_export_spelling_converts() -> None:
    """AI Studio's legacy code export writes `content.Schema(type = content.Type.OBJECT, ...)`."""
    source = "from google.ai.generativelanguage_v1beta.types import content\n"
    expression = ("content.Schema(type = content.Type.OBJECT, required = ['a'], properties = {"
                  "'a': content.Schema(type = content.Type.STRING, nullable = True), "
                  "'b': content.Schema(type = content.Type.ARRAY, "
                  "items = content.Schema(type = content.Type.NUMBER))})")
    ours = _ours(source, expression)
    assert norm_schema(ours) == norm_schema(_legacy(source, expression, "application/json"))
    assert ours["properties"]["a"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}


def test_nullable_in_a_dict_nested_in_protos_schema() -> None:
    source = HEADER
    expression = ('genai.protos.Schema(type=genai.protos.Type.OBJECT, properties={'
                  '"a": {"type": "STRING", "nullable": True}, "b": {"type": "BOOLEAN"}})')
    ours = _ours(source, expression)
    assert norm_schema(ours) == norm_schema(_legacy(source, expression, "application/json"))
    assert ours["properties"]["a"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
