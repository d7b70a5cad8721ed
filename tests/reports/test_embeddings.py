"""The shared sentence encoder's contract: a change of model or package shows here first.

Stored case embeddings and proposal rankings were computed with this encoder; a silently
different model would make every stored vector incomparable with new queries.
"""

import numpy as np
import pytest

from d4sme.reports.embeddings import DIMENSIONS, embed, vectors

SENTENCES = [
    "A bakery moved its orders online.",
    "Uma padaria passou a vender pela internet.",
    "The ministry audits steel bridges.",
]
# The first components of the first and third sentences' vectors, as the pinned package gives.
PINNED = {
    0: [-0.0832, 0.0491, -0.0639, -0.0054, -0.0075, -0.0143],
    2: [0.0450, -0.0191, -0.0211, 0.0160, 0.0245, -0.0033],
}


@pytest.fixture(scope="module")
def matrix() -> np.ndarray:
    return embed(SENTENCES)


def test_the_encoder_gives_the_pinned_vectors(matrix):
    assert matrix.shape == (3, DIMENSIONS) and matrix.dtype == np.float32
    for row, first in PINNED.items():
        np.testing.assert_allclose(matrix[row, :6], first, atol=2e-4)


def test_vectors_are_unit_length_and_a_translation_lies_nearer_than_another_topic(matrix):
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    same_meaning, other_topic = matrix[0] @ matrix[1], matrix[0] @ matrix[2]
    assert same_meaning > other_topic + 0.2


def test_stored_vectors_read_back_as_they_were_written(matrix):
    assert np.array_equal(vectors([row.tobytes() for row in matrix]), matrix)
    assert embed([]).shape == (0, DIMENSIONS) and vectors([]).shape == (0, DIMENSIONS)
