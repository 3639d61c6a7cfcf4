"""Federation feed benchmark: what other catalogues pay to read this one, at N datasets.

    .venv/bin/python bench/federation.py --database sqlite --datasets 10000 --load
    .venv/bin/python bench/federation.py --database postgres --datasets 100000 --load \\
        --url postgres://postgres@127.0.0.1:5432/marketplace_bench

--load creates the database afresh (migrate + `manage.py seedbench`), as bench/search.py does
(the two share a loaded database of the same size). Measured, anonymous, in-process through the
whole Django stack (Django's test client, like bench/search.py):

- `/catalog.ttl` pages of 100 datasets at random page numbers: p50/p95 ms;
- the whole `/data.json`: time, bytes, and the peak of Python memory allocated while it
  streams (tracemalloc, in a second pass), which must stay flat as the catalogue grows;
- the CKAN-compatible `package_search` (q of a frequent title word, rows=100, random start):
  p50/p95 ms;
- a marketplace harvest of this catalogue by another node (`--harvest`): this database served
  by `manage.py runserver`, a fresh SQLite node harvesting its `/catalog.ttl` with
  `manage.py harvest`: new datasets/s over the whole run, from the command's own timing.

Prints the numbers and writes bench/results/federation-<database>-<N>.json.
"""

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _database_url(args) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{ROOT / 'var' / f'bench-{args.datasets}.sqlite3'}"
    return args.url


def _prepare(args) -> None:
    os.environ["DATABASE_URL"] = _database_url(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    if not args.load:
        return
    if args.database == "sqlite":
        Path(_database_url(args).removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        import psycopg

        name = args.url.rsplit("/", 1)[1]
        admin = args.url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
    subprocess.run([*manage, "seedbench", "--datasets", str(args.datasets)], check=True, env=env)


def _timed(client, path: str, params: dict, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        params_now = {k: (v() if callable(v) else v) for k, v in params.items()}
        started = time.perf_counter()
        response = client.get(path, params_now)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{path} {params_now}: {response.status_code} {body[:300]!r}")
        times.append(elapsed * 1000)
    return times


def _datajson(client) -> dict:
    started = time.perf_counter()
    response = client.get("/data.json")
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    response = client.get("/data.json")
    for _chunk in response.streaming_content:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": round(elapsed, 2), "bytes": size, "peak_python_mb": round(peak / 1e6, 1)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _harvest(args, total: int) -> dict:
    """Serve this database, and time another node harvesting it through its DCAT feed."""
    port = _free_port()
    manage = [sys.executable, str(ROOT / "manage.py")]
    with tempfile.TemporaryDirectory() as folder:
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SITE_URL")}
        served = {
            **base,
            "DATABASE_URL": _database_url(args),
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env={**served, "MARKETPLACE_VAR_DIR": folder},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            node = {
                **base,
                "MARKETPLACE_VAR_DIR": str(Path(folder) / "peer"),
                "OUTBOUND_ALLOW_NETWORKS": "127.0.0.0/8",
                "HARVEST_PER_HOST_DELAY": "0",
            }
            subprocess.run([*manage, "migrate", "-v0"], check=True, env=node)
            subprocess.run(
                [*manage, "createorganisation", "peer", "--title", "Peer"], check=True, env=node
            )
            time.sleep(3)  # the server's start
            started = time.perf_counter()
            done = subprocess.run(
                [*manage, "harvest", "--url", f"http://127.0.0.1:{port}", "--type",
                 "marketplace", "--organisation", "peer"],
                check=True, env=node, capture_output=True, text=True,
            )  # fmt: skip
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    created = int(re.search(r"(\d+) created", done.stdout).group(1))
    return {
        "created": created,
        "of": total,
        "seconds": round(elapsed, 1),
        "datasets_per_second": round(created / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--datasets", type=int, required=True)
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/marketplace_bench")
    parser.add_argument("--runs", type=int, default=30, help="measured requests per endpoint")
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--harvest", action="store_true", help="also time a node harvesting it")
    args = parser.parse_args()
    _prepare(args)

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    import marketplace.wsgi  # noqa: F401 — start as the server does
    from catalogue.management.corpus import load_vocabulary
    from catalogue.models import Dataset

    total = Dataset.objects.filter(status="published", metadata_visibility="PUBLIC").count()
    print(f"{args.database}: {total} public datasets", flush=True)
    client = Client()
    rng = random.Random(11)
    pages = max(1, total // 100)
    words = [w.lower() for w, _ in load_vocabulary().title_words.most_common(100)]
    results = {"datasets": total}

    ttl = _timed(
        client, "/catalog.ttl", {"page_size": 100, "page": lambda: rng.randint(1, pages)}, args.runs
    )
    results["catalog_ttl_page_100_ms"] = [round(_percentile(ttl, p), 1) for p in (50, 95)]
    print(f"/catalog.ttl page of 100: p50/p95 {results['catalog_ttl_page_100_ms']} ms", flush=True)

    search = _timed(
        client,
        "/api/3/action/package_search",
        {"q": lambda: rng.choice(words), "rows": 100, "start": lambda: rng.randint(0, 200)},
        args.runs,
    )
    results["ckan_package_search_ms"] = [round(_percentile(search, p), 1) for p in (50, 95)]
    print(
        f"CKAN package_search rows=100: p50/p95 {results['ckan_package_search_ms']} ms", flush=True
    )

    results["data_json"] = _datajson(client)
    print(f"/data.json whole: {results['data_json']}", flush=True)

    if args.harvest:
        results["marketplace_harvest"] = _harvest(args, total)
        print(f"marketplace harvest by another node: {results['marketplace_harvest']}", flush=True)

    out = ROOT / "bench" / "results" / f"federation-{args.database}-{args.datasets}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
