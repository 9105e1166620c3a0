from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhongyuan_cppcc.audit.retention import ArchiveKeyMissing, verify_archive


class Command(BaseCommand):
    help = "Check an audit archive against its .sig file (HMAC-SHA256 under AUDIT_ARCHIVE_KEY)."

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="+", type=Path)

    def handle(self, *args, archive, **options):
        failed = False
        for path in archive:
            try:
                rows = verify_archive(path)
            except (ValueError, OSError) as exc:
                self.stderr.write(f"NOT VALID {exc}")
                failed = True
            except ArchiveKeyMissing as exc:
                raise CommandError(str(exc)) from exc
            else:
                self.stdout.write(f"ok {path} ({rows} rows)")
        if failed:
            raise CommandError("at least one archive is not genuine")
