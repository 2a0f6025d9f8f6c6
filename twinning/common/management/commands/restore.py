"""Restore a backup made by `manage.py backup` into an empty site, and check it."""

from django.core.management.base import BaseCommand, CommandError

from twinning.common.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database and media folder, then check every row count and every "
        "file's SHA-256 against the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a .tar.gz written by manage.py backup")

    def handle(self, *args, backup, **options):
        try:
            checked = restore(backup)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored and checked: {checked['rows']} rows in {checked['models']} tables, {checked['files']} files."
        )
