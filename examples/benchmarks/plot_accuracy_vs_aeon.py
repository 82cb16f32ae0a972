"""
======================================================
Accuracy over the development suite against MiniRocket
======================================================

``benchmarks/bench_accuracy.py`` fitted, on a 2-core machine,
``Conv1DClassifier()`` at its defaults with seeds 0, 1 and 2
(``bench_accuracy_defaults_3seeds.txt``),
the named configurations ``"lite"``, ``"inception"`` and
``"inception_small"`` with the recipe
their :data:`~sklearn_conv1d.ARCHITECTURES` entries carry, each fit bounded
by the recipe's ``timestep_budget`` (``bench_accuracy_named.txt``, and
``choose_n_networks_inception_small_seed0.txt`` for today's
``"inception_small"``, which averages up to three networks:
``n_networks=3``; its Computers fit, 62.0 s there, ran beside the test
suite and took 40.9 s on the idle machine,
``choose_n_networks_inception_small_retime.txt``), and aeon's
``MiniRocketClassifier()`` in each
run, on the train/test splits of the 31 UCR/UEA data sets of the development
suite (``benchmarks/_datasets.py``), seed 0 but for the defaults, and
recorded the test accuracy
and the wall time of ``fit`` in ``benchmarks/results/``. This script trains
nothing: it parses the files' summary tables and plots the recorded medians,
one point per data set and configuration (the median over the seeds of a
file; MiniRocket's from the first file).
"""

# %%
# Parse the summary table of the results file.
import re
from pathlib import Path

import matplotlib.pyplot as plt

try:
    here = Path(__file__).resolve().parent
except NameError:  # run interactively
    here = Path.cwd()
candidates = [folder / "benchmarks" / "results" for folder in [here, *here.parents]]
folder = next(
    f for f in candidates if (f / "bench_accuracy_defaults_3seeds.txt").is_file()
)
files = [
    folder / name
    for name in (
        "bench_accuracy_defaults_3seeds.txt",
        "bench_accuracy_named.txt",
        "choose_n_networks_inception_small_seed0.txt",
    )
]

SUMMARY = re.compile(
    r"^(?P<dataset>\w+)\s+(?P<name>\S.*?)\s+(?P<acc>[\d.]+) "
    r"\[(?P<lo>[\d.]+), (?P<hi>[\d.]+)\]\s+(?P<fit>[\d.]+)$"
)
rows = {}
for file in files:
    for line in file.read_text().splitlines():
        if (m := SUMMARY.match(line)) is not None:
            rows.setdefault((m["dataset"], m["name"]), m.groupdict())
rows = list(rows.values())
acc = {(r["dataset"], r["name"]): float(r["acc"]) for r in rows}
fit = {(r["dataset"], r["name"]): float(r["fit"]) for r in rows}
datasets = list(dict.fromkeys(r["dataset"] for r in rows))
names = list(dict.fromkeys(r["name"] for r in rows))
reference = "aeon MiniRocket"
ours = [name for name in names if name != reference]
for dataset in datasets:
    print(
        f"{dataset:31s} "
        + "  ".join(
            f"{n}: {acc[dataset, n]:.3f} ({fit[dataset, n]:.1f} s)" for n in names
        )
    )

# %%
# Left: each configuration's median test accuracy against MiniRocket's, one
# point per data set; points below the diagonal are sets where MiniRocket is
# better, the dashed line is 5 points below it. Right: median fit time, the
# data sets sorted by MiniRocket's.
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5))
for i, name in enumerate(ours):
    left.scatter(
        [acc[d, reference] for d in datasets],
        [acc[d, name] for d in datasets],
        color=f"C{i}",
        label=name,
    )
left.plot([0, 1], [0, 1], color="grey", lw=1)
left.plot([0.05, 1], [0, 0.95], color="grey", lw=1, ls="--")
left.set_xlabel("MiniRocket test accuracy (median over seeds)")
left.set_ylabel("Conv1DClassifier test accuracy (median over seeds)")
left.set_xlim(0.3, 1.01)
left.set_ylim(0.3, 1.01)
left.grid(alpha=0.3)
left.legend(fontsize="small")
order = sorted(datasets, key=lambda d: fit[d, reference])
for i, name in enumerate(names):
    right.plot(
        range(len(order)),
        [fit[d, name] for d in order],
        marker="o",
        ls="none",
        color=f"C{i}" if name != reference else "black",
        label=name,
    )
right.set_yscale("log")
right.set_xticks(range(len(order)), order, rotation=90, fontsize="x-small")
right.set_ylabel("fit time, s (2 CPU cores, log scale)")
right.grid(alpha=0.3)
right.legend(fontsize="small")
fig.tight_layout()
plt.show()
