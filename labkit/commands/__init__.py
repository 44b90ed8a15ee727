"""One module per ``labkit`` subcommand; each exposes ``register(subparsers)``.

``register`` adds a subparser and sets ``handler`` (``args -> int``) with ``set_defaults``.
"""
