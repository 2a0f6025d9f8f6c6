"""What the light copies of shared media cost to make: 100 phone photos and a 2-minute 1080p clip.

Run by `make bench` (or `python bench/media_variants.py --photos 10 --seconds 20` while developing).
The same code the background job runs (`twinning.common.uploads.variants.make_variants`), on this
machine, against references measured in the same run:

- photos: 12-megapixel JPEGs (4000 x 3000, detailed enough to weigh 3-4 MB) with EXIF, a GPS
  position and the four orientations a phone writes (upright, upside down, turned left and right),
  first cleaned as an upload is (the clean original is what the copies are made from). Reference:
  that upload cleaning of the same photos. Prints the time per photo for each and their ratio, the
  bytes of the original, thumbnail and screen size;
- video: a 2-minute 1920 x 1080 clip at 30 frames a second with sound, made with ffmpeg's test
  sources (testsrc2 and a sine). Reference: decoding the clip once (ffmpeg to the null output, the
  same threads) and the clip's own length. Prints the time to make the 360p and 720p copies and
  the poster, the ratios, and each copy's size.
"""

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")

import django  # noqa: E402  (after the path and settings above)

django.setup()

from PIL import Image  # noqa: E402

from twinning.common.uploads import processes, variants  # noqa: E402
from twinning.common.uploads.engine import limits  # noqa: E402

ORIENTATIONS = (1, 3, 6, 8)


def phone_photo(index: int) -> bytes:
    """A 12-megapixel photo with a phone's EXIF: make, model, GPS, and one of four orientations."""
    noise = Image.effect_noise((4000, 3000), 30 + index % 20)
    gradient = Image.linear_gradient("L").resize((4000, 3000)).rotate(index * 37 % 360)
    image = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.6)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "PhoneMaker", "PhoneModel 15", ORIENTATIONS[index % 4]
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (31.0, 30.0, float(index)), "E", (34.0, 27.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def photos(count: int, folder: Path) -> None:
    print(f"making {count} phone photos (12 MP, EXIF, GPS, orientations {ORIENTATIONS}) ...", flush=True)
    originals = []
    for index in range(count):
        path = folder / f"IMG_{index:04d}.jpg"
        path.write_bytes(phone_photo(index))
        originals.append(path)
    cleaned, cleaning, making = [], 0.0, 0.0
    sizes = {"original": 0, "clean": 0, "thumb": 0, "screen": 0}
    for path in originals:
        work = folder / f"work-{path.stem}"
        work.mkdir()
        start = time.perf_counter()
        answer = processes.run_worker("photo", path, work / "clean", "jpeg", work=work)
        cleaning += time.perf_counter() - start
        if "refused" in answer:
            sys.exit(f"FAIL: the upload cleaning refused {path.name}: {answer}")
        start = time.perf_counter()
        made = variants.make_variants(work / "clean", "photo", work)
        making += time.perf_counter() - start
        sizes["original"] += path.stat().st_size
        sizes["clean"] += (work / "clean").stat().st_size
        for copy in made:
            sizes[copy.name] += copy.path.stat().st_size
            if Image.open(copy.path).getexif():
                sys.exit(f"FAIL: {copy.name} of {path.name} kept EXIF")
        cleaned.append(work)
        shutil.rmtree(work)
    print(
        f"photos: {count}; reference (upload cleaning) {cleaning / count * 1000:.0f} ms each; "
        f"thumbnail + screen size {making / count * 1000:.0f} ms each ({making / cleaning:.2f} of the reference); "
        f"{count / making:.1f} photos/s"
    )
    print(
        "  mean KiB: original {:.0f}, clean original {:.0f}, screen size {:.0f}, thumbnail {:.1f} "
        "(thumbnail = {:.3f} of the original)".format(
            *(sizes[k] / count / 1024 for k in ("original", "clean", "screen", "thumb")),
            sizes["thumb"] / sizes["original"],
        )
    )


def video(seconds: int, folder: Path) -> None:
    ffmpeg = shutil.which("ffmpeg")
    clip = folder / "clip.mp4"
    print(f"making a {seconds} s 1920x1080 clip with ffmpeg's test sources ...", flush=True)
    subprocess.run(  # noqa: S603  # our own fixed command
        [ffmpeg, "-v", "error", "-nostdin", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-metadata", "title=Class trip",
         "-metadata", "location=+31.5+034.4/", str(clip)],
        check=True,
    )  # fmt: skip
    start = time.perf_counter()
    subprocess.run(  # noqa: S603
        [ffmpeg, "-v", "error", "-nostdin", "-threads", str(limits.VARIANT_THREADS), "-i", str(clip),
         "-f", "null", "-"],
        check=True,
    )  # fmt: skip
    decoding = time.perf_counter() - start
    work = folder / "video"
    work.mkdir()
    start = time.perf_counter()
    made = variants.make_variants(clip, "video", work)
    making = time.perf_counter() - start
    print(
        f"video: {seconds} s at 1080p, {clip.stat().st_size / 2**20:.1f} MiB; reference: decoding it {decoding:.1f} s;"
        f" 360p + 720p + poster {making:.1f} s ({making / decoding:.1f}x the decoding,"
        f" {making / seconds:.2f}x real time)"
    )
    print("  " + ", ".join(f"{c.name} {c.width}x{c.height} {c.path.stat().st_size / 2**20:.2f} MiB" for c in made))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=120)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-variants-") as folder:
        photos(options.photos, Path(folder))
        video(options.seconds, Path(folder))


if __name__ == "__main__":
    main()
