"""Search latency benchmark: the API and its SQL, on SQLite or PostgreSQL, at N datasets, with
the database's own search or the tantivy index.

    .venv/bin/python bench/search.py --database sqlite --datasets 10000 --load
    .venv/bin/python bench/search.py --database postgres --datasets 100000 --load \\
        --url postgres://postgres@127.0.0.1:5432/marketplace_bench
    .venv/bin/python bench/search.py --database postgres --datasets 100000 --backend tantivy \\
        --reindex --url postgres://postgres@127.0.0.1:5432/marketplace_bench

--load creates the database afresh (migrate + `manage.py seedbench`); without it the database
must already hold the catalogue. With `--backend tantivy` the tantivy index (in
var/bench-index-<database>-<N>) is built with `reindex_all` after a load, when it does not
exist yet, or on `--reindex` (a rebuild over the loaded database, without reloading it).

Five query types, each with a fixed seed: a single frequent title word; a quoted two-word
phrase; a misspelled word; filter-only browsing (publisher + format); a title word plus 3
filters (publisher, theme, format). Each request goes through the
whole API (`GET /api/v1/datasets/`, anonymous, page of 20, all 8 facets) with Django's test
client; "SQL" is the time spent executing that request's statements in the database driver.
Prints p50/p95/p99 in ms per type and writes bench/results/<database>-<N>[-tantivy].json.
"""

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TYPES = ["single word", "phrase", "misspelling", "filters only", "word + 3 filters"]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _prepare(args) -> None:
    if args.database == "sqlite":
        path = ROOT / "var" / f"bench-{args.datasets}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        if args.load and path.exists():
            path.unlink()
    else:
        os.environ["DATABASE_URL"] = args.url
        if args.load:
            import psycopg

            name = args.url.rsplit("/", 1)[1]
            admin = args.url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["SEARCH_BACKEND"] = args.backend
    os.environ["SEARCH_INDEX_DIR"] = str(_index_dir(args))
    if args.load:
        # The load builds the database's own search index; tantivy's is built afterwards.
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SEARCH_BACKEND": "database"}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "seedbench", "--datasets", str(args.datasets)], check=True, env=env
        )
        print(f"load + index: {time.perf_counter() - started:.1f} s", flush=True)


def _index_dir(args) -> Path:
    return ROOT / "var" / f"bench-index-{args.database}-{args.datasets}"


def _build_index(args) -> None:
    import shutil

    from catalogue.search import reindex_all

    path = _index_dir(args)
    if not (args.load or args.reindex or not path.exists()):
        return
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    count = reindex_all()
    elapsed = time.perf_counter() - started
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    print(
        f"tantivy index: {count} datasets in {elapsed:.1f} s ({count / elapsed:,.0f}/s), "
        f"{size / 1e6:.1f} MB",
        flush=True,
    )


def _queries(n: int) -> dict[str, list[dict]]:
    from catalogue.management.corpus import STOP, load_vocabulary
    from catalogue.models import Dataset

    vocab = load_vocabulary()
    rng = random.Random(7)
    frequent = [w.lower() for w, _ in vocab.title_words.most_common(150)]
    pairs = {}
    for title in vocab.titles:
        words = [w.lower() for w in title.split() if w.isalpha()]
        for a, b in itertools.pairwise(words):
            if a not in STOP and b not in STOP:
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    top_pairs = sorted(pairs, key=pairs.get, reverse=True)[:150]
    long_words = [w for w in frequent if len(w) >= 7]
    sample = list(
        Dataset.objects.filter(status="published", metadata_visibility="PUBLIC")
        .order_by("?")
        .values("title", "publisher__slug", "distributions__format", "theme__slug")[: n * 2]
    )

    def misspell(word: str) -> str:
        i = rng.randrange(1, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    def title_word(row) -> str:
        words = [w for w in row["title"].split() if w.isalpha() and w.lower() not in STOP]
        return rng.choice(words or ["data"])

    return {
        "single word": [{"q": rng.choice(frequent)} for _ in range(n)],
        "phrase": [{"q": '"{} {}"'.format(*rng.choice(top_pairs))} for _ in range(n)],
        "misspelling": [{"q": misspell(rng.choice(long_words))} for _ in range(n)],
        "filters only": [
            {"publisher": r["publisher__slug"], "format": r["distributions__format"]}
            for r in sample[:n]
        ],
        "word + 3 filters": [
            {
                "q": title_word(r),
                "publisher": r["publisher__slug"],
                "theme": r["theme__slug"],
                "format": r["distributions__format"],
            }
            for r in sample[n : n * 2]
        ],
    }


def _run(queries: dict[str, list[dict]], warmup: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    results = {}
    for kind, params_list in queries.items():
        api, sql, matches = [], [], []
        for i, params in enumerate(params_list):
            params = {k: v for k, v in params.items() if v}
            spent[0] = 0.0
            with connection.execute_wrapper(timed):
                started = time.perf_counter()
                response = client.get("/api/v1/datasets/", params)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{params}: {response.status_code} {response.content[:300]}")
            if i >= warmup:
                api.append(elapsed * 1000)
                sql.append(spent[0] * 1000)
                matches.append(response.json()["count"])
        results[kind] = {
            "n": len(api),
            "api": [round(_percentile(api, p), 1) for p in (50, 95, 99)],
            "sql": [round(_percentile(sql, p), 1) for p in (50, 95, 99)],
            "matches_median": statistics.median(matches),
        }
        print(
            f"{kind:18} api p50/p95/p99 {results[kind]['api']}  sql {results[kind]['sql']}  "
            f"median matches {results[kind]['matches_median']}",
            flush=True,
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--datasets", type=int, required=True)
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/marketplace_bench")
    parser.add_argument("--queries", type=int, default=40, help="measured queries per type")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--backend", choices=["database", "tantivy"], default="database")
    parser.add_argument(
        "--reindex", action="store_true", help="tantivy: rebuild the index without reloading"
    )
    args = parser.parse_args()
    _prepare(args)

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    from catalogue.models import Dataset

    total = Dataset.objects.count()
    print(f"{args.database} ({args.backend} search): {total} datasets", flush=True)
    if args.backend == "tantivy":
        _build_index(args)
    queries = _queries(args.queries + args.warmup)
    # Start the way the server does (marketplace/wsgi.py): views loaded, start-up objects
    # frozen out of the garbage collector's reach. The vocabulary built above is frozen too, so
    # it costs the measured requests nothing, as it would cost a server nothing.
    import marketplace.wsgi  # noqa: F401

    results = _run(queries, args.warmup)
    suffix = "-tantivy" if args.backend == "tantivy" else ""
    out = ROOT / "bench" / "results" / f"{args.database}-{args.datasets}{suffix}.json"
    out.parent.mkdir(exist_ok=True)
    record = {"datasets": total, "backend": args.backend, "types": results}
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
