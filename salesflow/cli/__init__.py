"""The terminal: the only package that imports typer, rich or questionary.

Each module is one noun's commands. A command parses options, asks for what is missing,
calls one workflow function and renders the result. Heavy modules (sqlmodel, sqlalchemy,
questionary, alembic) are imported inside the commands, so ``salesflow --help`` is fast.
"""
