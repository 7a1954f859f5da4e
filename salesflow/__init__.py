"""salesflow: a terminal-first sales workflow system."""

__version__ = "0.1.0"
