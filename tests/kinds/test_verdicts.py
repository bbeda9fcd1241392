import math

import pytest

from judgebench.judges.parse import choice_probabilities
from judgebench.kinds import BINARY as B
from judgebench.kinds import LIKERT as L
from judgebench.kinds import PAIRWISE as P
from judgebench.kinds import Likert, ParseFailure, Verdict


@pytest.mark.parametrize("text,value", [
    ("Yes", 1), ("no.", 0), ("PASS", 1), ("fail", 0), ("1", 1), ("0", 0), ("**Yes**", 1),
    ('{"verdict": "no", "reason": "contradicts"}', 0), ('{"score": 1}', 1),
    ("The answer adds a date the context lacks.\nVerdict: No", 0),
    ("Reasoning: no contradiction found.\nAnswer: yes", 1),
    ("Some thoughts.\nYes", 1), ("[[Yes]]", 1),
    ("Verdict: No, wait. Final verdict: Yes", 1),
])
def test_binary(text, value):
    assert B.parse(text) == Verdict(value)


@pytest.mark.parametrize("text", [
    "", "   ", "I cannot decide.", "The answer is not supported, yes it mentions Paris.",
    "Maybe", '{"verdict": "unclear"}',
])
def test_binary_failures_are_never_scored(text):
    assert isinstance(B.parse(text), ParseFailure)


@pytest.mark.parametrize("text,value", [
    ("Rating: [[4]]", 4), ("The response is fine. [[2]]", 2), ("4/5", 4), ("I'd give it 3 out of 5.", 3),
    ('{"rating": 5, "why": "complete"}', 5), ("Score: 1", 1), ("5", 5), ("Rating: 3.5", 3.5),
])
def test_likert(text, value):
    assert L.parse(text) == Verdict(value)


@pytest.mark.parametrize("text,reason", [
    ("Rating: [[7]]", "outside 1..5"), ("8/10", "not on the 1..5 scale"), ("It is good.", "no rating"),
    ("Rating: [[0]]", "outside"),
])
def test_likert_failures(text, reason):
    result = L.parse(text)
    assert isinstance(result, ParseFailure) and reason in result.reason


def test_likert_uses_the_declared_scale():
    assert Likert((1, 10)).parse("Rating: [[7]]") == Verdict(7)
    assert Likert((1, 10)).parse("7/10") == Verdict(7)


@pytest.mark.parametrize("text,value", [
    ("[[A]]", "A"), ("Assistant B is more accurate.\n[[B]]", "B"), ("Both are equal. [[C]]", "tie"),
    ("[[tie]]", "tie"), ('{"winner": "B"}', "B"), ("My final verdict is tie: [[A=B]]", "tie"),
    ("[[A>>B]]", "A"), ("[[B>A]]", "B"), ("Verdict: A", "A"), ("B", "B"),
    ("First I thought [[A]] but on reflection [[B]]", "B"),
])
def test_pairwise(text, value):
    assert P.parse(text) == Verdict(value)


@pytest.mark.parametrize("text", ["Both are good.", "[[D]]", "Assistant A and assistant B", ""])
def test_pairwise_failures(text):
    assert isinstance(P.parse(text), ParseFailure)


@pytest.mark.parametrize("kind,value", [(B, 1), (B, 0), (L, 4), (P, "A"), (P, "B"), (P, "tie")])
def test_format_verdict_round_trips(kind, value):
    assert kind.parse(kind.format(value)) == Verdict(value)


def test_probability_from_logprobs():
    logprobs = [{"token": "Verdict", "logprob": 0.0, "top_logprobs": []},
                {"token": ":", "logprob": 0.0, "top_logprobs": []},
                {"token": " Yes", "logprob": math.log(0.6), "top_logprobs": [
                    {"token": " Yes", "logprob": math.log(0.6)}, {"token": " No", "logprob": math.log(0.2)},
                    {"token": " yes", "logprob": math.log(0.1)}, {"token": " Maybe", "logprob": math.log(0.1)}]}]
    probs = choice_probabilities(B.verdict_words(), 1, logprobs)
    # Renormalised over verdict tokens only: yes = 0.6 + 0.1, no = 0.2.
    assert probs == pytest.approx({"1": 0.7 / 0.9, "0": 0.2 / 0.9})
    assert choice_probabilities(B.verdict_words(), 1, None) is None
    assert choice_probabilities(B.verdict_words(), 0, logprobs) is None  # the verdict token is not in the reply


def test_pairwise_probability_reads_the_bracketed_token():
    logprobs = [{"token": "[[", "logprob": 0.0, "top_logprobs": []},
                {"token": "C", "logprob": math.log(0.5), "top_logprobs": [
                    {"token": "C", "logprob": math.log(0.5)}, {"token": "A", "logprob": math.log(0.5)}]},
                {"token": "]]", "logprob": 0.0, "top_logprobs": []}]
    assert choice_probabilities(P.verdict_words(), "tie", logprobs) == pytest.approx({"tie": 0.5, "A": 0.5})


def test_verdict_choices():
    assert B.choices() == {"Yes": 1, "No": 0}
    assert P.choices() == {"A": "A", "B": "B", "C": "tie"}
    assert list(Likert((1, 3)).choices()) == ["1", "2", "3"]


@pytest.mark.parametrize("text,value", [
    ("No, the answer is not faithful to the context. It adds a date the context lacks.", 0),
    ("Yes. Every claim is in the context.", 1),
    ("**No** - it invents a name.", 0),
    ("Yes: the answer matches.\nIt is supported.", 1),
    ("No\nThe answer is not faithful to the context. It contradicts the question.", 0),
])
def test_a_reply_that_opens_with_its_verdict_and_a_reason(text, value):
    # llama.cpp's own server judging with SmolLM2 answered like this in 2 of 20 replies
    assert B.parse(text) == Verdict(value)


@pytest.mark.parametrize("text", [
    "No, yes it is faithful.",                                  # the opening holds both verdicts
    "No, because the answer says yes to a question it cannot answer.",
    "Nope, wrong.", "No way this is right",
    "Yes\nNo, it is not.\nIt is wrong, really.",                # line by line, both verdicts
    "The answer is not faithful to the context.",               # no verdict word at all
])
def test_an_opening_that_is_not_one_clear_verdict_stays_a_failure(text):
    assert isinstance(B.parse(text), ParseFailure)


def test_pairwise_opening_verdicts():
    assert P.parse("A. It covers both questions.") == Verdict("A")
    assert isinstance(P.parse("A good answer would be B."), ParseFailure)
    assert isinstance(P.parse("B, since A is wrong."), ParseFailure)
