"""How consistently can the codebook be applied? Blind re-annotation of held-out sentences.

Two annotators label a random sample of the held-out test fold from the guides alone
(labeled_data/codebook.yaml and ANNOTATION.md), never seeing the corpus labels. This compares,
frame by frame, each annotator with the corpus, the annotators with each other, and the model that
`framing train` evaluates on that fold (fitted on the other folds, thresholds from their
out-of-fold scores) with the corpus. F1 is symmetric in its two label sets, so agreement between
people reads on the same scale as the model's held-out F1: the annotators' agreement is about
the best a model of these labels can be expected to reach.

    .venv/bin/python benchmarks/annotator_agreement.py \
        [--study labeled_data/agreement] [--out benchmarks/results/annotator_agreement.md]

The study folder holds one `<annotator>.csv` per annotator (`id,frames,note`; ids from
labeled_data/sentences.csv).
"""

from __future__ import annotations

import argparse
import csv
import sys
from itertools import combinations
from pathlib import Path

import numpy as np

from framing.codebook import default_codebook
from framing.data import duplicate_groups, group_folds, near_duplicate_pairs, read_labeled_csv
from framing.paths import LABELED_SENTENCES_PATH
from training.metrics import multilabel_metrics
from training.pipeline import DEFAULT_CONFIG
from training.train import held_out_model


def read_annotations(path: Path, ids: list[str]) -> dict[str, np.ndarray]:
    """``{sentence id: 0/1 row}`` from an annotator's file; unknown frame ids are an error."""
    rows = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            frames = [f for f in (row.get("frames") or "").split(";") if f.strip()]
            unknown = sorted(set(frames) - set(ids))
            if unknown:
                raise SystemExit(f"{path}:{line}: unknown frame id {unknown[0]!r}")
            rows[row["id"]] = np.array([int(i in frames) for i in ids], dtype=np.int8)
    return rows


def _cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    observed = float((a == b).mean())
    expected = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=Path("labeled_data/agreement"))
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results/annotator_agreement.md")
    )
    args = parser.parse_args()
    files = sorted(args.study.glob("*.csv"))
    if len(files) < 2:
        print(f"need at least two annotator files in {args.study}", file=sys.stderr)
        return 2
    codebook = default_codebook()
    ids = codebook.ids
    data = read_labeled_csv(LABELED_SENTENCES_PATH, codebook)
    with LABELED_SENTENCES_PATH.open(encoding="utf-8", newline="") as handle:
        row_of = {row["id"]: index for index, row in enumerate(csv.DictReader(handle))}
    people = {path.stem: read_annotations(path, ids) for path in files}
    items = sorted(set.intersection(*(set(p) for p in people.values())))
    missing = sorted(set().union(*(set(p) for p in people.values())) - set(row_of))
    if missing:
        raise SystemExit(f"ids not in {LABELED_SENTENCES_PATH}: {missing[:5]}")
    rows = np.array([row_of[i] for i in items])
    sets = {"corpus": data.labels[rows]}
    sets.update({name: np.stack([p[i] for i in items]) for name, p in people.items()})

    groups = duplicate_groups(len(data), near_duplicate_pairs(data.texts))
    folds = group_folds(data.labels, groups, n_folds=5, seed=0)
    if (folds[rows] != 0).any():
        # The corpus grew after the study was drawn: keep the model blind to every item.
        print(
            f"note: {int((folds[rows] != 0).sum())} items are not in today's held-out fold;"
            " they are moved into it so the model never trains on them",
            file=sys.stderr,
        )
        folds[np.isin(groups, groups[rows])] = 0  # with their near-duplicates
    model = held_out_model(DEFAULT_CONFIG, data, folds, groups, seed=0)
    texts = [data.texts[i] for i in rows]
    sets["model"] = model.decide(model.predict_proba(texts)).astype(np.int8)

    pairs = [(a, b) for a, b in combinations(sets, 2)]
    table = {pair: multilabel_metrics(sets[pair[0]], sets[pair[1]], ids) for pair in pairs}
    lines = [
        f"# Annotator agreement on {len(items)} held-out sentences",
        "",
        "Blind re-annotation from the guides; F1 of one label set against the other (symmetric).",
        "Produced by `benchmarks/annotator_agreement.py`.",
        "",
        "| frame | support (corpus) | " + " | ".join(f"{a} vs {b}" for a, b in pairs) + " |",
        "|---|---:|" + "---:|" * len(pairs),
    ]
    for j, frame in enumerate(ids):
        cells = [f"{table[p]['per_frame'][frame]['f1']:.2f}" for p in pairs]
        lines.append(f"| {frame} | {int(sets['corpus'][:, j].sum())} | " + " | ".join(cells) + " |")
    for average in ("macro", "micro"):
        cells = [f"**{table[p][average]['f1']:.3f}**" for p in pairs]
        lines.append(f"| **{average}** | | " + " | ".join(cells) + " |")
    kappas = [
        np.mean([_cohen_kappa(sets[a][:, j], sets[b][:, j]) for j in range(len(ids))])
        for a, b in pairs
    ]
    lines.append("| mean Cohen's kappa | | " + " | ".join(f"{k:.3f}" for k in kappas) + " |")
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
