"""Child processes that read uploads: the photo/document worker, ffprobe and ffmpeg.

Each runs with a time limit (killed when it passes), under caps on memory, processor time, the
size of what it writes and core dumps (`prlimit` from util-linux for ffmpeg; the worker caps
itself), with no standard input, in the upload's own temporary folder, and with an environment
holding nothing but PATH and a locale: no secret of the site reaches a decoder.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess  # nosec B404  # fixed programs only, never a shell (see run)
import sys
from pathlib import Path

from twinning.common.uploads.engine import limits

log = logging.getLogger(__name__)
# Two malloc arenas at most: on a many-core server each thread's arena would otherwise reserve
# address space until the cap refuses a photo that fits easily.
ENVIRONMENT = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "MALLOC_ARENA_MAX": "2"}
UPLOADS_DIR = Path(__file__).resolve().parent
# The child loads `engine` as a top-level package from this folder: no Django, no settings.
BOOTSTRAP = "import sys; sys.path[:0] = [sys.argv.pop(1)]; from engine.worker import main; main()"
MAX_REPORT = 1024 * 1024


class Failed(Exception):
    """The child did not finish properly (killed by a cap, timed out, or crashed)."""


def run(command: list[str], *, work: Path, name: str, seconds: int, memory: int | None = None) -> bytes:
    """What the command printed, once it has exited with 0; Failed otherwise."""
    if memory is not None and (prlimit := shutil.which("prlimit")):
        caps = [f"--as={memory}", f"--cpu={seconds}", f"--fsize={limits.OUTPUT_MAX_SIZE}", "--core=0"]
        command = [prlimit, *caps, "--", *command]
    out_path, err_path = work / f"{name}.out", work / f"{name}.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        try:
            finished = subprocess.run(  # noqa: S603  # nosec B603  # fixed programs, arguments built here, no shell
                command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=work, env=ENVIRONMENT, timeout=seconds
            )
        except subprocess.TimeoutExpired as error:
            raise Failed(f"{name}: more than {seconds} s") from error
    if finished.returncode != 0:
        raise Failed(f"{name}: exit {finished.returncode}: {_tail(err_path)}")
    if out_path.stat().st_size > MAX_REPORT:
        raise Failed(f"{name}: report too long")
    return out_path.read_bytes()


def _tail(path: Path, size: int = 2000) -> str:
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - size))
        return handle.read().decode("utf-8", "replace").strip()


def run_worker(task: str, source: Path, target: Path, key: str, *, work: Path) -> dict:
    """The engine worker's answer: {"key": ...} or {"refused": code, "params": {...}}."""
    command = [sys.executable, "-I", "-c", BOOTSTRAP, str(UPLOADS_DIR), task, str(source), str(target), key]
    try:
        # The worker caps its own memory; the timeout here also covers time spent waiting, not computing.
        report = run(command, work=work, name="worker", seconds=limits.WORKER_SECONDS + 15)
        answer = json.loads(report)
    except (Failed, ValueError) as error:
        log.warning("Upload worker failed on a %s: %s", key, error)
        return {"refused": "too_costly" if "more than" in str(error) else f"unreadable_{_family(task)}", "params": {}}
    if "error" in answer:
        log.warning("Upload worker could not read a %s: %s", key, answer["error"])
    return answer


def _family(task: str) -> str:
    return "photo" if task in ("photo", "sizes") else "document"
