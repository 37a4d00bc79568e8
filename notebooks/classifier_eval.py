# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Issue-type classifier: evaluation
#
# Held-out sets, each reported on its own: the written corpus's test split, the test part of the
# annotated real citizen messages, the 57 real CCDI cases and the 47 CCDI article paragraphs (never
# trained or tuned on).
# The keyword list of `configs/labels.yaml` is the floor. Run in full with
# `.venv/bin/jupytext --to ipynb --execute notebooks/classifier_eval.py` (or open the .py in Jupyter);
# `NOTEBOOK_SAMPLE=N` limits each set to N documents, as the test suite does.

# %%
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve

from nlp_pipeline import artefacts, paths
from nlp_pipeline.evaluation.classification import multilabel_report
from nlp_pipeline.evaluation.keyword_floor import keyword_labels
from nlp_pipeline.language import load_tokenizer
from nlp_pipeline.learn.train_classifier import held_out_sets, segment
from nlp_pipeline.learn.tfidf_classifier import THRESHOLD_GRID

SAMPLE = int(os.environ.get("NOTEBOOK_SAMPLE", "0")) or None
FIGURES = Path(os.environ.get("NOTEBOOK_FIGURES", paths.HOME / "notebooks" / "figures"))
FIGURES.mkdir(parents=True, exist_ok=True)
model, meta = artefacts.load(paths.MODELS / "issue_types_tfidf")
tokenizer = load_tokenizer()
labels = list(model.labels)
sets = {name: examples[:SAMPLE] for name, examples in held_out_sets().items()}
{name: len(examples) for name, examples in sets.items()}

# %%
scores = {name: model.predict_proba(segment(examples, tokenizer)) for name, examples in sets.items()}
gold = {name: np.array([[c in e.labels for c in labels] for e in examples]) for name, examples in sets.items()}
predicted = {name: model.predict(segment(examples, tokenizer)) for name, examples in sets.items()}

# %% [markdown]
# ## Per-label P/R/F1, model against the keyword floor

# %%
rows = []
for name, examples in sets.items():
    for method, guesses in (("model", predicted[name]), ("keyword floor", [keyword_labels(e.text) for e in examples])):
        report = multilabel_report([e.labels for e in examples], guesses, labels)
        for label, m in report["per_label"].items():
            rows.append({"set": name, "method": method, "label": label, **m})
        rows.append({"set": name, "method": method, "label": "MACRO", **report["macro"]})
        rows.append({"set": name, "method": method, "label": "MICRO", **report["micro"]})
per_label = pd.DataFrame(rows)
per_label.pivot_table(index=["set", "label"], columns="method", values="f1").round(3)

# %% [markdown]
# ## scikit-learn baseline against the fine-tuned transformer
#
# Both shipped models on the same held-out documents (the transformer section is skipped when
# `models/issue_types_e5` has not been trained).

# %%
candidates = {"tfidf (baseline)": model}
if (paths.MODELS / "issue_types_e5" / "meta.json").exists():
    candidates["e5 transformer (ONNX int8)"] = artefacts.load(paths.MODELS / "issue_types_e5")[0]
comparison = []
for method, candidate in candidates.items():
    for name, examples in sets.items():
        report = multilabel_report([e.labels for e in examples], candidate.predict(segment(examples, tokenizer)), labels)
        comparison.append({"model": method, "set": name, "macro F1": report["macro"]["f1"],
                           "micro F1": report["micro"]["f1"], "exact match": report["exact_match"]})
pd.DataFrame(comparison).pivot_table(index="set", columns="model", values=["macro F1", "micro F1"]).round(3)

# %% [markdown]
# ## Label co-occurrence (gold) and confusion (gold label → predicted label)
#
# Confusion for multi-label data: cell (g, p) counts documents with gold label g that received
# predicted label p; the diagonal is recall, off-diagonal mass shows which labels are mistaken for which.

# %%
all_examples = [e for examples in sets.values() for e in examples]
all_predicted = [p for name in sets for p in predicted[name]]
cooccurrence = pd.DataFrame(0, index=labels, columns=labels)
confusion = pd.DataFrame(0, index=labels, columns=labels)
for example, guess in zip(all_examples, all_predicted):
    for g in example.labels:
        for h in example.labels:
            cooccurrence.loc[g, h] += 1
        for p in guess:
            confusion.loc[g, p] += 1
fig, axes = plt.subplots(1, 2, figsize=(15, 6))
for ax, (title, frame) in zip(axes, (("gold co-occurrence", cooccurrence), ("gold → predicted", confusion))):
    ax.imshow(frame.values, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for (i, j), value in np.ndenumerate(frame.values):
        ax.text(j, i, str(value), ha="center", va="center", fontsize=7)
    ax.set_title(title)
fig.tight_layout()
fig.savefig(FIGURES / "classifier_cooccurrence_confusion.png", dpi=110)
confusion

# %% [markdown]
# ## Precision-recall curves and threshold sweep

# %%
fig, axes = plt.subplots(1, len(sets), figsize=(6 * len(sets), 5), squeeze=False)
for ax, name in zip(axes[0], sets):
    for j, label in enumerate(labels):
        if gold[name][:, j].any():
            precision, recall, _ = precision_recall_curve(gold[name][:, j], scores[name][:, j])
            ax.plot(recall, precision, label=label)
    ax.set_xlabel("recall"); ax.set_ylabel("precision"); ax.set_title(name)
    ax.legend(fontsize=7)
fig.tight_layout()
fig.savefig(FIGURES / "classifier_pr_curves.png", dpi=110)

# The thresholds were chosen on out-of-fold scores over train+dev (the model is fitted on both);
# the sweep shows where they fall on the corpus test split, which chose nothing.
fig, ax = plt.subplots(figsize=(8, 5))
for j, label in enumerate(labels):
    f1 = []
    for t in THRESHOLD_GRID:
        p = scores["corpus test"][:, j] >= t
        truth = gold["corpus test"][:, j]
        f1.append(2 * (p & truth).sum() / (p.sum() + truth.sum()) if p.sum() + truth.sum() else 0)
    ax.plot(THRESHOLD_GRID, f1, label=f"{label} (chosen {model.thresholds_[j]:.2f})")
ax.set_xlabel("threshold"); ax.set_ylabel("corpus test F1"); ax.legend(fontsize=7)
fig.savefig(FIGURES / "classifier_threshold_sweep.png", dpi=110)

# %% [markdown]
# ## Calibration (all labels pooled, every held-out set)

# %%
pooled_scores = np.concatenate([scores[n].ravel() for n in sets])
pooled_gold = np.concatenate([gold[n].ravel() for n in sets])
bins = np.linspace(0, 1, 11)
which = np.clip(np.digitize(pooled_scores, bins) - 1, 0, 9)
calibration = pd.DataFrame({
    "mean score": [pooled_scores[which == b].mean() if (which == b).any() else np.nan for b in range(10)],
    "positive rate": [pooled_gold[which == b].mean() if (which == b).any() else np.nan for b in range(10)],
    "count": [(which == b).sum() for b in range(10)],
})
fig, ax = plt.subplots(figsize=(5, 5))
ax.plot([0, 1], [0, 1], "--", color="grey")
ax.plot(calibration["mean score"], calibration["positive rate"], "o-")
ax.set_xlabel("predicted probability"); ax.set_ylabel("observed frequency")
fig.savefig(FIGURES / "classifier_calibration.png", dpi=110)
calibration.round(3)

# %% [markdown]
# ## The worst errors, with their text
#
# Ranked by the summed absolute gap between gold (0/1) and score over all labels.

# %%
worst = []
for name, examples in sets.items():
    gap = np.abs(gold[name] - scores[name]).sum(axis=1)
    for i in np.argsort(-gap)[:5]:
        e = examples[i]
        worst.append({"set": name, "id": e.id, "gold": e.labels, "predicted": predicted[name][i],
                      "gap": round(float(gap[i]), 2), "text": e.text[:160].replace("\n", " ")})
pd.set_option("display.max_colwidth", 200)
pd.DataFrame(worst)
