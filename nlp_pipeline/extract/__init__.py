"""Extraction of structured findings (officials) from normalised text."""
