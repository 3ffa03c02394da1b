"""The directory in and out of Open Referral HSDS CSV: all or nothing, with a report of every rejected row."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from referrals import hsds
from referrals.models import Location, Organization, Service

ORGANIZATIONS = "id,name,description,email,website\norg-1,Bolig Nord,Housing for adults,info@bolig.example,https://bolig.example\norg-2,Peer Café,,,\n"
LOCATIONS = "id,organization_id,name,address_1,city,postal_code,country\nloc-1,org-1,Office,Nørregade 1,Aarhus,8000,DK\n"
SERVICES = (
    "id,organization_id,name,description,url,email,status,eligibility_description,category,languages,opening_hours,location_id\n"
    "svc-1,org-1,Bostøtte,Support to find and keep a home,https://bolig.example/b,visitation@bolig.example,active,Adults 18+,housing,da;en,Mon-Fri 9-15,loc-1\n"
    "svc-2,org-2,Peer support group,,,,inactive,,Support group,da,,\n"
)
PHONES = "id,organization_id,service_id,location_id,number,type\nph-1,,svc-1,,+45 70 10 20 30,voice\nph-2,org-2,,,+45 80 80 80 80,voice\n"


def four(**changes):
    return {"organizations.csv": ORGANIZATIONS, "locations.csv": LOCATIONS, "services.csv": SERVICES,
            "phones.csv": PHONES, **changes}


def zipped(files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"region/{name}", text)
    return buffer.getvalue()


@pytest.mark.django_db
def test_it_imports_the_four_files():
    result = hsds.import_directory(four())
    assert result.counts == {"organizations": 2, "locations": 1, "services": 2, "phones": 2}
    housing = Service.objects.get(hsds_id="svc-1")
    assert housing.organization.name == "Bolig Nord" and housing.category == "housing"
    assert housing.language_codes == ["da", "en"] and housing.phone == "+45 70 10 20 30"
    assert str(housing.location) == "Nørregade 1, 8000 Aarhus" and housing.accepts_referrals
    peer = Service.objects.get(hsds_id="svc-2")
    assert peer.category == "support_group" and not peer.accepts_referrals and peer.phone == "+45 80 80 80 80"
    assert Service.objects.search(text="keep a home").get() == housing


@pytest.mark.django_db
def test_a_second_import_updates_rather_than_duplicates():
    hsds.import_directory(four())
    hsds.import_directory(four(**{"services.csv": SERVICES.replace("Bostøtte,", "Bostøtte Plus,")}))
    assert Service.objects.count() == 2 and Service.objects.get(hsds_id="svc-1").name == "Bostøtte Plus"


@pytest.mark.django_db
def test_a_bad_file_imports_nothing_and_reports_every_rejected_row():
    bad_services = SERVICES + (
        "svc-3,org-9,Nowhere,,,,active,,housing,da,,\n"
        "svc-4,org-1,Odd,,,,active,,gardening,xx,,\n"
        "svc-1,org-1,Twice,,,,active,,housing,da,,\n"
        "svc-5,org-1,,,,not-an-email,active,,housing,,,\n"
    )
    with pytest.raises(hsds.DirectoryImportError) as error:
        hsds.import_directory(four(**{"services.csv": bad_services}))
    report = [str(rejection) for rejection in error.value.rejections]
    assert report == [
        "services.csv, line 4: unknown organization_id org-9",
        "services.csv, line 5: unknown category gardening; unknown language code(s) xx",
        "services.csv, line 6: id svc-1 appears twice",
        "services.csv, line 7: empty: name",
    ]
    assert not Organization.objects.exists() and not Service.objects.exists() and not Location.objects.exists()


@pytest.mark.django_db
def test_missing_files_and_columns_are_reported():
    with pytest.raises(hsds.DirectoryImportError) as error:
        hsds.import_directory({"organizations.csv": "id,title\n1,x\n"})
    assert [str(r) for r in error.value.rejections] == [
        "organizations.csv, line 1: missing column(s): name", "services.csv, line 0: the file is missing"]


@pytest.mark.django_db
def test_it_reads_hsds_2_website_column():
    hsds.import_directory(four(**{"organizations.csv": ORGANIZATIONS.replace("website", "url")}))
    assert Organization.objects.get(hsds_id="org-1").website == "https://bolig.example"


@pytest.mark.django_db
def test_an_export_imports_again_unchanged():
    hsds.import_directory(four())
    exported = hsds.export_directory()
    assert exported["services.csv"].splitlines()[0] == ",".join(hsds.COLUMNS["services.csv"])
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    hsds.import_directory(exported)
    housing = Service.objects.get(hsds_id="svc-1")
    assert housing.phone == "+45 70 10 20 30" and housing.location.city == "Aarhus" and housing.language_codes == ["da", "en"]


def test_administrators_import_a_zip_from_the_page(login, administrator):
    upload = SimpleUploadedFile("region.zip", zipped(four()), content_type="application/zip")
    page = login(administrator).post("/referrals/directory/import/", {"files": [upload]})
    assert page.status_code == 200 and "The directory is imported." in page.content.decode()
    assert Service.objects.count() == 2


def test_administrators_import_the_csv_files_and_see_every_rejected_row(login, administrator):
    uploads = [SimpleUploadedFile(name, text.encode(), content_type="text/csv")
               for name, text in four(**{"services.csv": SERVICES + "svc-9,org-7,X,,,,active,,housing,,,\n"}).items()]
    page = login(administrator).post("/referrals/directory/import/", {"files": uploads})
    text = page.content.decode()
    assert page.status_code == 400 and "Nothing was imported: 1 row was rejected." in text
    assert "services.csv, line 4: unknown organization_id org-7" in text
    assert not Service.objects.exists()


def test_an_upload_of_the_wrong_type_or_too_large_is_refused_beside_the_field(login, administrator, settings):
    browser = login(administrator)
    page = browser.post("/referrals/directory/import/", {"files": [SimpleUploadedFile("region.exe", b"MZ")]})
    assert "region.exe is not a .zip or .csv file." in page.content.decode()

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # large uploads go to a temporary file, as in production
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hsds, "MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
        big = SimpleUploadedFile("services.csv", b"x" * (2 * 1024 * 1024 + 1), content_type="text/csv")
        page = browser.post("/referrals/directory/import/", {"files": [big]})
        assert "services.csv is larger than 2 MB." in page.content.decode()

        # A zip bomb: small to upload, far larger once unpacked.
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("services.csv", b"0" * (3 * 1024 * 1024))
        assert len(bomb.getvalue()) < 100 * 1024
        page = browser.post("/referrals/directory/import/", {"files": [SimpleUploadedFile("region.zip", bomb.getvalue())]})
        assert "region.zip holds more than 2 MB once unpacked." in page.content.decode()
    assert not Service.objects.exists()


def test_administrators_export_a_zip(login, administrator):
    hsds.import_directory(four())
    response = login(administrator).get("/referrals/directory/export/")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert response["Content-Type"] == "application/zip" and sorted(names) == sorted(hsds.FILES)


def test_case_managers_may_not_import_or_export(login, case_manager):
    browser = login(case_manager)
    assert browser.get("/referrals/directory/import/").status_code == 403
    assert browser.get("/referrals/directory/export/").status_code == 403


@pytest.mark.django_db
def test_the_command_imports_and_exports(tmp_path):
    for name, text in four().items():
        (tmp_path / name).write_text(text)
    call_command("directory", "import", *[str(tmp_path / name) for name in hsds.FILES])
    assert Service.objects.count() == 2
    call_command("directory", "export", str(tmp_path / "out.zip"))
    assert sorted(zipfile.ZipFile(tmp_path / "out.zip").namelist()) == sorted(hsds.FILES)
    (tmp_path / "services.csv").write_text(SERVICES + "svc-3,org-9,X,,,,active,,housing,,,\n")
    with pytest.raises(CommandError, match="Nothing imported: 1 rows rejected"):
        call_command("directory", "import", *[str(tmp_path / name) for name in hsds.FILES])
