"""Hydra configuration shipped with judgebench (the top-level conf/ folder)."""
