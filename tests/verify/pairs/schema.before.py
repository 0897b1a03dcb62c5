import enum
import json

import google.generativeai as genai
from typing_extensions import TypedDict


class Genre(enum.Enum):
    FICTION = "fiction"
    ESSAY = "essay"
    POETRY = "poetry"


class Book(TypedDict):
    title: str
    year: int | None
    genre: Genre


model = genai.GenerativeModel("gemini-1.5-flash")
books = model.generate_content(
    "Suggest two books.",
    generation_config={"response_mime_type": "application/json", "response_schema": list[Book]},
)
print(json.dumps(json.loads(books.text), sort_keys=True))
author = model.generate_content(
    "Name an author.",
    generation_config=genai.GenerationConfig(
        response_mime_type="application/json",
        response_schema={
            "type": "OBJECT",
            "properties": {"name": {"type": "STRING"}, "born": {"type": "INTEGER"}},
            "required": ["name", "born"],
        },
    ),
)
print(json.dumps(json.loads(author.text), sort_keys=True))
