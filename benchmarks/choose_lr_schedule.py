"""A cosine learning-rate decay for the long recipe, screened on the suite.

Run
---
    python benchmarks/choose_lr_schedule.py --config \
        "inception_small:reduce_lr_patience=None,cosine=1" --datasets suite \
        --seeds 0 --out choose_lr_schedule

(the arguments of ``bench_accuracy.py``; needs its ``[benchmarks]`` extra and
the UCR files; about 15 minutes on 2 cores with TensorFlow; also written to
``benchmarks/results/<NAME>.txt``.)

Why
---
Within their timestep budgets the long recipes run 20 to 130 epochs on the
larger sets of the suite, too few for the recipe's plateau schedule (the
rate halved after 20 stalled epochs) to act. A rate decayed to zero over the
fit's budgeted epochs is the usual schedule for a short, fixed budget. This
script is ``bench_accuracy.py`` with one more configuration key: ``cosine=1``
adds a callback that sets the rate of epoch ``e`` of ``E`` (the epochs left
by ``epochs`` and ``timestep_budget``) to ``learning_rate * (1 + cos(pi * e /
E)) / 2``. Early stopping still applies.

Measured over the suite (seed 0; ``benchmarks/results/choose_lr_schedule.txt``
against ``bench_accuracy_inception_small.txt``), ``"inception_small"`` with
the cosine decay scores 0.854 against 0.853 with its plateau schedule:
sets move by up to 5 points either way (InsectWingbeatSound +4.9, ArrowHead
+4.6, FiftyWords -3.3, CricketX -3.1), as much as a change of seed moves
them (``bench_accuracy_inception_small_seed1.txt``: ArrowHead +5.1, Ham
-4.7), and the mean does not move. The recipe keeps its plateau schedule.
"""

import math
import sys

import bench_accuracy
import keras


class CosineDecay(keras.callbacks.Callback):
    """Decay the learning rate to zero over the fit's epochs, by a half cosine."""

    def on_train_begin(self, logs=None):
        self.initial = float(self.model.optimizer.learning_rate)

    def on_epoch_begin(self, epoch, logs=None):
        fraction = epoch / self.params["epochs"]
        self.model.optimizer.learning_rate = (
            self.initial * 0.5 * (1 + math.cos(math.pi * fraction))
        )


_make_classifier = bench_accuracy.make_classifier


def make_classifier(config, dataset, seed, budget=None):
    """``bench_accuracy``'s estimator, with :class:`CosineDecay` for ``cosine=1``.

    The key is read as ``bench_accuracy`` reads the others, wherever it
    stands among them; the rest of the configuration is passed on.
    """
    base, overrides = bench_accuracy.parse_config(config)
    cosine = overrides.pop("cosine", False)
    rest = ",".join(f"{key}={value!r}" for key, value in overrides.items())
    clf = _make_classifier(f"{base}:{rest}" if rest else base, dataset, seed, budget)
    if cosine:
        clf.set_params(callbacks=[*(clf.callbacks or []), CosineDecay()])
    return clf


if __name__ == "__main__":
    bench_accuracy.make_classifier = make_classifier
    bench_accuracy.COMMAND = "python benchmarks/choose_lr_schedule.py"
    sys.exit(bench_accuracy.main())
