"""Combine runs of bench_accuracy.py into one figure per seed and over all seeds.

Seeds are often run apart (seed 0 in one file, seeds 1 and 2 in another).
Each ``--run FILE CONFIG`` names a results file of ``bench_accuracy.py`` and
the configuration in it to read; every seed the file holds is taken. For each
seed: the mean test accuracy over the file's data sets, MiniRocket's at the
same seed in the same file, the gap in points, the sets within 5 points of
MiniRocket, and the median and largest fit time. Then the mean over all the
seeds, against MiniRocket's mean over the same seeds. It fits nothing::

    python benchmarks/combine_seeds.py \\
        --run bench_accuracy_inception_small.txt inception_small \\
        --run choose_learning_rate_inception_small_seed12.txt \\
              inception_small:learning_rate=0.002 \\
        --run bench_accuracy_inception_small_seed34.txt inception_small \\
        --out combine_seeds_inception_small

Files are read from ``benchmarks/results/`` unless given with a folder.
"""

import argparse
import re
import shlex
import statistics
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
MINIROCKET = "aeon MiniRocket"
DATASET = re.compile(r"^(\w+): \d+ train")
SEEDS = re.compile(r"^seeds \[([\d, ]+)\]")
RUN = re.compile(r"^  (\S.*?)\s+acc ([\d. ]+?)\s+fit\s+([\d. ]+?) s")


def read_runs(path, config):
    """``{seed: {dataset: (accuracy, fit s)}}``: ``config``'s, MiniRocket's."""
    runs = {config: {}, MINIROCKET: {}}
    dataset, seeds = None, None
    for line in path.read_text().splitlines():
        if seeds is None and (m := SEEDS.match(line)) is not None:
            seeds = [int(seed) for seed in m[1].split(",")]
        elif (m := DATASET.match(line)) is not None:
            dataset = m[1]
        elif (m := RUN.match(line)) is not None and m[1] in runs:
            pairs = zip(map(float, m[2].split()), map(float, m[3].split()), strict=True)
            for seed, pair in zip(seeds, pairs, strict=True):
                runs[m[1]].setdefault(seed, {})[dataset] = pair
    if not runs[config]:
        raise SystemExit(f"{path} holds no run of {config!r}.")
    return runs[config], runs[MINIROCKET]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--run", nargs=2, action="append", required=True, metavar=("FILE", "CONFIG")
    )
    parser.add_argument("--out", help="results file name (without .txt)")
    args = parser.parse_args(argv)
    lines = []

    def say(line=""):
        print(line)
        lines.append(line)

    ours, theirs, fits = [], [], []
    say(
        f"{'file':52s} {'seed':>4s} {'mean':>6s} {'MiniRocket':>10s} {'points':>6s}"
        f" {'within 5':>8s} {'fit median':>10s} {'max':>5s}"
    )
    for file, config in args.run:
        path = Path(file) if Path(file).parent != Path(".") else RESULTS / file
        runs, reference = read_runs(path, config)
        for seed, run in runs.items():
            ref = reference[seed]
            mean = statistics.mean(acc for acc, _ in run.values())
            ref_mean = statistics.mean(ref[d][0] for d in run)
            close = sum(run[d][0] >= ref[d][0] - 0.05 for d in run)
            times = [fit for _, fit in run.values()]
            say(
                f"{path.name:52s} {seed:4d} {mean:.4f} {ref_mean:10.4f} "
                f"{100 * (mean - ref_mean):+6.2f} {close:4d}/{len(run):<3d} "
                f"{statistics.median(times):10.1f} {max(times):5.1f}"
            )
            ours.append(mean)
            theirs.append(ref_mean)
            fits += times
    say()
    say(
        f"Over the {len(ours)} seeds: {statistics.mean(ours):.4f} against "
        f"MiniRocket's {statistics.mean(theirs):.4f} "
        f"({100 * (statistics.mean(ours) - statistics.mean(theirs)):+.2f} points); "
        f"fit median {statistics.median(fits):.1f} s, largest {max(fits):.1f} s "
        f"over the {len(fits)} fits"
    )
    if args.out:
        command = shlex.join(["python", "benchmarks/combine_seeds.py", *sys.argv[1:]])
        text = "\n".join([f"$ {command}", "", *lines]) + "\n"
        (RESULTS / f"{args.out}.txt").write_text(text)


if __name__ == "__main__":
    sys.exit(main())
