"""Check the files kept before uploads were cleaned as they are now: `manage.py clean_stored_uploads`.

Video, sound and documents stored earlier were kept byte for byte (a phone's GPS position in a
clip, an author in a PDF). This runs each of them through the same checks and cleaning as a new
upload and, with --apply, writes the clean copy in place (same name, so every row and every
library version sharing the file follows) and updates the rows' size and type. A file that would
now be refused is listed with its reason and left as it is, for a person to decide: nothing saved
is deleted by this command. Photos were always re-encoded on upload and are not encoded again.
"""

from __future__ import annotations

from django.apps import apps
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import models, transaction

from twinning.common.uploads import UploadRefused, examine


def upload_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every file field of every installed app (found through the app registry, not imported)."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


class Command(BaseCommand):
    help = "Check stored video, sound and documents again and, with --apply, rewrite them without metadata."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="write the clean copies (default: only report)")

    def handle(self, *args, apply: bool = False, **options):
        counts = {"unchanged": 0, "cleaned" if apply else "to clean": 0, "refused": 0, "missing": 0, "photos": 0}
        for model, field in upload_fields():
            label = model._meta.label
            rows = model.objects.exclude(**{field.name: ""})
            has_type = any(f.name == "content_type" for f in model._meta.get_fields())
            for name in rows.values_list(field.name, flat=True).distinct().order_by(field.name):
                same_file = rows.filter(**{field.name: name})
                if has_type and not same_file.exclude(content_type__startswith="image/").exists():
                    counts["photos"] += 1
                    continue
                outcome = self._check(field.storage, name, model, field, same_file, apply)
                counts[outcome] += 1
                if outcome != "unchanged":
                    ids = ", ".join(str(pk) for pk in same_file.values_list("pk", flat=True))
                    self.stdout.write(f"{outcome}: {label} {ids}: {name}{self._reason}")
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))

    def _check(self, storage, name, model, field, same_file, apply) -> str:
        self._reason = ""
        if not storage.exists(name):
            return "missing"
        with storage.open(name, "rb") as handle:
            upload = File(handle, name=name)
            upload.size = storage.size(name)
            try:
                with examine(upload) as checked:
                    handle.close()
                    with storage.open(name, "rb") as again:
                        unchanged = _same(again, checked.path)
                    if unchanged:
                        return "unchanged"
                    if apply:
                        _replace(storage, name, checked, model, field, same_file)
                        return "cleaned"
                    return "to clean"
            except UploadRefused as refused:
                self._reason = f" ({refused})"
                return "refused"


def _same(stored, path) -> bool:
    with open(path, "rb") as clean:
        while True:
            a, b = stored.read(1024 * 1024), clean.read(1024 * 1024)
            if a != b:
                return False
            if not a:
                return True


def _replace(storage, name, checked, model, field, same_file) -> None:
    with transaction.atomic():
        storage.delete(name)
        with open(checked.path, "rb") as clean:
            kept = storage.save(name, File(clean))
        changes = {field.name: kept}
        fields = {f.name: f for f in model._meta.get_fields()}
        if "size" in fields:
            changes["size"] = checked.size
        if "content_type" in fields:
            changes["content_type"] = checked.kind.content_type
        # A media kind (a "video" found to hold only sound), where the field is one of those kinds.
        if "kind" in fields and checked.kind.code in dict(fields["kind"].choices or ()):
            changes["kind"] = checked.kind.code
        same_file.update(**changes)
