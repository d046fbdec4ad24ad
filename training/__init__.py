"""Fitting, cross-validation, threshold tuning and evaluation of framing models."""

from training.evaluate import evaluate_model, metrics_table
from training.train import TrainResult, train_model

__all__ = ["TrainResult", "evaluate_model", "metrics_table", "train_model"]
