"""Check the audit trail's hash chain from the first entry to the last.

Exits 0 and prints the number of entries and the hash at the end of the chain (keep it somewhere
outside the database to compare next time), or exits 1 naming the first entry that was altered or
removed. Reads the trail in batches, so memory stays the same however long it is.
"""

from django.core.management.base import BaseCommand, CommandError

from caseload.audit_chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first entry that was altered or removed."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="Entries read per query (default 1000).")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        report = verify_chain(batch_size=batch_size)
        if not report.intact:
            raise CommandError(
                f"Audit trail broken at {report.first_break}. {report.checked} entries before it are intact."
            )
        self.stdout.write(f"Audit trail intact: {report.checked} entries, chain ends at {report.head_hash}.")
