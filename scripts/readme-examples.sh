#!/usr/bin/env bash
# Write the current output of every README example into README.md (the
# `console` blocks after `<!-- example -->`), from the fixtures in
# testdata/. tests/readme.rs checks them on every test run.
#
# Usage (from the repository root): scripts/readme-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DDEXPROBE_UPDATE_README=1 cargo test --release --test tests readme:: -- --quiet
git --no-pager diff --stat README.md || true
