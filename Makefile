# Bantin — the one front door. `make html` and `make test` set everything up on first run.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN := $(BIN)/pelican
# One build (make html): pelican's command line, ending without Python's object-by-object
# teardown (plugins/bantin_build/__main__.py). The live preview and servers use pelican.
BUILD := $(BIN)/python -m bantin_build
PELICANOPTS ?=

BASEDIR := $(CURDIR)
INPUTDIR ?= $(BASEDIR)/content
OUTPUTDIR ?= $(BASEDIR)/output
CONFFILE ?= $(BASEDIR)/pelicanconf.py
PUBLISHCONF ?= $(BASEDIR)/publishconf.py
HOST ?= 127.0.0.1
PORT ?= 8000

CATALOG_DIR := theme/translations
CATALOG := $(CATALOG_DIR)/vi/LC_MESSAGES/messages
STAMP := $(VENV)/.bantin-installed
DEV_STAMP := $(VENV)/.bantin-dev-installed

.DEFAULT_GOAL := help
.PHONY: help install install-dev html regenerate serve devserver publish clean test lint node-deps \
        format messages lock system-deps check deploy rollback new import admin

help:
	@echo "Bantin — các lệnh thường dùng:"
	@echo "  make html        dựng trang vào output/ (lần đầu tự cài đặt)"
	@echo "  make devserver   xem trước tại http://$(HOST):$(PORT), tự dựng lại khi lưu"
	@echo '  make new TITLE="…" [CATEGORY="…"] [KET_QUA=1]   tạo bài mới (bản nháp)'
	@echo "  make import FILE=bao-cao.docx   nhập bài từ tệp Word thành bản nháp"
	@echo "  make admin       trình soạn thảo trên web: http://$(HOST):$(PORT)/admin/"
	@echo "  make serve       phục vụ output/ tại http://$(HOST):$(PORT)"
	@echo "  make regenerate  tự dựng lại khi lưu (không mở máy chủ)"
	@echo "  make check       kiểm tra toàn bộ trang (nội dung, liên kết, ảnh), báo lỗi bằng tiếng Việt"
	@echo "  make drafts      liệt kê bản nháp và bài hẹn giờ đăng, kèm ngày và lỗi"
	@echo "  make publish     dựng bản phát hành (publishconf.py), kiểm tra, nén sẵn"
	@echo "  make deploy      phát hành rồi tải lên máy chủ (DEPLOY_TARGET=…), chuyển bản an toàn"
	@echo "  make rollback    quay lại bản đã đăng trước đó"
	@echo "  make test        chạy toàn bộ kiểm thử"
	@echo "  make clean       xóa output/ và bộ nhớ đệm"
	@echo "Biến: INPUTDIR=… OUTPUTDIR=… PELICANOPTS=… SETTINGS='KHÓA=giá_trị …'"

# --- Setup ------------------------------------------------------------------------------------
$(STAMP): requirements/base.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(DEV_STAMP): requirements/dev.lock $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
	  -r requirements/base.lock -r requirements/dev.lock
	@touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

# Compiled catalog (.mo) is built, never committed.
$(CATALOG).mo: $(CATALOG).po $(STAMP)
	$(BIN)/pybabel --quiet compile -d $(CATALOG_DIR) -D messages -l vi

# Re-extract interface strings from the templates into the catalog (then translate the .po).
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -o $(CATALOG_DIR)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i $(CATALOG_DIR)/messages.pot -d $(CATALOG_DIR) -D messages -l vi

# --- Building ---------------------------------------------------------------------------------
# Extra settings go in SETTINGS='KEY=value …' (JSON values): Pelican keeps only the last -e it
# is given, so a -e in PELICANOPTS would silently drop the preview's own settings.
SETTINGS ?=
ifneq ($(filter -e --extra-settings,$(PELICANOPTS)),)
$(error Đừng dùng -e trong PELICANOPTS (Pelican chỉ giữ -e cuối cùng): dùng SETTINGS='KHÓA=giá_trị')
endif

html: $(STAMP) $(CATALOG).mo
	$(BUILD) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) $(if $(strip $(SETTINGS)),-e $(SETTINGS))

# Preview builds keep the valid pages and list the problems instead of failing.
PREVIEW := -e BANTIN_FAIL_ON_PROBLEMS=false

regenerate: $(STAMP) $(CATALOG).mo
	$(PELICAN) -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) $(PREVIEW) $(SETTINGS)

serve: $(STAMP)
	$(PELICAN) -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -b $(HOST) -p $(PORT) $(PELICANOPTS) $(if $(strip $(SETTINGS)),-e $(SETTINGS))

# The live preview (bantin_editor.live: Pelican's build, one file watcher, the open page built
# first and told at once): the page reloads after each rebuild and shows content errors as a
# banner; each rebuild prints its time. No editor server here: /admin/ says to run
# `make admin` (the web editor's own command, below).
LIVE_PREVIEW := $(PREVIEW) BANTIN_PREVIEW=true

devserver: $(STAMP) $(CATALOG).mo
	$(BIN)/python -m bantin_editor.live "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -b $(HOST) -p $(PORT) $(PELICANOPTS) $(LIVE_PREVIEW) $(SETTINGS)

# --- Writing without Git (docs/huong-dan-soan-bai.md) --------------------------------------
# TITLE, CATEGORY, KET_QUA and FILE are read from the environment (make puts command-line
# variables there), so quotes and colons in a title need no escaping.
EDITOR_TOOL := $(BIN)/python -m bantin_editor --settings "$(CONFFILE)" --content "$(INPUTDIR)"

new: $(STAMP)
	@$(EDITOR_TOOL) new --title "$$TITLE" --category "$$CATEGORY" --ket-qua "$$KET_QUA"

import: $(STAMP)
	@$(EDITOR_TOOL) import --file "$$FILE" --category "$$CATEGORY"

# The web editor: Decap CMS bundled from node_modules (never a CDN). `pelican -r` rebuilds the
# preview; bantin_editor.server serves it and /admin/ on $(HOST):$(PORT) and answers the editor
# (writes only into the content folders, loopback Host only, a new token each run).
ADMIN_BUNDLE := cache/admin/bantin-admin.js
$(ADMIN_BUNDLE): $(wildcard admin/*.js) admin/build.mjs node_modules/.package-lock.json
	node admin/build.mjs $@

ADMIN_PREVIEW := $(PREVIEW) BANTIN_PREVIEW=true BANTIN_DECAP_SERVER='"http://$(HOST):$(PORT)/api/v1"'
admin: $(STAMP) $(CATALOG).mo $(ADMIN_BUNDLE)
	@$(BIN)/python -m bantin_editor.live --no-serve "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) $(ADMIN_PREVIEW) $(SETTINGS) & \
	  build=$$!; trap 'kill $$build 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python -m bantin_editor.server --settings "$(CONFFILE)" --content "$(INPUTDIR)" \
	    --output "$(OUTPUTDIR)" --host $(HOST) --port $(PORT) $(ADMIN_PREVIEW) $(SETTINGS)

# --- Checking, publishing, deploying (docs/xuat-ban.md) -------------------------------------
# check: content checks, a build, a link check of the output; every problem listed together.
# publish: the same with publishconf.py, then fingerprinted CSS/JS and .gz/.br files.
PUBLISH := $(BIN)/python -m bantin_publish
DEPLOY_TARGET ?=
DEPLOY_KEEP ?= 5

check: $(STAMP) $(CATALOG).mo
	$(PUBLISH) check --content "$(INPUTDIR)" --output "$(OUTPUTDIR)" --settings "$(CONFFILE)" \
	  --pelican-opts="$(PELICANOPTS)"

publish: $(STAMP) $(CATALOG).mo
	$(PUBLISH) publish --content "$(INPUTDIR)" --output "$(OUTPUTDIR)" --settings "$(PUBLISHCONF)" \
	  --pelican-opts="$(PELICANOPTS)"

# Drafts (status: draft) and scheduled posts (dated after today), with their dates and problems.
.PHONY: drafts
drafts: $(STAMP)
	@$(PUBLISH) drafts --content "$(INPUTDIR)" --settings "$(CONFFILE)"

# Target: DEPLOY_TARGET=/srv/bantin or deploy@host:/srv/bantin, else BANTIN_DEPLOY_TARGET.
deploy: publish
	$(BIN)/python deploy/deploy.py deploy "$(OUTPUTDIR)" --target "$(DEPLOY_TARGET)" \
	  --settings "$(PUBLISHCONF)" --keep $(DEPLOY_KEEP)

rollback:
	$(BIN)/python deploy/deploy.py rollback --target "$(DEPLOY_TARGET)" --settings "$(PUBLISHCONF)"

clean:
	rm -rf "$(OUTPUTDIR)" cache

# --- Quality ----------------------------------------------------------------------------------
# Debian packages the suite drives for real: chromium (browser tests), nginx + openssl (serving
# tests), rsync (deploy tests), Java (Nu HTML Checker). Installed here when missing and root.
SYSTEM_COMMANDS := chromium:chromium nginx:nginx rsync:rsync openssl:openssl java:openjdk-17-jre-headless
system-deps:
	@missing=""; for pair in $(SYSTEM_COMMANDS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Cài gói Debian:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $$missing fonts-noto-core fonts-dejavu-core >/dev/null; \
	  else echo "Thiếu gói Debian:$$missing (cài bằng apt-get để chạy đủ kiểm thử)."; exit 1; fi; \
	fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Browser test tools (axe-core, Nu HTML Checker, Lighthouse), pinned in package-lock.json.
# --ignore-scripts: vnu-jar's install script would download a Java we already have.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

node-deps: $(NODE_STAMP)

test: $(DEV_STAMP) $(CATALOG).mo system-deps $(NODE_STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-pin every dependency with its hashes (needs network to PyPI). pip-tools lives in a venv
# of its own, so locking never changes what the project's environment has installed.
LOCK_VENV := cache/lock-venv
lock:
	@test -x $(LOCK_VENV)/bin/pip-compile || { $(PY) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2; }
	cd requirements && ../$(LOCK_VENV)/bin/pip-compile --quiet --strip-extras --no-header \
	  --allow-unsafe --generate-hashes --no-emit-index-url --no-emit-find-links -o base.lock base.in
	cd requirements && ../$(LOCK_VENV)/bin/pip-compile --quiet --strip-extras --no-header \
	  --allow-unsafe --generate-hashes --no-emit-index-url --no-emit-find-links -o dev.lock dev.in
