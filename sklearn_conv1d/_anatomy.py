"""The parts of a built network that ``transform`` and inspection read.

Keras and NumPy only, no scikit-learn. The estimators' networks (see
``_network``) run ``input -> convolutional blocks -> last feature map ->
head -> output layer``, where the last feature map is the last tensor with a
time axis and the head a chain of layers (``Flatten`` or global pooling,
dropout, dense layers). Two things are read from a fitted network:

- its *embedding*: what the output layer reads, for ``transform``;
- its *feature maps*: the last feature map, the head and output layer that
  turn it into scores, and where each feature-map position sits on the
  input's time axis, for class activation maps (``_inspection``).

Nothing here changes the network, caches anything or holds a reference to
it after returning. Networks are pooled and handed to other estimators once
no one holds them (``_model_pool`` checks this with the network's reference
count), and a sub-model built from an *intermediate* tensor would call the
later layers again, adding nodes to them for good. So sub-models here start
at the network's own input, which adds nothing to any layer, are built anew
for each call (a few milliseconds) and run eagerly, without a traced
function; the head is applied by calling its layers on concrete tensors.
"""

from dataclasses import dataclass

import keras
import numpy as np

from ._ensemble import networks_of

#: Layers that make a network convolutional.
CONVOLUTIONS = (
    keras.layers.Conv1D,
    keras.layers.SeparableConv1D,
    keras.layers.DepthwiseConv1D,
)
#: Layers that slide a window along the time axis: convolutions and pooling.
_WINDOWS = (*CONVOLUTIONS, keras.layers.MaxPooling1D, keras.layers.AveragePooling1D)


def output_layer(model):
    """The layer that computes the network's output.

    Raises
    ------
    ValueError
        If the network has more than one output.
    """
    if len(model.outputs) != 1:
        raise ValueError(
            f"The network has {len(model.outputs)} outputs; sklearn-conv1d reads "
            "networks of one output layer."
        )
    (output,) = model.outputs
    return next(layer for layer in model.layers if layer.output is output)


def embedding_width(model):
    """Number of features the output layer reads (all the output layers of an
    ensemble's networks, side by side)."""
    return sum(
        int(output_layer(network).input.shape[-1]) for network in networks_of(model)
    )


def embed(model, X, batch_size):
    """What the output layer reads for each sequence of ``X``, as float64.

    ``X`` is ``(n, timesteps, channels)`` float32, as the network takes it.
    For an ensemble, what each network's output layer reads, one network
    after the other. The sub-model runs in inference mode (no dropout,
    batch-norm moving statistics), on blocks of ``batch_size`` rows (see
    :func:`in_blocks`).
    """
    networks = networks_of(model)
    if len(networks) > 1:
        return np.hstack([embed(network, X, batch_size) for network in networks])
    network = keras.Model(model.input, output_layer(model).input)
    return in_blocks(
        lambda block: keras.ops.convert_to_numpy(network(block, training=False)),
        X,
        batch_size,
    ).astype(np.float64)


def in_blocks(function, X, batch_size):
    """``function`` on ``X`` in blocks of exactly ``batch_size`` rows.

    The last block is zero-padded and the padding's rows dropped, as the
    estimators' predict does: every row goes through the network in a batch
    of one shape, so a row's result does not depend on which or how many
    rows come with it (scikit-learn's checks compare a subset's results with
    the whole's).
    """
    n = len(X)
    padded = np.zeros((-(-n // batch_size) * batch_size, *X.shape[1:]), X.dtype)
    padded[:n] = X
    blocks = range(0, len(padded), batch_size)
    return np.concatenate([function(padded[i : i + batch_size]) for i in blocks])[:n]


@dataclass(frozen=True)
class FeatureMaps:
    """The last feature map of a network and how it becomes the output.

    Attributes
    ----------
    features : keras.Model
        From the network's input to ``[feature map, embedding]``: the feature
        map ``(n, positions, channels)`` and what the output layer reads.
    head : tuple of keras.layers.Layer
        The chain of layers from the feature map to the embedding.
    output : keras.layers.Layer
        The output layer.
    path : tuple of keras.layers.Layer
        The layers from the input to the feature map, along its first inputs.
    global_average : bool
        Whether the head only averages the feature map over time (and drops
        out) before a ``Dense`` output layer: the network CAM applies to.
    """

    features: keras.Model
    head: tuple
    output: keras.layers.Layer
    path: tuple
    global_average: bool

    def scores(self, embedding):
        """The output layer's scores before its activation (logits), as a tensor.

        Grad-CAM and CAM explain the class score before the softmax; a
        ``Dense`` output's is ``embedding @ kernel + bias``.
        """
        layer = self.output
        if not isinstance(layer, keras.layers.Dense):
            return layer(embedding, training=False)
        scores = keras.ops.matmul(embedding, layer.kernel)
        return scores + layer.bias if layer.use_bias else scores

    def head_scores(self, feature_map):
        """The scores from the feature map, through the head's layers."""
        x = feature_map
        for layer in self.head:
            x = layer(x, training=False)
        return self.scores(x)

    def describe_head(self):
        """The head and output layer by type, e.g. ``'Flatten -> Dense -> Dense'``."""
        return " -> ".join(type(layer).__name__ for layer in (*self.head, self.output))

    def centres(self, n_timesteps, n_positions):
        """Where each feature-map position sits on an input of ``n_timesteps``.

        Follows the time axis through every convolution and pooling layer on
        the path with Keras's length arithmetic (kernel span, stride, and the
        left padding of ``"same"`` and ``"causal"``): a position's centre is
        the centre of the input window it reads. Should the path hold a layer
        that changes the length in another way, the positions are spread
        evenly over the input instead.

        Returns
        -------
        ndarray of shape (n_positions,)
            Increasing, in input timesteps (fractional: the centre of an
            even window falls between two timesteps).
        """
        offset, stride, length = 0.0, 1, n_timesteps
        for layer in self.path:
            if not isinstance(layer, _WINDOWS):
                continue
            if isinstance(layer, CONVOLUTIONS):
                span = (layer.kernel_size[0] - 1) * layer.dilation_rate[0] + 1
            else:
                span = layer.pool_size[0]
            step = layer.strides[0]
            if layer.padding == "valid":
                out, left = (length - span) // step + 1, 0
            elif layer.padding == "causal":
                out, left = -(-length // step), span - 1
            else:  # "same": Keras pads half, the odd timestep on the right
                out = -(-length // step)
                left = max((out - 1) * step + span - length, 0) // 2
            offset += stride * ((span - 1) / 2 - left)
            stride *= step
            length = out
        if length != n_positions:
            return (np.arange(n_positions) + 0.5) * n_timesteps / n_positions - 0.5
        return offset + stride * np.arange(n_positions)


def feature_maps(model, name):
    """Find the last feature map of ``model`` and what reads it.

    Parameters
    ----------
    model : keras.Model
        A built network of one input and one output.
    name : str
        How to call the network's owner in error messages.

    Returns
    -------
    FeatureMaps

    Raises
    ------
    ValueError
        If the network has no convolutional layer before a tensor with a time
        axis, or reads its last feature map other than through a chain of
        layers.
    """
    layers = model.layers
    last = max(
        (i for i, layer in enumerate(layers) if len(_single(layer.output).shape) == 3),
        default=None,
    )
    if last is None or not any(
        isinstance(layer, CONVOLUTIONS) for layer in layers[: last + 1]
    ):
        raise ValueError(
            f"The network of this {name} has no convolutional layer (Conv1D, "
            "SeparableConv1D or DepthwiseConv1D) before its last tensor with a "
            "time axis: class activation maps weigh the feature maps of a "
            f"convolutional layer. Layers: {[type(x).__name__ for x in layers]}."
        )
    feature_map = layers[last].output
    output = output_layer(model)
    head, x = [], feature_map
    for layer in layers[last + 1 :]:
        if layer is output:
            break
        head.append(layer)
        x = _follow(layer, x, name)
    _follow(output, x, name)
    global_average = isinstance(output, keras.layers.Dense) and [
        type(layer) for layer in head if not isinstance(layer, keras.layers.Dropout)
    ] == [keras.layers.GlobalAveragePooling1D]
    return FeatureMaps(
        features=keras.Model(model.input, [feature_map, output.input]),
        head=tuple(head),
        output=output,
        path=_path(layers, feature_map),
        global_average=global_average,
    )


def _single(tensors):
    return tensors[0] if isinstance(tensors, (list, tuple)) else tensors


def _follow(layer, x, name):
    """``layer``'s output, after checking that it reads ``x`` alone."""
    if layer.input is not x:
        raise ValueError(
            f"The network of this {name} reads its last feature map through "
            f"layers that branch or merge ({type(layer).__name__} "
            f"{layer.name!r}); class activation maps need a chain of layers "
            "from the last feature map to the output."
        )
    return layer.output


def _path(layers, tensor):
    """The layers from the input to ``tensor``, following each one's first input."""
    producers = {id(_single(layer.output)): layer for layer in layers}
    path = []
    layer = producers[id(tensor)]
    while not isinstance(layer, keras.layers.InputLayer):
        path.append(layer)
        layer = producers[id(_single(layer.input))]
    return tuple(reversed(path))
