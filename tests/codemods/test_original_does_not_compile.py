"""GM903 says whose fault it is: a rewrite that does not compile, or a file that never did."""

from __future__ import annotations

from migrator.codemods import run_python
from migrator.config import Settings
from migrator.engine import make_context

# LibCST parses a top-level `await` (a notebook exported as a script); CPython does not compile it.
SOURCE = b'''import google.generativeai as genai

genai.configure(api_key="k")
model = genai.GenerativeModel("gemini-2.5-flash")
reply = await model.generate_content_async("Hi")
print(reply.text)
'''


def test_a_file_that_never_compiled_is_not_blamed_on_the_rewrite() -> None:
    out = run_python("bot.py", SOURCE, make_context(Settings(), write=True))
    assert out.updated is None
    [gm903] = [f for f in out.findings if f.code == "GM903"]
    assert gm903.message.startswith("the file does not compile as it is ('await' outside")
    assert "not rewritten" in gm903.message
