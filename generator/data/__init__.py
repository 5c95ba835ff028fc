"""Data files shipped with the package (default taxonomy, site scaffold)."""
