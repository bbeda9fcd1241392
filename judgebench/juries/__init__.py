"""Juries: several judges whose verdicts one aggregator turns into the jury's verdict."""
