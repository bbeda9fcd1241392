"""Criteria-prompt tuning against human labels."""
