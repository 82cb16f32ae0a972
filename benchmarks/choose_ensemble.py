"""What averaging the probabilities of several seeds' fits buys, set by set.

Run
---
    python benchmarks/choose_ensemble.py CONFIG SET [SET ...]

(a configuration as ``bench_accuracy.py`` reads it, e.g.
``inception_small``, and names of sets of the development suite; needs the
``[benchmarks]`` extra and the UCR files. Prints one line per set.)

Why
---
InceptionTime (Ismail Fawaz et al., 2020) is an ensemble of five networks
that differ only in their initial weights, and between seeds a set of the
suite moves by up to 6 points with ``"inception_small"``. This script fits
the configuration with seeds 0, 1 and 2 and prints, for each set, the test
accuracy of each fit and their mean, of the average of the first two fits'
``predict_proba`` ("ens2") and of all three ("ens3"), and the fit times: an
ensemble of k such networks costs k fits.

Measured (``benchmarks/results/choose_ensemble.txt``) on nine sets where
``"inception_small"`` trails MiniRocket and a fit takes 7 to 24 s, the mean
accuracy of one network is 0.844, of two averaged 0.860 and of three 0.856:
1 to 2 points for two or three times the fit. Within the 60 s a fit of
the best named configuration may take on two cores, an ensemble would need
budgets a half or a third of today's, which the sets bound by the budget
(ACSF1, FiftyWords, InsectWingbeatSound) cannot spare. So the estimators'
``n_networks`` shares the budget instead: a fit trains as many networks as
the budget affords with all their epochs, and the sets it binds keep one.
``"inception_small"`` sets ``n_networks=3`` since
(``choose_n_networks_inception_small_seed*.txt``).
"""

import sys
import time

import numpy as np
from _datasets import load
from bench_accuracy import make_classifier

SEEDS = (0, 1, 2)


def _accuracy(probas, classes, y):
    """The accuracy of the average of ``probas``."""
    return np.mean(classes[np.mean(probas, axis=0).argmax(1)] == y)


def main(config, names):
    for name in names:
        data = load(name)
        probas, accs, times = [], [], []
        for seed in SEEDS:
            clf = make_classifier(config, data, seed)
            start = time.perf_counter()
            clf.fit(data.X_train, data.y_train)
            times.append(time.perf_counter() - start)
            probas.append(clf.predict_proba(data.X_test))
            accs.append(_accuracy(probas[-1:], clf.classes_, data.y_test))

        ens2 = _accuracy(probas[:2], clf.classes_, data.y_test)
        ens3 = _accuracy(probas, clf.classes_, data.y_test)
        print(
            f"{name:30s} single {' '.join(f'{a:.3f}' for a in accs)} "
            f"mean {np.mean(accs):.3f}  ens2 {ens2:.3f} ens3 {ens3:.3f}  "
            f"fit {' '.join(f'{t:.0f}' for t in times)}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
