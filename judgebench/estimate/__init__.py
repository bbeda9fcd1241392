"""Corrected estimates: a system's true score from many judge labels and a few human labels."""
