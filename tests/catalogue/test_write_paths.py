"""Every door a dataset can be written through, on both search backends: after each write the
search API, its facets and the feeds show the change, and every stored quality score equals a
fresh assessment. Each write path is one function below returning what readers must now show."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from catalogue.harvest.services.run import harvest_source_run
from catalogue.harvest.services.sources import harvest_source_create
from catalogue.models import Dataset, Theme
from catalogue.selectors import dataset_assessment
from catalogue.services import dataset_create, dataset_publish, organisation_update
from catalogue.services.changes import datasets_score
from governance import services as governance
from governance.models import Grant
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.formdata import form_data
from tests.governance.conftest import World, request_in
from tests.governance.conftest import world as world  # a fixture, used by `scene`

pytestmark = pytest.mark.django_db
OGL = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@dataclass
class Expect:
    """What readers must show for `word` (in titles, organisation or theme names) as `viewer`."""

    word: str
    searched: set[str]  # titles the search API returns
    in_feeds: set[str] = field(default_factory=set)  # titles the feeds list
    not_in_feeds: set[str] = field(default_factory=set)
    viewer: object = None
    params: dict = field(default_factory=dict)
    facet: tuple[str, str] | None = None  # (facet, label) the search facets must offer


@dataclass
class Scene:
    """The people and places each write path starts from."""

    publisher: object
    admin: object  # organisation admin of department A
    superuser: object
    org: object
    world: World
    server: object
    source: object = None  # the harvest source, once a path has made it


def _draft(scene: Scene, title: str, **data) -> Dataset:
    return dataset_create(
        actor=scene.publisher,
        publisher=scene.org,
        data={
            "title": title,
            "description": "Counts, by year.",
            "keyword": ["counts"],
            "licence": OGL,
            "access_rights": "OPEN",
            "metadata_visibility": "PUBLIC",
            **data,
        },
    )


def _published(scene: Scene, title: str, **data) -> Dataset:
    return dataset_publish(actor=scene.publisher, dataset=_draft(scene, title, **data))


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- the write paths ---------------------------------------------------------------------------


def api_create(scene: Scene) -> list[Expect]:
    title = "Quokka sightings"
    response = client_for(scene.publisher).post(
        "/api/v1/datasets/",
        {"title": title, "description": "Where.", "publisher": scene.org.slug},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return [
        Expect("quokka", {title}, not_in_feeds={title}, viewer=scene.publisher,
               params={"status": "draft"}),
        Expect("quokka", set(), not_in_feeds={title}),  # a draft is not public
    ]  # fmt: skip


def api_update(scene: Scene) -> list[Expect]:
    dataset = _published(scene, "Heron counts")
    response = client_for(scene.publisher).patch(
        f"/api/v1/datasets/{dataset.pk}/",
        {"title": "Egret counts", "keyword": ["birds"], "spatial": "Wales"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return [
        Expect("egret", {"Egret counts"}, in_feeds={"Egret counts"}, facet=("keyword", "birds")),
        Expect("heron", set(), not_in_feeds={"Heron counts"}),
    ]


def api_publish(scene: Scene) -> list[Expect]:
    dataset = _draft(scene, "Walrus census")
    response = client_for(scene.publisher).post(f"/api/v1/datasets/{dataset.pk}/publish/")
    assert response.status_code == 200, response.json()
    return [Expect("walrus", {"Walrus census"}, in_feeds={"Walrus census"})]


def api_withdraw(scene: Scene) -> list[Expect]:
    dataset = _published(scene, "Puffin burrows")
    response = client_for(scene.publisher).post(f"/api/v1/datasets/{dataset.pk}/withdraw/")
    assert response.status_code == 200, response.json()
    return [Expect("puffin", set(), not_in_feeds={"Puffin burrows"})]


PAGE_FORM = {
    "summary": "", "description": "Counted each spring.", "keyword": "otters, rivers",
    "theme": ["environment"], "licence": OGL, "access_rights": "OPEN",
    "metadata_visibility": "PUBLIC", "security_classification": "OFFICIAL",
    "handling_caveat": "", "personal_data": "NONE", "update_frequency": "annual",
    "spatial": "England", "temporal_start": "", "temporal_end": "",
    "contact_name": "Rivers team", "contact_email": "rivers@example.gov.uk",
    "distribution_title": "Counts", "distribution_url": "https://example.gov.uk/otters.csv",
    "distribution_format": "CSV",
}  # fmt: skip


def page_new(scene: Scene) -> list[Expect]:
    response = _signed_in(scene.publisher).post(
        "/publish/new/", {**PAGE_FORM, "publisher": scene.org.pk, "title": "Otter holts"}
    )
    assert response.status_code == 302
    return [
        Expect("otter", {"Otter holts"}, not_in_feeds={"Otter holts"}, viewer=scene.publisher,
               params={"status": "draft"}, facet=("theme", "Environment")),
    ]  # fmt: skip


def page_edit(scene: Scene) -> list[Expect]:
    dataset = _published(scene, "Badger setts")
    response = _signed_in(scene.publisher).post(
        f"/publish/{dataset.pk}/", {**PAGE_FORM, "publisher": scene.org.pk, "title": "Stoat dens"}
    )
    assert response.status_code == 302
    return [
        Expect("stoat", {"Stoat dens"}, in_feeds={"Stoat dens"}, facet=("keyword", "otters")),
        Expect("badger", set(), not_in_feeds={"Badger setts"}),
    ]


def page_publish(scene: Scene) -> list[Expect]:
    dataset = _draft(scene, "Lamprey runs")
    assert _signed_in(scene.publisher).post(f"/publish/{dataset.pk}/publish/").status_code == 302
    return [Expect("lamprey", {"Lamprey runs"}, in_feeds={"Lamprey runs"})]


def page_withdraw(scene: Scene) -> list[Expect]:
    dataset = _published(scene, "Newt ponds")
    assert _signed_in(scene.publisher).post(f"/publish/{dataset.pk}/withdraw/").status_code == 302
    return [Expect("newt", set(), not_in_feeds={"Newt ponds"})]


def admin_save(scene: Scene) -> list[Expect]:
    """The change form as the admin serves it, with a new title and a theme added: the theme
    (saved after the dataset) raises the score and shows in the facets."""
    dataset = _published(scene, "Vole tunnels")
    client = _signed_in(scene.superuser)
    url = f"/admin/catalogue/dataset/{dataset.pk}/change/"
    health = str(Theme.objects.get(slug="health").pk)
    data = form_data(client.get(url).content.decode(), title="Shrew tunnels", theme=[health])
    response = client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return [
        Expect("shrew", {"Shrew tunnels"}, in_feeds={"Shrew tunnels"}, facet=("theme", "Health")),
        Expect("vole", set(), not_in_feeds={"Vole tunnels"}),
    ]


def _admin_action(scene: Scene, action: str, datasets: list[Dataset], client=None):
    return (client or _signed_in(scene.superuser)).post(
        "/admin/catalogue/dataset/",
        {"action": action, "_selected_action": [str(d.pk) for d in datasets]},
    )


def admin_publish_action(scene: Scene) -> list[Expect]:
    drafts = [_draft(scene, "Gannet colony north"), _draft(scene, "Gannet colony south")]
    assert _admin_action(scene, "publish_selected", drafts).status_code == 302
    titles = {d.title for d in drafts}
    return [Expect("gannet", titles, in_feeds=titles)]


def admin_withdraw_action(scene: Scene) -> list[Expect]:
    shown = [_published(scene, "Tern nests east"), _draft(scene, "Tern nests west")]
    assert _admin_action(scene, "withdraw_selected", shown).status_code == 302
    return [
        Expect("tern", set(), not_in_feeds={"Tern nests east"}),
        Expect("tern", set(), viewer=scene.publisher, params={"status": "draft"}),
    ]


def admin_delete(scene: Scene) -> list[Expect]:
    dataset = _published(scene, "Marten scat")
    url = f"/admin/catalogue/dataset/{dataset.pk}/delete/"
    assert _signed_in(scene.superuser).post(url, {"post": "yes"}).status_code == 302
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    return [Expect("marten", set(), not_in_feeds={"Marten scat"})]


def admin_delete_selected(scene: Scene) -> list[Expect]:
    doomed = [_published(scene, "Mink farms north"), _published(scene, "Mink farms south")]
    response = _signed_in(scene.superuser).post(
        "/admin/catalogue/dataset/",
        {"action": "delete_selected", "post": "yes",
         "_selected_action": [str(d.pk) for d in doomed]},
    )  # fmt: skip
    assert response.status_code == 302
    assert not Dataset.objects.filter(title__startswith="Mink").exists()
    return [Expect("mink", set(), not_in_feeds={d.title for d in doomed})]


def _entry(n: int, title: str) -> dict:
    return {
        "identifier": f"wp-{n}", "title": title, "description": "Harvested counts.",
        "keyword": ["harvested"], "modified": "2024-01-01", "accessLevel": "public",
        "publisher": {"name": "Coast office"},
        "contactPoint": {"fn": "Coast", "hasEmail": "mailto:coast@example.gov.uk"},
        "distribution": [{"downloadURL": f"https://example.gov.uk/{n}.csv",
                          "mediaType": "text/csv"}],
    }  # fmt: skip


def _harvest(scene: Scene, *entries: dict):
    scene.server.static(
        "/data.json",
        json.dumps({"conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
                    "dataset": list(entries)}).encode(),
    )  # fmt: skip
    if scene.source is None:
        scene.source = harvest_source_create(
            actor=None, organisation=scene.org, title="Coast", url=scene.server.url("/data.json"),
            source_type="datajson", config={"shrink_threshold": 1.0},
        )  # fmt: skip
    job = harvest_source_run(source=scene.source, actor=None)
    assert job.status == "succeeded", job.message
    return job


def harvest_create(scene: Scene) -> list[Expect]:
    job = _harvest(scene, _entry(1, "Seal haul-outs"), _entry(2, "Seal pups"))
    assert job.created == 2
    titles = {"Seal haul-outs", "Seal pups"}
    return [Expect("seal", titles, in_feeds=titles, facet=("keyword", "harvested"))]


def harvest_update(scene: Scene) -> list[Expect]:
    _harvest(scene, _entry(1, "Dolphin pods"), _entry(2, "Kelp beds"))
    job = _harvest(scene, {**_entry(1, "Porpoise pods"), "keyword": ["cetaceans"]},
                   _entry(2, "Kelp beds"))  # fmt: skip
    assert (job.updated, job.unchanged) == (1, 1)
    return [
        Expect("porpoise", {"Porpoise pods"}, in_feeds={"Porpoise pods"},
               facet=("keyword", "cetaceans")),
        Expect("dolphin", set(), not_in_feeds={"Dolphin pods"}),
    ]  # fmt: skip


def harvest_withdraw(scene: Scene) -> list[Expect]:
    _harvest(scene, _entry(1, "Crab pots"), _entry(2, "Limpet rocks"))
    job = _harvest(scene, _entry(2, "Limpet rocks"))
    assert job.withdrawn == 1
    return [
        Expect("crab", set(), not_in_feeds={"Crab pots"}),
        Expect("limpet", {"Limpet rocks"}, in_feeds={"Limpet rocks"}),
    ]


def harvest_republish(scene: Scene) -> list[Expect]:
    _harvest(scene, _entry(1, "Cockle beds"), _entry(2, "Mussel beds"))
    _harvest(scene, _entry(2, "Mussel beds"))
    job = _harvest(scene, _entry(1, "Cockle beds"), _entry(2, "Mussel beds"))
    assert (job.updated, job.unchanged) == (1, 1)
    return [Expect("cockle", {"Cockle beds"}, in_feeds={"Cockle beds"})]


def organisation_rename(scene: Scene) -> list[Expect]:
    _published(scene, "Kestrel roosts")
    organisation_update(
        actor=scene.admin, organisation=scene.org, data={"title": "Falconry Office"}
    )
    return [Expect("falconry", {"Kestrel roosts"}, in_feeds={"Kestrel roosts"},
                   facet=("publisher", "Falconry Office"))]  # fmt: skip


def organisation_rename_in_admin(scene: Scene) -> list[Expect]:
    _published(scene, "Merlin roosts")
    client = _signed_in(scene.superuser)
    url = f"/admin/catalogue/organisation/{scene.org.pk}/change/"
    data = form_data(client.get(url).content.decode(), title="Hawking Office")
    response = client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return [Expect("hawking", {"Merlin roosts"}, in_feeds={"Merlin roosts"},
                   facet=("publisher", "Hawking Office"))]  # fmt: skip


def theme_rename_in_admin(scene: Scene) -> list[Expect]:
    theme = Theme.objects.get(slug="transport")
    _published(scene, "Ferry timetables", theme=[theme.pk])
    client = _signed_in(scene.superuser)
    url = f"/admin/catalogue/theme/{theme.pk}/change/"
    data = form_data(client.get(url).content.decode(), title="Seafaring")
    assert client.post(url, {**data, "_save": "Save"}).status_code == 302
    return [Expect("seafaring", {"Ferry timetables"}, in_feeds={"Ferry timetables"},
                   facet=("theme", "Seafaring"))]  # fmt: skip


def _restricted(scene: Scene) -> Dataset:
    """Visible to department A only, so department B's requester needs a grant to find it."""
    return _published(scene, "Ospreys nesting", access_rights="RESTRICTED",
                      metadata_visibility="ORGANISATION")  # fmt: skip


def _grant(scene: Scene, dataset: Dataset) -> Grant:
    world = scene.world
    Dataset.objects.filter(pk=dataset.pk).update(metadata_visibility="GOVERNMENT")
    request_in(world, "Accepted", dataset=dataset)  # grant_create, inside the acceptance
    Dataset.objects.filter(pk=dataset.pk).update(metadata_visibility="ORGANISATION")
    return Grant.objects.filter(dataset=dataset).latest("id")


def grant_create(scene: Scene) -> list[Expect]:
    dataset = _restricted(scene)
    _grant(scene, dataset)
    return [Expect("osprey", {dataset.title}, in_feeds={dataset.title},
                   viewer=scene.world.requester)]  # fmt: skip


def grant_expire(scene: Scene) -> list[Expect]:
    dataset = _restricted(scene)
    grant = _grant(scene, dataset)
    Grant.objects.filter(pk=grant.pk).update(
        start=timezone.now() - dt.timedelta(days=30), end=timezone.now() - dt.timedelta(minutes=1)
    )
    assert governance.grant_expire_due() == 1
    return [Expect("osprey", set(), not_in_feeds={dataset.title}, viewer=scene.world.requester)]


def grant_revoke(scene: Scene) -> list[Expect]:
    dataset = _restricted(scene)
    grant = _grant(scene, dataset)
    governance.grant_revoke(actor=scene.world.officer, grant=grant, reason="Project closed.")
    return [Expect("osprey", set(), not_in_feeds={dataset.title}, viewer=scene.world.requester)]


WRITE_PATHS: list[Callable[[Scene], list[Expect]]] = [
    api_create, api_update, api_publish, api_withdraw,
    page_new, page_edit, page_publish, page_withdraw,
    admin_save, admin_publish_action, admin_withdraw_action, admin_delete, admin_delete_selected,
    harvest_create, harvest_update, harvest_withdraw, harvest_republish,
    organisation_rename, organisation_rename_in_admin, theme_rename_in_admin,
    grant_create, grant_expire, grant_revoke,
]  # fmt: skip


# -- what every reader must show afterwards ------------------------------------------------------


def _reader_client(viewer) -> Client:
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    return client


def _feeds(viewer) -> dict[str, str]:
    client = _reader_client(viewer)
    return {
        "catalog.ttl": client.get("/catalog.ttl", {"page_size": 1000}).content.decode(),
        "data.json": b"".join(client.get("/data.json").streaming_content).decode(),
        "package_search": json.dumps(
            client.get("/api/3/action/package_search", {"rows": 1000}).json()["result"]
        ),
    }


def _facets(body: dict) -> dict[str, dict[str, int]]:
    return {name: {f["label"]: f["count"] for f in rows} for name, rows in body["facets"].items()}


def assert_readers_show(expect: Expect) -> None:
    client = _reader_client(expect.viewer)
    response = client.get("/api/v1/datasets/", {"q": expect.word, **expect.params})
    assert response.status_code == 200, response.content
    body = response.json()
    found = {row["title"] for row in body["results"]}
    assert found == expect.searched, f"search for {expect.word!r}"
    facets = _facets(body)
    assert sum(facets["publisher"].values()) == len(found)
    # The rating facet counts what the index holds; it must agree with the stored scores.
    ratings = Counter(
        Dataset.objects.filter(title__in=found).values_list("quality_rating", flat=True)
    )
    ratings.pop("", None)
    assert {k.lower(): v for k, v in facets["quality_rating"].items()} == {
        k.lower(): v for k, v in ratings.items()
    }
    if expect.facet:
        name, label = expect.facet
        assert facets[name].get(label, 0) >= 1, f"{label!r} not among {facets[name]}"
    feeds = _feeds(expect.viewer)
    for title in expect.in_feeds:
        for feed, text in feeds.items():
            assert title in text, f"{title!r} missing from {feed}"
    for title in expect.not_in_feeds:
        for feed, text in feeds.items():
            assert title not in text, f"{title!r} still in {feed}"


def assert_scores_are_fresh() -> None:
    stale = {}
    for dataset in Dataset.objects.all():
        score, rating, _ = dataset_assessment(dataset=dataset)
        if (score, rating) != (dataset.quality_score, dataset.quality_rating):
            stale[dataset.title] = (
                (dataset.quality_score, dataset.quality_rating),
                (score, rating),
            )
    assert stale == {}


@pytest.fixture
def scene(world, roles, org_a, server, settings) -> Scene:
    settings.OUTBOUND_ALLOW_NETWORKS = ["127.0.0.0/8"]  # the local test server
    settings.HARVEST_PER_HOST_DELAY = 0
    # Factories write rows directly and index them, but do not score them: start consistent.
    datasets_score(ids=list(Dataset.objects.values_list("pk", flat=True)))
    return Scene(
        publisher=roles["publisher"],
        admin=roles["admin"],
        superuser=roles["superuser"],
        org=org_a,
        world=world,
        server=server,
    )


@pytest.mark.parametrize("write", WRITE_PATHS, ids=lambda f: f.__name__)
def test_every_reader_shows_the_write(search_backend, scene, write):
    for expect in write(scene):
        assert_readers_show(expect)
    assert_scores_are_fresh()


# -- the lifecycle: refusals change nothing ------------------------------------------------------


def test_the_admin_refuses_to_republish_a_withdrawn_dataset_and_changes_nothing(scene):
    withdrawn = _published(scene, "Grebe lakes")
    client_for(scene.publisher).post(f"/api/v1/datasets/{withdrawn.pk}/withdraw/")
    draft = _draft(scene, "Grebe rivers")
    client = _signed_in(scene.superuser)
    response = _admin_action(scene, "publish_selected", [withdrawn, draft], client)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was changed" in page
    assert "cannot be published" in page
    statuses = dict(
        Dataset.objects.filter(title__startswith="Grebe").values_list("title", "status")
    )
    assert statuses == {"Grebe lakes": "withdrawn", "Grebe rivers": "draft"}


def test_an_admin_action_needs_publisher_rights_in_every_organisation(scene, org_b):
    mine = _draft(scene, "Plover beaches")
    theirs = Dataset.objects.create(
        publisher=org_b, title="Plover dunes", slug=f"plover-{uuid.uuid4().hex[:6]}"
    )
    staff = UserFactory(username="staff-publisher", is_staff=True)
    MembershipFactory(user=staff, organisation=scene.org, role="publisher")
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_dataset"))
    client = _signed_in(staff)
    response = client.post(
        "/admin/catalogue/dataset/",
        {"action": "publish_selected", "_selected_action": [str(mine.pk), str(theirs.pk)]},
    )
    assert response.status_code == 302
    assert "Nothing was changed" in client.get(response["Location"]).content.decode()
    assert set(
        Dataset.objects.filter(title__startswith="Plover").values_list("status", flat=True)
    ) == {"draft"}
