import pytest

from nlp_pipeline import paths


@pytest.fixture(scope="session")
def pipeline():
    from nlp_pipeline.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def segmenter(pipeline):
    return pipeline.nlp.tokenizer


@pytest.fixture(scope="session")
def datasets():
    if not paths.DATASETS.is_dir():
        pytest.skip(f"shared datasets not found at {paths.DATASETS}")
    return paths.DATASETS
