"""Recorded verdicts: judgments that real judges gave elsewhere, imported as run folders."""
