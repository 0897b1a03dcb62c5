"""Tests that mock the legacy SDK: after the code under test is migrated, they intercept nothing.

`mock.patch("google.generativeai.GenerativeModel")`, `mocker.patch(...)`,
`monkeypatch.setattr("google.generativeai.configure", ...)`,
`monkeypatch.setattr(genai, "GenerativeModel", ...)`, `mock.patch.object(genai, ...)` and
`sys.modules["google.generativeai"] = stub` all replace something the migrated code no longer
touches: it builds a `google.genai.Client` and calls `client.interactions.create(...)` (or
`client.models.*`, `client.files.*`, `client.caches.*`). Such a test then reaches the network
or passes without testing anything. Nothing here is rewritten: the replacement needs a fake
with a different shape (an Interaction, not a GenerateContentResponse; an object, not a dict
of embeddings), which only a human can write. Each target is reported with what the migrated
code calls instead (GM040 patches, GM041 `sys.modules` stubs).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
)
from libcst.metadata.base_provider import LazyValue

from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.source import code_of, wrapper_of
from migrator.codemods.settled import MOCKING as MOCKING  # public for the legacy driver
from migrator.context import Context
from migrator.findings import Finding, finding

LEGACY = "google.generativeai"
# Calls whose first argument names what is replaced: unittest.mock / mock / pytest-mock's
# `patch`, `patch.object`, and pytest's `monkeypatch.setattr` / `delattr`.
PATCHERS = frozenset({"patch", "object", "setattr", "delattr"})
# Calls that stub entries of a mapping (`sys.modules`).
MAPPING_PATCHERS = frozenset({"dict", "setitem", "delitem"})

# What the migrated code calls instead of a legacy name (the first dotted component after
# `google.generativeai.`, or a method name).
_CLIENT = "`google.genai.Client(...)`"
_INSTEAD = {
    "configure": f"{_CLIENT} (the key is passed to the client)",
    "GenerativeModel": f"`client.interactions.create(...)` on a {_CLIENT}",
    "ChatSession": f"`client.interactions.create(..., previous_interaction_id=...)` on a "
                   f"{_CLIENT}",
    "generate_content": f"`client.interactions.create(...)` on a {_CLIENT}",
    "generate_content_async": f"`client.aio.interactions.create(...)` on a {_CLIENT}",
    "send_message": f"`client.interactions.create(..., previous_interaction_id=...)` on a "
                    f"{_CLIENT}",
    "send_message_async": f"`client.aio.interactions.create(...)` on a {_CLIENT}",
    "start_chat": f"`client.interactions.create(...)` on a {_CLIENT}",
    "count_tokens": f"`client.models.count_tokens(...)` on a {_CLIENT}",
    "embed_content": f"`client.models.embed_content(...)` on a {_CLIENT}",
    "embed_content_async": f"`client.aio.models.embed_content(...)` on a {_CLIENT}",
    "list_models": f"`client.models.list()` on a {_CLIENT}",
    "get_model": f"`client.models.get(...)` on a {_CLIENT}",
    "caching": f"`client.caches.*` on a {_CLIENT}",
    "upload_file": f"`client.files.upload(...)` on a {_CLIENT}",
    "get_file": f"`client.files.get(...)` on a {_CLIENT}",
    "list_files": f"`client.files.list()` on a {_CLIENT}",
    "delete_file": f"`client.files.delete(...)` on a {_CLIENT}",
}
# Names that only the legacy SDK has: `<module>.genai.GenerativeModel` is a patch of the
# legacy SDK as seen from the module under test.
LEGACY_ONLY = frozenset({"configure", "GenerativeModel", "ChatSession", "embed_content",
                         "list_models", "get_model", "upload_file", "get_file", "list_files",
                         "delete_file", "caching", "GenerationConfig", "protos"})


def instead(parts: list[str]) -> str:
    """What the migrated code calls, for the dotted path below `google.generativeai`."""
    for part in reversed(parts):
        if part in _INSTEAD:
            return _INSTEAD[part]
    return _CLIENT


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _legacy_path(target: str) -> list[str] | None:
    """The components below the legacy package of a dotted target, or None."""
    if target == LEGACY:
        return []
    if target.startswith(LEGACY + "."):
        return target[len(LEGACY) + 1:].split(".")
    return None


class _Checker:
    def __init__(self, wrapper: MetadataWrapper, path: str) -> None:
        self.path = path
        self.positions = wrapper.resolve(PositionProvider)
        self.qnames = wrapper.resolve(QualifiedNameProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.module = wrapper.module
        self.findings: list[Finding] = []

    def qualified(self, node: cst.CSTNode) -> set[str]:
        value = self.qnames.get(node, ())
        if isinstance(value, LazyValue):
            value = value()
        return {q.name for q in value}

    def report(self, node: cst.CSTNode, code: str, message: str) -> None:
        start = self.positions[node].start
        self.findings.append(finding(self.path, (start.line, start.column + 1), code, message))

    def legacy_object(self, node: cst.BaseExpression) -> list[str] | None:
        """The legacy path of an object expression (`genai`, `genai.GenerativeModel`)."""
        for name in sorted(self.qualified(node)):
            parts = _legacy_path(name)
            if parts is not None:
                return parts
        return None

    def run(self) -> None:
        for node in _walk(self.module):
            if isinstance(node, cst.Call):
                self.check_call(node)
            elif isinstance(node, cst.Subscript):
                self.check_modules_subscript(node)

    def check_call(self, call: cst.Call) -> None:
        func = call.func
        method = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else "")
        args = [a for a in call.args if not a.star]
        if not args:
            return
        if method in PATCHERS:
            self.check_patch(call, method, args)
        elif method in MAPPING_PATCHERS and self.is_sys_modules(args[0].value):
            self.check_modules_patch(call, args)

    def check_patch(self, call: cst.Call, method: str, args: list[cst.Arg]) -> None:
        first = args[0].value
        target = _string(first)
        if target is not None:
            parts = _legacy_path(target)
            if parts is not None:
                self.report(first, "GM040", self.patch_message(target, parts))
                return
            pieces = target.split(".")
            if len(pieces) >= 3 and pieces[-2] == "genai" and pieces[-1] in LEGACY_ONLY:
                self.report(first, "GM040", (
                    f"mock target {target!r} is a legacy SDK name ({pieces[-1]} exists only in "
                    f"google-generativeai): once {'.'.join(pieces[:-2])} is migrated the patch "
                    f"fails or intercepts nothing; the migrated code calls "
                    f"{instead(pieces[-1:])}"))
            return
        # patch.object(genai, "GenerativeModel") / monkeypatch.setattr(genai, "configure", f)
        if method in ("setattr", "delattr", "object") and len(args) >= 2:
            base = self.legacy_object(first)
            attribute = _string(args[1].value)
            if base is not None and attribute is not None:
                path = [*base, *attribute.split(".")]
                shown = ".".join([LEGACY, *path])
                self.report(first, "GM040", self.patch_message(shown, path))

    def patch_message(self, target: str, parts: list[str]) -> str:
        return (f"mock target {target!r} is in google-generativeai: once the code under test is "
                f"migrated it is never called, so the mock intercepts nothing (the test may "
                f"reach the network or pass vacuously; without the package it fails to "
                f"import); the migrated code calls "
                f"{instead(parts)}: patch that, with a fake of the google-genai shape")

    def is_sys_modules(self, node: cst.BaseExpression) -> bool:
        return "sys.modules" in self.qualified(node) or (
            isinstance(node, cst.Attribute) and node.attr.value == "modules"
            and isinstance(node.value, cst.Name) and node.value.value == "sys")

    def modules_message(self, key: str) -> str:
        return (f"sys.modules[{key!r}] is stubbed: the migrated code imports "
                f"`google.genai` (`from google import genai`), which this stub does not "
                f"replace, so the real SDK is used; stub `google.genai` (and its `Client`) "
                f"instead")

    def check_modules_subscript(self, node: cst.Subscript) -> None:
        if not self.is_sys_modules(node.value) or len(node.slice) != 1:
            return
        parent = self.parents.get(node)
        if not isinstance(parent, (cst.AssignTarget, cst.Del)):
            return  # a read, not a stub
        index = node.slice[0].slice
        key = _string(index.value) if isinstance(index, cst.Index) else None
        if key is not None and _legacy_path(key) is not None:
            self.report(node, "GM041", self.modules_message(key))

    def check_modules_patch(self, call: cst.Call, args: list[cst.Arg]) -> None:
        # patch.dict(sys.modules, {"google.generativeai": stub}) /
        # monkeypatch.setitem(sys.modules, "google.generativeai", stub)
        keys: list[cst.BaseExpression] = []
        for arg in args[1:]:
            if isinstance(arg.value, cst.Dict):
                keys.extend(e.key for e in arg.value.elements if isinstance(e, cst.DictElement))
            else:
                keys.append(arg.value)
        for key_node in keys:
            key = _string(key_node)
            if key is not None and _legacy_path(key) is not None:
                self.report(key_node, "GM041", self.modules_message(key))


def mocks_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    """Report mocks of the legacy SDK (GM040, GM041); the module is never changed."""
    code = code_of(module)
    if "generativeai" not in code and ".genai." not in code:
        return module, []
    if MOCKING.search(code) is None:
        return module, []
    checker = _Checker(wrapper_of(module), path)
    checker.run()
    return module, checker.findings
