"""xladdin: China's monthly trade report of a product group (chips, HS 8542, by default),
from raw customs data to Excel."""

__version__ = "0.2.0"


def main() -> None:
    """The 刷新月报 ribbon button (the add-in runs ``import xladdin; xladdin.main()``)."""
    from xladdin.excel.addin import refresh_calling_book as refresh_caller

    refresh_caller()
