"""Harvest throughput and memory: datasets per second and peak RSS, through the real service.

    .venv/bin/python bench/harvest.py                       # the full matrix, writes a table
    .venv/bin/python bench/harvest.py --formats datajson --sizes 1000 --dbs sqlite
    .venv/bin/python bench/harvest.py --formats hdruk --sizes 1000,10000   # HDR UK Gateway export

Sources are built from the real catalogue files in tests/fixtures (records repeated with new
identifiers and titles) and served on 127.0.0.1 by a separate server process, which generates
CKAN and DCAT pages on the fly so its own memory stays small. Each (format, size, database) case
runs in a fresh Python process: a first harvest into an empty catalogue, then a second run of the
unchanged source; peak RSS is that process's high-water mark (ru_maxrss), so it covers both runs.

PostgreSQL cases use DATABASE_URL's server with the database name replaced by
BENCH_DATABASE (default marketplace_harvest_bench), which is dropped and recreated per case.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DCAT_PAGE = 500
OGL = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CKAN_MAX_ROWS = 1000


# -- generated sources ---------------------------------------------------------------------


def datajson_templates() -> list[dict]:
    return json.loads((FIXTURES / "datajson" / "data.cdc.gov.data.json").read_bytes())["dataset"]


def ckan_templates() -> list[dict]:
    packages = []
    for name in ("data.gov.uk_package_search.json", "catalog.data.gov_package_search_rows10.json"):
        packages += json.loads((FIXTURES / "ckan" / name).read_bytes())["result"]["results"]
    return packages


def write_hdruk(path: Path, size: int) -> None:
    """An HDR UK Gateway export of `size` data models (the real export's, with new identifiers)."""
    export = FIXTURES / "uk" / "hdruk_gateway_datasets_v2_2020-11.json"
    templates = json.loads(export.read_bytes())["dataModels"]
    with path.open("w") as out:
        out.write(f'{{"count": {size}, "dataModels": [')
        for i in range(size):
            item = copy.deepcopy(templates[i % len(templates)])
            item["identifier"] = f"{item['identifier']}-{i}"
            item["summary"]["title"] = f"{item['summary']['title']} ({i})"
            out.write(("," if i else "") + json.dumps(item))
        out.write("]}")


def write_datajson(path: Path, size: int) -> None:
    """A data.json of `size` datasets, streamed to disk (CDC's records with new identifiers)."""
    templates = datajson_templates()
    with path.open("w") as out:
        out.write('{"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": [')
        for i in range(size):
            item = copy.deepcopy(templates[i % len(templates)])
            item["identifier"] = f"{item['identifier']}-{i}"
            item["title"] = f"{item['title']} ({i})"
            out.write(("," if i else "") + json.dumps(item))
        out.write("]}")


def ckan_page(templates: list[dict], size: int, start: int, rows: int) -> bytes:
    results = []
    for i in range(start, min(start + rows, size)):
        package = copy.deepcopy(templates[i % len(templates)])
        package.update(id=f"bench-{i}", name=f"bench-{i}", title=f"{package['title']} ({i})")
        results.append(package)
    return json.dumps({"success": True, "result": {"count": size, "results": results}}).encode()


def dcat_page(base: str, size: int, page: int) -> bytes:
    """One Hydra page of Turtle with DCAT_PAGE datasets, each with a distribution and contact."""
    lines = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .",
        "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .",
    ]
    first = page * DCAT_PAGE
    for i in range(first, min(first + DCAT_PAGE, size)):
        d = f"<https://data.example.gov.uk/dataset/{i}>"
        lines.append(
            f'{d} a dcat:Dataset ; dct:title "Road traffic counts {i}"@en ; '
            f'dct:description "Annual average daily flows on major roads, table {i}."@en ; '
            'dcat:keyword "traffic", "roads" ; '
            f"dct:license <{OGL}> ; "
            'dct:publisher [ a foaf:Organization ; foaf:name "Department for Transport" ] ; '
            'dcat:contactPoint [ vcard:fn "Roads statistics" ; '
            "vcard:hasEmail <mailto:roads@example.gov.uk> ] ; "
            f"dcat:distribution <https://data.example.gov.uk/dataset/{i}/csv> ."
        )
        lines.append(
            f"<https://data.example.gov.uk/dataset/{i}/csv> a dcat:Distribution ; "
            f"dcat:downloadURL <https://data.example.gov.uk/files/{i}.csv> ; "
            'dcat:mediaType "text/csv" ; dct:format "CSV" .'
        )
    if first + DCAT_PAGE < size:
        view = f"<{base}?page={page}> a hydra:PartialCollectionView"
        lines.append(f"{view} ; hydra:next <{base}?page={page + 1}> .")
    return "\n".join(lines).encode()


def serve(port_file: Path, size: int, datajson: Path | None, hdruk: Path | None = None) -> None:
    """The bench's source server: data.json and HDR UK exports from disk, CKAN and DCAT pages
    generated."""
    files = {"/data.json": datajson, "/datasets.v2.json": hdruk}
    templates = ckan_templates()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if files.get(parts.path):
                path = files[parts.path]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(path.stat().st_size))
                self.end_headers()
                with path.open("rb") as fh:
                    while chunk := fh.read(1 << 20):
                        self.wfile.write(chunk)
            elif parts.path == "/api/3/action/package_search":
                start = int(query.get("start", ["0"])[0])
                rows = min(int(query.get("rows", ["10"])[0]), CKAN_MAX_ROWS)
                self._send(ckan_page(templates, size, start, rows), "application/json")
            elif parts.path == "/catalog.ttl":
                page = int(query.get("page", ["0"])[0])
                base = f"http://127.0.0.1:{self.server.server_address[1]}/catalog.ttl"
                self._send(dcat_page(base, size, page), "text/turtle")
            else:
                self.send_error(404)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_file.write_text(str(httpd.server_address[1]))
    httpd.serve_forever()


# -- one case, in its own process ----------------------------------------------------------


def run_case(fmt: str, size: int, base_url: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ["OUTBOUND_ALLOW_NETWORKS"] = "127.0.0.0/8"
    os.environ["HARVEST_PER_HOST_DELAY"] = "0"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from catalogue.harvest.services.run import harvest_source_run
    from catalogue.harvest.services.sources import harvest_source_create
    from catalogue.models import Dataset, Organisation

    organisation = Organisation.objects.create(slug=f"bench-{fmt}", title="Bench")
    url = {
        "datajson": f"{base_url}/data.json",
        "ckan": f"{base_url}/",
        "dcat": f"{base_url}/catalog.ttl",
        "hdruk": f"{base_url}/datasets.v2.json",
    }[fmt]
    source = harvest_source_create(
        actor=None,
        organisation=organisation,
        title=fmt,
        url=url,
        source_type=fmt,
        config={"page_size": CKAN_MAX_ROWS} if fmt == "ckan" else {},
    )
    result: dict = {"format": fmt, "size": size}
    for label in ("first", "unchanged"):
        started = time.perf_counter()
        job = harvest_source_run(source=source, actor=None)
        seconds = time.perf_counter() - started
        if job.status != "succeeded":
            raise SystemExit(f"{fmt} {size} {label}: {job.status}: {job.message}")
        expected = (job.created, job.unchanged)[label == "unchanged"]
        if expected != size:
            raise SystemExit(f"{fmt} {size} {label}: expected {size}, got {job.message}")
        result[f"{label}_seconds"] = round(seconds, 2)
        result[f"{label}_per_second"] = round(size / seconds)
    result["datasets"] = Dataset.objects.count()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def _database_env(db: str) -> dict[str, str]:
    env = dict(os.environ)
    if db == "sqlite":
        env.pop("DATABASE_URL", None)
        env["MARKETPLACE_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-harvest-")
        return env
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = os.environ.get("BENCH_DATABASE", "marketplace_harvest_bench")
    parts = urlsplit(base)
    admin = parts._replace(path="/postgres").geturl()
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()
    return env


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--formats", default="datajson,ckan,dcat")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--dbs", default="sqlite,postgres")
    parser.add_argument(
        "--case", nargs=3, metavar=("FORMAT", "SIZE", "BASE_URL"), help=argparse.SUPPRESS
    )
    parser.add_argument("--serve", nargs=2, metavar=("PORT_FILE", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--datajson", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--hdruk", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]), args.datajson, args.hdruk)
        return
    if args.case:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(run_case(args.case[0], int(args.case[1]), args.case[2])))
        return

    results = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-harvest-"))
    for size in [int(s) for s in args.sizes.split(",")]:
        datajson = workdir / f"data-{size}.json"
        if "datajson" in args.formats:
            write_datajson(datajson, size)
        hdruk = workdir / f"hdruk-{size}.json"
        if "hdruk" in args.formats:
            write_hdruk(hdruk, size)
        port_file = workdir / f"port-{size}"
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port_file), str(size)]
            + (["--datajson", str(datajson)] if datajson.exists() else [])
            + (["--hdruk", str(hdruk)] if hdruk.exists() else [])
        )
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            base_url = f"http://127.0.0.1:{port_file.read_text()}"
            for fmt in args.formats.split(","):
                for db in args.dbs.split(","):
                    out = subprocess.run(
                        [sys.executable, __file__, "--case", fmt, str(size), base_url],
                        env=_database_env(db),
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    if out.returncode:
                        print(f"{fmt} {size} {db} failed:\n{out.stderr[-3000:]}", file=sys.stderr)
                        continue
                    result = {**json.loads(out.stdout.strip().splitlines()[-1]), "db": db}
                    if datajson.exists() and fmt == "datajson":
                        result["source_mb"] = round(datajson.stat().st_size / 2**20)
                    if hdruk.exists() and fmt == "hdruk":
                        result["source_mb"] = round(hdruk.stat().st_size / 2**20)
                    results.append(result)
                    print(json.dumps(result), flush=True)
        finally:
            server.terminate()
            datajson.unlink(missing_ok=True)
            hdruk.unlink(missing_ok=True)
    print()
    print("| source | datasets | database | first harvest /s | unchanged /s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['format']} | {r['size']:,} | {r['db']} | {r['first_per_second']:,} "
            f"({r['first_seconds']} s) | {r['unchanged_per_second']:,} "
            f"({r['unchanged_seconds']} s) | {r['peak_rss_mb']} |"
        )


if __name__ == "__main__":
    main()
