import pytest

from judgebench.config import load_group_entry, prompt_spec
from judgebench.data.schema import Item
from judgebench.kinds import BINARY
from judgebench.judges.prompts import (
    CriteriaPrompt, PromptError, placeholders, render_messages, select_examples, swap_sides, validate_prompt,
)

BUILTIN = ["faithfulness", "correctness", "relevance", "helpfulness", "harmlessness", "coherence",
           "helpfulness_likert", "dialogue_overall", "pairwise", "pairwise_multiturn"]


def test_placeholders_and_escaped_braces():
    assert placeholders("Q: {input}\nA: {output} {{not a column}} {input}") == ("input", "output")
    with pytest.raises(PromptError, match="empty"):
        placeholders("bad {}")
    with pytest.raises(PromptError, match="not valid"):
        placeholders("unclosed {input")


def test_unknown_placeholder_lists_the_available_columns():
    prompt = CriteriaPrompt("p", "binary", "Context: {context}\nQ: {question}")
    with pytest.raises(PromptError) as info:
        validate_prompt(prompt, ["input", "context", "output"], BINARY, "demo")
    message = str(info.value)
    assert "{question}" in message and "available columns: input, context, output" in message


def test_prompt_kind_must_match_dataset():
    prompt = CriteriaPrompt("p", "pairwise", "{input}")
    with pytest.raises(PromptError, match="pairwise prompt"):
        validate_prompt(prompt, ["input"], BINARY)


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_prompts_load_and_ask_for_a_parseable_verdict(name):
    prompt = prompt_spec(name)
    assert prompt.name == name and prompt.placeholders
    if prompt.kind == "pairwise":
        assert {"response_a", "response_b"} <= set(prompt.placeholders)
        assert "[[C]]" in prompt.system
    elif prompt.kind == "likert":
        assert "Rating: [[N]]" in prompt.template
    else:
        assert '"Yes" or "No"' in prompt.template


def test_prompt_hash_follows_the_wording():
    a = CriteriaPrompt("p", "binary", "Is {output} right?")
    assert a.hash == CriteriaPrompt("q", "binary", "Is {output} right?").hash
    assert a.hash != CriteriaPrompt("p", "binary", "Is {output} correct?").hash


def test_render_with_few_shot_examples():
    prompt = CriteriaPrompt("p", "binary", "Answer: {output}", system="Be strict about {topic}.")
    messages = render_messages(prompt, {"output": "Paris", "topic": "geography"}, [({"output": "Lyon"}, 0)], BINARY)
    assert messages == [
        {"role": "system", "content": "Be strict about geography."},
        {"role": "user", "content": "Answer: Lyon"}, {"role": "assistant", "content": "Verdict: No"},
        {"role": "user", "content": "Answer: Paris"}]


def test_swap_sides_exchanges_every_a_b_pair():
    fields = {"input": "q", "response_a": "x", "response_b": "y", "model_a": "m1", "model_b": "m2", "extra_a": 1}
    assert swap_sides(fields) == {"input": "q", "response_a": "y", "response_b": "x", "model_a": "m2",
                                  "model_b": "m1", "extra_a": 1}


def test_few_shot_examples_are_balanced_and_deterministic():
    items = [Item(f"i{n}", {"output": str(n)}, (1,) if n % 3 == 0 else (0,)) for n in range(30)]
    chosen = select_examples(items, BINARY, 4, seed=1)
    assert sorted(label for _, label in chosen) == [0, 0, 1, 1]
    assert chosen == select_examples(items, BINARY, 4, seed=1)
    assert chosen != select_examples(items, BINARY, 4, seed=2)
    # Items whose annotators disagree (no majority) are never used as examples.
    tied = [Item("t", {"output": "?"}, (0, 1))]
    assert select_examples(tied, BINARY, 2) == []


def test_group_entries_suggest_the_nearest_name():
    with pytest.raises(ValueError, match="did you mean 'faithfulness'"):
        load_group_entry("prompt", "faithfulnes")
