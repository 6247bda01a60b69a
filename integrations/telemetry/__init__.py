"""Koppel's OpenTelemetry: its setup, the log dimensions and the metrics."""
