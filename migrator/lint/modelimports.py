"""Which module-level model constants other files of the repository pass to a model call.

A settings module (`MODEL_NAME = "gemini-2.0-flash"`) is often read by the file that calls the
model (`from settings import MODEL_NAME` ... `genai.GenerativeModel(MODEL_NAME)`). Once that
call is migrated to `client.interactions.create(model=MODEL_NAME, ...)`, an id the Interactions
API refuses fails there at run time, so the id must be substituted where it is written: in the
settings module. Its lint asks this index whether another file imports the constant and gives
it as the model of a call that is, or that the migration makes, an Interactions call. The scan
is a byte search over the repository's Python files (the files as they are on disk or as an
earlier phase of the run leaves them: a legacy call and its migrated form both count, so the
answer does not depend on which file the run rewrites first), done once per process.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from migrator.codemods.crossmodule import module_names, python_files, repository_root

if TYPE_CHECKING:
    from migrator.config import Settings

# Calls whose model is, or becomes, the model of an Interactions call. Embedding, token
# counting and other model calls are not: they stay on their API.
_MODEL_CALLS = re.compile(
    rb"(?:\bGenerativeModel|\binteractions\.create|\bmodels\.generate_content(?:_stream)?|"
    rb"\bchats\.create)\s*\("
)
_SDK = (b"google.generativeai", b"google import genai", b"google.genai")
# How far after the call's opening parenthesis its model argument is looked for.
_WINDOW = 400


@lru_cache(maxsize=4)
def _model_callers(root: str, settings: Settings | None) -> tuple[tuple[str, bytes], ...]:
    """(path, text) of the repository's files that call a model."""
    return tuple((path, data) for path, data in python_files(root, settings)
                 if any(sdk in data for sdk in _SDK) and _MODEL_CALLS.search(data))


def _imported_as(data: bytes, modules: set[bytes], name: str) -> list[bytes]:
    """The spellings under which `data` reads `name` of one of `modules`: `NAME` or its alias
    for `from module import NAME [as ALIAS]`, `alias.NAME` for `import module [as alias]`."""
    out: list[bytes] = []
    wanted = name.encode()
    for match in re.finditer(rb"^[ \t]*from[ \t]+\.*([\w.]+)[ \t]+import[ \t]+\(?([^)#\n]*"
                             rb"(?:\n[^)#]*)*?)\)?[ \t]*(?:#.*)?$", data, re.MULTILINE):
        module = match.group(1)
        if module not in modules and not any(module.endswith(b"." + m) for m in modules):
            continue
        for item in match.group(2).replace(b"\n", b" ").split(b","):
            parts = item.split()
            if parts and parts[0] == wanted:
                out.append(parts[2] if len(parts) == 3 and parts[1] == b"as" else wanted)
    for match in re.finditer(rb"^[ \t]*import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+(\w+))?", data,
                             re.MULTILINE):
        module = match.group(1)
        if module in modules or any(module.endswith(b"." + m) for m in modules):
            out.append((match.group(2) or module) + b"." + wanted)
    return out


def _passed_as_model(data: bytes, spelling: bytes) -> bool:
    """Whether `spelling` is the model argument of a model call in `data`: the first
    positional argument of GenerativeModel, or `model=` / `model_name=`."""
    name = re.escape(spelling)
    first = re.compile(rb"\A\s*" + name + rb"\s*[,)]")
    keyword = re.compile(rb"(?:^|[(,\s])(?:model|model_name)\s*=\s*" + name + rb"\s*[,)\n]")
    for call in _MODEL_CALLS.finditer(data):
        window = data[call.end():call.end() + _WINDOW]
        later = _MODEL_CALLS.search(window)
        if later is not None:
            window = window[:later.start()]
        if keyword.search(window):
            return True
        if call.group(0).lstrip().startswith(b"GenerativeModel") and first.match(window):
            return True
    return False


def model_constant_users(path: str, names: set[str],
                         settings: Settings | None = None) -> dict[str, str]:
    """Of `names` (module-level constants of `path`), those another file of the repository
    imports and passes as the model of a call that is or becomes an Interactions call:
    name -> that file."""
    if not names or not os.path.exists(path):
        return {}
    root = repository_root(path)
    configured = getattr(settings, "root", None)
    if (configured and not os.path.exists(os.path.join(root, ".git"))
            and os.path.realpath(path).startswith(os.path.realpath(configured) + os.sep)):
        root = os.path.realpath(configured)  # no repository: the run's project root
    modules = {m.encode() for m in module_names(path, root)}
    if not modules:
        return {}
    me = os.path.realpath(path)
    found: dict[str, str] = {}
    for other, data in _model_callers(root, settings):
        if os.path.realpath(other) == me:
            continue
        for name in sorted(names - set(found)):
            if any(_passed_as_model(data, spelling)
                   for spelling in _imported_as(data, modules, name)):
                found[name] = other
    return found
