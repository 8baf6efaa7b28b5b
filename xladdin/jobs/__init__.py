"""The use cases every front end runs: build (and demo), init, import and refresh."""

from xladdin.jobs.build import (
    Outcome,
    build,
    demo,
    init,
    progress,
    refresh,
    require_sample,
    write_finished,
    write_word,
)
from xladdin.jobs.importing import ImportResult, import_into

__all__ = ["ImportResult", "Outcome", "build", "demo", "import_into", "init", "progress", "refresh",
           "require_sample", "write_finished", "write_word"]
