"""manage.py restore ARCHIVE [--database-url URL] [--media-root DIR]: into an empty database and media dir."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhongyuan_cppcc.core import backup as ops


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and an empty media directory, then compare row counts."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database-url", default=None,
                            help="Target database (default: the owner connection of these settings).")
        parser.add_argument("--media-root", default=None, help="Target media directory (default MEDIA_ROOT).")

    def handle(self, *args, archive, database_url, media_root, **options):
        target = ops.PgTarget.from_url(database_url) if database_url else None
        try:
            manifest = ops.restore(Path(archive), target=target,
                                   media_root=Path(media_root) if media_root else None)
        except ops.BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables, rows = len(manifest["restored"]), sum(manifest["restored"].values())
        self.stdout.write(self.style.SUCCESS(
            f"restored {tables} tables ({rows} rows, equal to the manifest) and {manifest['media_files']} media files "
            f"from a backup made at {manifest['created_at']}"))
