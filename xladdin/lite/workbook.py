"""The xlwings Lite part of a monthly workbook: main.py and requirements.txt, embedded."""

from __future__ import annotations

import uuid
from importlib import metadata
from pathlib import Path

from xladdin import __version__
from xladdin.files.webextension import embed

#: xlwings Lite's id in the Office add-in store.
STORE_ID = "wa200008175"


def requirements_txt() -> str:
    """xladdin pinned to this version; xlwings pinned to the release xladdin is installed with
    (``pyproject.toml`` pins it), whose Lite decorators ``xladdin.lite`` is written for."""
    return f"xladdin=={__version__}\nxlwings=={metadata.version('xlwings')}\n"


def lite_properties() -> dict[str, str]:
    from xladdin.lite import MAIN_PY

    return {"main.py": MAIN_PY, "requirements.txt": requirements_txt(),
            "xlwingsWorkbookId": str(uuid.uuid4())}


def embed_lite(path: Path) -> None:
    """Give the workbook at ``path`` its xlwings Lite part (replacing any)."""
    embed(path, STORE_ID, str(uuid.uuid4()).upper(), lite_properties())
