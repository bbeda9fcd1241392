"""Distilling judge labels into a small, cheap evaluator."""
