"""The child process that reads one photo or document: capped, then given one task.

Started by `twinning.common.uploads.cleaning` as
    python -I -c <bootstrap> UPLOADS_DIR TASK SOURCE TARGET KEY
it caps its own address space, processor time, the size of any file it writes and core dumps
before importing a decoder, does the task, and prints one line of JSON: {"key": ...} when the
cleaned file is written, {"refused": code, "params": {...}} when the file cannot be kept. A decoder
that blows a cap dies or raises, and the web process refuses the file.
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Mapping
from pathlib import Path

from . import limits
from .refusal import Refused

TASKS = ("photo", "pdf", "document", "sizes")


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.WORKER_MEMORY, limits.WORKER_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.WORKER_SECONDS, limits.WORKER_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.OUTPUT_MAX_SIZE, limits.OUTPUT_MAX_SIZE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(task: str, source: Path, target: Path, key: str) -> dict[str, str]:
    # Each decoder is imported here, after the caps are set and only for its own task (see above).
    if task == "photo":
        from .photos import clean_photo

        return clean_photo(source, target, key)
    if task == "pdf":
        from .pdfs import clean_pdf

        return clean_pdf(source, target, key)
    if task == "sizes":
        from .sizes import sized_photos

        return sized_photos(source, target)
    if task == "document":
        from .zips import clean_document

        return clean_document(source, target, key)
    raise ValueError(task)


def main(argv: list[str] | None = None) -> None:
    task, source, target, key = argv if argv is not None else sys.argv[1:]
    _cap()
    unreadable = "unreadable_photo" if task in ("photo", "sizes") else "unreadable_document"
    answer: Mapping[str, object]
    try:
        answer = run(task, Path(source), Path(target), key)
    except Refused as refused:
        answer = {"refused": refused.code, "params": refused.params}
    except MemoryError:
        answer = {"refused": "too_costly", "params": {}}
    except Exception as error:  # any failure of a decoder means the file cannot be kept
        answer = {"refused": unreadable, "params": {}, "error": type(error).__name__}
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
