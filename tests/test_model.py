"""The model: values that cross process boundaries intact."""


def test_dataset_and_dataset_error_survive_pickle():
    """Batch workers send datasets and errors between processes."""
    import pickle
    from pathlib import Path

    from briefing.errors import DatasetError, Problem
    from briefing.load import load_dataset

    ds = load_dataset(Path(__file__).parent / "fixtures" / "minimal.yaml")
    back = pickle.loads(pickle.dumps(ds))
    assert back == ds
    assert back.indicator("inspections").value == 12
    err = DatasetError([Problem("x.yaml", 3, 5, "meta.year", "expected a number")])
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == err.problems
    assert str(again) == str(err)
