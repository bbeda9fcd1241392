"""LLM Judge++: a dataset library, review batches, few-shot feedback and full labeling jobs."""
