"""Named transforms that turn a raw field into a column value.

Chat datasets store conversations as lists of {"role", "content"} messages; these
pick out the parts a criteria prompt needs.
"""

from __future__ import annotations

from typing import Any, Callable


def _messages(value: Any) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(m, dict) and "content" in m for m in value):
        raise ValueError("expected a list of {role, content} messages")
    return value


def last_user(value: Any) -> str:
    users = [m["content"] for m in _messages(value) if m.get("role") == "user"]
    if not users:
        raise ValueError("the conversation has no user message")
    return users[-1]


def last_assistant(value: Any) -> str:
    replies = [m["content"] for m in _messages(value) if m.get("role") == "assistant"]
    if not replies:
        raise ValueError("the conversation has no assistant message")
    return replies[-1]


def history(value: Any) -> str:
    """Every turn before the last assistant reply, as a readable transcript."""
    messages = _messages(value)
    last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=len(messages))
    return transcript(messages[:last])


def transcript(value: Any) -> str:
    return "\n\n".join(f"### {m.get('role', 'unknown').capitalize()}:\n{m['content']}" for m in _messages(value))


def text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise ValueError(f"expected text, got a {type(value).__name__}")
    return str(value)


TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "last_user": last_user,
    "last_assistant": last_assistant,
    "history": history,
    "transcript": transcript,
    "text": text,
}
