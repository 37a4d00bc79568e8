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
# # Extraction: meeting flags, officials and registry linking
#
# What the pipeline extracts beside the issue labels, scored as staff meet it: the whole `Pipeline`
# runs on each text, so the flags and officials below are the ones `nlp-pipeline analyze` reports,
# not a component scored in isolation. Meeting flags are scored on the written corpus's test split
# (held out from training and threshold tuning); officials on the real CCDI cases and headlines and on
# the same test split; linking on the CPED registry of political elites. Run in full with
# `.venv/bin/jupytext --to ipynb --execute notebooks/extraction_eval.py`; `NOTEBOOK_SAMPLE=N` limits
# each set to N documents, as the test suite does.

# %%
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import get_args

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from nlp_pipeline import corpus, paths
from nlp_pipeline.evaluation.classification import multilabel_report
from nlp_pipeline.evaluation.officials import evaluate_pipeline
from nlp_pipeline.ingest import document_from_pages
from nlp_pipeline.ingest.normalize import normalize
from nlp_pipeline.learn.train_flags import FLAG_TYPES
from nlp_pipeline.pipeline import Pipeline
from nlp_pipeline.registry import LinkStatus, Registry, read_registry

SAMPLE = int(os.environ.get("NOTEBOOK_SAMPLE", "0")) or None
FIGURES = Path(os.environ.get("NOTEBOOK_FIGURES", paths.HOME / "notebooks" / "figures"))
FIGURES.mkdir(parents=True, exist_ok=True)
pd.set_option("display.max_colwidth", 200)
TARGET_PRECISION, TARGET_RECALL = 0.90, 0.85

pipeline = Pipeline()
written_test = [e for e in corpus.written() if e.split == "test"][:SAMPLE]
ccdi = corpus.ccdi_officials(paths.DATASETS)[:SAMPLE]
{"corpus test": len(written_test), "CCDI cases and headlines": len(ccdi)}

# %% [markdown]
# ## Meeting flags, document level, typed
#
# Staff read a flag as "this meeting shows type X", so a document counts as having a type when any of
# its flags has it, and the gold is the set of types among its annotated flags. Several flags of one
# type in one document count once.

# %%
def analyze(examples):
    return list(pipeline.analyze([document_from_pages(e.id, None, [e.text]) for e in examples]))


test_analyses = analyze(written_test)
gold_types = [sorted({f["type"] for f in e.flags}) for e in written_test]
predicted_types = [sorted({f.type for f in a.meeting_flags}) for a in test_analyses]
flag_report = multilabel_report(gold_types, predicted_types, FLAG_TYPES)
flag_table = pd.DataFrame.from_dict(flag_report["per_label"], orient="index")
for average in ("micro", "macro"):
    flag_table.loc[average.upper(), ["precision", "recall", "f1"]] = pd.Series(flag_report[average])
flag_table[["support", "predicted"]] = flag_table[["support", "predicted"]].astype("Int64")
flag_table["target P"], flag_table["target R"] = TARGET_PRECISION, TARGET_RECALL
flag_table["meets targets"] = (flag_table["precision"] >= TARGET_PRECISION) & (flag_table["recall"] >= TARGET_RECALL)
print(f"{flag_report['documents']} documents, {sum(1 for g in gold_types if g)} with a gold flag; "
      f"exact match {flag_report['exact_match']:.3f}")
flag_table.round(3)

# %% [markdown]
# ### Missed gold flags
#
# Gold flags whose type the pipeline did not find anywhere in the document, with the types it did
# find there: a miss beside a neighbouring type (pre_decided for one_voice) is a different problem
# from a document where nothing was flagged at all.

# %%
missed_flags = pd.DataFrame(
    [{"id": e.id, "type": f["type"], "gold evidence": f["evidence"], "predicted in document": ", ".join(p)}
     for e, p in zip(written_test, predicted_types) for f in e.flags if f["type"] not in p],
    columns=["id", "type", "gold evidence", "predicted in document"])
missed_flags

# %% [markdown]
# ### False flags
#
# Predicted flags of a type the document's gold does not have, with the sentence given as evidence
# and its score (a score just over the type's threshold points at the threshold, a high one at the
# training data).

# %%
false_flags = pd.DataFrame(
    [{"id": a.id, "type": f.type, "predicted evidence": f.evidence, "score": f.score}
     for a, g in zip(test_analyses, gold_types) for f in a.meeting_flags if f.type not in g],
    columns=["id", "type", "predicted evidence", "score"])
false_flags

# %% [markdown]
# ### Does the evidence point at the right sentence?
#
# The right type for the wrong reason is of little use to a reader who checks the evidence. For every
# predicted flag whose type the document's gold has, does its evidence span overlap the place where a
# gold evidence of that type stands in the normalised text (offsets index the normalised text, so the
# gold evidence is normalised the same way before it is searched for)?

# %%
def evidence_spans(text, evidence):
    evidence = normalize(evidence).text
    begin = text.find(evidence) if evidence else -1
    while begin >= 0:
        yield begin, begin + len(evidence)
        begin = text.find(evidence, begin + 1)


overlap_rows = []
unlocated = 0
for example, analysis in zip(written_test, test_analyses):
    text = normalize(example.text).text
    spans = {}
    for gold_flag in example.flags:
        found = list(evidence_spans(text, gold_flag["evidence"]))
        unlocated += not found
        spans.setdefault(gold_flag["type"], []).extend(found)
    for flag in analysis.meeting_flags:
        if flag.type in spans:
            overlaps = any(flag.start < end and begin < flag.end for begin, end in spans[flag.type])
            overlap_rows.append({"type": flag.type, "overlaps gold evidence": overlaps})
overlap = pd.DataFrame(overlap_rows, columns=["type", "overlaps gold evidence"])
print(f"gold evidences not found in their normalised document: {unlocated}")
overlap_by_type = overlap.groupby("type")["overlaps gold evidence"].agg(["mean", "size"]).rename(
    columns={"mean": "share overlapping", "size": "correctly typed flags"})
overlap_by_type.loc["ALL"] = [overlap["overlaps gold evidence"].mean() if len(overlap) else np.nan, len(overlap)]
overlap_by_type.round(3)

# %%
fig, ax = plt.subplots(figsize=(9, 4.5))
positions = np.arange(len(FLAG_TYPES))
ax.bar(positions - 0.2, [flag_report["per_label"][t]["precision"] for t in FLAG_TYPES], 0.4, label="precision")
ax.bar(positions + 0.2, [flag_report["per_label"][t]["recall"] for t in FLAG_TYPES], 0.4, label="recall")
ax.axhline(TARGET_PRECISION, color="C0", linestyle="--", linewidth=1, label=f"target P {TARGET_PRECISION}")
ax.axhline(TARGET_RECALL, color="C1", linestyle="--", linewidth=1, label=f"target R {TARGET_RECALL}")
ax.set_xticks(positions, [f"{t}\n(n={flag_report['per_label'][t]['support']})" for t in FLAG_TYPES],
              rotation=30, ha="right", fontsize=8)
ax.set_ylim(0, 1.2); ax.set_ylabel("document level"); ax.set_title("meeting flags, corpus test split")
ax.legend(fontsize=7, loc="upper center", ncol=4)
fig.tight_layout()
fig.savefig(FIGURES / "extraction_flags.png", dpi=110)

# %% [markdown]
# ### What the gold itself allows: two more annotators
#
# Two further annotators flagged 103 test documents from the guide's flag table and LABELING alone,
# without the gold (`corpora/agreement/README.md`): every test document with a gold flag and 35
# clean minutes and petitions. Each row takes one set as the reference and scores the others against
# it, document level and typed, as above. Where two readers of the guide agree with each other far
# better than with the gold, the gold's reading limits what any model can score against it.

# %%
agreement_rows = corpus.flag_agreement()[:SAMPLE]
by_id = {e.id: e for e in corpus.written()}
agreement_examples = [by_id[row["id"]] for row in agreement_rows]
readings = {"gold": [sorted({f["type"] for f in e.flags}) for e in agreement_examples],
            "annotator A": [sorted({f["type"] for f in row["annotator_a"]}) for row in agreement_rows],
            "annotator B": [sorted({f["type"] for f in row["annotator_b"]}) for row in agreement_rows],
            "pipeline": [sorted({f.type for f in a.meeting_flags}) for a in analyze(agreement_examples)]}
agreement = pd.DataFrame([{"reference": ref, "scored": hyp, "types (reference)": sum(map(len, readings[ref])),
                           "types (scored)": sum(map(len, readings[hyp])),
                           **multilabel_report(readings[ref], readings[hyp], FLAG_TYPES)["micro"]}
                          for ref in readings for hyp in readings if hyp != ref and ref != "pipeline"])
print(f"{len(agreement_rows)} documents")
agreement.round(3)

# %% [markdown]
# ## Officials: name, title, unit and role
#
# Exact match per document, micro-averaged: a name, and (name, title), (name, unit) and (name, role)
# pairs, as staff would file them. **The CCDI figures are not blind**: the officials rules were
# corrected while reading their errors on the CCDI cases and headlines, so those numbers show how well
# the rules fit the formulaic 通报 register they were tuned on, not how they do on unseen text. The
# corpus test split was not looked at while writing the rules; it is the honest estimate.

# %%
official_sets = {"CCDI cases and headlines": ccdi, "corpus test": written_test}
if not ccdi:
    print(f"no CCDI officials gold ({paths.DATASETS} lacks the CCDI datasets): that set is skipped")
official_sets = {name: examples for name, examples in official_sets.items() if examples}
official_reports = evaluate_pipeline(pipeline, official_sets)
officials_table = pd.DataFrame([{"set": name, "field": field, **report[field]}
                                for name, report in official_reports.items()
                                for field in ("name", "title", "unit", "role")])
officials_table.pivot_table(index="field", columns="set", values=["precision", "recall", "f1", "support"],
                            sort=False).round(3)

# %% [markdown]
# ### Where the officials go wrong
#
# Per set, gold entries the pipeline did not produce (missed) and entries it produced that the gold
# does not have (spurious), sorted by document so that a missed and a spurious entry of one person (a
# title cut at the wrong place) stand together; at most 30 rows per table, the totals printed above it.

# %%
analyses_by_set = {"corpus test": test_analyses}
analyses_by_set |= {name: analyze(examples) for name, examples in official_sets.items() if name not in analyses_by_set}


def entries(officials, field):
    if field == "name":
        return {(o["name"], None) for o in officials}
    return {(o["name"], o[field]) for o in officials if o.get(field)}


def official_misses(examples, analyses, fields):
    rows = []
    for example, analysis in zip(examples, analyses):
        found = [o.model_dump() for o in analysis.officials]
        for field in fields:
            gold, predicted = entries(example.officials, field), entries(found, field)
            for error, missing in (("missed", gold - predicted), ("spurious", predicted - gold)):
                rows += [{"id": example.id, "field": field, "error": error, "name": name, "value": value}
                         for name, value in sorted(missing, key=str)]
    return pd.DataFrame(rows, columns=["id", "field", "error", "name", "value"]).sort_values(["id", "name"], kind="stable")


for name, examples in official_sets.items():
    for fields in (["name"], ["title", "unit"]):
        misses = official_misses(examples, analyses_by_set[name], fields)
        print(f"{name}, {' and '.join(fields)}: {dict(Counter(misses['error']))}")
        display(misses.drop(columns="value" if fields == ["name"] else []).head(30).reset_index(drop=True))

# %%
fields = ["name", "title", "unit", "role"]
fig, ax = plt.subplots(figsize=(8, 4.5))
width = 0.8 / max(len(official_reports), 1)
for i, (name, report) in enumerate(official_reports.items()):
    ax.bar(np.arange(len(fields)) + (i - (len(official_reports) - 1) / 2) * width,
           [report[f]["f1"] for f in fields], width,
           label=f"{name} ({report['documents']} docs{', not blind' if name.startswith('CCDI') else ''})")
ax.set_xticks(np.arange(len(fields)), fields)
ax.set_ylim(0, 1.2); ax.set_ylabel("F1 (exact match)"); ax.set_title("officials")
ax.legend(fontsize=8, loc="upper center", ncol=2)
fig.tight_layout()
fig.savefig(FIGURES / "extraction_officials.png", dpi=110)

# %% [markdown]
# ## Text wrapped at the page width
#
# Text PDFs and scans break every line at the page's width, inside sentences, names and posts
# (…镇长马 / 国庆). The normaliser joins such lines back (`_unwrap_lines` in `ingest/normalize.py`).
# Here the test split is analysed as written and with every line cut into pieces of 30 and 40
# characters; the flags and officials should score about the same.

# %%
def wrapped(text, width):
    return "\n".join(line[i:i + width] for line in text.split("\n") for i in range(0, max(len(line), 1), width))


wrap_rows = []
for width in (None, 30, 40):
    examples = [e if width is None else replace(e, text=wrapped(e.text, width)) for e in written_test]
    analyses = test_analyses if width is None else analyze(examples)
    flags = multilabel_report(gold_types, [sorted({f.type for f in a.meeting_flags}) for a in analyses], FLAG_TYPES)
    people = evaluate_pipeline(pipeline, {"set": examples})["set"] if width else official_reports.get("corpus test")
    wrap_rows.append({"text": "as written" if width is None else f"wrapped every {width} characters",
                      "flags micro F1": flags["micro"]["f1"],
                      **{f"{field} F1": people[field]["f1"] for field in ("name", "title", "unit", "role")}})
pd.DataFrame(wrap_rows).round(3)

# %% [markdown]
# ## Registry linking against CPED
#
# Every official the pipeline found in the CCDI texts is looked up in the CPED registry of Chinese
# political elites. CPED records no units or posts in this file, only names and personal data, so
# nothing can confirm that a mention is the registry's person: a single namesake stays `unconfirmed`
# and several are `ambiguous`, both on the review list. By design a name alone never counts as a
# confirmed link; `linked` needs a unit or title that fits. 某-names are pseudonyms and never looked up.

# %%
cped = paths.DATASETS / "cped-chinese-political-elite" / "background1.csv"
if not cped.exists() or "CCDI cases and headlines" not in analyses_by_set:
    print(f"linking skipped: {cped} or the CCDI texts are absent")
else:
    registry_file = read_registry(cped)
    registry = Registry(registry_file.persons)
    print(f"CPED: {len(registry_file.persons)} persons, {len(registry_file.problems)} rows not imported")
    links = pd.DataFrame([{"id": a.id, "name": o.name, "title": o.title, "unit": o.unit,
                           **vars(registry.link(o.name, o.title, o.unit))}
                          for a in analyses_by_set["CCDI cases and headlines"] for o in a.officials],
                         columns=["id", "name", "title", "unit", "status", "person_id", "candidates", "reason"])
    display(links.groupby("status")["name"].count().reindex(get_args(LinkStatus), fill_value=0).rename("officials"))
    display(links[links["status"] != "pseudonym"].assign(candidates=links["candidates"].map(len))
            .drop(columns="person_id").head(15))
