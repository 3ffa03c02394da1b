"""The directory in and out of the Open Referral Human Services Data Specification (HSDS) CSV layout.

Four files: organizations.csv, services.csv, locations.csv, phones.csv, with HSDS 3.0 column names
(2.x names are read too: `url` for an organization's website). HSDS keeps categories in taxonomy
tables, languages in languages.csv, hours in schedules.csv and addresses in addresses.csv; an agency's
four-file export carries them as extra columns instead (see docs/decisions.md):

- services.csv: `category` (a category key such as "housing", or its English name), `languages`
  (language codes separated by ";"), `opening_hours`, `location_id`;
- locations.csv: the address columns of HSDS addresses (`address_1`, `city`, `postal_code`, `country`).

Rows are matched to the directory by their `id`: an import updates what it knows and adds the rest.
One bad row anywhere and nothing is imported; the report lists every rejected row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from referrals.models import Category, Location, Organization, Service

FILES = ("organizations.csv", "services.csv", "locations.csv", "phones.csv")
REQUIRED_FILES = ("organizations.csv", "services.csv")
COLUMNS = {
    "organizations.csv": ["id", "name", "alternate_name", "description", "email", "website"],
    "services.csv": ["id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
                     "eligibility_description", "category", "languages", "opening_hours", "location_id"],
    "locations.csv": ["id", "organization_id", "name", "description", "address_1", "city", "postal_code", "country"],
    "phones.csv": ["id", "organization_id", "service_id", "location_id", "number", "type", "description"],
}
REQUIRED = {
    "organizations.csv": ["id", "name"],
    "services.csv": ["id", "organization_id", "name", "category"],
    "locations.csv": ["id", "organization_id"],
    "phones.csv": ["id", "number"],
}
STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
LANGUAGE_CODES = {code for code, _name in global_settings.LANGUAGES}
CATEGORY_BY_NAME = {str(label).lower(): key for key, label in Category.choices} | {key: key for key in Category.values}
MAX_ROWS = 50_000
# A region's directory is a few MB; anything far larger is a mistake or an attack (a zip bomb).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class Rejection:
    file: str
    row: int  # the line in the file, counting the header as line 1
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.row}: {self.message}"


@dataclass
class ImportResult:
    rejections: list[Rejection] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.rejections


class DirectoryImportError(Exception):
    def __init__(self, rejections: list[Rejection]):
        self.rejections = rejections
        super().__init__(f"{len(rejections)} rows rejected")


def unzipped_size(upload) -> int:
    """What the zip's directory files say they hold once unpacked (0 for a file that is not a zip)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            size = sum(info.file_size for info in archive.infolist()
                       if info.filename.rsplit("/", 1)[-1].lower() in FILES)
    except zipfile.BadZipFile:
        size = 0
    upload.seek(0)
    return size


def files_from_uploads(uploads) -> dict[str, str]:
    """{file name: text} from a zip or from CSV files, by their base names."""
    files: dict[str, str] = {}
    for upload in uploads:
        name = upload.name.rsplit("/", 1)[-1].lower()
        data = upload.read()
        if name.endswith(".zip"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for member in archive.namelist():
                        base = member.rsplit("/", 1)[-1].lower()
                        if base in FILES:
                            with archive.open(member) as unpacked:  # never more than the limit, whatever it claims
                                files[base] = _text(unpacked.read(MAX_UPLOAD_BYTES + 1)[:MAX_UPLOAD_BYTES])
            except zipfile.BadZipFile:
                files["(zip)"] = ""
        elif name in FILES:
            files[name] = _text(data)
    return files


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _rows(files: dict[str, str], name: str, rejections: list[Rejection]) -> list[tuple[int, dict]]:
    text = files.get(name)
    if text is None:
        if name in REQUIRED_FILES:
            rejections.append(Rejection(name, 0, "the file is missing"))
        return []
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    if name == "organizations.csv" and "url" in headers and "website" not in headers:
        headers[headers.index("url")] = "website"  # HSDS 2.x
    missing = [column for column in REQUIRED[name] if column not in headers]
    if missing:
        rejections.append(Rejection(name, 1, "missing column(s): " + ", ".join(missing)))
        return []
    reader.fieldnames = headers
    rows = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            rejections.append(Rejection(name, number, f"more than {MAX_ROWS} rows"))
            break
        rows.append((number, {key: (value or "").strip() for key, value in row.items() if key}))
    return rows


def _check_required(name: str, number: int, row: dict, rejections: list[Rejection]) -> bool:
    empty = [column for column in REQUIRED[name] if not row.get(column)]
    if empty:
        rejections.append(Rejection(name, number, "empty: " + ", ".join(empty)))
        return False
    return True


def _check_unique(name: str, number: int, row: dict, seen: set, rejections: list[Rejection]) -> bool:
    if row["id"] in seen:
        rejections.append(Rejection(name, number, f"id {row['id']} appears twice"))
        return False
    seen.add(row["id"])
    return True


def _check(validator, value: str, what: str, problems: list[str]) -> None:
    if value:
        try:
            validator(value)
        except ValidationError:
            problems.append(f"{what} is not valid: {value}")


def parse(files: dict[str, str]) -> tuple[dict, list[Rejection]]:
    """Every row checked; returns what to import and every rejected row."""
    rejections: list[Rejection] = []
    if "(zip)" in files:
        return {}, [Rejection("(zip)", 0, "the zip cannot be read")]
    email, url = EmailValidator(), URLValidator(schemes=["http", "https"])
    known_orgs = set(Organization.objects.values_list("hsds_id", flat=True))
    known_locations = set(Location.objects.values_list("hsds_id", flat=True))
    known_services = set(Service.objects.values_list("hsds_id", flat=True))

    organizations, seen = {}, set()
    for number, row in _rows(files, "organizations.csv", rejections):
        if not (_check_required("organizations.csv", number, row, rejections)
                and _check_unique("organizations.csv", number, row, seen, rejections)):
            continue
        problems: list[str] = []
        _check(email, row.get("email", ""), "email", problems)
        _check(url, row.get("website", ""), "website", problems)
        if problems:
            rejections.append(Rejection("organizations.csv", number, "; ".join(problems)))
            continue
        organizations[row["id"]] = row
    org_ids = known_orgs | seen

    locations, seen = {}, set()
    for number, row in _rows(files, "locations.csv", rejections):
        if not (_check_required("locations.csv", number, row, rejections)
                and _check_unique("locations.csv", number, row, seen, rejections)):
            continue
        if row["organization_id"] not in org_ids:
            rejections.append(Rejection("locations.csv", number, f"unknown organization_id {row['organization_id']}"))
            continue
        locations[row["id"]] = row
    location_ids = known_locations | seen

    services, seen = {}, set()
    for number, row in _rows(files, "services.csv", rejections):
        if not (_check_required("services.csv", number, row, rejections)
                and _check_unique("services.csv", number, row, seen, rejections)):
            continue
        problems = []
        if row["organization_id"] not in org_ids:
            problems.append(f"unknown organization_id {row['organization_id']}")
        if row.get("location_id") and row["location_id"] not in location_ids:
            problems.append(f"unknown location_id {row['location_id']}")
        category = CATEGORY_BY_NAME.get(row["category"].lower())
        if category is None:
            problems.append(f"unknown category {row['category']}")
        codes = [code.strip().lower() for code in row.get("languages", "").replace(",", ";").split(";") if code.strip()]
        unknown = [code for code in codes if code not in LANGUAGE_CODES]
        if unknown:
            problems.append("unknown language code(s) " + ", ".join(unknown))
        status = (row.get("status") or "active").lower()
        if status not in STATUSES:
            problems.append(f"unknown status {row.get('status')}")
        _check(email, row.get("email", ""), "email", problems)
        _check(url, row.get("url", ""), "url", problems)
        if problems:
            rejections.append(Rejection("services.csv", number, "; ".join(problems)))
            continue
        services[row["id"]] = {**row, "category": category, "languages": codes, "status": status}
    service_ids = known_services | seen

    phones, seen = [], set()
    for number, row in _rows(files, "phones.csv", rejections):
        if not (_check_required("phones.csv", number, row, rejections)
                and _check_unique("phones.csv", number, row, seen, rejections)):
            continue
        if row.get("service_id") and row["service_id"] not in service_ids:
            rejections.append(Rejection("phones.csv", number, f"unknown service_id {row['service_id']}"))
            continue
        if row.get("organization_id") and row["organization_id"] not in org_ids:
            rejections.append(Rejection("phones.csv", number, f"unknown organization_id {row['organization_id']}"))
            continue
        if not row.get("service_id") and not row.get("organization_id"):
            rejections.append(Rejection("phones.csv", number, "a phone needs a service_id or an organization_id"))
            continue
        phones.append(row)
    parsed = {"organizations": organizations, "locations": locations, "services": services, "phones": phones}
    return parsed, rejections


@transaction.atomic
def import_directory(files: dict[str, str]) -> ImportResult:
    """All or nothing: with any rejected row, DirectoryImportError lists them all and nothing is written."""
    parsed, rejections = parse(files)
    if rejections:
        raise DirectoryImportError(rejections)
    organizations = {}
    for hsds_id, row in parsed["organizations"].items():
        organizations[hsds_id], _created = Organization.objects.update_or_create(hsds_id=hsds_id, defaults={
            "name": row["name"][:200], "description": row.get("description", ""),
            "email": row.get("email", ""), "website": row.get("website", ""),
        })
    needed = {row["organization_id"] for row in [*parsed["locations"].values(), *parsed["services"].values()]}
    needed |= {row["organization_id"] for row in parsed["phones"] if row.get("organization_id")}
    organizations |= {o.hsds_id: o for o in Organization.objects.filter(hsds_id__in=needed - organizations.keys())}
    locations = {}
    for hsds_id, row in parsed["locations"].items():
        locations[hsds_id], _created = Location.objects.update_or_create(hsds_id=hsds_id, defaults={
            "organization": organizations[row["organization_id"]], "name": row.get("name", "")[:200],
            "address": row.get("address_1", "")[:200], "city": row.get("city", "")[:100],
            "postal_code": row.get("postal_code", "")[:20], "country": row.get("country", "")[:2],
        })
    wanted = {row["location_id"] for row in parsed["services"].values() if row.get("location_id")}
    locations |= {x.hsds_id: x for x in Location.objects.filter(hsds_id__in=wanted - locations.keys())}
    phone_for_service = {row["service_id"]: row["number"] for row in parsed["phones"] if row.get("service_id")}
    phone_for_org = {row["organization_id"]: row["number"] for row in parsed["phones"]
                     if row.get("organization_id") and not row.get("service_id")}
    for hsds_id, row in parsed["services"].items():
        service = Service.objects.filter(hsds_id=hsds_id).first() or Service(hsds_id=hsds_id)
        service.organization = organizations[row["organization_id"]]
        service.location = locations.get(row.get("location_id") or "")
        service.name = row["name"][:200]
        service.description = row.get("description", "")
        service.category = row["category"]
        service.eligibility = row.get("eligibility_description", "")
        service.set_languages(row["languages"])
        service.opening_hours = row.get("opening_hours", "")[:200]
        service.email = row.get("email", "")
        service.website = row.get("url", "")
        service.accepts_referrals = row["status"] == "active"
        service.phone = (phone_for_service.get(hsds_id) or phone_for_org.get(row["organization_id"])
                         or service.phone)[:40]
        service.refresh_search_text()
        service.save()
    for row in parsed["phones"]:  # phones for services already in the directory
        if row.get("service_id") and row["service_id"] not in parsed["services"]:
            Service.objects.filter(hsds_id=row["service_id"]).update(phone=row["number"][:40])
    return ImportResult(counts={name: len(parsed[name]) for name in parsed})


def export_directory() -> dict[str, str]:
    """The whole directory as the four files."""
    out = {name: io.StringIO() for name in FILES}
    writers = {name: csv.DictWriter(out[name], fieldnames=COLUMNS[name], extrasaction="ignore") for name in FILES}
    for writer in writers.values():
        writer.writeheader()
    for org in Organization.objects.order_by("hsds_id"):
        writers["organizations.csv"].writerow({"id": org.hsds_id, "name": org.name, "description": org.description,
                                               "email": org.email, "website": org.website})
    for location in Location.objects.select_related("organization").order_by("hsds_id"):
        writers["locations.csv"].writerow({
            "id": location.hsds_id, "organization_id": location.organization.hsds_id, "name": location.name,
            "address_1": location.address, "city": location.city, "postal_code": location.postal_code,
            "country": location.country,
        })
    for service in Service.objects.select_related("organization", "location").order_by("hsds_id"):
        writers["services.csv"].writerow({
            "id": service.hsds_id, "organization_id": service.organization.hsds_id, "name": service.name,
            "description": service.description, "url": service.website, "email": service.email,
            "status": "active" if service.accepts_referrals else "inactive",
            "eligibility_description": service.eligibility, "category": service.category,
            "languages": ";".join(service.language_codes), "opening_hours": service.opening_hours,
            "location_id": service.location.hsds_id if service.location else "",
        })
        if service.phone:
            writers["phones.csv"].writerow({"id": f"{service.hsds_id}-phone", "service_id": service.hsds_id,
                                            "organization_id": service.organization.hsds_id,
                                            "number": service.phone, "type": "voice"})
    return {name: buffer.getvalue() for name, buffer in out.items()}


def export_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in export_directory().items():
            archive.writestr(name, text)
    return buffer.getvalue()
