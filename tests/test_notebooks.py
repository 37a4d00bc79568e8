"""The evaluation notebooks run headless on a small sample, as a user would run them."""

from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

from nlp_pipeline import paths

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.parametrize(("name", "figure"), [("classifier_eval", "classifier_calibration.png"),
                                            ("extraction_eval", "extraction_flags.png")])
def test_notebook_executes_on_a_sample(name, figure, monkeypatch, tmp_path):
    if not (paths.MODELS / "issue_types_tfidf" / "meta.json").exists():
        pytest.fail("the shipped classifier is missing")
    monkeypatch.setenv("NOTEBOOK_SAMPLE", "40")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("NOTEBOOK_FIGURES", str(tmp_path))
    notebook = jupytext.read(NOTEBOOKS / f"{name}.py")
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    errors = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert (tmp_path / figure).stat().st_size > 10_000
