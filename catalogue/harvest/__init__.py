"""Everything about harvesting other catalogues, in one place.

- `parsers/`: HTTP and parsing into plain records, one module per format; no Django here.
- `types.py`: the registry of source types (name, label, how to open and parse each).
- `models.py`: sources, jobs and per-record issues (tables of the catalogue app).
- `services/`: running a source (`run.py`), writing a batch of records (`upsert.py`), mapping a
  record onto dataset fields (`records.py`), managing sources (`sources.py`).
- `api.py`, `views.py`, `urls.py`: the API and the pages. Its Celery tasks are in
  `catalogue/tasks.py`, where Celery finds every task of the app.
"""
