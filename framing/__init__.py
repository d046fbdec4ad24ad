"""framing: tag sentences about the Russia-Ukraine war with the rhetorical framings they invoke.

The Python API is the same one the CLI and the service use::

    from framing import load_model
    model = load_model()                      # models/default
    for sentence in model.tag_text("Some article text. Another sentence."):
        print(sentence.sentence, [f.id for f in sentence.frames])
"""

from framing.artifact import load_model, save_model
from framing.codebook import Codebook, Frame, default_codebook, load_codebook
from framing.errors import CodebookError, DataError, FramingError, ModelLoadError
from framing.model import FrameScore, FramingModel, TaggedSentence, predict_scores
from framing.segment import Sentence, split_sentences

__all__ = [
    "Codebook",
    "CodebookError",
    "DataError",
    "Frame",
    "FrameScore",
    "FramingError",
    "FramingModel",
    "ModelLoadError",
    "Sentence",
    "TaggedSentence",
    "default_codebook",
    "load_codebook",
    "load_model",
    "predict_scores",
    "save_model",
    "split_sentences",
]
