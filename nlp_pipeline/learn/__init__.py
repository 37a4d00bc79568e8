"""Training code, in one place; the CLI and the notebooks call it."""
