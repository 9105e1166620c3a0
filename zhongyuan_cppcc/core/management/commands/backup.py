"""manage.py backup [--dir DIR] [--encrypt] [--prune]: one dated archive of the database and media files."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.core import backup as ops


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the media files into one dated archive."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="Where to write the archive (default BACKUP_DIR).")
        parser.add_argument("--encrypt", action="store_true",
                            help="Encrypt with BACKUP_ENCRYPTION_KEY (AES-256-GCM).")
        parser.add_argument("--prune", action="store_true",
                            help="Then keep only BACKUP_KEEP_DAILY daily and BACKUP_KEEP_MONTHLY monthly archives.")
        parser.add_argument("--generate-key", action="store_true", help="Print a new encryption key and stop.")

    def handle(self, *args, dir, encrypt, prune, generate_key, **options):
        if generate_key:
            self.stdout.write(ops.generate_key())
            return
        directory = Path(dir or settings.BACKUP_DIR)
        try:
            archive = ops.backup(directory=directory, encrypt=encrypt)
        except ops.BackupError as exc:
            audit_record(action="ops.backup", outcome="failure", details={"error": str(exc)[:500]})
            raise CommandError(str(exc)) from exc
        audit_record(action="ops.backup", details={"archive": archive.name, "encrypted": encrypt})
        self.stdout.write(self.style.SUCCESS(f"backup written: {archive}"))
        if prune:
            for path in ops.prune(directory, keep_daily=settings.BACKUP_KEEP_DAILY,
                                  keep_monthly=settings.BACKUP_KEEP_MONTHLY):
                self.stdout.write(f"deleted old backup: {path.name}")
