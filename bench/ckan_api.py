"""CKAN Action API latency: the calls CKAN clients and harvesters make, at N datasets.

    .venv/bin/python bench/ckan_api.py --database sqlite --datasets 10000 --load
    .venv/bin/python bench/ckan_api.py --database postgres --datasets 10000 --load \\
        --url postgres://postgres@127.0.0.1:5432/marketplace_bench_ckan

The catalogue is loaded as bench/search.py loads it (`--load`: migrate + `manage.py
seedbench`). Each call goes through the whole endpoint with Django's test client, anonymous;
each is repeated `--repeat` times after one warm-up call. Prints p50/p95 in ms per call and the
size of the answer.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search import _percentile, _prepare  # noqa: E402

FACETS = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])
CALLS = [
    ("package_search rows=10", "package_search", {}),
    ("package_search rows=100, harvester sort", "package_search",
     {"rows": 100, "sort": "metadata_modified asc,id asc"}),
    ("package_search rows=1000", "package_search", {"rows": 1000, "sort": "id asc"}),
    ("package_search 5 facets", "package_search", {"facet.field": FACETS}),
    ("package_search fq -organization + range", "package_search",
     {"fq": "-organization:{org} metadata_modified:[2000-01-01T00:00:00Z TO *]", "rows": 100}),
    ("package_search q word + tags:", "package_search", {"q": "data tags:{tag}", "rows": 20}),
    ("package_show", "package_show", {"id": "{slug}"}),
    ("package_list", "package_list", {}),
    ("current_package_list_with_resources 100", "current_package_list_with_resources",
     {"limit": 100}),
    ("organization_list all_fields", "organization_list", {"all_fields": "true"}),
    ("tag_list", "tag_list", {}),
]  # fmt: skip


def _run(repeat: int) -> dict:
    from django.test import Client

    from catalogue.models import Dataset

    client = Client()
    sample = Dataset.objects.filter(status="published", metadata_visibility="PUBLIC").first()
    keywords = [k for k in sample.keyword if k.isalnum()] or ["data"]
    values = {"org": sample.publisher.slug, "tag": keywords[0], "slug": sample.slug}
    results = {}
    for label, action, params in CALLS:
        params = {k: str(v).format(**values) for k, v in params.items()}
        times, size = [], 0
        for i in range(repeat + 1):
            started = time.perf_counter()
            response = client.get(f"/api/3/action/{action}", params)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{label}: {response.status_code} {response.content[:300]}")
            if i:
                times.append(elapsed)
            size = len(response.content)
        results[label] = {
            "p50": round(_percentile(times, 50), 1),
            "p95": round(_percentile(times, 95), 1),
            "bytes": size,
        }
        print(f"{label:42} p50 {results[label]['p50']:8.1f} ms  p95 {results[label]['p95']:8.1f}"
              f" ms  {size:>10,} bytes", flush=True)  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--datasets", type=int, required=True)
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/marketplace_bench")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--load", action="store_true")
    args = parser.parse_args()
    args.backend = "database"
    _prepare(args)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    _run(args.repeat)


if __name__ == "__main__":
    main()
