"""The examples in the docstrings run and print what they say."""

import doctest

import pytest

import autograd
import autograd.value
import nn


@pytest.mark.parametrize("module", [autograd, autograd.value, nn], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
