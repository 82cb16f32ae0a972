"""Input layouts, padding and input errors, tested without TensorFlow."""

import numpy as np
import pytest

from sklearn_conv1d._sequences import (
    check_fitted_shape,
    describe_shape,
    explain_input_errors,
    is_sequence_list,
    stack_sequences,
    to_channels_last,
)


def test_2d_is_univariate():
    X = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = to_channels_last(X, "channels_last")
    assert out.shape == (3, 4, 1)
    np.testing.assert_array_equal(out[..., 0], X)


def test_3d_channels_last_is_unchanged():
    X = np.zeros((3, 4, 2), dtype=np.float32)
    assert to_channels_last(X, "channels_last") is X


def test_3d_channels_first_is_transposed():
    X = np.arange(24, dtype=np.float32).reshape(3, 2, 4)  # (n, channels, timesteps)
    out = to_channels_last(X, "channels_first")
    assert out.shape == (3, 4, 2)
    np.testing.assert_array_equal(out[1, :, 0], X[1, 0, :])


@pytest.mark.parametrize("shape", [(5,), (2, 3, 4, 5)])
def test_other_dimensions_are_rejected(shape):
    with pytest.raises(ValueError, match=f"got a {len(shape)}D array"):
        to_channels_last(np.zeros(shape), "channels_last")


def test_describe_shape_names_axes():
    assert describe_shape((10, 2), "channels_last") == "(n_timesteps=10, n_channels=2)"
    assert describe_shape((10, 2), "channels_first") == "(n_channels=2, n_timesteps=10)"


def test_zero_timesteps_or_channels_are_rejected():
    with pytest.raises(ValueError, match="needs at least 1 timestep and 1 channel"):
        to_channels_last(np.zeros((3, 4, 0)), "channels_last")
    with pytest.raises(ValueError, match=r"n_channels=2, n_timesteps=0"):
        to_channels_last(np.zeros((3, 2, 0)), "channels_first")


# -- lists of sequences ------------------------------------------------------------


def test_arrays_and_lists_of_numbers_are_not_sequence_lists():
    assert not is_sequence_list(np.zeros((3, 4)))
    assert not is_sequence_list([1.0, 2.0])  # a 1D X, left to the 2D check
    assert not is_sequence_list([])
    assert is_sequence_list([[1.0, 2.0], [3.0]])
    assert is_sequence_list((np.zeros(3), np.zeros(2)))
    ragged = np.empty(2, dtype=object)
    ragged[:] = [np.zeros(3), np.zeros(2)]
    assert is_sequence_list(ragged)


def test_non_lists_pass_through_unchanged():
    X = np.zeros((3, 4))
    assert stack_sequences(X, "channels_last") is X
    assert stack_sequences("abc", "channels_last") == "abc"


def test_equal_length_sequences_are_stacked():
    seqs = [np.full((4, 2), i, dtype=np.float32) for i in range(3)]
    out = stack_sequences(seqs, "channels_last")
    np.testing.assert_array_equal(out, np.stack(seqs))
    assert out.dtype == np.float32


def test_univariate_sequences_are_zero_padded_at_the_end():
    out = stack_sequences([[1.0, 2.0, 3.0], [4.0], np.array([5, 6])], "channels_last")
    np.testing.assert_array_equal(out, [[1, 2, 3], [4, 0, 0], [5, 6, 0]])


def test_channels_last_sequences_are_padded_along_time():
    seqs = [np.ones((3, 2)), 2 * np.ones((1, 2))]
    out = stack_sequences(seqs, "channels_last")
    assert out.shape == (2, 3, 2)
    np.testing.assert_array_equal(out[1], [[2, 2], [0, 0], [0, 0]])


def test_channels_first_sequences_stay_channels_first():
    seqs = [np.ones((2, 3)), 2 * np.ones((2, 1))]  # (channels, timesteps_i)
    out = stack_sequences(seqs, "channels_first")
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[1], [[2, 0, 0], [2, 0, 0]])
    np.testing.assert_array_equal(
        to_channels_last(out, "channels_first")[1], [[2, 2], [0, 0], [0, 0]]
    )


def test_sequences_are_padded_to_a_given_length():
    out = stack_sequences([[1.0], [2.0, 3.0]], "channels_last", length=4)
    np.testing.assert_array_equal(out, [[1, 0, 0, 0], [2, 3, 0, 0]])


@pytest.mark.parametrize(
    "data_format, cut",
    [("channels_last", r"x\[:n\]"), ("channels_first", r"x\[:, :n\]")],
)
def test_longer_sequences_are_never_truncated(data_format, cut):
    seqs = [
        np.zeros((2, 2)),
        np.zeros((2, 5) if data_format == "channels_first" else (5, 2)),
    ]
    with pytest.raises(
        ValueError, match=rf"Sequence 1 of X has 5 timesteps, more than the 3.*{cut}"
    ):
        stack_sequences(seqs, data_format, length=3)


@pytest.mark.parametrize(
    "seqs, match",
    [
        ([np.zeros(3), np.zeros((3, 2))], "different dimensions"),
        ([np.zeros((2, 2, 2))], "different dimensions or more than 2"),
        (
            [np.zeros((3, 2)), np.zeros((3, 1))],
            r"different numbers of channels \(1, 2\)",
        ),
        ([np.zeros(3), np.zeros(0)], "Sequence 1 of X has no timesteps"),
    ],
)
def test_bad_sequence_lists_are_clear_errors(seqs, match):
    with pytest.raises(ValueError, match=match):
        stack_sequences(seqs, "channels_last")


def test_padding_keeps_strings_for_the_numeric_check():
    out = stack_sequences([["a", "b"], ["c"]], "channels_last")
    assert out.dtype.kind == "U"


# -- shape checks against fit ------------------------------------------------------


class _Fitted:
    input_shape_ = (10, 3)
    n_features_in_ = 10


def test_check_fitted_shape_passes_matching_shapes():
    check_fitted_shape(np.zeros((2, 10, 3)), _Fitted(), "channels_last")
    check_fitted_shape([[1.0]], _Fitted(), "channels_last")  # no shape: skipped


def test_check_fitted_shape_names_both_shapes_and_the_fix():
    with pytest.raises(
        ValueError,
        match=r"X has 8 features, but _Fitted is expecting 10 features as input\. "
        r"X holds sequences of shape \(n_timesteps=8, n_channels=3\).*"
        r"\(n_timesteps=10, n_channels=3\)\. Pass sequences of the same length",
    ):
        check_fitted_shape(np.zeros((2, 8, 3)), _Fitted(), "channels_last")
    with pytest.raises(ValueError, match=r"^X holds sequences.*n_channels=1"):
        check_fitted_shape(np.zeros((2, 10)), _Fitted(), "channels_last")


# -- conversion errors ---------------------------------------------------------------


def _convert(X):
    with explain_input_errors():
        return np.asarray(X, dtype=np.float32)


@pytest.mark.parametrize(
    "X, error, match",
    [
        ([["a", "b"]], ValueError, "X must hold numbers, but it holds text values"),
        ([[object()]], TypeError, "non-numeric \\(object\\) values"),
        ([[1.0], [1.0, 2.0]], ValueError, "Pass unequal-length sequences as a list"),
    ],
)
def test_conversion_errors_name_the_fix(X, error, match):
    with pytest.raises(error, match=match) as info:
        _convert(X)
    assert info.value.__cause__ is not None


def test_complex_nan_and_1d_errors_get_a_hint():
    with pytest.raises(ValueError, match=r"np\.stack\(\[X\.real, X\.imag\]"):
        with explain_input_errors():
            raise ValueError("Complex data not supported\n[1j]")
    with pytest.raises(ValueError, match="Input X contains NaN.*pass a list"):
        with explain_input_errors():
            raise ValueError("Input X contains NaN.")
    with pytest.raises(ValueError, match=r"X\.reshape\(1, -1\)"):
        with explain_input_errors():
            raise ValueError("Expected 2D array, got 1D array instead:")


def test_other_errors_pass_through_unchanged():
    error = ValueError("Input y contains NaN.")
    with pytest.raises(ValueError) as info:
        with explain_input_errors():
            raise error
    assert info.value is error
