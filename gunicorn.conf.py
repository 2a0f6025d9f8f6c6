"""Gunicorn's settings for Twinning; `gunicorn twinning.wsgi` reads this file from the project folder.

Threads rather than one sync worker: a slow client or a keep-alive connection holds a thread, not
a whole process. Each value can be changed from the environment without editing this file.
See docs/deployment.md for the layout (nginx in front, systemd units).
"""

import os

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

# Behind nginx on the same machine; set GUNICORN_BIND=unix:/run/twinning/gunicorn.sock for a socket.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
# One process per core (at least two, so one busy or restarting process never stops the site),
# each with a few threads: Django's work is mostly waiting on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, _cores)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A process that stops answering its arbiter for this long is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On a restart (SIGTERM, SIGHUP), requests in progress get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx keeps its upstream connections open; a few seconds is enough and frees threads soon.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Processes are renewed now and then, at spread-out moments, so no slow leak can build up. Not too
# often: a renewed process answers nothing while it starts (seconds on a busy machine), and at 100
# requests a second a limit of 2,000 renewed both processes of a 2-core machine within the same
# minute, stalling the site for 20 s in the load test (bench/load_test.py). 50,000 plus up to 10,000 (a
# random share per process) keeps each some ten minutes at that rate and spreads their renewals apart.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "10000"))
# Uploads (photos, video) are limited by the app and by nginx's client_max_body_size.
limit_request_line = 8190
# Only the local proxy may say which scheme and address a request came from.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The heartbeat file on a RAM disk: a slow or full disk never makes healthy workers look dead.
# (gunicorn creates its own unlinked file there; nothing is shared through the folder.)
_shm = "/dev/shm"  # noqa: S108
worker_tmp_dir = _shm if os.path.isdir(_shm) else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Each process opens its own database connections after it starts.
preload_app = False
