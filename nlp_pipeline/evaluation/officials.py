"""Officials scored as staff use them: exact name, and exact (name, title) and (name, unit)
pairs per document, micro-averaged over documents."""

from collections.abc import Sequence


def _prf(gold: set, predicted: set) -> tuple[int, int, int]:
    return len(gold & predicted), len(predicted - gold), len(gold - predicted)


def officials_report(gold: Sequence[Sequence[dict]], predicted: Sequence[Sequence[dict]]) -> dict:
    totals = {field: [0, 0, 0] for field in ("name", "title", "unit", "role")}
    for gold_doc, predicted_doc in zip(gold, predicted, strict=True):
        for field in totals:
            g = {(o["name"], o.get(field)) if field != "name" else o["name"] for o in gold_doc
                 if field == "name" or o.get(field)}
            p = {(o["name"], o.get(field)) if field != "name" else o["name"] for o in predicted_doc
                 if field == "name" or o.get(field)}
            tp, fp, fn = _prf(g, p)
            totals[field] = [totals[field][0] + tp, totals[field][1] + fp, totals[field][2] + fn]
    report = {"documents": len(gold)}
    for field, (tp, fp, fn) in totals.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[field] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                         "support": tp + fn}
    return report


def evaluate_pipeline(pipeline, sets: dict) -> dict[str, dict]:
    """Officials as the whole pipeline finds them (its own labels and flags decide roles)."""
    from ..ingest import document_from_pages

    reports = {}
    for name, examples in sets.items():
        documents = [document_from_pages(e.id, None, [e.text]) for e in examples]
        predicted = [[o.model_dump() for o in result.officials] for result in pipeline.analyze(documents)]
        reports[name] = officials_report([e.officials for e in examples], predicted)
    return reports
