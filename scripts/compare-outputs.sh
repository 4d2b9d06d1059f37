#!/usr/bin/env bash
# Pin what ddexprobe writes, so that a change meant to keep behaviour can be
# shown to keep it byte for byte.
#
#   scripts/compare-outputs.sh save DIR [BIN]   run every command below, write DIR
#   scripts/compare-outputs.sh diff DIR [BIN]   run them again and diff with DIR
#
# BIN defaults to target/release/ddexprobe, built first. The runs cover
# `scan --format ndjson` with and without `--verify` over testdata/ and every
# file under ../shared/corpora (`--all`, so content decides, not names),
# `check` in every report format and profile over the readiness catalog and
# manifests, `ern` in every version and fragment over the catalog's
# describable files, `inspect` and `sidecar --out-dir`. Standard error is kept
# too, with the one timing figure (the "in N s (...)" throughput clause)
# blanked; exit codes are recorded beside each output.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
dir=${2:-}
bin=${3:-}
if [ -z "$mode" ] || [ -z "$dir" ]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
if [ -z "$bin" ]; then
  cargo build --release --quiet --bin ddexprobe
  bin=target/release/ddexprobe
fi
bin=$(realpath "$bin")
corpora=../shared/corpora

out=$dir
if [ "$mode" = diff ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
elif [ "$mode" != save ]; then
  echo "unknown mode $mode (save or diff)" >&2
  exit 2
fi
mkdir -p "$out"

# run NAME ARGS...: stdout to NAME.out, stderr (timing blanked) to NAME.err,
# exit code to NAME.rc.
run() {
  local name=$1
  shift
  local rc=0
  "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err.raw" || rc=$?
  sed -E 's/ in [0-9.]+ s \([^)]*\)/ in T/' "$out/$name.err.raw" >"$out/$name.err"
  rm -f "$out/$name.err.raw"
  echo "$rc" >"$out/$name.rc"
}

run scan-testdata scan testdata --format ndjson
run scan-testdata-verify scan testdata --format ndjson --verify
run scan-testdata-json scan testdata --format json --hash md5
run scan-testdata-csv scan testdata --format csv --hash none
run scan-testdata-table scan testdata --format table --hash none
run inspect-text inspect testdata/wav-bext-ixml-info-md5.wav testdata/flac-truncated-mid-frame.flac testdata/m4a-aac-tags.m4a --verify
if [ -d "$corpora" ]; then
  run scan-corpora scan "$corpora" --all --format ndjson
  run scan-corpora-verify scan "$corpora" --all --format ndjson --verify
else
  echo "note: $corpora is missing; corpus outputs not compared" >&2
fi

cat=testdata/catalog
for f in table json ndjson junit github; do
  run "check-$f" check "$cat" --format "$f"
done
run check-youtube check "$cat" --format json --profile youtube
run check-verify check "$cat" --format json --verify
run check-min-score check "$cat" --format ndjson --min-score 50
run check-manifest-json check testdata --format json --metadata testdata/manifests/catalog.json
run check-manifest-csv check testdata --format json --metadata testdata/manifests/catalog.csv

# ern over every catalog file that can be described, and once over all of
# them (refused, with the reasons on stderr).
good=()
for f in "$cat"/*; do
  case $f in *.json) continue ;; esac
  if "$bin" ern --ern 4.3 --fragment sound-recording "$f" >/dev/null 2>&1; then
    good+=("$f")
  fi
done
echo "${good[@]}" >"$out/ern-files.txt"
for v in 3.4 3.4.1 4.3; do
  for fr in technical sound-recording resource-list; do
    run "ern-$v-$fr" ern --ern "$v" --fragment "$fr" "${good[@]}"
  done
  run "ern-$v-sha256" ern --ern "$v" --hash sha256 testdata/flac-16bit-44k-stereo.flac testdata/wav-pcm24-48k-stereo.wav
done
run ern-refused ern --ern 4.3 "$cat"

# Release folders: the product report and the whole message per version.
for r in testdata/releases/*/; do
  n=$(basename "$r")
  run "release-$n-check" check "$r" --release --format json --profile youtube
  for v in 3.4 4.3; do
    run "release-$n-$v" ern "$r" --message --ern "$v" --profile youtube --created 2024-05-02T09:30:00Z -q
  done
done

sc=$(mktemp -d)
run sidecar sidecar testdata/wav-pcm16-44k-stereo.wav testdata/flac-24bit-96k-stereo.flac --out-dir "$sc"
# The stamp holds the source's mtime, which a fresh clone sets anew.
find "$sc" -type f | sort | while read -r f; do
  echo "== ${f#"$sc"/}"
  grep -v -E '"sourceModified"' "$f"
done >"$out/sidecar-files.out"
rm -rf "$sc"

if [ "$mode" = diff ]; then
  if diff -r "$dir" "$out" >"$out.diff" 2>&1; then
    echo "identical: $(ls "$out" | wc -l) outputs"
    rm -f "$out.diff"
  else
    head -100 "$out.diff"
    echo "DIFFERENT: see above ($(wc -l <"$out.diff") diff lines)" >&2
    rm -f "$out.diff"
    exit 1
  fi
else
  echo "saved $(ls "$out" | wc -l) outputs in $out"
fi
