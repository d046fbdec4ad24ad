"""Named exceptions of the core library.

The CLI turns them into ``Error: ...`` lines and the service into JSON errors; their messages say
what is wrong, where, and how to fix it.
"""


class FramingError(Exception):
    """Base class for every error the library raises on purpose."""


class DataError(FramingError):
    """Labeled or input data that cannot be used as it is (bad column, unknown frame, empty text)."""


class CodebookError(FramingError):
    """A codebook file that is missing, malformed or inconsistent."""


class ModelLoadError(FramingError):
    """A model artifact that is missing, corrupted, foreign or of an unknown schema."""
