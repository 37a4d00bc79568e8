"""Reads Chinese meeting minutes and petitions for discipline-inspection offices."""

__version__ = "0.1.0"
