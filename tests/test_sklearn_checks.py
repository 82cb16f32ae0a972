"""scikit-learn's estimator checks, run on the estimators with default parameters."""

import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.estimator_checks import (
    check_global_output_transform_pandas,
    check_set_output_transform,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    estimator_checks_generator,
    parametrize_with_checks,
)

from sklearn_conv1d import Conv1DClassifier, Conv1DRegressor

# Each entry is a check that cannot pass by construction, with the reason.
_SAMPLE_WEIGHT_EQUIVALENCE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "time_shift draws each row's shifts (of 1 timestep on these 30) apart, "
        "so a repeated row trains on other shifts than its weighted original "
        "(0.08 apart); with time_shift=0 weights train as repeated rows (one "
        "full batch here), but float32 sums in another order differ by ~1e-7, "
        "beyond the check's rtol=1e-7; MLPClassifier, in float64, passes it"
    ),
}
EXPECTED_FAILED_CHECKS = {
    "Conv1DClassifier": _SAMPLE_WEIGHT_EQUIVALENCE,
    "Conv1DRegressor": _SAMPLE_WEIGHT_EQUIVALENCE,
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(
    [Conv1DClassifier(), Conv1DRegressor()],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "ours, mlp",
    [(Conv1DClassifier(), MLPClassifier()), (Conv1DRegressor(), MLPRegressor())],
)
def test_runs_at_least_as_many_checks_as_mlp(ours, mlp):
    def count(estimator):
        return sum(1 for _ in estimator_checks_generator(estimator, mark="skip"))

    assert count(ours) >= count(mlp)


# Checks of the transformer API (feature names, set_output) that scikit-learn
# runs on its own transformers but parametrize_with_checks does not yield.
@pytest.mark.parametrize(
    "check",
    [
        check_transformer_get_feature_names_out,
        check_transformer_get_feature_names_out_pandas,
        check_set_output_transform,
        check_global_output_transform_pandas,
    ],
)
@pytest.mark.parametrize("estimator", [Conv1DClassifier(), Conv1DRegressor()])
def test_transformer_output_api(estimator, check):
    check(type(estimator).__name__, estimator)
