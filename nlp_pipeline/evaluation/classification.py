"""Multi-label scores, computed once for the CLI, benchmarks, tests and notebooks.

Macro averages run over the labels that occur in the gold of the set being scored, so a set
without, say, any out_of_scope document is not rewarded or punished for it.
"""

from collections.abc import Sequence

from rich.table import Table


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def multilabel_report(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], labels: Sequence[str]) -> dict:
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    per_label = {}
    totals = [0, 0, 0]
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, predicted) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, predicted) if label in g and label not in p)
        per_label[label] = {**_prf(tp, fp, fn), "support": tp + fn, "predicted": tp + fp}
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    supported = [m for m in per_label.values() if m["support"]]
    macro = {k: round(sum(m[k] for m in supported) / len(supported), 4) if supported else 0.0
             for k in ("precision", "recall", "f1")}
    exact = sum(1 for g, p in zip(gold, predicted) if set(g) == set(p)) / len(gold) if gold else 0.0
    return {"documents": len(gold), "per_label": per_label, "micro": _prf(*totals), "macro": macro,
            "exact_match": round(exact, 4)}


def report_table(title: str, report: dict) -> Table:
    table = Table(title=f"{title} ({report['documents']} documents)")
    for column in ("label", "P", "R", "F1", "support", "predicted"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, m in report["per_label"].items():
        table.add_row(label, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"]), str(m["predicted"]))
    for name in ("micro", "macro"):
        m = report[name]
        table.add_row(f"[b]{name}[/b]", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", "", "")
    table.caption = f"exact match {report['exact_match']:.3f}"
    return table


def reports_markdown(reports: dict[str, dict]) -> list[str]:
    """Markdown lines for model cards: one section per held-out set."""
    lines = []
    for name, report in reports.items():
        macro, micro = report["macro"], report["micro"]
        lines += [f"### {name} ({report['documents']} documents)", "",
                  f"macro P/R/F1 {macro['precision']:.3f} / {macro['recall']:.3f} / {macro['f1']:.3f}; "
                  f"micro F1 {micro['f1']:.3f}; exact match {report['exact_match']:.3f}", "",
                  "| label | P | R | F1 | support |", "|---|---|---|---|---|"]
        lines += [f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
                  for label, m in report["per_label"].items() if m["support"] or m["predicted"]]
        lines.append("")
    return lines
