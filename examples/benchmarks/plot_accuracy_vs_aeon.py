"""
======================================================
Accuracy and fit time against aeon's classifiers
======================================================

``benchmarks/bench_accuracy.py`` fitted, in one run on a 2-core machine,
``Conv1DClassifier`` with its defaults and in an FCN-style configuration
(three conv blocks with batch normalisation and global average pooling, still
at the default 100 epochs), and aeon's ``TimeCNNClassifier`` and
``FCNClassifier`` (2000 epochs each, their defaults) and
``MiniRocketClassifier``, on the UCR train/test splits of GunPoint and
ItalyPowerDemand that aeon bundles. It recorded the test accuracy and the wall
time of ``fit`` in ``benchmarks/results/bench_accuracy.txt``. This script
trains nothing: it parses that file and plots the recorded numbers (ours and
MiniRocket: median over three seeds, bars from the worst to the best seed;
aeon's deep learners: one seed, as each takes minutes).
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
rows = [
    m.groupdict()
    for m in map(SUMMARY.match, results.read_text().splitlines())
    if m is not None
]
for row in rows:
    print(
        f"{row['dataset']:17s} {row['name']:34s} accuracy {float(row['acc']):.3f}, "
        f"fit {float(row['fit']):7.1f} s ({float(row['ratio']):.3f} x TimeCNN's)"
    )

# %%
# Test accuracy against fit time (log scale), one panel per data set. Ours are
# the filled markers.
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
names = list(dict.fromkeys(row["name"] for row in rows))
markers = dict(zip(names, "os^Dv", strict=False))
for ax, dataset in zip(axes, dict.fromkeys(r["dataset"] for r in rows), strict=False):
    for row in (r for r in rows if r["dataset"] == dataset):
        acc, lo, hi = (float(row[k]) for k in ("acc", "lo", "hi"))
        ours = row["name"].startswith("Conv1DClassifier")
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
    ax.set_title(dataset)
    ax.set_xlabel("fit time, s (2 CPU cores, log scale)")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=3, fontsize="small")
fig.tight_layout(rect=(0, 0.12, 1, 1))
plt.show()
