"""Light copies of a kept photo, clip or sound, made in the background after upload.

- a photo: a thumbnail (galleries and feeds) and a screen size (viewing), in the capped worker
  (engine/sizes.py); the clean original stays for download;
- a video: a small (360p) and, when the clip is larger, a medium (720p) H.264/AAC MP4, and a poster
  picture; the small one plays by default on a slow connection;
- a sound: a compact mono AAC copy.

Every copy is made from the clean original (never from what was uploaded), by ffmpeg under the same
caps as the upload's remux (processes.py), with no metadata, chapters, data or subtitle streams, and
the video and sound copies are read back by `audiovideo.verify` before they are accepted. Any
failure raises `VariantFailed`: the caller's job is tried again, and in the end the file is marked
as one that could not be prepared (its original stays).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from twinning.common.uploads import audiovideo, processes
from twinning.common.uploads.engine import limits
from twinning.common.uploads.kinds import AUDIO, PHOTO, VIDEO

log = logging.getLogger(__name__)

# The names a copy is kept and served under, per kind of original.
PHOTO_VARIANTS = ("thumb", "screen")
VIDEO_VARIANTS = ("small", "medium", "poster")
AUDIO_VARIANTS = ("compact",)
PREPARED_KINDS = (PHOTO, VIDEO, AUDIO)
CLEAN_OUTPUT = ["-map_metadata", "-1", "-map_chapters", "-1", "-dn", "-sn",
                "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]  # fmt: skip


class VariantFailed(Exception):
    """The copies of this file could not be made (the reason is for the log, not for the user)."""


@dataclass(frozen=True)
class Made:
    name: str
    path: Path
    content_type: str
    width: int | None = None
    height: int | None = None


def make_variants(source: Path, kind: str, work: Path) -> list[Made]:
    """The copies of the clean original at `source` (a photo, video or audio), written in `work`."""
    if kind == PHOTO:
        return _photo(source, work)
    if kind == VIDEO:
        return _video(source, work)
    if kind == AUDIO:
        return _audio(source, work)
    return []


def _photo(source: Path, work: Path) -> list[Made]:
    answer = processes.run_worker("sizes", source, work, "jpeg", work=work)
    if "refused" in answer:
        raise VariantFailed(f"photo sizes: {answer['refused']} {answer.get('error', '')}")
    made = []
    for name in PHOTO_VARIANTS:
        width, height = (int(n) for n in answer[name].split("x"))
        made.append(Made(name, work / f"{name}.jpg", "image/jpeg", width, height))
    return made


def _ffmpeg(arguments: list[str], work: Path, name: str) -> None:
    ffmpeg, _ffprobe = audiovideo.binaries()
    command = [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-protocol_whitelist", "file", *arguments]
    try:
        processes.run(command, work=work, name=name, seconds=limits.VARIANT_SECONDS, memory=limits.FFMPEG_MEMORY)
    except processes.Failed as error:
        raise VariantFailed(str(error)) from error


def _checked(target: Path, key: str, work: Path) -> dict:
    """Read a copy back: metadata-free (as an upload's remux must be), and what its streams are."""
    _ffmpeg, ffprobe = audiovideo.binaries()
    try:
        audiovideo.verify(ffprobe, target, key, work)
        return audiovideo.probe(ffprobe, target, work, None)
    except Exception as error:  # a refusal here is a fault of ours: the job fails and says why
        raise VariantFailed(f"{target.name} failed its check: {error}") from error


def _size_of(report: dict) -> tuple[int | None, int | None]:
    for stream in report.get("streams") or []:
        if stream.get("codec_type") == "video":
            return int(stream.get("width") or 0) or None, int(stream.get("height") or 0) or None
    return None, None


def _fit(height: int) -> str:
    """Scale so the shorter side is at most `height` (a phone's upright clip too), even sizes, never enlarged."""
    short = f"trunc(min({height},min(iw,ih))/2)*2"
    return f"scale=w='if(gte(iw,ih),-2,{short})':h='if(gte(iw,ih),{short},-2)'"


def _video(source: Path, work: Path) -> list[Made]:
    _ffmpeg_path, ffprobe = audiovideo.binaries()
    try:
        report = audiovideo.probe(ffprobe, source, work, None)
    except Exception as error:  # the clean original was readable at upload: something is wrong with it now
        raise VariantFailed(f"probe: {error}") from error
    width, height = _size_of(report)
    if not width or not height:
        raise VariantFailed("no video stream")
    duration = float((report.get("format") or {}).get("duration") or 0)
    renditions = [("small", limits.VIDEO_SMALL_HEIGHT, "28", "64k")]
    if min(width, height) > limits.VIDEO_SMALL_HEIGHT:
        renditions.append(("medium", limits.VIDEO_MEDIUM_HEIGHT, "26", "96k"))
    # One pass: the clip is decoded once and its pictures split between the copies' encoders.
    split = f"[0:v:0]split={len(renditions)}" + "".join(f"[in{n}]" for n in range(len(renditions)))
    graph = ";".join([split] + [f"[in{n}]{_fit(r[1])}[out{n}]" for n, r in enumerate(renditions)])
    outputs: list[str] = []
    for n, (name, _short_side, quality, audio_rate) in enumerate(renditions):
        outputs += ["-map", f"[out{n}]", "-map", "0:a:0?",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", quality, "-profile:v", "main",
                    "-pix_fmt", "yuv420p", "-threads", str(limits.VARIANT_THREADS),
                    "-c:a", "aac", "-b:a", audio_rate, "-ac", "2", *CLEAN_OUTPUT,
                    "-f", "mp4", "-movflags", "+faststart", "-y", f"file:{work / f'{name}.mp4'}"]  # fmt: skip
    _ffmpeg(
        ["-threads", str(limits.VARIANT_THREADS), "-filter_complex_threads", "1", "-i", f"file:{source}",
         "-filter_complex", graph, *outputs],
        work, "ffmpeg-video",
    )  # fmt: skip
    made = []
    for name, *_settings in renditions:
        target = work / f"{name}.mp4"
        made.append(Made(name, target, "video/mp4", *_size_of(_checked(target, "mp4", work))))
    poster = work / "poster.jpg"
    _ffmpeg(
        ["-threads", "1", "-ss", f"{min(1.0, duration / 2):.2f}", "-i", f"file:{source}", "-map", "0:v:0",
         "-frames:v", "1", "-vf", _fit(limits.VIDEO_MEDIUM_HEIGHT), "-c:v", "mjpeg", "-q:v", "5", *CLEAN_OUTPUT,
         "-f", "image2", "-update", "1", "-y", f"file:{poster}"],
        work, "ffmpeg-poster",
    )  # fmt: skip
    if not poster.exists() or poster.stat().st_size == 0:
        raise VariantFailed("no poster picture")
    medium = made[-1]
    made.append(Made("poster", poster, "image/jpeg", medium.width, medium.height))
    return made


def _audio(source: Path, work: Path) -> list[Made]:
    target = work / "compact.m4a"
    _ffmpeg(
        ["-threads", "1", "-i", f"file:{source}", "-map", "0:a:0", "-vn", "-c:a", "aac", "-b:a", "48k", "-ac", "1",
         *CLEAN_OUTPUT, "-f", "mp4", "-movflags", "+faststart", "-y", f"file:{target}"],
        work, "ffmpeg-compact",
    )  # fmt: skip
    _checked(target, "m4a", work)
    return [Made("compact", target, "audio/mp4")]


def decodes(source: Path, work: Path) -> bool:
    """Whether ffmpeg can decode the clip's first second of pictures and sound: a file ffprobe
    can describe but ffmpeg cannot read is refused at upload, before anything is kept."""
    try:
        _ffmpeg(["-threads", "1", "-t", "1", "-i", f"file:{source}", "-map", "0:v:0?", "-map", "0:a:0?",
                 "-xerror", "-f", "null", "-"], work, "ffmpeg-decode")  # fmt: skip
    except VariantFailed as error:
        log.info("ffmpeg could not decode an upload: %s", error)
        return False
    return True
