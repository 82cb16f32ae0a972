"""
========================================================
How the first default epochs and batch size were chosen
========================================================

``benchmarks/choose_defaults.py`` fitted the default network on GunPoint and
ItalyPowerDemand for every combination of ``epochs`` in 25/50/100/200 and
``batch_size`` in 16/32/64, with three seeds each, on a 2-core machine, and
recorded the test accuracies and fit times in
``benchmarks/results/choose_defaults.txt``. This script trains nothing: it
parses that file and plots the recorded numbers (the median over the three
seeds, with the range from the worst to the best seed). These were the first
defaults; the defaults' training was later chosen on the 31 sets of the
development suite (200 epochs at a learning rate of 0.002, with random time
shifts: see the benchmarks page).
"""

# %%
# Parse the results table.
from pathlib import Path

import matplotlib.pyplot as plt


def find_results(name):
    """Find ``benchmarks/results/<name>`` from the repository or its examples."""
    try:
        here = Path(__file__).resolve().parent
    except NameError:  # run interactively
        here = Path.cwd()
    for folder in [here, *here.parents]:
        path = folder / "benchmarks" / "results" / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"benchmarks/results/{name} not found above {here}")


rows = []
for line in find_results("choose_defaults.txt").read_text().splitlines():
    fields = line.split()
    if len(fields) >= 8 and fields[0] in ("GunPoint", "ItalyPowerDemand"):
        rows.append(
            {
                "dataset": fields[0],
                "batch_size": int(fields[1]),
                "epochs": int(fields[2]),
                "acc_med": float(fields[3]),
                "acc_min": float(fields[5]),
                "acc_max": float(fields[6]),
                "fit_s": float(fields[7]),
            }
        )
print(f"{len(rows)} recorded configurations")
for row in rows:
    if row["batch_size"] == 32 and row["epochs"] == 100:
        print(
            f"first default (batch_size=32, epochs=100) on {row['dataset']}: median "
            f"test accuracy {row['acc_med']:.3f}, median fit {row['fit_s']:.2f} s"
        )

# %%
# Median test accuracy (bars: worst and best seed) and median fit time against
# the number of epochs, one line per batch size. The first default, 100 epochs
# of batches of 32, is circled.
datasets = ["GunPoint", "ItalyPowerDemand"]
fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
for col, dataset in enumerate(datasets):
    ax_acc, ax_time = axes[0, col], axes[1, col]
    for batch_size, color in zip([16, 32, 64], ["C0", "C1", "C2"], strict=False):
        sel = [
            r for r in rows if r["dataset"] == dataset and r["batch_size"] == batch_size
        ]
        epochs = [r["epochs"] for r in sel]
        med = [r["acc_med"] for r in sel]
        err = [
            [m - r["acc_min"] for m, r in zip(med, sel, strict=False)],
            [r["acc_max"] - m for m, r in zip(med, sel, strict=False)],
        ]
        ax_acc.errorbar(
            epochs,
            med,
            yerr=err,
            marker="o",
            capsize=3,
            color=color,
            label=f"batch_size={batch_size}",
        )
        ax_time.plot(
            epochs,
            [r["fit_s"] for r in sel],
            marker="o",
            color=color,
            label=f"batch_size={batch_size}",
        )
    (default,) = [
        r
        for r in rows
        if r["dataset"] == dataset and r["batch_size"] == 32 and r["epochs"] == 100
    ]
    ax_acc.plot(
        100,
        default["acc_med"],
        "o",
        markersize=14,
        markerfacecolor="none",
        markeredgecolor="black",
        label="first default",
    )
    ax_acc.set_title(dataset)
    ax_acc.set_ylabel("test accuracy (median of 3 seeds)")
    ax_time.set_ylabel("fit time, s (median, 2 CPU cores)")
    ax_time.set_xlabel("epochs")
    ax_time.set_xscale("log", base=2)
    ax_time.set_xticks([25, 50, 100, 200], labels=["25", "50", "100", "200"])
axes[0, 0].legend(loc="lower right")
fig.tight_layout()
plt.show()
