#!/usr/bin/env bash
# Cross-check the loudness and true peak of `ddexprobe scan --qc` against ffmpeg's
# ebur128 filter, file by file, over a directory, and print every difference.
#
# Usage (from the repository root):
#   scripts/qc-crosscheck.sh [--bin PATH] [--jobs N] [--ndjson FILE] [DIR]
#
#   DIR           directory to check (walked recursively; the audio files are the
#                 ones ddexprobe reports). Default: the catalog of the bench corpus,
#                 $BENCH_DIR/quick/corpus/catalog, else $BENCH_DIR/full/corpus/catalog
#                 (BENCH_DIR defaults to /tmp/ddexprobe-bench; generate it with
#                 scripts/bench.sh --quick)
#   --bin PATH    ddexprobe binary (default $DDEXPROBE, else target/release/ddexprobe)
#   --jobs N      ffmpeg processes in parallel (default: CPU count)
#   --ndjson FILE compare this ddexprobe output (scan --qc ... --format ndjson of DIR)
#                 instead of running the binary
#
# ddexprobe runs once over DIR (scan --qc --hash none --format ndjson); ffmpeg runs
# once per file: ffmpeg -nostdin -i F -vn -af ebur128=peak=true+sample:framelog=verbose
# -f null - (framelog=verbose only keeps the per-100 ms lines out of the log; the
# sample peak only feeds a note), and its Summary gives I (LUFS), LRA (LU) and the
# true peak ("Peak:" under "True peak:", dBFS).
#
# Prints a TSV table: file, ddexprobe I, ffmpeg I, diff, ddexprobe LRA, ffmpeg LRA,
# diff, ddexprobe TP, ffmpeg TP, diff, then seconds and a note; then a summary (lines
# starting with #): files, and per measure the files compared, the largest |diff| and
# how many exceed the tolerance: 0.1 LU (I), 1 LU (LRA), 0.2 dB (TP). ffmpeg prints one
# decimal, so differences up to 0.05 are rounding.
#
# "null" is a reading that does not exist: ddexprobe gives null for I when no 400 ms
# block passes the gates (files shorter than 0.4 s, silence) and for LRA when there is
# no 3 s window; ffmpeg then prints I: -70.0 LUFS with Threshold 0.0 and LRA: 0.0 with
# Threshold, LRA low and LRA high 0.0, which are read as null too. "-" in a diff
# column: not compared (one side null). "error": the tool did not measure the file
# (ddexprobe: no qc object, with its first error code; ffmpeg: no Summary).
#
# Exit status: 0 when both tools ran (whatever the differences, and even if some
# files could not be measured, e.g. the broken files of testdata/), 1 when a tool
# failed (ddexprobe exit status above 1 or no record; ffmpeg could not be started),
# 2 on a usage error or a missing tool.
set -euo pipefail

BIN="${DDEXPROBE:-target/release/ddexprobe}"
JOBS=$(nproc 2>/dev/null || echo 4)
NDJSON=""
DIR=""
while [ $# -gt 0 ]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --ndjson) NDJSON=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "qc-crosscheck: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$DIR" ] || { echo "qc-crosscheck: one DIR only" >&2; exit 2; }; DIR=$1; shift ;;
  esac
done
if [ -z "$DIR" ]; then
  BENCH_DIR="${BENCH_DIR:-/tmp/ddexprobe-bench}"
  for mode in quick full; do
    if [ -d "$BENCH_DIR/$mode/corpus/catalog" ]; then DIR="$BENCH_DIR/$mode/corpus/catalog"; break; fi
  done
  [ -n "$DIR" ] || { echo "qc-crosscheck: no DIR given and no bench corpus in $BENCH_DIR (run scripts/bench.sh --quick)" >&2; exit 2; }
fi
[ -d "$DIR" ] || { echo "qc-crosscheck: $DIR is not a directory" >&2; exit 2; }
[ -n "$NDJSON" ] || [ -x "$BIN" ] || { echo "qc-crosscheck: $BIN not found (cargo build --release)" >&2; exit 2; }
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || { echo "qc-crosscheck: --jobs needs a positive integer" >&2; exit 2; }
for t in ffmpeg python3; do
  command -v "$t" >/dev/null || { echo "qc-crosscheck: missing tool: $t" >&2; exit 2; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ -n "$NDJSON" ]; then
  cp "$NDJSON" "$WORK/ddexprobe.ndjson"
else
  echo "qc-crosscheck: ddexprobe scan --qc $DIR" >&2
  # ddexprobe exits 1 when some file has an error: that is data, not a failure
  set +e
  "$BIN" scan --qc --hash none --format ndjson -q -o "$WORK/ddexprobe.ndjson" "$DIR"
  rc=$?
  set -e
  if [ $rc -gt 1 ]; then
    echo "qc-crosscheck: ddexprobe failed (exit $rc)" >&2
    exit 1
  fi
fi

cat >"$WORK/qc-cross.py" <<'PY'
import json, os, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

ndjson, root, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
MEASURES = ("I", "LRA", "TP")
TOL = {"I": 0.1, "LRA": 1.0, "TP": 0.2}
UNIT = {"I": "LU", "LRA": "LU", "TP": "dB"}
NUM = r"(-?inf|nan|-?[0-9]+(?:\.[0-9]+)?)"


def finite(v):
    return v is not None and v == v and abs(v) != float("inf")


def ffmpeg_summary(path):
    """({I, LRA, TP} or None when ffmpeg printed no Summary, [(measure or None, note)])."""
    try:
        p = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", path, "-vn",
                            "-af", "ebur128=peak=true+sample:framelog=verbose", "-f", "null", "-"],
                           capture_output=True, text=True, errors="replace")
    except OSError as e:
        sys.exit(f"qc-crosscheck: cannot run ffmpeg: {e}")
    text = p.stderr
    if "Summary:" not in text:
        last = [l for l in text.strip().splitlines() if l.strip()][-1:] or ["no output"]
        return None, [(None, f"ffmpeg exit {p.returncode}: {last[0][:100]}")]
    # ffmpeg re-initialises the filter graph when the stream changes mid-file (chained
    # Ogg links that differ) and prints one Summary per graph; ddexprobe measures the
    # first link, so the first Summary is compared
    summaries = text.count("Summary:")
    text = text[text.find("Summary:"):]
    if summaries > 1:
        text = text[:text.find("Summary:", 1)]

    def grab(pattern):
        m = re.search(pattern, text)
        return float(m.group(1)) if m else None

    i = grab(r"\bI:\s+" + NUM + " LUFS")
    i_thr = grab(r"Integrated loudness:\s*\n\s*I:.*\n\s*Threshold:\s+" + NUM)
    lra = grab(r"\bLRA:\s+" + NUM + r" LU\b")
    lra_thr = grab(r"Loudness range:\s*\n\s*LRA:.*\n\s*Threshold:\s+" + NUM)
    lra_lo, lra_hi = grab(r"LRA low:\s+" + NUM), grab(r"LRA high:\s+" + NUM)
    tp = grab(r"True peak:\s*\n\s*Peak:\s+" + NUM + " dBFS")
    sp = grab(r"Sample peak:\s*\n\s*Peak:\s+" + NUM + " dBFS")
    notes = []
    # nothing gated: ffmpeg prints -70.0 with a 0.0 threshold (I), zeros everywhere (LRA)
    if i == -70.0 and i_thr == 0.0:
        i = None
    if lra == 0.0 and lra_thr == 0.0 and lra_lo == 0.0 and lra_hi == 0.0:
        lra = None
    elif finite(lra) and finite(lra_lo) and finite(lra_thr) and abs(lra_lo - lra_thr) < 0.05:
        # ffmpeg's 10th percentile is short-term value number (int)(0.1 n + 0.5): none
        # for n <= 4, so "LRA low" is the gate itself and LRA = LRA high - gate
        notes.append(("LRA", "ffmpeg: LRA low is its -20 LU gate (too few short-term values for a 10th percentile)"))
    if finite(tp) and finite(sp) and tp < sp - 0.05:
        # the 192 kHz resampler is never flushed: the last input samples never reach the meter
        notes.append(("TP", f"ffmpeg: true peak below its own sample peak ({sp:.1f} dBFS)"))
    if summaries > 1:
        notes.append((None, f"ffmpeg printed {summaries} Summaries (the stream changes mid-file); the first is compared"))
    return {"I": i, "LRA": lra, "TP": tp}, notes


def compare(rec):
    path = rec["path"] if os.path.isabs(rec["path"]) else os.path.join(root, rec["path"])
    q = rec.get("qc")
    ff, notes = ffmpeg_summary(path)
    ddx = None
    if isinstance(q, dict) and q.get("analysed", True):
        ddx = {"I": q.get("integratedLoudness"), "LRA": q.get("loudnessRange"), "TP": q.get("truePeak")}
    elif isinstance(q, dict):
        notes.insert(0, (None, f"ddexprobe: not analysed: {q.get('reason') or '?'}"))
    else:
        codes = [e.get("code") if isinstance(e, dict) else str(e) for e in rec.get("errors") or []]
        notes.insert(0, (None, "ddexprobe: no qc" + (f" ({codes[0]})" if codes else "")))
    r = {"file": rec["path"], "ddx": ddx, "ff": ff, "diff": {}, "one_sided": set(),
         "seconds": rec.get("durationSeconds")}
    for m in MEASURES:
        a = ddx.get(m) if ddx else None
        b = ff.get(m) if ff else None
        if finite(a) and finite(b):
            r["diff"][m] = round(a - b, 2)
        elif ddx and ff and (a is None) != (b is None):
            r["one_sided"].add(m)
            notes.append((m, f"{m}: only {'ffmpeg' if a is None else 'ddexprobe'} gives a value"))
    r["notes"] = notes
    return r


def cell(reading, m):
    if reading is None:
        return "error"
    v = reading.get(m)
    return "null" if v is None else f"{v:.2f}" if finite(v) else str(v)


def notes_for(r, m=None):
    return "; ".join(t for k, t in r["notes"] if m is None or k in (None, m))


records = [json.loads(l) for l in open(ndjson, encoding="utf-8") if l.strip()] if os.path.exists(ndjson) else []
if not records:
    sys.exit("qc-crosscheck: ddexprobe wrote no record")
print(f"qc-crosscheck: ffmpeg ebur128 on {len(records)} files ({jobs} at a time)", file=sys.stderr)
with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
    results = sorted(ex.map(compare, records), key=lambda r: r["file"])

print("\t".join(["file"] + [f"{t}_{m}" for m in MEASURES for t in ("ddexprobe", "ffmpeg", "diff")]
                + ["seconds", "note"]))
for r in results:
    row = [r["file"]]
    for m in MEASURES:
        row += [cell(r["ddx"], m), cell(r["ff"], m), f"{r['diff'][m]:+.2f}" if m in r["diff"] else "-"]
    secs = r["seconds"]
    row += [f"{secs:.3f}" if isinstance(secs, (int, float)) else "", notes_for(r)]
    print("\t".join(row))

print("#")
both = sum(1 for r in results if r["ddx"] and r["ff"])
print(f"# files: {len(results)} ({both} measured by both; ddexprobe without qc: "
      f"{sum(1 for r in results if not r['ddx'])}; ffmpeg without Summary: {sum(1 for r in results if not r['ff'])})")
for m in MEASURES:
    ds = [(abs(r["diff"][m]), r) for r in results if m in r["diff"]]
    over = sorted((x for x in ds if x[0] > TOL[m] + 1e-9), key=lambda x: (-x[0], x[1]["file"]))
    line = f"# {m}: compared {len(ds)}"
    if ds:
        d, r = max(ds, key=lambda x: x[0])
        line += f", max |diff| {d:.2f} {UNIT[m]} ({r['file']})"
    line += (f", within rounding (<= 0.05) {sum(1 for d, _ in ds if d <= 0.05 + 1e-9)}"
             f", over {TOL[m]:g} {UNIT[m]}: {len(over)}"
             f", a value on one side only: {sum(1 for r in results if m in r['one_sided'])}")
    print(line)
    for d, r in over:
        n = notes_for(r, m)
        secs = r["seconds"]
        print(f"#   {m} over tolerance: {r['file']}: ddexprobe {cell(r['ddx'], m)}, ffmpeg {cell(r['ff'], m)}, "
              f"|diff| {d:.2f}" + (f" ({secs:.3f} s" if isinstance(secs, (int, float)) else " (")
              + (f"; {n})" if n else ")"))
PY

python3 "$WORK/qc-cross.py" "$WORK/ddexprobe.ndjson" "$DIR" "$JOBS"
