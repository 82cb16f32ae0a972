"""Sphinx configuration of the sklearn-conv1d documentation.

Build (runs the gallery; about a minute or two on two CPU cores)::

    cd docs && sphinx-build -W -b html . _build/html
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is imported

from docutils import nodes  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # gallery_order

import sklearn_conv1d  # noqa: E402

project = "sklearn-conv1d"
author = "sklearn-conv1d developers"
copyright = "sklearn-conv1d developers"
release = version = sklearn_conv1d.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*/*.ipynb",
    "auto_examples/*/*.py",
    "auto_examples/*.zip",
]

# -- API reference -------------------------------------------------------------
# autosummary writes one page per public object into generated/, from the
# templates in _templates/autosummary (a class page documents its methods,
# inherited scikit-learn ones included, and leaves out scikeras internals).
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_validation_checks = set()

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-conv1d {release}"
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_center": ["sphinx-version"],
}
html_show_sourcelink = False
# Pages without sub-pages get no (empty) section navigation on the left.
html_sidebars = {
    page: [] for page in ["index", "getting_started", "benchmarks", "changelog"]
}
# "fit()" rather than "Conv1DClassifier.fit()" in the page's table of contents.
toc_object_entries_show_parents = "hide"

# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "within_subsection_order": "gallery_order.LearningOrder",
    "remove_config_comments": True,
    # "Examples using Conv1DClassifier" at the end of its API page.
    "doc_module": ("sklearn_conv1d",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_conv1d": None},
}

# -- Cross-references ----------------------------------------------------------
# Builds are offline: no intersphinx inventory is fetched, so references to
# scikit-learn are resolved here instead. Python objects named ``sklearn.*``
# (ours, e.g. :class:`~sklearn.pipeline.Pipeline`, and those in docstrings
# inherited from scikit-learn) link to their page in scikit-learn's API
# reference. scikit-learn's inherited docstrings also use labels of its own
# user guide, e.g. ``score`` (from ``ClassifierMixin``) says
# ``:ref:`accuracy <accuracy_score>```; each such label is listed below with
# its address, as are the glossary terms they use (``:term:`meta-estimator```
# in the ``set_*_request`` methods). Any other unresolved label or term still
# fails the build under -W.
intersphinx_mapping = {}
SKLEARN = "https://scikit-learn.org/stable/"
SET_OUTPUT_EXAMPLE = "auto_examples/miscellaneous/plot_set_output.html"
SKLEARN_LABELS = {
    ("ref", "accuracy_score"): "modules/model_evaluation.html#accuracy-score",
    ("ref", "r2_score"): "modules/model_evaluation.html#r2-score",
    ("ref", "metadata_routing"): "metadata_routing.html",
    # set_output, inherited from TransformerMixin: its user guide and example
    # (the example's page stands for both: it shows the whole API).
    ("ref", "df_output_transform"): SET_OUTPUT_EXAMPLE,
    (
        "ref",
        "sphx_glr_auto_examples_miscellaneous_plot_set_output.py",
    ): SET_OUTPUT_EXAMPLE,
    ("term", "meta-estimator"): "glossary.html#term-meta-estimator",
}


def _resolve_sklearn(app, env, node, contnode):
    domain, target = node.get("refdomain"), node.get("reftarget", "")
    if domain == "std":
        path = SKLEARN_LABELS.get((node.get("reftype"), target))
    elif domain == "py" and target.startswith("sklearn.") and target.count(".") == 2:
        # sklearn.<module>.<Name>: classes and functions have one page each.
        path = f"modules/generated/{target}.html"
    else:
        return None
    if path is None:
        return None
    if domain == "std" and not contnode.astext():
        contnode = nodes.inline(target, target)
    reference = nodes.reference("", "", internal=False, refuri=SKLEARN + path)
    reference += contnode
    return reference


def setup(app):
    app.connect("missing-reference", _resolve_sklearn)
