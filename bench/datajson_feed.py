"""/data.json time and memory as the catalogue grows: peak RSS must stay flat.

    .venv/bin/python bench/datajson_feed.py                  # 1,000 / 5,000 / 20,000 on SQLite
    .venv/bin/python bench/datajson_feed.py --sizes 1000,5000

Each size gets a fresh SQLite catalogue filled by `manage.py harvest --file` from a data.json of
CDC's real records repeated with new identifiers (bench/harvest.py's generator). A second, fresh
process then streams /data.json once through Django's test client, reading chunk by chunk as a
web server would, and reports the time, the bytes written, its own peak RSS (ru_maxrss: start-up,
the feed and SQLite's memory-mapped pages) and, in a second pass, the Python heap's high-water
mark (tracemalloc), which is what streaming keeps flat.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harvest import write_datajson  # noqa: E402 — after the path is set


def stream_feed() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    django.setup()
    from django.test import Client

    from catalogue.models import Dataset

    datasets = Dataset.objects.count()
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/data.json").close()  # imports and URL loading, without reading the feed
    started = time.perf_counter()
    response = client.get("/data.json")
    if response.status_code != 200:
        raise SystemExit(f"/data.json answered {response.status_code}")
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # RSS includes the SQLite file's memory-mapped pages, which grow with the database; the
    # Python heap's high-water mark during a second pass is what the streaming bounds.
    tracemalloc.start()
    sum(len(chunk) for chunk in client.get("/data.json").streaming_content)
    heap = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return {
        "datasets": datasets,
        "seconds": round(seconds, 2),
        "per_second": round(datasets / seconds),
        "megabytes": round(size / 1e6, 1),
        "peak_rss_mb": round(rss),
        "peak_heap_mb": round(heap, 1),
    }


def run_size(size: int) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["MARKETPLACE_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-datajson-feed-")
    source = Path(env["MARKETPLACE_VAR_DIR"]) / "data.json"
    write_datajson(source, size)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--verbosity", "0"],
        ["createorganisation", "bench", "--title", "Bench"],
        ["harvest", "--file", str(source), "--type", "datajson", "--organisation", "bench"],
    ):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [sys.executable, __file__, "--feed"], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--feed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.feed:
        print(json.dumps(stream_feed()))
        return
    print("| datasets | seconds | datasets/s | MB written | peak RSS (MB) | peak heap (MB) |")
    print("|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = run_size(size)
        print(
            f"| {r['datasets']:,} | {r['seconds']} | {r['per_second']:,} | {r['megabytes']} "
            f"| {r['peak_rss_mb']} | {r['peak_heap_mb']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
