"""Segmentation benchmark: word F1 (SIGHAN scoring) and speed, plain jieba vs this project's
segmenter, on SIGHAN 2005 PKU/MSR test gold, UD Chinese GSDSimp test, and the project's own
30 sentences of official text (corpora/segmentation/official_gold.txt: domain words whole).

    python bench/segmentation.py [--datasets ../shared/datasets]

The baseline is jieba 0.42 with its default dictionary and HMM, as most projects use it.
"""

import argparse
import time
from pathlib import Path

import jieba

from nlp_pipeline import paths
from nlp_pipeline.evaluation.segmentation import read_conllu, read_segmented, score, segment_all
from nlp_pipeline.language import load_language

jieba.setLogLevel(60)
OFFICIAL_GOLD = paths.HOME / "corpora" / "segmentation" / "official_gold.txt"


def corpora(root: Path) -> dict[str, tuple[list[list[str]], set[str] | None]]:
    sighan = root / "sighan2005-icwb2" / "gold"
    found = {}
    for name in ("pku", "msr"):
        gold = sighan / f"{name}_test_gold.utf8"
        words = sighan / f"{name}_training_words.utf8"
        if gold.exists():
            training = set(words.read_text(encoding="utf-8").split()) if words.exists() else None
            found[f"SIGHAN {name.upper()} test"] = (read_segmented(gold), training)
    ud = root / "ud-chinese-gsdsimp" / "zh_gsdsimp-ud-test.conllu"
    if ud.exists():
        found["UD GSDSimp test"] = (read_conllu(ud), None)
    found["official (project)"] = (read_segmented(OFFICIAL_GOLD), None)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=paths.DATASETS)
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per segmenter; the fastest counts")
    args = parser.parse_args()
    sets = corpora(args.datasets)

    plain = jieba.Tokenizer()
    plain.initialize()
    domain = load_language().tokenizer
    segmenters = {"jieba (baseline)": lambda text: plain.cut(text, HMM=True), "nlp_pipeline": domain.cut}

    print(f"{'data set':<20} {'segmenter':<18} {'P':>6} {'R':>6} {'F1':>6} {'OOV-R':>6} {'chars/s':>10}")
    for set_name, (gold, training) in sets.items():
        chars = sum(len(w) for sentence in gold for w in sentence)
        for seg_name, cut in segmenters.items():
            elapsed = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                predicted = list(segment_all(cut, gold))
                elapsed = min(elapsed, time.perf_counter() - started)
            result = score(gold, predicted, training)
            oov = f"{result.oov_recall:.3f}" if result.oov_recall is not None else "-"
            print(f"{set_name:<20} {seg_name:<18} {result.precision:6.3f} {result.recall:6.3f} {result.f1:6.3f} "
                  f"{oov:>6} {chars / elapsed:10,.0f}")


if __name__ == "__main__":
    main()
