# BiScheduler. `make run` sets up, builds, creates a demo platform in ./data
# and serves it; `make check` builds and runs every test. See README.md.

BUILD      ?= build
ASAN_BUILD ?= build-asan
DATA       ?= data
LISTEN     ?= 127.0.0.1:8080
JOBS       ?= 2
PORT       := $(lastword $(subst :, ,$(LISTEN)))

MAKEFLAGS += --no-print-directory
SHELL := /bin/bash

.PHONY: all build asan setup run check unit unit-asan api api-pg api-asan browser clean

all: build

setup:
	@bash scripts/setup

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

asan:
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBIS_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)

# The demo platform: UEIPAB, the demo school and a second guest school, so
# the network's dashboard shows figures (none comes from fewer than 3 schools).
run: setup build
	@if [ ! -f $(DATA)/master.sqlite ]; then \
	  $(BUILD)/bischeduler init --data $(DATA) --demo \
	    --public-url http://bischeduler.localhost:$(PORT); \
	  $(BUILD)/bischeduler tenant create --data $(DATA) --code demo-norte \
	    --name "Unidad Educativa Demo Norte"; \
	  echo "(Save these passwords now: they are not shown again.)"; \
	fi
	@echo "UEIPAB and the platform console: http://bischeduler.localhost:$(PORT)"
	@echo "Demo guest school:               http://bischeduler-demo.localhost:$(PORT)"
	@$(BUILD)/bischeduler serve --data $(DATA) --listen $(LISTEN) --auto-migrate \
	  --outbox $(DATA)/outbox

LOGS := $(BUILD)/check-logs
# Runs a suite with its output also kept in $(LOGS)/NAME.log (for the
# closing summary of `make check`).
suite = mkdir -p $(LOGS) && set -o pipefail && ( $(2) ) 2>&1 | tee $(LOGS)/$(1).log

unit: build
	@$(call suite,unit,cd $(BUILD) && ctest --output-on-failure)

unit-asan: asan
	@$(call suite,unit-asan,cd $(ASAN_BUILD) && ctest --output-on-failure)

api: build
	@$(call suite,api,BISCHEDULER_BIN=$(BUILD)/bischeduler bash tests/api/run)

api-pg: build
	@$(call suite,api-pg,BISCHEDULER_TEST_BACKEND=postgres BISCHEDULER_TEST_DB_POOL=1 \
	  BISCHEDULER_BIN=$(BUILD)/bischeduler bash tests/api/run)

api-asan: asan
	@$(call suite,api-asan,BISCHEDULER_BIN=$(ASAN_BUILD)/bischeduler bash tests/api/run)
	@$(call suite,api-pg-asan,BISCHEDULER_TEST_BACKEND=postgres BISCHEDULER_TEST_DB_POOL=1 \
	  BISCHEDULER_BIN=$(ASAN_BUILD)/bischeduler bash tests/api/run \
	  $(addprefix tests/api/,$(shell grep -v '^\#' tests/api/pg-asan.list)))

browser: build
	@$(call suite,browser,BISCHEDULER_BIN=$(BUILD)/bischeduler bash tests/browser/run)

check: setup build
	@rm -rf $(LOGS)
	@$(MAKE) asan unit unit-asan api api-pg api-asan browser
	@bash scripts/check-summary $(LOGS)/*.log

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
