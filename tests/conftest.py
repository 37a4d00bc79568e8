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


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the session (skips when the server is not installed)."""
    from nlp_pipeline.triage import pgtest

    reason = pgtest.unavailable()
    if reason:
        pytest.skip(reason)
    cluster = pgtest.Cluster(durable=False).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def triage_db_url(request, tmp_path):
    """A fresh, empty triage database: a SQLite file, or a new database in the session's PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'triage.sqlite'}"
    return request.getfixturevalue("postgres_cluster").create_database()
