"""Sphinx configuration of the sklearn-conv1d documentation."""

import os

import sklearn_conv1d

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

project = "sklearn-conv1d"
author = "sklearn-conv1d developers"
release = version = sklearn_conv1d.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autosummary_generate = True
numpydoc_show_class_members = False
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
html_theme = "pydata_sphinx_theme"
html_title = "sklearn-conv1d"
intersphinx_mapping = {}  # offline builds: no inventories are fetched

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
}
