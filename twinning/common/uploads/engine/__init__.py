"""The parts of upload checking that read and rewrite files, with no Django in them.

They run inside a short-lived child process with a memory, processor-time and file-size cap
(`worker.py`), so that a hostile file can cost the web process nothing and the child nothing
beyond its caps. Modules here import each other relatively: the child loads this folder as a
top-level package, the web process as `twinning.common.uploads.engine`.
"""
