"""The installed xladdin's version, in a module of its own: every layer may name it without
importing the package's ribbon entry point (``xladdin.main``), which reaches the front ends."""

__version__ = "0.2.0"
