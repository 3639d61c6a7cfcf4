"""The pages in a real browser against a real server: automated WCAG 2.2 AA checks with
axe-core in headless Chromium, and the search journey with JavaScript turned off."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_service
from tests.factories import (
    DatasetFactory,
    DistributionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture
def site(settings):
    settings.ALLOWED_HOSTS = ["*"]
    harbours = OrganisationFactory(slug="harbour-authority", title="Harbour Authority")
    rivers = OrganisationFactory(slug="river-agency", title="River Agency")
    made = {
        "open": DatasetFactory(
            publisher=harbours,
            title="Harbour depths",
            summary="Soundings of every berth.",
            description="Depths **in metres** at chart datum.\n\n- one\n- two",
            keyword=["harbour", "depth"],
        ),
        "restricted": DatasetFactory(
            publisher=harbours,
            title="Harbour security incidents",
            access_rights="RESTRICTED",
            keyword=["harbour", "security"],
        ),
        "river": DatasetFactory(publisher=rivers, title="River levels", keyword=["river"]),
    }
    for dataset in made.values():
        DistributionFactory(dataset=dataset)
    DistributionFactory(dataset=made["open"], format="json", title="JSON")
    return made


@pytest.fixture
def browser(monkeypatch):
    require_service(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")
    require_service(AXE.exists(), "axe-core in node_modules (make installs it with npm ci)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async guard would refuse them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_pages_have_no_serious_or_critical_accessibility_violations(live_server, site, browser):
    pages = {
        "home": "/",
        "search with filters": "/datasets/?q=harbour&publisher=harbour-authority&format=csv",
        "search with a bad filter": "/datasets/?access_rights=SOMETIMES",
        "search without results": "/datasets/?q=volcano",
        "open dataset": f"/datasets/{site['open'].slug}/",
        "restricted dataset": f"/datasets/{site['restricted'].slug}/",
        "organisations": "/organisations/",
        "organisation": "/organisations/harbour-authority/",
        "sign in": "/accounts/login/",
        "register of shares": "/register/",
        "dashboards": "/dashboards/",
    }
    page = browser.new_page()
    found = {}
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status in (200, 400), (name, response.status)
        assert page.locator("h1").count() == 1, name
        problems = serious_violations(page)
        if problems:
            found[name] = problems
    assert found == {}
    # The checker itself catches a page that breaks the rules.
    page.set_content('<html><body><img src="x.png"><a href="/"></a></body></html>')
    assert any(p.startswith("image-alt") for p in serious_violations(page))
    page.goto(live_server.url + f"/datasets/{site['restricted'].slug}/")
    button = page.get_by_role("button", name="Request access")
    assert button.get_attribute("href") == f"/requests/new/?dataset={site['restricted'].pk}"
    page.goto(live_server.url + f"/datasets/{site['open'].slug}/")
    assert page.get_by_role("button", name="Request access").count() == 0


def test_signed_in_pages_have_no_serious_or_critical_accessibility_violations(
    live_server, site, browser, settings
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server is http
    harbours = site["open"].publisher
    user = UserFactory(username="harbour-officer")
    for role in ["publisher", "governance_officer"]:
        MembershipFactory(user=user, organisation=harbours, role=role)
    page = browser.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "harbour-officer")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit]")
    pages = {
        "publish": "/publish/",
        "create a dataset": "/publish/new/",
        "edit a dataset": f"/publish/{site['open'].pk}/",
        "harvest sources": "/harvest/",
        "decision queue": "/governance/queue/",
        "my requests": "/requests/",
        "start a request": f"/requests/new/?dataset={site['river'].pk}",
        "grants": "/grants/",
        "inbox": "/inbox/",
        "dashboards": "/dashboards/",
    }
    found = {}
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status in (200, 400), (name, response.status)
        assert "Sign out" in page.content(), name
        problems = serious_violations(page)
        if problems:
            found[name] = problems
    assert found == {}


def test_search_filters_sort_and_pages_work_with_javascript_off(live_server, site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/datasets/")
    assert page.locator("#result-count").inner_text() == "3 datasets"
    page.get_by_label("Harbour Authority (2)").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "publisher=harbour-authority" in page.url
    assert page.locator("#result-count").inner_text() == "2 datasets"
    page.get_by_label("Search", exact=True).fill("depths")
    page.get_by_role("button", name="Search", exact=True).click()
    assert "q=depths" in page.url
    assert "publisher=harbour-authority" in page.url
    assert page.locator("#result-count").inner_text() == "1 dataset found"
    assert page.locator("mark").first.inner_text().lower() == "depths"
    page.get_by_role("link", name="Remove Publisher filter Harbour Authority").click()
    assert "publisher" not in page.url
    page.get_by_label("Search", exact=True).fill("")
    page.get_by_label("Sort by").select_option("title")
    page.get_by_role("button", name="Sort").click()
    titles = page.locator(".dm-result h3").all_inner_texts()
    assert titles == ["Harbour depths", "Harbour security incidents", "River levels"]
    shared = page.url  # the state is all in the address: a copied link shows the same page
    other = context.new_page()
    other.goto(shared)
    assert other.locator(".dm-result h3").all_inner_texts() == titles
    context.close()
