"""Shared fixtures: a tiny codebook and corpus written for the tests, and a model trained on them once."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import joblib
import pytest

from framing import load_model
from framing.artifact import MODEL_FILE, file_sha256, save_model
from framing.codebook import Codebook, load_codebook
from framing.data import read_labeled_csv
from framing.paths import DEFAULT_MODEL_DIR, REAL_DEV_PATH

TINY_CODEBOOK = """
name: tiny
version: "1"
frames:
  - id: weather
    name: Weather
    definition: The sentence talks about the weather.
    cue_phrases: [rain]
  - id: sport
    name: Sport
    definition: The sentence talks about sport.
    cue_phrases: [match]
  - id: food
    name: Food
    definition: The sentence talks about food.
    cue_phrases: [dinner]
"""

WEATHER = [
    "Heavy rain is expected over the coast tonight.",
    "The forecast promises sunshine and a light breeze tomorrow.",
    "Snow closed the mountain pass for a second day.",
    "A thunderstorm rolled in just after lunch.",
    "Temperatures will drop below freezing by the weekend.",
    "Fog delayed the morning ferries across the bay.",
    "It has not stopped drizzling since Monday.",
    "Forecasters warn of gale-force winds on Friday.",
    "The heatwave broke records in the south.",
    "Clouds gathered and the sky turned grey.",
    "Hail damaged cars in the town centre.",
    "A mild, sunny spell is due next week.",
]
SPORT = [
    "The home team won the match in extra time.",
    "She scored twice in the second half.",
    "The striker signed a three-year contract with the club.",
    "Our goalkeeper saved a penalty in the final minute.",
    "The marathon starts at nine on Sunday.",
    "He broke the national record in the hundred metres.",
    "The coach was sacked after five straight defeats.",
    "Fans queued all night for cup final tickets.",
    "The tennis champion retired at thirty-four.",
    "A late goal sent the visitors through to the semi-final.",
    "The cyclist crossed the line alone after a long breakaway.",
    "The league announced a new season schedule.",
]
FOOD = [
    "We cooked a spicy lentil soup for dinner.",
    "The bakery sells fresh bread every morning.",
    "Grandmother's apple pie is the best dessert in town.",
    "Add salt and pepper before serving the stew.",
    "The restaurant serves grilled fish with lemon.",
    "He ate three pancakes with honey for breakfast.",
    "The cheese was aged for eighteen months.",
    "Roast the vegetables with olive oil and garlic.",
    "Dumplings filled with mushrooms are a winter favourite.",
    "The chef prepared a tasting menu of seven courses.",
    "A bowl of rice with pickled radish makes a quick lunch.",
    "Fresh strawberries with cream were served at the picnic.",
]
BOTH = [
    ("The match was abandoned because of torrential rain.", "weather;sport"),
    ("After the game the players shared a big pasta dinner.", "sport;food"),
    ("We grilled sausages in the sunshine before the sun set.", "weather;food"),
    ("Snow forced the ski race to be postponed.", "weather;sport"),
    ("The stadium kiosks sold hot soup to frozen fans.", "sport;food"),
]
NONE = [
    "The library opens at eight.",
    "Parliament passed the budget on Tuesday.",
    "My sister moved to a new flat.",
    "The train to the capital was on time.",
    "She is reading a novel about sailors.",
    "The museum added a wing for modern art.",
    "Taxes on fuel will rise in April.",
    "The bridge was repainted last summer.",
    "Our neighbour adopted a small grey cat.",
    "The council approved a new bus route.",
    "He repaired the old bicycle himself.",
    "The school hired two new teachers.",
]


def tiny_rows() -> list[tuple[str, str]]:
    """The tiny labeled corpus as (text, frames) rows."""
    rows = [(t, "weather") for t in WEATHER] + [(t, "sport") for t in SPORT]
    rows += [(t, "food") for t in FOOD] + BOTH + [(t, "") for t in NONE]
    return rows


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> Path:
    """Write rows to a UTF-8 CSV with the csv module."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with tiny codebook.yaml and labeled.csv files."""
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "codebook.yaml").write_text(TINY_CODEBOOK, encoding="utf-8")
    write_csv(folder / "labeled.csv", ["text", "frames"], tiny_rows())
    return folder


@pytest.fixture(scope="session")
def tiny_codebook(tiny_dir: Path) -> Codebook:
    return load_codebook(tiny_dir / "codebook.yaml")


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_dir: Path, tiny_codebook: Codebook, tmp_path_factory) -> Path:
    """A model trained once per session on the tiny corpus."""
    from training.train import train_model

    data = read_labeled_csv(tiny_dir / "labeled.csv", tiny_codebook)
    result = train_model(data, n_folds=3, seed=0, name="tiny", data_path=tiny_dir / "labeled.csv")
    out = tmp_path_factory.mktemp("models") / "tiny"
    save_model(result.model, out, card=result.card, card_markdown=result.card_markdown)
    return out


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir: Path):
    return load_model(tiny_model_dir)


@pytest.fixture
def legacy_model_dir(tiny_model_dir: Path, tmp_path: Path):
    """Make a copy of the tiny model whose payload lacks one key, as a model folder written before
    that key existed (the card's checksum updated to match)."""

    def make(missing_key: str) -> Path:
        folder = tmp_path / f"without_{missing_key}"
        shutil.copytree(tiny_model_dir, folder)
        payload = joblib.load(folder / MODEL_FILE)
        del payload[missing_key]
        joblib.dump(payload, folder / MODEL_FILE)
        card_path = folder / "card.json"
        before, after = file_sha256(tiny_model_dir / MODEL_FILE), file_sha256(folder / MODEL_FILE)
        card_path.write_text(card_path.read_text().replace(before, after))
        return folder

    return make


@pytest.fixture(scope="session")
def default_model():
    """The shipped default model, built by `make model` before the tests run."""
    if not (DEFAULT_MODEL_DIR / "card.json").exists():
        pytest.fail("models/default is missing: run the tests with 'make test', which builds it")
    return load_model(DEFAULT_MODEL_DIR)


@pytest.fixture(scope="session")
def real_dev_path() -> Path:
    if not REAL_DEV_PATH.is_file():
        pytest.skip(f"real development set not found at {REAL_DEV_PATH} (needs ../shared/data)")
    return REAL_DEV_PATH
