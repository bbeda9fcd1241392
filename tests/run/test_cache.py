from judgebench.judges.calls import ModelReply
from judgebench.run.cache import FLUSH_EVERY, ResponseCache


def reply(n):
    return ModelReply(text=f"Verdict: {n}", prompt_tokens=n, completion_tokens=1, cost_usd=None,
                      logprobs=[{"token": "Yes", "logprob": -0.1, "top_logprobs": []}])


def test_round_trip_and_persistence(tmp_path):
    path = tmp_path / "cache.sqlite"
    cache = ResponseCache(path)
    for n in range(1200):
        cache.put(f"k{n}", "m", reply(n), latency_s=n / 1000)
    cache.close()
    reopened = ResponseCache(path)
    found = reopened.get_many([f"k{n}" for n in range(1300)])      # more keys than one SQL batch
    assert len(found) == 1200 and len(reopened) == 1200
    assert found["k7"] == (reply(7), 0.007)


def test_pending_writes_are_visible_to_reads_and_flushed_in_batches(tmp_path):
    cache = ResponseCache(tmp_path / "c.sqlite")
    other = ResponseCache(tmp_path / "c.sqlite")
    cache.put("a", "m", reply(1), None)
    assert other.get_many(["a"]) == {}                     # still pending in the writer
    assert "a" in cache.get_many(["a"])                    # a read flushes pending writes first ...
    assert "a" in other.get_many(["a"])                    # ... to disk, where every connection sees them
    for n in range(FLUSH_EVERY):
        cache.put(f"b{n}", "m", reply(n), None)
    # A full batch is written without any read or close.
    assert len(other.get_many([f"b{n}" for n in range(FLUSH_EVERY)])) == FLUSH_EVERY
