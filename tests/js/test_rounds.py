"""Rounds compose: a fix made in a later round (on that round's re-parsed input) is reported
on the line of the original file, however much earlier rounds grew or shrank the text."""

from __future__ import annotations

import pytest

from migrator.config import Settings
from migrator.engine import make_context
from migrator.js import run_source

SOURCE = """\
import { GoogleGenerativeAI } from "@google/generative-ai";
import { GoogleGenAI } from "@google/genai";

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const model = genAI.getGenerativeModel({ model: "gemini-2.5-flash" });
const result = await model.generateContent([
  { fileData: { fileUri: "https://example.com/files/abc", mimeType: "application/pdf" } },
  "Summarise this report.",
]);
console.log(result.response.text());

const ai = new GoogleGenAI({});
const other = await ai.interactions.create({
  model: "gemini-2.5-flash", input: "Hi", systemInstruction: "Be terse.",
});
console.log(other.output_text);
"""


def _fixed(write: bool) -> dict[str, tuple[int, int]]:
    ctx = make_context(Settings(), write=write)
    new, findings, error = run_source(SOURCE, "rounds.mjs", "javascript", ctx, ".mjs")
    assert error is None
    assert new != SOURCE and "generateContent" not in new
    return {f.code: (f.line, f.column) for f in findings if f.fixed}


def test_a_fix_of_a_later_round_points_at_the_original_line() -> None:
    for write in (False, True):
        fixed = _fixed(write)
        # round 1 rewrites the legacy call (the text grows by 7 lines), the lint round after it
        # renames the camelCase key: reported where the key is in the file as it was read
        assert fixed["GM503"] == (6, 22)
        line, column = fixed["GM528"]
        assert line == 14
        assert SOURCE.splitlines()[line - 1][column - 1:].startswith("systemInstruction")
        assert fixed["GM403"][0] == 1


UNFIXED = """\
import { GoogleGenerativeAI } from "@google/generative-ai";

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const model = genAI.getGenerativeModel({ model: "gemini-2.5-flash" });
const result = await model.generateContent([
  { fileData: { fileUri: "https://example.com/files/abc", mimeType: "application/pdf" } },
  "Summarise this report.",
]);
console.log(result.response.text());

export async function answer(prompt) {
  const other = genAI.getGenerativeModel({ model: "gemini-2.5-pro" });
  const reply = await other.generateContent(prompt);
  return reply.response.text();
}
"""


def test_findings_of_a_run_cut_short_point_at_the_original_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Out of rounds, the last round's findings stand on its input: mapped to the result, and
    from there back to the file as it was read."""
    import migrator.js as js

    line = UNFIXED.splitlines().index("  const reply = await other.generateContent(prompt);") + 1
    for rounds in (1, js.MAX_ROUNDS):
        monkeypatch.setattr(js, "MAX_ROUNDS", rounds)
        ctx = make_context(Settings(), write=False)
        new, findings, error = run_source(UNFIXED, "cut.mjs", "javascript", ctx, ".mjs")
        assert error is None and new != UNFIXED
        assert [f.line for f in findings if f.code == "GM522"] == [line]


def test_imports_that_cannot_be_updated_give_up_the_rewrite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Code naming `GoogleGenAI` without its import would not run: when the import change
    cannot be applied, the file is left as it was and reported (GM903)."""
    import migrator.js.imports as imports
    from migrator.js.source import Edit

    def overlapping(src: object, change: imports.Change, statement: object, new: str) -> None:
        change.edits += [Edit(0, 10, "x"), Edit(2, 5, "y")]  # one inside the other

    monkeypatch.setattr(imports, "_replace_statement", overlapping)
    ctx = make_context(Settings(), write=True)
    new, findings, error = run_source(SOURCE, "gone.mjs", "javascript", ctx, ".mjs")
    assert error is None
    assert new == SOURCE
    assert [f.code for f in findings if f.code == "GM903"] == ["GM903"]
