"""kafkatui: a keyboard-driven terminal UI for Kafka operators."""

__version__ = "0.1.0"
