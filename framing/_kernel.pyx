# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The arithmetic of one TF-IDF block for one text, in C (optional: :mod:`framing.fast` falls back
to numpy when this module is not built).

A one-sentence request is dominated by per-call overhead: counting a few hundred vocabulary
columns and dotting them with the coefficients took a dozen numpy calls of about a microsecond each.
Here it is one call. The result equals the numpy path's to rounding (float64 sums in another order).
"""

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject
from libc.math cimport log, sqrt
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy


cdef int _accumulate(
    const long long *columns, Py_ssize_t n, int[::1] counts, const double[::1] idf,
    const double[:, ::1] coef, double[::1] logits
) noexcept nogil:
    """Add the block's l2-normalised ``(1 + log tf) * idf`` weights of ``columns`` (with repeats),
    dotted with ``coef``, to ``logits``. ``counts`` is an all-zero scratch array with one slot
    per column; it is all zero again on return (the GIL is held throughout, so no other thread
    can see it in between). Returns -1, changing nothing, if a column is out of range."""
    cdef Py_ssize_t i, j, n_frames = coef.shape[1], n_columns = counts.shape[0]
    cdef long long column
    cdef int count
    cdef double weight, squares = 0.0, scale
    if n == 0:
        return 0
    if coef.shape[0] != n_columns or idf.shape[0] != n_columns or logits.shape[0] != n_frames:
        return -1
    for i in range(n):
        if columns[i] < 0 or columns[i] >= n_columns:
            return -1
    for i in range(n):
        counts[columns[i]] += 1
    for i in range(n):  # the norm, each distinct column once (its count made negative)
        column = columns[i]
        count = counts[column]
        if count > 0:
            weight = (log(<double> count) + 1.0) * idf[column]
            squares += weight * weight
            counts[column] = -count
    scale = 1.0 / sqrt(squares)
    for i in range(n):  # the dot product, each distinct column once (its count reset to 0)
        column = columns[i]
        count = counts[column]
        if count < 0:
            weight = (log(<double> -count) + 1.0) * idf[column] * scale
            for j in range(n_frames):
                logits[j] += weight * coef[column, j]
            counts[column] = 0
    return 0


cdef _check(int status):
    if status != 0:
        raise ValueError("column out of range, or arrays of mismatched sizes")


def add_terms(
    list terms, dict vocabulary, int[::1] counts, const double[::1] idf,
    const double[:, ::1] coef, double[::1] logits
):
    """Add the contribution of ``terms`` (n-grams with repeats; those outside ``vocabulary`` are
    ignored) to ``logits``."""
    cdef Py_ssize_t n = 0, size = len(terms)
    cdef PyObject *found
    cdef long long *columns = <long long *> malloc(max(size, 1) * sizeof(long long))
    if columns == NULL:
        raise MemoryError()
    try:
        for term in terms:
            found = PyDict_GetItem(vocabulary, term)
            if found != NULL:
                columns[n] = <long long> (<object> found)
                n += 1
        _check(_accumulate(columns, n, counts, idf, coef, logits))
    finally:
        free(columns)


def add_packed(
    list parts, int[::1] counts, const double[::1] idf, const double[:, ::1] coef,
    double[::1] logits
):
    """Add the contribution of vocabulary columns (with repeats) to ``logits``; ``parts`` are
    ``bytes`` of native int64 columns, one per word."""
    cdef Py_ssize_t n = 0, size = 0, length
    cdef bytes part
    for part in parts:
        size += len(part)
    cdef long long *columns = <long long *> malloc(max(size, 8))
    if columns == NULL:
        raise MemoryError()
    try:
        for part in parts:
            length = len(part)
            memcpy(<char *> columns + n, <const char *> part, length)
            n += length
        _check(_accumulate(columns, n // sizeof(long long), counts, idf, coef, logits))
    finally:
        free(columns)
