# The two set-up commands of the README, and a few more. Works on a fresh Debian machine
# with Python 3.11: installs uv (Python packages from uv.lock) and, as root, Debian's
# chromium and fonts for the browser tests and PDFs. `run`, `bench` and the tests (pyproject.toml)
# use devtools.settings: the production settings plus the development-only app (demo, bench).
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1:8000

.PHONY: install system-packages checker run test bench load lint messages

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
	  || python3 -m pip install --quiet uv || python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --locked

system-packages:  ## Debian's chromium (browser tests), fonts and HarfBuzz's subsetter (PDFs), gettext (translations), Java and npm (the HTML checker): only those missing
	@# Only what is missing: Debian's npm conflicts with a Node.js that brings its own npm.
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list | grep -q DejaVuSans || missing="$$missing fonts-dejavu"; \
	fc-list | grep -qi symbola || missing="$$missing fonts-symbola"; \
	ls /usr/lib/*/libharfbuzz-subset.so.0 >/dev/null 2>&1 || missing="$$missing libharfbuzz-subset0"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  echo "Installing Debian packages:$$missing"; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

run: install  ## install, fill the SQLite database with the demo story, serve on http://$(HOST)
	$(UV) run python manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=devtools.settings $(UV) run python manage.py demo --base-url "http://$(HOST)" $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")
	DEBUG=1 DJANGO_SETTINGS_MODULE=devtools.settings $(UV) run python manage.py runserver $(HOST)

checker: system-packages  ## the W3C Nu HTML checker (vnu-jar, pinned in package-lock.json) for the tests
	@[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --silent

test: install system-packages checker  ## all tests, browser tests included (DATABASE_URL picks the database)
	$(UV) run pytest

bench: install system-packages  ## performance report: ratios against a bare Django view, query counts
	DJANGO_SETTINGS_MODULE=devtools.settings $(UV) run python manage.py bench

load: install  ## load runs on loopback: a room of 40 phones, then a city of 22 meetings (bounded, ~5 min)
	DJANGO_SETTINGS_MODULE=devtools.settings $(UV) run python manage.py load

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .

messages: install  ## after changing UI text: update the Dutch .po, then translate and compile
	$(UV) run python manage.py makemessages --locale nl --no-location --ignore ".venv/*" --ignore "node_modules/*"
	$(UV) run python manage.py compilemessages --locale nl --ignore ".venv/*" --ignore "node_modules/*"
