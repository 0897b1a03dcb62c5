"""What every codemod pass may ask about a module, computed in one place (issue 10).

`nodes` holds the node helpers that used to live in several copies; `sdk` the legacy API names,
`sites` the records of the legacy plan (holders, constructions, call sites, pins) and `syntax`
the node questions and argument builders that the codemods/legacy/ planners and their
satellites (caching, media, responses, tools) share. None of them imports a codemod.
"""
