# OneShotKit. On a fresh Debian machine with Swift, `make demo` and `make test` are all you type:
# every target installs the Debian packages it needs first.

SWIFT        ?= swift
APT_PACKAGES := libsqlite3-dev libxml2-dev libssl-dev libsnappy-dev libzstd-dev zlib1g-dev libopenblas-dev pkg-config
# Release builds target Haswell-class x86 so SIMD code is vectorised (without it Swift emits scalar code).
# The executables also link Swift's runtime and Foundation statically: they run on nodes without Swift (verl's
# reward worker) and start in about 15 ms instead of 27 (the loader binds no Swift libraries), which every
# command pays. The grader library cannot (a shared object cannot take the static Foundation); it keeps the
# same compiler flags, so switching between the two only relinks.
RELEASE_LIB  := -c release -Xswiftc -target-cpu -Xswiftc haswell --scratch-path .build-release
RELEASE      := $(RELEASE_LIB) --static-swift-stdlib
DEMO_STORE   ?= demo.db
BIN          := .build/debug/oneshot
RELEASE_BIN  := .build-release/release/oneshot
VENV         := .venv
SHARED       ?= ../shared/datasets

.PHONY: deps browser build release test demo paper-selection bench base-model clean python-reference

# Installs the Debian packages named in $(1) that are missing (a no-op when all are present).
apt_install = missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## deps: install missing Debian -dev packages (a no-op when all are present)
deps:
	@$(call apt_install,$(APT_PACKAGES))

## browser: headless Chromium, for the test that renders the HTML report in a real browser
browser:
	@$(call apt_install,chromium)

## build: debug build of the library and the `oneshot` tool
build: deps
	$(SWIFT) build

## release: optimised build, used by benchmarks
release: deps
	$(SWIFT) build $(RELEASE) --product oneshot
	$(SWIFT) build $(RELEASE) --product oneshot-bench
	$(SWIFT) build $(RELEASE_LIB) --product OneShotGrader

## test: the whole test suite (what CI runs). Python (pyarrow, Hugging Face datasets) serves some tests as
## an independent reader of what oneshot writes; without PyPI those tests are skipped, with a message.
test: deps build browser python-reference
	$(SWIFT) test

# The test venv: Python references (pyarrow, datasets, safetensors), Ray, Hydra and torch's CPU build, and verl
# itself at the two versions launch targets, each in a folder of its own (PYTHONPATH picks one).
VERL_VERSIONS := 0.9.1 0.8.0
python-reference: $(VENV)/.test-ready

$(VENV)/.test-ready: Tests/requirements.txt
	@{ [ -x $(VENV)/bin/python ] || python3 -m venv $(VENV); } && $(VENV)/bin/pip install -q -r Tests/requirements.txt \
	  && for v in $(VERL_VERSIONS); do $(VENV)/bin/pip install -q --no-deps --target $(VENV)/verl-$$v verl==$$v || exit 1; done \
	  && touch $@ || echo "warning: no Python reference (PyPI unreachable?): the tests that need pyarrow, verl, Ray or torch will be reported skipped"

## demo: the default pipeline (generated tasks, built-in engine, shipped base policy): data -> dedup ->
## decontaminate -> probe -> rank -> train (1-shot pi1, pi2, {pi1, pi2}, random, full pool) -> eval -> report.
## Resumable: run it again and finished stages are skipped; `make clean` starts over.
demo: deps
	$(SWIFT) build $(RELEASE) --product oneshot
	$(RELEASE_BIN) pipeline pipelines/demo.toml --store $(DEMO_STORE)

## paper-selection: the paper's pi1 and {pi1, pi13} from its own accuracy histories, as verl Parquet files (seconds)
paper-selection: deps
	$(SWIFT) build $(RELEASE) --product oneshot
	$(RELEASE_BIN) pipeline pipelines/paper-selection.toml --store paper.db

## bench: speed and memory against the Python peers, in the same run (figures go to BENCHMARKS.md)
bench: deps release $(VENV)/.ready
	Benchmarks/run.sh $(RELEASE_BIN) $(VENV)/bin/python $(SHARED)

$(VENV)/.ready: Benchmarks/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r Benchmarks/requirements.txt
	touch $@

## base-model: rebuild the shipped base policy models/base (about 30 minutes on one core; one thread, seed 0)
base-model: release
	$(RELEASE_BIN) engine pretrain --out models/base --steps 3000 --lr 2e-3 --seed 0 --save-every 500 --eval-count 200

clean:
	rm -rf .build .build-release $(VENV) $(DEMO_STORE) $(DEMO_STORE)-wal $(DEMO_STORE)-shm demo.quarantine demo-out paper.db paper.db-wal paper.db-shm paper-out
