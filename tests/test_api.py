import judgebench


def test_public_names_resolve():
    for name in judgebench.__all__:
        assert getattr(judgebench, name) is not None
    dataset = judgebench.load_dataset(judgebench.named_dataset("demo_binary"))
    assert len(dataset) == 126 and dataset.kind.name == "binary" and isinstance(dataset.kind, judgebench.TaskKind)
