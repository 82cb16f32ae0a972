"""Order of the gallery examples: from a first fit to the specialised topics."""

ORDER = [
    "plot_quickstart.py",
    "plot_cross_validation.py",
    "plot_grid_search.py",
    "plot_pipeline.py",
    "plot_early_stopping.py",
    "plot_multichannel_unequal.py",
    "plot_regression.py",
    "plot_class_activation_maps.py",
    "plot_seed_ensemble.py",
    "plot_mlflow_onnx.py",
]


class LearningOrder:
    """sphinx-gallery ``within_subsection_order``: ORDER first, then by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        rank = ORDER.index(filename) if filename in ORDER else len(ORDER)
        return rank, filename

    def __repr__(self):
        return f"{type(self).__name__}()"
