"""Where things live in the repository, defined once."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LABELED_DATA_DIR = REPO_ROOT / "labeled_data"
CODEBOOK_PATH = LABELED_DATA_DIR / "codebook.yaml"
LABELED_SENTENCES_PATH = LABELED_DATA_DIR / "sentences.csv"
MODELS_DIR = REPO_ROOT / "models"
DEFAULT_MODEL_DIR = MODELS_DIR / "default"
SHARED_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
REAL_DEV_PATH = SHARED_DATA_DIR / "real_dev_sentences.csv"
