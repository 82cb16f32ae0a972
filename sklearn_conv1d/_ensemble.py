"""Several networks trained from different initial weights, averaged.

InceptionTime (Ismail Fawaz et al., 2020) is five such networks: averaging
the outputs of networks that differ only in their random start removes much
of what each learned by chance, which on small data sets is much of the
variance between seeds. ``n_networks`` trains them one after the other, each
exactly as a fit seeded with its own seed (see ``network_seed``), and the
fitted ``model_`` is one Keras model: its input feeds every network and an
``Average`` layer averages their outputs. Predict, save, pickle and ONNX
export thus handle it as any network.
"""

import keras

#: The name of the model that averages an ensemble's networks.
ENSEMBLE_NAME = "ensemble"


def average_networks(networks, objects=None):
    """One model whose output is the average of copies of ``networks``' outputs.

    Copies (same weights), named ``network_0``, ``network_1``, ...: calling a
    network on a new input would add a node to its graph for good, and the
    network pool would never see it free again. ``objects`` are the user's
    functions the networks refer to by name (a callable ``activation``).
    """
    copies = []
    with keras.saving.custom_object_scope(objects or {}):
        for index, network in enumerate(networks):
            copy = keras.models.clone_model(network)
            copy.set_weights(network.get_weights())
            copy.name = f"network_{index}"
            copies.append(copy)
    inputs = keras.Input(shape=networks[0].input.shape[1:], name="sequence")
    outputs = keras.layers.Average(name="average")([net(inputs) for net in copies])
    return keras.Model(inputs, outputs, name=ENSEMBLE_NAME)


def networks_of(model):
    """The networks a fitted model averages: itself, unless it is an ensemble."""
    if model.name != ENSEMBLE_NAME:
        return [model]
    return [layer for layer in model.layers if isinstance(layer, keras.Model)]
