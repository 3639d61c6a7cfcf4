"""What the changed path (`catalogue.services.changes.datasets_changed`) costs per batch.

    .venv/bin/python bench/changes.py                         # 10,000 datasets, SQLite
    .venv/bin/python bench/changes.py --size 10000 --dbs sqlite,postgres

A fresh database is filled by harvesting a generated data.json (as bench/harvest.py does),
then every dataset is passed through the changed path in batches of HARVEST_BATCH_SIZE, each
batch in its own transaction, four ways:

* `rescore, all stale`: `datasets_score` after every stored score was zeroed (each row rewritten);
* `rescore, all fresh`: `datasets_score` when the scores are right (reads only);
* `changed, scored`: `datasets_changed(scored=ids)`, what a harvest batch does (index only);
* `changed, rescored`: `datasets_changed` without `scored` (score reads plus the index).

Prints datasets per second for each, so the cost of re-reading scores the batch already
computed can be compared with the harvest's own speed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harvest import _database_env, write_datajson  # noqa: E402


def run_case(size: int, base_url: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ["OUTBOUND_ALLOW_NETWORKS"] = "127.0.0.0/8"
    os.environ["HARVEST_PER_HOST_DELAY"] = "0"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from catalogue.harvest.services.run import harvest_source_run
    from catalogue.harvest.services.sources import harvest_source_create
    from catalogue.models import Dataset, Organisation
    from catalogue.services.changes import datasets_changed, datasets_score

    organisation = Organisation.objects.create(slug="bench-changes", title="Bench")
    source = harvest_source_create(
        actor=None,
        organisation=organisation,
        title="changes",
        url=f"{base_url}/data.json",
        source_type="datajson",
    )
    job = harvest_source_run(source=source, actor=None)
    if job.created != size:
        raise SystemExit(f"harvest: {job.message}")
    ids = list(Dataset.objects.order_by("pk").values_list("pk", flat=True))
    step = settings.HARVEST_BATCH_SIZE

    def timed(work) -> int:
        started = time.perf_counter()
        for start in range(0, len(ids), step):
            with transaction.atomic():
                work(ids[start : start + step])
        return round(len(ids) / (time.perf_counter() - started))

    result = {"size": size, "batch": step}
    Dataset.objects.update(quality_score=0, quality_rating="")
    result["rescore, all stale"] = timed(lambda batch: datasets_score(ids=batch))
    result["rescore, all fresh"] = timed(lambda batch: datasets_score(ids=batch))
    result["changed, scored"] = timed(
        lambda batch: datasets_changed(ids=batch, reason="bench", scored=batch)
    )
    result["changed, rescored"] = timed(lambda batch: datasets_changed(ids=batch, reason="bench"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--dbs", default="sqlite")
    parser.add_argument("--case", nargs=2, metavar=("SIZE", "BASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(int(args.case[0]), args.case[1])))
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-changes-"))
    datajson = workdir / "data.json"
    write_datajson(datajson, args.size)
    port_file = workdir / "port"
    harvest_py = str(ROOT / "bench" / "harvest.py")
    serve = ["--serve", str(port_file), str(args.size), "--datajson", str(datajson)]
    server = subprocess.Popen([sys.executable, harvest_py, *serve])
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        base_url = f"http://127.0.0.1:{port_file.read_text()}"
        for db in args.dbs.split(","):
            out = subprocess.run(
                [sys.executable, __file__, "--case", str(args.size), base_url],
                env=_database_env(db),
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode:
                print(f"{db} failed:\n{out.stderr[-3000:]}", file=sys.stderr)
                continue
            print(json.dumps({**json.loads(out.stdout.strip().splitlines()[-1]), "db": db}))
    finally:
        server.terminate()
        datajson.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
