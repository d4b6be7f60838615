#!/usr/bin/env bash
# Measures SweepWire's codec (encode/decode per job of batched messages) against Foundation's JSON,
# in an optimised build, without building the whole package: TrainingCore, the SweepModel files the
# protocol uses, and SweepWire are compiled as one module with `swiftc -O`.
# Usage: scripts/bench-wire-codec.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root"/Sources/TrainingCore/*.swift "$work"/
cp "$root"/Sources/SweepModel/{Identifiers,JobParameters,JobStatus,Records}.swift "$work"/
find "$root/Sources/SweepWire" -name '*.swift' -exec cp {} "$work"/ \;
sed -i '/^import SweepModel/d;/^import TrainingCore/d' "$work"/*.swift
cp "$root/scripts/wire-codec-bench/main.swift" "$work"/main.swift
swiftc -O -module-name WireCodecBench "$work"/*.swift -o "$work/bench"
"$work/bench"
