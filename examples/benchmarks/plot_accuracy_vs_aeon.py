"""
======================================================
Accuracy and fit time against aeon's classifiers
======================================================

``benchmarks/bench_accuracy.py`` fitted, in one run on a 2-core machine,
``Conv1DClassifier`` with its defaults, every network of
:data:`~sklearn_conv1d.ARCHITECTURES` with a long-budget training recipe
(per-series normalisation, batch size 16, learning rate halved on plateaus,
best training-loss weights kept, 60 s per fit), and aeon's
``MiniRocketClassifier`` and ``TimeCNNClassifier`` (2000 epochs, its
default), on UCR/UEA train/test splits that aeon bundles; the recorded run
covers the four not looked at before any choice (ArrowHead, BasicMotions,
OSULeaf, ACSF1). It recorded the test accuracy and the wall time of ``fit`` in
``benchmarks/results/bench_accuracy.txt``. This script trains nothing: it
parses that file and plots the recorded numbers (median over three seeds,
bars from the worst to the best seed; TimeCNN: one seed).
"""

# %%
# Parse the summary table at the end of the results file.
import re
from pathlib import Path

import matplotlib.pyplot as plt

try:
    here = Path(__file__).resolve().parent
except NameError:  # run interactively
    here = Path.cwd()
candidates = [folder / "benchmarks" / "results" for folder in [here, *here.parents]]
results = next(
    folder / "bench_accuracy.txt"
    for folder in candidates
    if (folder / "bench_accuracy.txt").is_file()
)

SUMMARY = re.compile(
    r"^(?P<dataset>\w+)\s+(?P<name>.+?)\s+(?P<acc>[\d.]+) "
    r"\[(?P<lo>[\d.]+), (?P<hi>[\d.]+)\]\s+(?P<fit>[\d.]+)\s+(?P<ratio>[\d.]+)$"
)
# Rows after the "-- data sets not used for any choice --" line are unseen.
rows, after_marker = [], False
for line in results.read_text().splitlines():
    after_marker = after_marker or line.startswith("-- data sets not used")
    if (m := SUMMARY.match(line)) is not None:
        rows.append({**m.groupdict(), "unseen": after_marker})
for row in rows:
    print(
        f"{row['dataset']:17s} {row['name']:24s} accuracy {float(row['acc']):.3f}, "
        f"fit {float(row['fit']):7.1f} s ({float(row['ratio']):.3f} x TimeCNN's)"
    )

# %%
# Test accuracy against fit time (log scale), one panel per data set. Ours are
# the filled markers.
datasets = list(dict.fromkeys(r["dataset"] for r in rows))
nrows = -(-len(datasets) // 4)
fig, axes = plt.subplots(nrows, 4, figsize=(14, 1.2 + 3.8 * nrows), squeeze=False)
axes = axes.ravel()
names = list(dict.fromkeys(row["name"] for row in rows))
markers = dict(zip(names, "os^Dv<>Ph", strict=False))
for ax, dataset in zip(axes, datasets, strict=False):
    for row in (r for r in rows if r["dataset"] == dataset):
        acc, lo, hi = (float(row[k]) for k in ("acc", "lo", "hi"))
        ours = row["name"].startswith("ours")
        ax.errorbar(
            float(row["fit"]),
            acc,
            # the median has 4 decimals, the range 3: clip rounding.
            yerr=[[max(acc - lo, 0)], [max(hi - acc, 0)]],
            marker=markers[row["name"]],
            markersize=9,
            capsize=3,
            color=f"C{names.index(row['name'])}",
            markerfacecolor=None if ours else "none",
            linestyle="none",
            label=row["name"],
        )
    ax.set_xscale("log")
    unseen = any(r["unseen"] for r in rows if r["dataset"] == dataset)
    ax.set_title(dataset + (" (unseen)" if unseen else ""))
    ax.set_xlabel("fit time, s (2 CPU cores, log scale)")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
for ax in axes[len(datasets) :]:
    ax.axis("off")
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=4, fontsize="small")
fig.tight_layout(rect=(0, 1 / (1 + 3.2 * nrows), 1, 1))
plt.show()
