"""Briefing: a static site generator for briefing digests of official news releases."""
__version__ = "0.1.0"
