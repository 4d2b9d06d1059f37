#!/usr/bin/env bash
# Fetch the external corpora that are not in ../shared/corpora into
# target/corpora/ (never into the repository: their licences differ).
#
#   mutagen: the test data of the mutagen tag library's source release
#   (GPL-2.0-or-later), real files of formats few other suites hold:
#   WavPack (including DSD), Monkey's Audio 3.90-3.99, TAK, TTA,
#   OptimFROG, Musepack SV4-SV8, DSF, DSDIFF (DSD and DST), AC-3, E-AC-3,
#   ADTS and ADIF AAC, ASF/WMA. tests/corpora/expected.tsv lists them under
#   the corpus `mutagen`, each row saying where its figures come from.
#
# Usage (from the repository root): scripts/fetch-corpora.sh
# Needs python3 with pip (PyPI), or an already downloaded sdist in
# $MUTAGEN_SDIST.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=1.48.1
DEST=target/corpora/mutagen
if [ -f "$DEST/.complete-$VERSION" ]; then
  exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sdist=${MUTAGEN_SDIST:-}
if [ -z "$sdist" ]; then
  python3 -m pip download --quiet --no-deps --no-binary :all: \
    "mutagen==$VERSION" -d "$WORK" >&2
  sdist=$(ls "$WORK"/mutagen-"$VERSION".tar.gz)
fi
rm -rf "$DEST"
mkdir -p "$DEST"
tar -xzf "$sdist" -C "$WORK"
mv "$WORK/mutagen-$VERSION/tests" "$DEST/tests"
cp "$WORK/mutagen-$VERSION/COPYING" "$DEST/COPYING"
touch "$DEST/.complete-$VERSION"
echo "fetch-corpora: mutagen $VERSION test data in $DEST/tests/data" >&2
