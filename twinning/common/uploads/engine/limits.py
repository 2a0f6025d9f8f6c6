"""Every bound on the work one upload may cause, in one place.

Each is checked from a header or a listing before anything is decoded; the caps of the child
process (`worker.py`) and of ffmpeg are a second line behind them, not the first.
"""

MIB = 1024 * 1024

# Still photos: a 48-megapixel phone photo passes; more is refused from its header, before decoding.
PHOTO_MAX_PIXELS = 50_000_000
# Animations (GIF, WebP): a canvas up to 2000 x 2000, at most 500 frames, and at most 50 million
# pixels in all (canvas x frames), so that re-encoding one frame at a time stays cheap.
ANIMATION_MAX_CANVAS = 4_000_000
ANIMATION_MAX_FRAMES = 500
ANIMATION_MAX_TOTAL_PIXELS = 50_000_000
# A progressive JPEG has about ten scans; thousands make decoding crawl.
JPEG_MAX_SCANS = 100

# ZIP-based documents (Word, PowerPoint, Excel, OpenDocument): judged by the sizes their headers
# declare (a member that lies is cut at its declared size and then fails its checksum).
ZIP_MAX_MEMBERS = 5_000
ZIP_MAX_MEMBER_SIZE = 100 * MIB
ZIP_MAX_TOTAL_SIZE = 250 * MIB
ZIP_MAX_RATIO = 100  # uncompressed / compressed, for members of more than ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1 * MIB
ZIP_SMALL_PART = 1 * MIB  # [Content_Types].xml, mimetype, manifest: read whole only below this
ZIP_CHUNK = 256 * 1024

# Video: at most 4096 x 2304 pixels a frame (4K, either way up) and a few streams.
VIDEO_MAX_PIXELS = 4096 * 2304
MEDIA_MAX_STREAMS = 8
MEDIA_MAX_DURATION = 3 * 3600  # seconds

# The child process that reads photos and documents, and ffmpeg/ffprobe.
WORKER_MEMORY = 1024 * MIB  # address space
WORKER_SECONDS = 60
FFMPEG_MEMORY = 2048 * MIB
FFPROBE_SECONDS = 30
FFMPEG_SECONDS = 180
OUTPUT_MAX_SIZE = 400 * MIB  # no rewritten file may grow past this

# Sized copies made after upload (engine/sizes.py, variants.py): a photo's thumbnail for galleries
# and feeds and its screen size for viewing, fitted inside these boxes (never enlarged). The
# thumbnail box is square so that an upright photo is as wide as a gallery cell too.
THUMB_BOX = (400, 400)
SCREEN_BOX = (1600, 1600)
# Video renditions by height (never enlarged) and the poster's; audio's compact bit rate.
VIDEO_SMALL_HEIGHT = 360
VIDEO_MEDIUM_HEIGHT = 720
# Re-encoding a clip is the one job that takes minutes: two threads, and a cap on processor time
# (counted over both threads) that a 3-hour clip at 720p still fits on a slow machine.
VARIANT_THREADS = 2
VARIANT_SECONDS = 4 * 3600
