import enum
import json

from google import genai
from typing_extensions import TypedDict


class Genre(enum.Enum):
    FICTION = "fiction"
    ESSAY = "essay"
    POETRY = "poetry"


class Book(TypedDict):
    title: str
    year: int | None
    genre: Genre


client = genai.Client()
model = {"model": "gemini-3-flash-preview"}
books = client.interactions.create(
    **model,
    input="Suggest two books.",
    response_format={
        "type": "text",
        "mime_type": "application/json",
        "schema": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "year": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                    "genre": {"type": "string", "enum": ["fiction", "essay", "poetry"]},
                },
            },
        },
    },
)
print(json.dumps(json.loads(books.output_text), sort_keys=True))
author = client.interactions.create(
    **model,
    input="Name an author.",
    response_format={
        "type": "text",
        "mime_type": "application/json",
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "born": {"type": "integer"}},
            "required": ["name", "born"],
        },
    },
)
print(json.dumps(json.loads(author.output_text), sort_keys=True))
