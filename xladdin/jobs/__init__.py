"""The use cases every front end runs: build (and demo), init, import, refresh and lite update.

Each job checks its targets, reads, computes through the engine and the report, and writes
through the file back ends; the command line and the ribbon call them, nothing below does."""

from xladdin.jobs.building import (
    Outcome,
    build,
    demo,
    progress,
    require_sample,
    write_finished,
    write_word,
)
from xladdin.jobs.importing import ImportResult, import_into
from xladdin.jobs.liteupdate import update_lite
from xladdin.jobs.monthly import init, refresh

__all__ = ["ImportResult", "Outcome", "build", "demo", "import_into", "init", "progress", "refresh",
           "require_sample", "update_lite", "write_finished", "write_word"]
