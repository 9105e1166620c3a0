from django.core.management.base import BaseCommand, CommandError

from zhongyuan_cppcc.audit.retention import ArchiveKeyMissing, audit_archive_and_prune


class Command(BaseCommand):
    help = "Archive audit rows older than the retention period (≥ 180 days) to a signed file, then delete them."

    def handle(self, *args, **options):
        try:
            result = audit_archive_and_prune()
        except ArchiveKeyMissing as exc:
            raise CommandError(str(exc)) from exc
        if result.path is None:
            self.stdout.write(f"no audit rows older than {result.cutoff:%Y-%m-%d %H:%M}")
        else:
            self.stdout.write(f"archived and deleted {result.rows} rows: {result.path}")
