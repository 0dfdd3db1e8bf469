# OneShotKit. On a fresh Debian machine with Swift, `make demo` and `make test` are all you type:
# every target installs the Debian packages it needs first.

SWIFT        ?= swift
APT_PACKAGES := libsqlite3-dev libxml2-dev libssl-dev libsnappy-dev libzstd-dev zlib1g-dev libopenblas-dev pkg-config
# Release builds target Haswell-class x86 so SIMD code is vectorised (without it Swift emits scalar code).
RELEASE      := -c release -Xswiftc -target-cpu -Xswiftc haswell --scratch-path .build-release
DEMO_STORE   ?= demo.db
BIN          := .build/debug/oneshot
RELEASE_BIN  := .build-release/release/oneshot
VENV         := .venv
SHARED       ?= ../shared/datasets

.PHONY: deps build release test demo bench base-model clean python-reference

## deps: install missing Debian -dev packages (a no-op when all are present)
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## build: debug build of the library and the `oneshot` tool
build: deps
	$(SWIFT) build

## release: optimised build, used by benchmarks
release: deps
	$(SWIFT) build $(RELEASE) --product oneshot
	$(SWIFT) build $(RELEASE) --product oneshot-bench

## test: the whole test suite (what CI runs). Python (pyarrow, Hugging Face datasets) serves some tests as
## an independent reader of what oneshot writes; without PyPI those tests are skipped, with a message.
test: deps build python-reference
	$(SWIFT) test

python-reference:
	@[ -f $(VENV)/.test-ready ] || { python3 -m venv $(VENV) && $(VENV)/bin/pip install -q -r Tests/requirements.txt \
	  && touch $(VENV)/.test-ready; } || echo "warning: no Python reference (PyPI unreachable?): the tests that read oneshot's Parquet with pyarrow and datasets will be skipped"

## demo: import the bundled data, deduplicate, decontaminate, rank the paper's histories, build {π1, π13}, report
demo: deps build
	rm -rf $(DEMO_STORE) $(DEMO_STORE)-wal $(DEMO_STORE)-shm demo.quarantine demo-out
	mkdir -p demo-out
	$(BIN) import datasets/one-shot-rlvr/dsr_sub.jsonl datasets/xml/matheducators-Posts.xml \
	  datasets/xml/arqmath-2022-topics.xml --store $(DEMO_STORE)
	$(BIN) dedup --store $(DEMO_STORE) --show 3
	$(BIN) decontaminate --dataset dsr_sub --store $(DEMO_STORE)
	$(BIN) trajectories import datasets/one-shot-rlvr/acc_step_500.json --format one-shot-rlvr \
	  --dataset dsr_sub --run paper-probe --store $(DEMO_STORE)
	$(BIN) rank --run paper-probe --top 13 --store $(DEMO_STORE)
	$(BIN) select --run paper-probe --pi 1,13 --out demo-out/pi1_pi13_r128.jsonl --store $(DEMO_STORE)
	$(BIN) stats --store $(DEMO_STORE)
	$(BIN) report --store $(DEMO_STORE) --out reports/demo
	@echo "store: $(DEMO_STORE); training file: demo-out/pi1_pi13_r128.jsonl; report: reports/demo/index.html"

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
	rm -rf .build .build-release $(VENV) $(DEMO_STORE) $(DEMO_STORE)-wal $(DEMO_STORE)-shm demo.quarantine demo-out
