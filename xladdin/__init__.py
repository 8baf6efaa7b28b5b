"""xladdin: the China chip-trade (HS 8542) monthly report, from raw customs data to Excel."""

__version__ = "0.1.0"
