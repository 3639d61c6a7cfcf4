"""DCAT-AP feed benchmark: seconds per page of /catalog.ttl|.rdf|.jsonld over real harvests.

    .venv/bin/python bench/dcat_feed.py --load        # harvest the fixture files first
    .venv/bin/python bench/dcat_feed.py               # reuse var/bench-dcat.sqlite3

--load creates var/bench-dcat.sqlite3 afresh and harvests every real catalogue file in
tests/fixtures into it (four data.json files, the CKAN responses, the DCAT files: ~2,950
datasets). Each page (page_size 1000) goes through the whole view with Django's test client,
anonymous. For the first Turtle page it also times rdflib's pretty Turtle writer over the same
graph, the writer the feed no longer uses for catalogue pages. Prints seconds per page.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", action="store_true")
    args = parser.parse_args()
    path = ROOT / "var" / "bench-dcat.sqlite3"
    path.parent.mkdir(exist_ok=True)
    if args.load and path.exists():
        path.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from rdflib import Graph

    settings.ALLOWED_HOSTS = ["*"]
    if args.load:
        call_command("migrate", verbosity=0)
        call_command(
            "createorganisation", "bench-org", "--title", "Bench organisation", stdout=io.StringIO()
        )
        sources = [("datajson", p) for p in sorted((FIXTURES / "datajson").glob("*.json"))]
        sources += [("ckan", p) for p in sorted((FIXTURES / "ckan").glob("*.json"))]
        sources += [("dcat", FIXTURES / "dcat" / "catalog.ttl")]
        sources += [("dcat", p) for p in sorted((FIXTURES / "uk").glob("*.jsonld"))]
        started = time.perf_counter()
        for source_type, file in sources:
            call_command(
                "harvest", "--file", str(file), "--type", source_type,
                "--organisation", "bench-org", stdout=io.StringIO(), stderr=io.StringIO(),
            )  # fmt: skip
        print(f"harvested {len(sources)} files in {time.perf_counter() - started:.1f} s")
    client = Client()
    for extension in ("ttl", "rdf", "jsonld"):
        page, times = 1, []
        while True:
            started = time.perf_counter()
            response = client.get(f"/catalog.{extension}", {"page": page, "page_size": 1000})
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"/catalog.{extension} page {page}: {response.status_code}")
            if b"hydra#next" not in response.content and b"hydra:next" not in response.content:
                break
            page += 1
        print(f"{extension}: {len(times)} pages, " + ", ".join(f"{t:.1f} s" for t in times))
    body = client.get("/catalog.ttl", {"page_size": 1000}).content
    graph = Graph(bind_namespaces="core").parse(data=body, format="turtle")
    started = time.perf_counter()
    graph.serialize(format="turtle")
    pretty = time.perf_counter() - started
    started = time.perf_counter()
    graph.serialize(format="nt")
    print(
        f"first page, {len(graph)} triples: pretty Turtle {pretty:.1f} s, "
        f"N-Triples {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
