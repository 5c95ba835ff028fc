"""Readers: turn a raw release file into a Release record."""
from generator.ingest.wire import parse_release, load_release, is_release_file

__all__ = ["parse_release", "load_release", "is_release_file"]
