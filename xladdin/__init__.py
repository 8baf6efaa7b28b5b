"""xladdin: the China chip-trade (HS 8542) monthly report, from raw customs data to Excel."""

__version__ = "0.1.0"


def main() -> None:
    """The 刷新月报 ribbon button (the add-in runs ``import xladdin; xladdin.main()``)."""
    from xladdin.excel.addin import main as refresh_caller

    refresh_caller()
