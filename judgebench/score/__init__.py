"""Scoring judges against humans: verdict sources, and the metric table of a task kind."""
