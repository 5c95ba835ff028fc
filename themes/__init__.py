"""Themes shipped with Briefing (installed as the package briefing_themes)."""
