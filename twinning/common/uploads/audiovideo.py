"""Sound and video: checked by ffprobe, then remuxed by ffmpeg with nothing but the sound and
pictures, and checked again.

The demuxer is always named (never guessed from the content, which is how a file passes itself off
as a playlist that fetches other files), only local files may be opened, and the output keeps
only the audio and video streams: no global or per-stream metadata (GPS position, title, artist,
the phone's make), no chapters, no data, subtitle or attachment streams (Apple's `mebx` location
track, GoPro telemetry), no cover picture. The streams themselves are copied, not re-encoded, so
the work stays proportional to the file's size. The output is read back with ffprobe and its
container structure walked before it is accepted.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from django.conf import settings

from twinning.common.uploads import processes
from twinning.common.uploads.engine import limits
from twinning.common.uploads.kinds import KINDS, VIDEO, refused

log = logging.getLogger(__name__)

DEMUXERS = {"mp4": "mov", "mov": "mov", "m4a": "mov", "webm": "matroska", "mp3": "mp3", "ogg": "ogg", "wav": "wav"}
MUXERS = {
    "mp4": ["-f", "mp4", "-movflags", "+faststart"],
    "mov": ["-f", "mov", "-movflags", "+faststart"],
    "m4a": ["-f", "mp4", "-movflags", "+faststart"],
    "webm": ["-f", "webm"],
    "weba": ["-f", "webm"],
    "mp3": ["-f", "mp3", "-id3v2_version", "0", "-write_id3v1", "0"],
    "ogg": ["-f", "ogg"],
    "wav": ["-f", "wav"],
}
ISO_KEYS = {"mp4", "mov", "m4a"}
# Tags a clean output may still show: container brands and technical stream labels, nothing personal.
ALLOWED_TAGS = {"major_brand", "minor_version", "compatible_brands", "encoder", "language", "handler_name",
                "vendor_id", "duration"}  # fmt: skip
# Boxes that carry places, names or free-form data in ISO media; none may be left in a clean file.
# Anything inside `udta` but an empty `meta`, and any item in `ilst`, also counts as one ("user data").
DENIED_BOXES = {b"\xa9xyz", b"loci", b"keys", b"XMP_", b"uuid", b"user data"}
CONTAINER_BOXES = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts", b"dinf", b"mvex", b"ilst"}
PROBE_ENTRIES = (
    "format=format_name,duration:format_tags:stream=index,codec_type,codec_name,width,height"
    ":stream_tags:stream_disposition=attached_pic"
)


def binaries() -> tuple[str, str]:
    ffmpeg = shutil.which(getattr(settings, "FFMPEG_BINARY", "ffmpeg"))
    ffprobe = shutil.which(getattr(settings, "FFPROBE_BINARY", "ffprobe"))
    if not ffmpeg or not ffprobe:
        log.error("ffmpeg/ffprobe not found: video and sound uploads are refused (run `make system-deps`)")
        raise refused("media_unavailable")
    return ffmpeg, ffprobe


def probe(ffprobe: str, path: Path, work: Path, demuxer: str | None) -> dict:
    # One decoding thread: probing decodes a few frames, and a thread per core would not fit the cap.
    command = [ffprobe, "-v", "error", "-hide_banner", "-threads", "1", "-protocol_whitelist", "file"]
    if demuxer:
        command += ["-f", demuxer]
    command += ["-show_entries", PROBE_ENTRIES, "-of", "json", f"file:{path}"]
    try:
        report = processes.run(
            command, work=work, name="ffprobe", seconds=limits.FFPROBE_SECONDS, memory=limits.FFMPEG_MEMORY
        )
        return json.loads(report)
    except (processes.Failed, ValueError) as error:
        log.info("ffprobe refused an upload: %s", error)
        raise refused("unreadable_media") from error


def _av_streams(report: dict) -> tuple[list[dict], list[dict]]:
    streams = report.get("streams") or []
    kept = [s for s in streams if not (s.get("disposition") or {}).get("attached_pic")]
    return [s for s in kept if s.get("codec_type") == "video"], [s for s in kept if s.get("codec_type") == "audio"]


def final_key(key: str, report: dict) -> str:
    """The kind the clip is kept as, from what ffprobe found in it; refused when it holds no sound
    or video, or more than the limits allow."""
    videos, audios = _av_streams(report)
    if len(videos) + len(audios) > limits.MEDIA_MAX_STREAMS:
        raise refused("unreadable_media")
    try:
        duration = float((report.get("format") or {}).get("duration") or 0)
    except ValueError:
        duration = 0
    if duration > limits.MEDIA_MAX_DURATION:
        raise refused("media_too_long")
    if key in ("mp4", "mov", "webm") and videos:
        for stream in videos:
            if int(stream.get("width") or 0) * int(stream.get("height") or 0) > limits.VIDEO_MAX_PIXELS:
                raise refused("video_too_large")
        return key
    if not audios:
        raise refused("unreadable_media")
    return {"mp4": "m4a", "mov": "m4a", "webm": "weba"}.get(key, key)


def clean_audio_video(source: Path, key: str, work: Path) -> tuple[Path, str]:
    """(the cleaned file, its key in KINDS) for an upload whose first bytes say sound or video."""
    ffmpeg, ffprobe = binaries()
    demuxer = DEMUXERS[key]
    out_key = final_key(key, probe(ffprobe, source, work, demuxer))
    target = work / f"clean.{KINDS[out_key].extension}"
    maps = ["-map", "0:V", "-map", "0:a?"] if KINDS[out_key].code == VIDEO else ["-map", "0:a"]
    command = [
        ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-threads", "1", "-protocol_whitelist", "file",
        "-f", demuxer, "-i", f"file:{source}",
        *maps, "-c", "copy", "-map_metadata", "-1", "-map_chapters", "-1", "-dn", "-sn",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        *MUXERS[out_key], "-y", f"file:{target}",
    ]  # fmt: skip
    try:
        processes.run(command, work=work, name="ffmpeg", seconds=limits.FFMPEG_SECONDS, memory=limits.FFMPEG_MEMORY)
    except processes.Failed as error:
        log.info("ffmpeg could not remux an upload: %s", error)
        raise refused("unreadable_media") from error
    verify(ffprobe, target, out_key, work)
    return target, out_key


def verify(ffprobe: str, target: Path, key: str, work: Path) -> None:
    """Read the output back: only sound and video, no tag beyond the technical ones, and (for MP4,
    MOV, M4A) no box that can hold a place or a name. A failure here is a fault of the cleaning,
    so the file is refused and the fault logged."""
    report = probe(ffprobe, target, work, None)
    problems = []
    for stream in report.get("streams") or []:
        if stream.get("codec_type") not in ("audio", "video") or (stream.get("disposition") or {}).get("attached_pic"):
            problems.append(f"stream {stream.get('codec_type')}")
        problems += [f"stream tag {tag}" for tag in stream.get("tags") or {} if tag.lower() not in ALLOWED_TAGS]
    tags = (report.get("format") or {}).get("tags") or {}
    problems += [f"tag {tag}" for tag in tags if tag.lower() not in ALLOWED_TAGS]
    if key in ISO_KEYS:
        problems += [f"box {box!r}" for box in iso_boxes(target) if box in DENIED_BOXES]
    if problems:
        log.error("A cleaned %s still had %s: refused", key, ", ".join(problems))
        raise refused("unreadable_media")


def iso_boxes(path: Path) -> list[bytes]:
    """The types of every box inside the file's `moov` (the container's description, not the media
    data), walked through the boxes that hold other boxes."""
    found: list[bytes] = []
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        end = handle.tell()
        at = 0
        while at + 8 <= end:
            handle.seek(at)
            size, box = _box_header(handle, end - at)
            if size is None:
                break
            if box == b"moov":
                if size > 64 * 1024 * 1024:
                    found.append(b"moov too large")
                    break
                handle.seek(at)
                moov = handle.read(size)
                found.append(box)
                _walk(moov, 8, len(moov), found, box)
            else:
                found.append(box)
            at += size
    return found


def _box_header(handle, room: int) -> tuple[int | None, bytes]:
    header = handle.read(8)
    size, box = int.from_bytes(header[:4], "big"), header[4:8]
    if size == 1:
        size = int.from_bytes(handle.read(8), "big")
    elif size == 0:
        size = room
    if size < 8 or size > room:
        return None, box
    return size, box


def _walk(data: bytes, at: int, end: int, found: list[bytes], parent: bytes = b"moov") -> None:
    while at + 8 <= end:
        size, box = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        header = 8
        if size == 1:
            size, header = int.from_bytes(data[at + 8 : at + 16], "big"), 16
        if size < header or at + size > end:
            return
        found.append(box)
        if parent == b"ilst" or (parent == b"udta" and box != b"meta"):
            found.append(b"user data")
        if box in CONTAINER_BOXES:
            _walk(data, at + header, at + size, found, box)
        elif box == b"meta":
            _walk(data, at + header + 4, at + size, found, box)
        at += size
