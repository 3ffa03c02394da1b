"""Load or save the resource directory in the Open Referral (HSDS) CSV layout.

    manage.py directory import region.zip          (or: import organizations.csv services.csv …)
    manage.py directory export directory.zip
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referrals import hsds


class _Upload:
    def __init__(self, path: Path):
        self.name = path.name
        self._path = path

    def read(self) -> bytes:
        return self._path.read_bytes()


class Command(BaseCommand):
    help = "Import or export the resource directory (Open Referral HSDS CSV: a zip or the four files)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("paths", nargs="+")

    def handle(self, *args, action, paths, **options):
        if action == "export":
            Path(paths[0]).write_bytes(hsds.export_zip())
            self.stdout.write(f"Wrote {paths[0]}")
            return
        missing = [p for p in paths if not Path(p).is_file()]
        if missing:
            raise CommandError("No such file: " + ", ".join(missing))
        files = hsds.files_from_uploads([_Upload(Path(p)) for p in paths])
        try:
            result = hsds.import_directory(files)
        except hsds.DirectoryImportError as error:
            for rejection in error.rejections:
                self.stderr.write(str(rejection))
            raise CommandError(f"Nothing imported: {len(error.rejections)} rows rejected.") from None
        self.stdout.write("Imported " + ", ".join(f"{count} {name}" for name, count in result.counts.items()))
