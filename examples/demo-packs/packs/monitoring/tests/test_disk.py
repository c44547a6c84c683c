import os
import sys

import pytest

# StackStorm puts actions/ on sys.path when it runs an action; mirror that for `lib` imports.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "actions"))

from lib.disk import classify, usage_percent  # noqa: E402


def test_usage_percent_rounds_to_one_decimal():
    assert usage_percent(total=3, used=1) == 33.3


def test_usage_percent_rejects_a_zero_sized_filesystem():
    with pytest.raises(ValueError):
        usage_percent(total=0, used=0)


@pytest.mark.parametrize(
    "percent,state",
    [(10, "ok"), (79.9, "ok"), (80, "warning"), (89.9, "warning"), (90, "critical"), (100, "critical")],
)
def test_classify_thresholds(percent, state):
    assert classify(percent, warn_percent=80, crit_percent=90) == state


def test_classify_rejects_inverted_thresholds():
    with pytest.raises(ValueError):
        classify(50, warn_percent=95, crit_percent=90)
