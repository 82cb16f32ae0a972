"""
=====================================================================
Multichannel sequences of unequal length: JapaneseVowels
=====================================================================

JapaneseVowels (bundled with aeon) holds recordings of nine speakers saying
the vowels "ae": each utterance is 12 channels (LPC cepstrum coefficients)
over 7 to 29 frames, and the task is to recognise the speaker. aeon loads it
as a **list** of channels-first arrays of shape ``(12, length_i)``, which
:class:`~sklearn_conv1d.Conv1DClassifier` takes as it is with
``data_format="channels_first"``: it pads each sequence with zeros at the end
to the longest training length.

A test sequence longer than every training sequence is never silently cut
(see :doc:`/data_layouts`). Here the longest test utterance (29 frames) is
longer than the longest training one (26): with the default, flattening
network we build it for 29 frames with ``sequence_length``; a network with a
global-pooling head reads the longer utterances whole, with no setting at
all. The default network trains in a few seconds.
"""

# %%
# Load the data and look at the lengths.
import matplotlib.pyplot as plt
import numpy as np
from aeon.datasets import load_classification
from sklearn.metrics import ConfusionMatrixDisplay

from sklearn_conv1d import Conv1DClassifier

X_train, y_train = load_classification("JapaneseVowels", split="train")
X_test, y_test = load_classification("JapaneseVowels", split="test")
train_lengths = [x.shape[-1] for x in X_train]
test_lengths = [x.shape[-1] for x in X_test]
print(
    f"{len(X_train)} training and {len(X_test)} test utterances, "
    f"{X_train[0].shape[0]} channels, {len(set(y_train))} speakers"
)
print(
    f"training lengths {min(train_lengths)}-{max(train_lengths)}, "
    f"test lengths {min(test_lengths)}-{max(test_lengths)}"
)

# %%
# Fitting on the list as loaded works, and builds the network for the longest
# training sequence; predicting on the test set then raises, because some test
# utterances are longer and the flattening head reads a fixed length.
clf = Conv1DClassifier(data_format="channels_first", random_state=0)
clf.fit(X_train, y_train)
print(f"input_shape_ (timesteps, channels): {clf.input_shape_}")
try:
    clf.predict(X_test)
except ValueError as error:
    print(f"ValueError: {str(error)[:120]}...")

# %%
# The fix the error names: build the network for the longest length of the
# whole data set with ``sequence_length``. Every sequence, train or test, is
# zero-padded at the end to it. In a cross-validation or a grid search, set it
# once to the data set's longest sequence, whichever fold holds it.
longest = max(train_lengths + test_lengths)
clf.set_params(sequence_length=longest).fit(X_train, y_train)
print(f"input_shape_ (timesteps, channels): {clf.input_shape_}")
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# A global-pooling head reads any length: built for the longest training
# sequence, it reads a longer test utterance whole, at its own length.
gap = Conv1DClassifier(
    data_format="channels_first", global_pooling="avg", random_state=0
).fit(X_train, y_train)
print(
    f"global pooling: input_shape_ {gap.input_shape_}, "
    f"test accuracy {gap.score(X_test, y_test):.3f}"
)
X_train_padded = [np.pad(x, [(0, 0), (0, longest - x.shape[-1])]) for x in X_train]

# %%
# Two utterances of different lengths, as the network sees them after padding
# (one line per channel), and the confusion matrix over the nine speakers.
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, i in zip(
    axes, [int(np.argmin(train_lengths)), int(np.argmax(train_lengths))], strict=False
):
    ax.plot(X_train_padded[i].T, linewidth=1)
    ax.axvline(train_lengths[i] - 0.5, color="grey", linestyle="--")
    ax.set_title(f"speaker {y_train[i]}: {train_lengths[i]} frames + padding")
    ax.set_xlabel("frame")
fig.tight_layout()

fig, ax = plt.subplots(figsize=(6, 5.5))
ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test, ax=ax, colorbar=False)
ax.set_title("JapaneseVowels test set (370 utterances)")
fig.tight_layout()
plt.show()
