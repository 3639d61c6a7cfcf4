"""No dataset a user may not see shows up anywhere search reaches: results, counts, snippets,
home page, organisation pages, dataset pages and their JSON-LD. Checked for an anonymous
visitor, a member of another organisation, and a member of the owning organisation."""

import pytest
from django.test import Client

from catalogue.models import Theme
from catalogue.search import index_datasets
from tests.conftest import client_for
from tests.factories import DatasetFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _each_backend(search_backend):
    """Every test here runs on the database's search and on tantivy."""


SECRET = "zanzibar"  # a word only hidden records use, in title, keyword and description


@pytest.fixture
def catalogue(org_a):
    secretive = OrganisationFactory(slug="secretive-agency", title="Secretive Agency")
    defence = Theme.objects.get(slug="defence")
    made = {
        "public": DatasetFactory(publisher=org_a, title="Harbour depths", keyword=["harbour"]),
        "government": DatasetFactory(
            publisher=org_a,
            metadata_visibility="GOVERNMENT",
            title=f"Government {SECRET} harbour list",
            keyword=[SECRET],
        ),
        "organisation": DatasetFactory(
            publisher=org_a,
            metadata_visibility="ORGANISATION",
            title=f"Internal {SECRET} harbour audit",
            keyword=[SECRET, "audit"],
            description=f"Mentions {SECRET}.",
        ),
        "draft": DatasetFactory(
            publisher=org_a, status="draft", title=f"Draft {SECRET} harbour", keyword=[SECRET]
        ),
        "elsewhere": DatasetFactory(
            publisher=secretive,
            metadata_visibility="ORGANISATION",
            title=f"Agency {SECRET} harbour plans",
            keyword=[SECRET],
        ),
    }
    for name in ["organisation", "elsewhere"]:
        made[name].theme.add(defence)
    index_datasets([d.pk for d in made.values()])
    return made


def _viewer(kind: str, org_a):
    if kind == "anonymous":
        return None
    other = OrganisationFactory(slug="other-department", title="Other Department")
    organisation = org_a if kind == "owner member" else other
    return MembershipFactory(
        user=UserFactory(username=kind.replace(" ", "-")), organisation=organisation
    ).user


# What each viewer may see of the catalogue fixture.
SEES = {
    "anonymous": {"public"},
    "other member": {"public", "government"},
    "owner member": {"public", "government", "organisation"},
}


@pytest.mark.parametrize("kind", list(SEES))
def test_search_results_counts_and_snippets_show_only_what_the_viewer_may_see(
    catalogue, org_a, kind
):
    user = _viewer(kind, org_a)
    client = client_for(user) if user else Client()
    allowed = {catalogue[name].title for name in SEES[kind]}
    for params in [{"q": "harbour"}, {"q": SECRET}, {}, {"keyword": SECRET}, {"q": "harbor"}]:
        body = client.get("/api/v1/datasets/", params).json()
        found = {row["title"] for row in body["results"]}
        assert found <= allowed
        assert body["count"] == len(found)
        for name, rows in body["facets"].items():
            for row in rows:
                # A facet's own selection does not narrow its own counts.
                ceiling = None if name in params else body["count"]
                # Only a value the user selected themselves may show a zero count.
                assert row["count"] > 0 or row["value"] == params.get(name), (name, row)
                assert ceiling is None or row["count"] <= ceiling, (name, row)
        publishers = {row["value"] for row in body["facets"]["publisher"]}
        assert "secretive-agency" not in publishers
        assert sum(row["count"] for row in body["facets"]["publisher"]) == body["count"]
        themes = {row["value"] for row in body["facets"]["theme"]}
        if kind == "anonymous":
            counts = {row["value"]: row["count"] for row in body["facets"]["keyword"]}
            assert counts.get(SECRET, 0) == 0
        if kind != "owner member":
            assert "defence" not in themes
        for row in body["results"]:
            assert SECRET not in str(row["highlight"]) or row["title"] in allowed
    body = client.get("/api/v1/datasets/", {"q": "harbour", "page_size": 100}).json()
    assert {row["title"] for row in body["results"]} == allowed
    themes = {row["value"] for row in body["facets"]["theme"]}
    keywords = {row["value"] for row in body["facets"]["keyword"]}
    assert ("defence" in themes) == (kind == "owner member")
    assert (SECRET in keywords) == (kind != "anonymous")


@pytest.mark.parametrize("kind", list(SEES))
def test_pages_show_only_what_the_viewer_may_see(catalogue, org_a, kind):
    user = _viewer(kind, org_a)
    client = Client()
    if user:
        client.force_login(user)
    hidden = [d for name, d in catalogue.items() if name not in SEES[kind]]
    pages = [
        "/",
        "/datasets/",
        f"/datasets/?q={SECRET}",
        "/datasets/?q=harbour&theme=defence",
        f"/datasets/?keyword={SECRET}",
        "/organisations/",
        f"/organisations/{org_a.slug}/",
        "/organisations/secretive-agency/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for dataset in hidden:
            assert dataset.title not in html, (url, dataset.title)
        if "organisation" not in SEES[kind]:
            assert "Defence (" not in html, url
    for dataset in hidden:
        # Members reach their organisation's drafts by address, never through search or lists.
        reachable = kind == "owner member" and dataset.status == "draft"
        assert client.get(f"/datasets/{dataset.slug}/").status_code == (200 if reachable else 404)
    for name in SEES[kind]:
        page = client.get(f"/datasets/{catalogue[name].slug}/").content.decode()
        assert '<script type="application/ld+json">' in page
        assert catalogue[name].title in page
    organisations = client.get("/organisations/").content.decode()
    visible_in_a = len(SEES[kind])
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    assert f"{org_a.title}</a></td>\n      {cell}{visible_in_a}</td>" in organisations


def test_home_page_counts_follow_visibility(catalogue, org_a):
    anonymous = Client().get("/").content.decode()
    assert "browse all 1 dataset<" in anonymous
    member = Client()
    member.force_login(_viewer("owner member", org_a))
    assert "browse all 3 datasets<" in member.get("/").content.decode()
