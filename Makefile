# ClusterSweep: `make run` and `make test` do all set-up on a fresh Debian machine with Swift.
SHELL := /bin/bash
SWIFT ?= swift
# The release binary is portable: it carries AVX-512, AVX2+FMA and baseline x86-64 kernels and
# picks the widest the CPU runs at start-up (README.md "Speed and CPU flags"). CPU=<name> (e.g.
# native, haswell) is an optional override that compiles everything for that CPU; such a binary
# may not run on other machines.
CPU ?=
RELEASE_FLAGS := -c release $(if $(CPU),-Xswiftc -target-cpu -Xswiftc $(CPU))
BIN := .build/release/clustersweep
SYSTEM_PACKAGES := libzmq3-dev libsqlite3-dev pkg-config
# What only the tests need: a headless browser and a Prometheus parser (the dashboard's tests),
# and QEMU's user-mode emulator (the portable binary on emulated AVX2-only and SSE-only CPUs).
TEST_PACKAGES := chromium python3-prometheus-client qemu-user
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release run test bench chaos clean

## deps: install the missing Debian packages (libzmq, SQLite headers).
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(SYSTEM_PACKAGES)"

## test-deps: also what the tests need.
.PHONY: test-deps install-packages
test-deps: deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(TEST_PACKAGES)"

install-packages:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

## run: the main job: the paper's sweep (configs/paper.yaml) on an embedded coordinator with local
## workers; writes runs/paper/report.{json,html,csv}. Run again to resume; `make clean` to start over.
## It prints the URL of the live dashboard (DASHBOARD=HOST:PORT, default 127.0.0.1:8080) and, in a
## terminal, keeps the page up after the sweep until Ctrl-C.
DASHBOARD ?= 127.0.0.1:8080
run: release
	$(BIN) run configs/paper.yaml --out runs/paper --dashboard $(DASHBOARD)

## figures: the paper's figures for one D=2 run (scatter snapshots and an animation).
.PHONY: figures
figures: release
	$(BIN) train --dimension 2 --seed 1 --snapshot-epochs 0,500,1000,1500,2500 --keep-going --max-epochs 2500 --animate --force --out runs/paper-d2

## test: the full test suite (unit, integration, end to end with real processes).
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## test-slurm: a real one-node Slurm cluster on this machine (root) runs deploy/slurm/clustersweep.sbatch.
.PHONY: test-slurm
test-slurm: build
	bash deploy/slurm/test-slurm.sh configs/smoke.yaml

## bench: training-core speed, end-to-end dispatch throughput (beside a bare ZeroMQ loop), a
## 1,000,000-job submit (status latency, RSS, store bytes per job) and the retry of a 200,000-job
## failed sweep run again to the end (status latency, RSS); release build.
bench: release
	$(BIN) bench core
	$(BIN) bench dispatch
	$(BIN) bench submit
	$(BIN) bench retry

## chaos: every fault scenario at full size (kills, restarts, stalls, partitions, full and
## read-only disks, hostile wire and CLI input, divergence), then the load test on its own
## (100,000 noop jobs, 200 worker sockets). ScaleChaosTests runs 1,000,000 noop jobs through coordinator
## and worker kills. Partitions and disks need root; several minutes.
CHAOS_SUITES := FaultTests|PartitionTests|StateDiskTests|HostileWireTests|HostileCommandLineTests|DivergenceTests|ScaleChaosTests
chaos: deps
	$(SWIFT) build --build-tests
	CLUSTERSWEEP_CHAOS=full $(SWIFT) test --skip-build --filter '$(CHAOS_SUITES)'
	CLUSTERSWEEP_CHAOS=full $(SWIFT) test --skip-build --filter LoadTests

clean:
	rm -rf .build runs
