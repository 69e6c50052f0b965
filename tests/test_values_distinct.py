"""values.map_distinct: a function of every value, called once per distinct value."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from ladder_sheets.values import distinct_objects, factorize, map_distinct, parse_number


def test_values_of_different_types_stay_apart() -> None:
    values = [1, 1.0, True, "1", None, float("nan"), dt.date(2026, 1, 2), [1]]
    out, failed = map_distinct(np.array(values, dtype=object), lambda v: type(v).__name__)
    assert out.tolist() == ["int", "float", "bool", "str", "NoneType", "float", "date", "list"]
    assert failed == {}


def test_each_distinct_value_is_converted_once() -> None:
    calls: list[str] = []

    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    out, _ = map_distinct(["a", "b", "a", "a", "b"], shout)
    assert out.tolist() == ["A", "B", "A", "A", "B"]
    assert sorted(calls) == ["a", "b"]


def test_a_value_that_cannot_be_read_fails_at_every_position_it_holds() -> None:
    out, failed = map_distinct(["3", "x", 2.0, "x", True], parse_number)
    assert out.tolist() == [3.0, None, 2.0, None, None]
    assert list(failed) == [1, 3, 4]  # in row order
    assert "not a number" in str(failed[1]) and "yes/no" in str(failed[4])


@given(st.lists(st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=2), st.booleans())))
def test_same_as_calling_the_function_on_each_value(values: list[object]) -> None:
    out, failed = map_distinct(values, repr)
    assert out.tolist() == [repr(v) for v in values]
    assert failed == {}


def test_a_column_of_text_only_converts_each_text_once_and_fails_where_it_fails() -> None:
    """The all-text column (a history's IDs and cycles) takes one group without typing every
    value: the same results, calls and failures as the general path."""
    calls: list[str] = []

    def number(text: str) -> float | None:
        calls.append(text)
        return parse_number(text)

    out, failed = map_distinct(np.array(["3", "x", " 4 ", "x", "3"], dtype=object), number)
    assert out.tolist() == [3.0, None, 4.0, None, 3.0]
    assert list(failed) == [1, 3]
    assert sorted(calls) == [" 4 ", "3", "x"]


def test_distinct_objects_are_told_apart_by_identity_in_order_of_first_appearance() -> None:
    a, b = "".join(["E", "1"]), "".join(["E", "1"])  # equal texts, two objects
    assert a == b and a is not b
    nan = float("nan")
    values = np.array([b, a, None, b, 3, nan, a, None, 3, nan], dtype=object)
    codes, objects = distinct_objects(values)
    assert codes.tolist() == [0, 1, 2, 0, 3, 4, 1, 2, 3, 4]
    assert [id(o) for o in objects] == [id(b), id(a), id(None), id(3), id(nan)]
    assert all(objects[c] is v for c, v in zip(codes, values, strict=True))
    # a strided view (every other entry) and nothing at all
    codes, objects = distinct_objects(values[::2])
    assert [objects[c] for c in codes] == values[::2].tolist()
    codes, objects = distinct_objects(np.array([], dtype=object))
    assert len(codes) == 0 and len(objects) == 0


def test_equal_values_held_by_different_objects_are_converted_once() -> None:
    calls: list[object] = []

    def seen(value: object) -> object:
        calls.append(value)
        return value

    texts = ["".join(["E", str(i % 3)]) for i in range(30)]  # 30 objects, 3 texts
    numbers = [float(i % 2) for i in range(10)]  # 10 objects, 2 numbers
    out, failed = map_distinct(np.array(texts + numbers + [True, 1], dtype=object), seen)
    assert out.tolist() == texts + numbers + [True, 1]
    assert sorted(map(repr, calls)) == sorted(["'E0'", "'E1'", "'E2'", "0.0", "1.0", "True", "1"])
    assert failed == {}


_SHARED = ["".join(["E", "1"]), "".join(["E", "1"]), "E2", 1, 1.0, True, None, float("nan")]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(_SHARED),  # the same objects again and again, as a reader makes
            st.none(),
            st.integers(-2, 2),
            st.floats(allow_nan=True, allow_infinity=False, width=16),
            st.text(alphabet="ab", max_size=2),
            st.booleans(),
        )
    ),
    st.booleans(),
)
def test_factorize_over_the_distinct_objects_is_pandas_factorize(
    values: list[object], sentinel: bool
) -> None:
    array = np.array(values, dtype=object)
    codes, uniques = factorize(array, use_na_sentinel=sentinel)
    expected_codes, expected_uniques = pd.factorize(array, use_na_sentinel=sentinel)
    assert codes.tolist() == expected_codes.tolist()
    assert len(uniques) == len(expected_uniques)
    for got, want in zip(uniques.tolist(), list(expected_uniques), strict=True):
        assert type(got) is type(want) and (got == want or (got != got and want != want))
