"""Pupils erased per second, one by one (`erase_person`, as the nightly retention job did) against in
batches (`erase_people`, BATCH at a time, as it does now), on a generated network in PostgreSQL.

Run by hand against a database of your own that it may write to (it erases pupils for good):

    createdb -h 127.0.0.1 -U postgres erase_net
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/erase_net .venv/bin/python manage.py migrate
    DATABASE_URL=… TWINNING_VAR_DIR=/tmp/x .venv/bin/python manage.py generate_network --schools 2000
    BENCH_ERASE_DB=postgresql://postgres@127.0.0.1:5432/erase_net .venv/bin/python bench/erase_batches.py

Both ways take pupils from the same stretch of the network (every few pupils in key order one by
one, the others in batches), so they have the same kind of posts, photos, consent forms and audit
entries; each way commits as the job does (a transaction per pupil, or per batch). Printed: pupils
per second and statements per pupil each way, and the ratio. BENCH_ONE and BENCH_BATCHED set how many.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _setup  # noqa: E402

DATABASE = os.environ.get("BENCH_ERASE_DB", "")
if not DATABASE:
    sys.exit("BENCH_ERASE_DB: the URL of a generated network this bench may erase pupils from")
os.environ["DATABASE_URL"] = DATABASE
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")
os.environ["TWINNING_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-erase-")  # no real file is touched

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from twinning.accounts.models import Pupil  # noqa: E402
from twinning.common import privacy  # noqa: E402
from twinning.common.errors import ServiceError  # noqa: E402
from twinning.retention.services import BATCH  # noqa: E402

ONE = int(os.environ.get("BENCH_ONE", 100))
BATCHED = int(os.environ.get("BENCH_BATCHED", 1000))


def people(pks: list[int]) -> list[privacy.Person]:
    pupils = Pupil.objects.filter(pk__in=pks).select_related("user").order_by("pk")
    return [privacy.person_for(pupil.user) for pupil in pupils]


def one_by_one(pks: list[int]) -> int:
    refused = 0
    for person in people(pks):
        try:
            privacy.erase_person(person=person, by=None)
        except ServiceError:
            refused += 1
    return refused


def in_batches(pks: list[int]) -> int:
    refused = 0
    for start in range(0, len(pks), BATCH):
        refused += len(privacy.erase_people(people=people(pks[start : start + BATCH]), by=None))
    return refused


def measured(work, pks: list[int]) -> tuple[float, int, int]:
    counter = _setup.StatementCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        refused = work(pks)
    return time.perf_counter() - start, counter.n, refused


def main() -> None:
    step = max((ONE + BATCHED) // ONE, 2)
    stretch = list(Pupil.objects.order_by("pk").values_list("pk", flat=True)[: ONE * step + BATCHED])
    alone = stretch[::step][:ONE]
    chosen = set(alone)
    batched = [pk for pk in stretch if pk not in chosen][:BATCHED]
    load = os.getloadavg()
    print(f"erase in batches: {Pupil.objects.count()} pupils in the network; load average {load[0]:.2f} {load[1]:.2f}")
    one_s, one_q, one_refused = measured(one_by_one, alone)
    many_s, many_q, many_refused = measured(in_batches, batched)
    one_rate = (len(alone) - one_refused) / one_s
    many_rate = (len(batched) - many_refused) / many_s
    print(
        f"  one by one (erase_person):     {len(alone):6d} pupils {one_s:8.2f} s  {one_rate:8.1f} pupils/s"
        f"  {one_q / len(alone):7.1f} statements a pupil  ({one_refused} refused)"
    )
    print(
        f"  in batches of {BATCH} (erase_people): {len(batched):4d} pupils {many_s:8.2f} s  {many_rate:8.1f} pupils/s"
        f"  {many_q / len(batched):7.1f} statements a pupil  ({many_refused} refused)"
    )
    print(f"  batches / one by one: {many_rate / one_rate:5.1f}x the pupils a second")
    load = os.getloadavg()
    print(f"  load average after: {load[0]:.2f} {load[1]:.2f}")


if __name__ == "__main__":
    main()
