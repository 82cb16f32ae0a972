"""Small generated sequences shared by the tests."""

import numpy as np


def make_sequences(n_samples=60, n_timesteps=24, n_channels=1, n_classes=2, seed=0):
    """Noisy sine waves whose frequency depends on the class.

    Returns ``(X, y)``: ``X`` is 2D ``(n_samples, n_timesteps)`` float32 for one
    channel, else 3D channels-last; ``y`` cycles through ``range(n_classes)``.
    """
    rng = np.random.RandomState(seed)
    y = np.arange(n_samples) % n_classes
    t = np.linspace(0, 1, n_timesteps)
    X = np.sin(2 * np.pi * (1 + 2 * y[:, None, None]) * t[None, :, None])
    X = (X + 0.3 * rng.randn(n_samples, n_timesteps, n_channels)).astype(np.float32)
    return (X[:, :, 0] if n_channels == 1 else X), y
