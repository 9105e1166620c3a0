"""Recompute every member's stored year scores from the ledger (after a bulk load or a restore)."""

from django.core.management.base import BaseCommand

from members.scoring import store_all_scores


class Command(BaseCommand):
    help = "Recompute the stored year scores of every member from the duty ledger."

    def handle(self, *args, **options):
        years = store_all_scores()
        self.stdout.write(f"stored scores for {years} year(s)\n")
