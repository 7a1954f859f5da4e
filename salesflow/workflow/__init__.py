"""The sales process: rules and use cases.

Functions here take a session and plain typed values, return plain data and raise the
exceptions of :mod:`salesflow.workflow.errors`. They never print, prompt or exit.
"""
