# The two commands a newcomer needs: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed

.PHONY: run test install lint format migrate demo worker beat clean

$(INSTALLED): requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

# GOV.UK Frontend (served as static files) and axe-core (accessibility tests), from package-lock.json.
$(NODE_INSTALLED): package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20 and npm are needed for the GOV.UK Frontend assets"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(INSTALLED) $(NODE_INSTALLED)

# PORT is passed on so SITE_URL (identifiers, feed links) defaults to the address served here.
run: install
	DJANGO_DEBUG=true PORT=$(PORT) $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true PORT=$(PORT) $(PY) manage.py loaddemo
	DJANGO_DEBUG=true PORT=$(PORT) $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A marketplace worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A marketplace beat --loglevel=INFO

clean:
	rm -rf $(VENV) var node_modules
