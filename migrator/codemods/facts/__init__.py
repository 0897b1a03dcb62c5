"""What every codemod pass may ask about a module, computed in one place (issue 10).

`nodes` holds the node helpers that used to live in several copies; it imports no codemod.
"""
