"""HTML pages: `<script>` blocks that use the Gemini JS SDK, rewritten in place.

Each inline script whose text holds an SDK trigger goes through the JS/TS pass
(`migrator.js.run_source`) as a program of its own: a `type="module"` script as an ES module
(its `import` of `@google/generative-ai` is usually a CDN URL, which keeps its CDN), any other
as a classic script. Markup, other scripts and the script's indentation are kept byte for byte;
findings carry the line in the page. A script whose rewrite does not check is left as it was
(GM903) and the others still migrate.
"""

from __future__ import annotations

import re

from migrator.context import Context, Handler, HandlerOutput
from migrator.findings import Finding, finding
from migrator.js import SDK_TRIGGERS
from migrator.lint import text as text_lint

_SCRIPT = re.compile(r"(<script\b(?P<attrs>[^>]*)>)(?P<body>.*?)(</script\s*>)",
                     re.IGNORECASE | re.DOTALL)
_MODULE = re.compile(r"""\btype\s*=\s*["']?module\b""", re.IGNORECASE)
_NOT_JS = re.compile(r"""\btype\s*=\s*["']?(?!module|text/javascript|application/javascript)""",
                     re.IGNORECASE)


def run_html(path: str, data: bytes, ctx: Context) -> HandlerOutput:
    from migrator.js import run_source

    decoded = text_lint.decode(data)
    if decoded is None:
        message = "not UTF-8 text; left as it was"
        return HandlerOutput(None, [finding(path, (1, 1), "GM902", message)], skipped=message)
    text, encoding = decoded
    findings: list[Finding] = []
    out: list[str] = []
    last = 0
    for match in _SCRIPT.finditer(text):
        attrs, body = match.group("attrs"), match.group("body")
        if "src=" in attrs.lower() or _NOT_JS.search(attrs) and not _MODULE.search(attrs):
            continue
        if not any(t.decode() in body for t in SDK_TRIGGERS):
            continue
        suffix = ".mjs" if _MODULE.search(attrs) else ".js"
        first_line = text.count("\n", 0, match.start("body"))
        new, found, error = run_source(body, path, "javascript", ctx, suffix)
        for item in found:
            findings.append(finding(path, (item.line + first_line, item.column), item.code,
                                    item.message, fix=item.fix, fixed=item.fixed,
                                    **dict(item.data)))
        if error is not None:
            findings.append(finding(path, (first_line + 1, 1), "GM903",
                                    f"the rewrite of this script did not check ({error}); the "
                                    "script was left as it was"))
            continue
        if new != body:
            out.append(text[last : match.start("body")])
            out.append(new)
            last = match.end("body")
    if last == 0:
        return HandlerOutput(None, findings)
    out.append(text[last:])
    return HandlerOutput("".join(out).encode(encoding), findings)


HTML_HANDLER = Handler(name="html", run=run_html, reports_skips=True)
