"""`manage.py harvest`: a source id, or --url/--file with --type and --organisation."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue.models import Dataset, HarvestSource

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FCC = FIXTURES / "datajson" / "opendata.fcc.gov.data.json"


def test_harvest_a_url_creates_the_source_once_and_reruns_are_unchanged(server, org_a, capsys):
    server.static("/data.json", FCC.read_bytes())
    args = ["--url", server.url("/data.json"), "--type", "datajson", "--organisation", org_a.slug]

    call_command("harvest", *args)
    call_command("harvest", *args)

    source = HarvestSource.objects.get()
    assert Dataset.objects.harvested_from(source.pk).count() == 59
    assert [j.unchanged for j in source.jobs.order_by("pk")] == [0, 59]
    assert "59 unchanged" in capsys.readouterr().out


def test_harvest_a_file_and_then_the_same_source_by_id(org_a):
    call_command("harvest", "--file", str(FCC), "--type", "datajson", "--organisation", org_a.slug)
    source = HarvestSource.objects.get()
    assert source.url == ""

    call_command("harvest", str(source.pk), "--file", str(FCC))

    assert [j.status for j in source.jobs.order_by("pk")] == ["succeeded", "succeeded"]
    assert Dataset.objects.count() == 59


def test_a_file_source_without_a_url_cannot_be_run_from_the_network(org_a):
    source = HarvestSource.objects.create(organisation=org_a, title="f", source_type="datajson")
    with pytest.raises(CommandError, match="failed"):
        call_command("harvest", str(source.pk))
    assert "harvested from files" in source.jobs.get().message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Give a source id"),
        (["999"], "No harvest source with id 999"),
        (["--url", "https://x.example/", "--type", "ckan"], "Give a source id"),
        (
            ["--url", "https://x.example/", "--type", "ckan", "--organisation", "nope"],
            "No organisation",
        ),
        (["--url", "ftp://x.example/", "--type", "ckan", "--organisation", "department-a"], "url:"),
        (
            ["--file", "/no/such/file.json", "--type", "ckan", "--organisation", "department-a"],
            "No such file",
        ),
    ],
)
def test_bad_arguments_get_a_clear_error_and_change_nothing(org_a, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("harvest", *args)
    assert HarvestSource.objects.count() == 0
    assert Dataset.objects.count() == 0


def test_a_truncated_file_fails_before_anything_is_written(org_a, tmp_path):
    broken = tmp_path / "data.json"
    broken.write_bytes(FCC.read_bytes()[:50_000])
    with pytest.raises(CommandError, match="failed"):
        call_command(
            "harvest", "--file", str(broken), "--type", "datajson", "--organisation", org_a.slug
        )
    assert Dataset.objects.count() == 0
