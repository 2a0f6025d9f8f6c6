"""The background worker: runs queued jobs and the periodic ones (`common.jobs`)."""

import logging
import os
import signal

from django.core.management.base import BaseCommand

from twinning.common.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run background jobs from the database queue until stopped (SIGTERM or Ctrl-C stop it gracefully)."

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=2, help="jobs run at once by this process (default 2)")
        parser.add_argument(
            "--grace",
            type=float,
            default=25.0,
            help="seconds a running job may take to finish after SIGTERM before it is given back (default 25)",
        )
        parser.add_argument("--quiet", action="store_true", help="log only warnings and errors")

    def handle(self, *args, threads, grace, quiet, **options):
        logging.getLogger("twinning.jobs").setLevel(logging.WARNING if quiet else logging.INFO)
        worker = Worker(threads=threads, grace=grace)
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        if not quiet:
            self.stdout.write(f"Worker {worker.name}: {threads} thread(s); SIGTERM or Ctrl-C stops it.")
        finished = worker.run()
        if not finished:
            # A job still running past the grace time was given back to the queue; its thread is
            # abandoned (another worker starts the job again), so leave without waiting for it.
            os._exit(0)
