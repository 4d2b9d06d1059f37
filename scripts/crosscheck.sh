#!/usr/bin/env bash
# Cross-check ddexprobe against ffprobe/ffmpeg over a directory (a catalog,
# testdata/, a corpus) and print every disagreement.
#
# Usage (from the repository root):
#   scripts/crosscheck.sh [--bin PATH] [--known FILE] [--jobs N] [--all] DIR
#
#   --bin PATH    ddexprobe binary (default target/release/ddexprobe; build it
#                 with `cargo build --release`)
#   --known FILE  extra explained cases: TSV lines `path<TAB>field<TAB>reason`
#                 (path relative to DIR as ddexprobe prints it, or `*`;
#                 field one of the fields below, or `*`)
#   --jobs N      ffprobe/ffmpeg processes in parallel (default: CPU count)
#   --all         also list the files where everything agrees
#   --ndjson FILE compare this ddexprobe output (scan ... --format ndjson of
#                 DIR) instead of running the binary
#
# For each file that `ddexprobe scan DIR --hash none --format ndjson -q`
# reports, ffprobe gives the container, codec, sample rate and channels of the
# first audio stream, and ffmpeg decodes it to count the samples
# (`ffmpeg -v error -i F -map 0:a:0 -f s16le -ac 1 - | wc -c` / 2). Compared
# fields: fileFormat, audioCodec, sampleRate, numberOfChannels, totalSamples,
# and `readable` (one side reads audio, the other does not). A field is only
# compared where both sides give a value.
#
# ffmpeg 5.1 is not the truth everywhere. Disagreements of the documented kinds
# are marked `known` with the reason and do not fail the run:
#   - Vorbis: ffmpeg decodes a different count than the last granule position
#     (the granule is the specification's total);
#   - FLAC with 32-bit samples: ffmpeg 5.1 decodes nothing;
#   - AAC: ffmpeg decodes the last AAC frame whole (up to one frame more than
#     the edit list / iTunSMPB total);
#   - MP3 with junk before the first frame (ddexprobe warns leading_data):
#     ffmpeg does not find the LAME tag, so it does not trim delay/padding;
#   - MP3 with a LAME tag where ffmpeg trims only the start (ffmpeg's count is
#     exactly the gapless total + padding - 529);
#   - ADPCM/GSM in WAV: ffmpeg counts whole blocks, ddexprobe the fact chunk;
#   - files ddexprobe reports as truncated: ffmpeg also decodes the partial
#     last frame/block;
#   - files ddexprobe rejects with an error while ffmpeg/ffprobe also fail or
#     decode nothing.
#
# Prints a table `file  field  ddexprobe  ffmpeg  status [reason]`, then the
# counts. Exit status: 0 when every disagreement is known, 1 when at least one
# is not, 2 on a usage error or when a tool is missing.
set -euo pipefail

BIN=target/release/ddexprobe
KNOWN=""
JOBS=$(nproc 2>/dev/null || echo 4)
ALL=0
NDJSON=""
DIR=""
while [ $# -gt 0 ]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --known) KNOWN=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --all) ALL=1; shift ;;
    --ndjson) NDJSON=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "crosscheck: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$DIR" ] || { echo "crosscheck: one DIR only" >&2; exit 2; }; DIR=$1; shift ;;
  esac
done
[ -n "$DIR" ] || { echo "usage: scripts/crosscheck.sh [--bin PATH] [--known FILE] [--jobs N] [--all] DIR" >&2; exit 2; }
[ -d "$DIR" ] || { echo "crosscheck: $DIR is not a directory" >&2; exit 2; }
[ -n "$NDJSON" ] || [ -x "$BIN" ] || { echo "crosscheck: $BIN not found (cargo build --release)" >&2; exit 2; }
for t in ffmpeg ffprobe python3; do
  command -v "$t" >/dev/null || { echo "crosscheck: missing tool: $t" >&2; exit 2; }
done
[ -z "$KNOWN" ] || [ -r "$KNOWN" ] || { echo "crosscheck: cannot read $KNOWN" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ -n "$NDJSON" ]; then
  cp "$NDJSON" "$WORK/ddexprobe.ndjson"
else
  # ddexprobe exits 1 when some file has an error: that is data, not a failure
  set +e
  "$BIN" scan "$DIR" --hash none --format ndjson -q >"$WORK/ddexprobe.ndjson"
  rc=$?
  set -e
  if [ $rc -gt 1 ]; then
    echo "crosscheck: ddexprobe failed (exit $rc)" >&2
    exit 2
  fi
fi

cat >"$WORK/cross.py" <<'PY'
import json, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

ndjson, root, known_file, jobs, show_all = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "1"

# ffprobe format_name -> ddexprobe fileFormat (several ddexprobe formats share
# one ffprobe demuxer: WAV/RF64/BW64 are all "wav", AIFF/AIFC are "aiff")
FORMATS = {"wav": {"WAV", "RF64", "BW64"}, "w64": {"W64"}, "aiff": {"AIFF", "AIFC"},
           "flac": {"FLAC"}, "mp3": {"MP3"}, "ogg": {"OGG"},
           "mov,mp4,m4a,3gp,3g2,mj2": {"MP4"}}
CODECS = {"pcm_alaw": "ALaw", "pcm_mulaw": "MuLaw", "flac": "FLAC", "mp3": "MP3", "mp3float": "MP3",
          "mp2": "MP2", "mp2float": "MP2", "mp1": "MP1", "mp1float": "MP1", "aac": "AAC",
          "alac": "ALAC", "vorbis": "Vorbis", "opus": "Opus", "speex": "Speex"}


def ff_codec(name):
    if name is None:
        return None
    if name in CODECS:
        return CODECS[name]
    if name.startswith("pcm_"):
        return "PCM"
    if name.startswith("adpcm_") or name == "gsm_ms":
        return "ADPCM"
    return name


def ffmpeg_view(path):
    t = {}
    p = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path],
                       capture_output=True, text=True)
    try:
        js = json.loads(p.stdout or "{}")
    except ValueError:
        js = {}
    st = [s for s in js.get("streams", []) if s.get("codec_type") == "audio"]
    t["format"] = js.get("format", {}).get("format_name")
    if st:
        s = st[0]
        t["codec"] = s.get("codec_name")
        t["rate"] = int(s["sample_rate"]) if s.get("sample_rate") else None
        t["channels"] = s.get("channels")
        t["bits"] = s.get("bits_per_raw_sample") or s.get("bits_per_sample")
        # decode, counting bytes without keeping them
        n = 0
        proc = subprocess.Popen(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a:0",
                                 "-ac", "1", "-f", "s16le", "-"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        while True:
            chunk = proc.stdout.read(1 << 20)
            if not chunk:
                break
            n += len(chunk)
        proc.wait()
        t["decoded"] = n // 2
    return t


def load_known(path):
    out = []
    if path:
        for line in open(path, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3:
                    out.append((parts[0], parts[1], parts[2]))
    return out


USER_KNOWN = load_known(known_file)


def codes_of(rec, key):
    """Error or warning codes of a record (objects with a code, or plain strings)."""
    return [x.get("code") if isinstance(x, dict) else str(x) for x in rec.get(key) or []]


def known(rec, field, mine, theirs, ff):
    """Reason when a disagreement is one of the documented ffmpeg cases."""
    path = rec["path"]
    for p, f, why in USER_KNOWN:
        if p in ("*", path) and f in ("*", field):
            return why
    codec = rec.get("audioCodec")
    codes = set(codes_of(rec, "errors")) | set(codes_of(rec, "warnings"))
    if codec == "FLAC" and rec.get("bitDepth") == 32 and field in ("totalSamples", "readable", "audioCodec"):
        return "ffmpeg 5.1 does not decode 32-bit FLAC"
    if field != "totalSamples" or not isinstance(mine, int) or not isinstance(theirs, int):
        if field == "readable" and rec.get("errors") and not ff.get("decoded"):
            return "ddexprobe reports an error and ffmpeg decodes nothing either"
        return None
    if codec == "Vorbis":
        return "ffmpeg 5.1 does not trim Vorbis to the last granule position; the granule is the total"
    if codec == "AAC" and 0 < theirs - mine <= 2048:
        return "ffmpeg 5.1 decodes the last AAC frame whole; the edit list/iTunSMPB total is shorter"
    if codec == "MP3" and "leading_data" in codes:
        return "ffmpeg does not find the LAME tag after junk, so it trims no delay/padding"
    pad = rec.get("encoderPadding") or rec.get("encoder_padding")
    if codec == "MP3" and isinstance(pad, int) and theirs == mine + pad - 529:
        return "ffmpeg trimmed the LAME delay but not the end padding"
    if codec == "ADPCM" and theirs > mine:
        return "ffmpeg counts whole ADPCM blocks; the fact chunk gives the exact count"
    if "truncated_data" in codes and theirs >= mine:
        return "truncated: ffmpeg also decodes the partial last frame/block"
    return None


def compare(rec):
    path = rec["path"] if os.path.isabs(rec["path"]) else os.path.join(root, rec["path"])
    ff = ffmpeg_view(path)
    rows = []

    def diff(field, mine, theirs):
        why = known(rec, field, mine, theirs, ff)
        rows.append((rec["path"], field, "-" if mine is None else str(mine),
                     "-" if theirs is None else str(theirs), "known" if why else "DIFF", why or ""))

    mine_reads = rec.get("totalSamples") is not None or rec.get("sampleRate") is not None
    ff_reads = "codec" in ff
    if mine_reads != ff_reads:
        diff("readable", ",".join(sorted(set(codes_of(rec, "errors")))) or ("yes" if mine_reads else "no"),
             "%s samples" % ff.get("decoded") if ff_reads else "no audio stream")
    if ff.get("format") and rec.get("fileFormat"):
        if rec["fileFormat"] not in FORMATS.get(ff["format"], {ff["format"]}):
            diff("fileFormat", rec["fileFormat"], ff["format"])
    pairs = [("audioCodec", rec.get("audioCodec"), ff_codec(ff.get("codec"))),
             ("sampleRate", rec.get("sampleRate"), ff.get("rate")),
             ("numberOfChannels", rec.get("numberOfChannels"), ff.get("channels")),
             ("totalSamples", rec.get("totalSamples"), ff.get("decoded"))]
    for field, mine, theirs in pairs:
        if mine is None or theirs is None:
            continue
        # ADPCM/float WAV: ddexprobe may leave the codec word to sampleFormat
        if field == "audioCodec" and mine == "PCM" and theirs == "PCM":
            continue
        if mine != theirs:
            diff(field, mine, theirs)
    return rec["path"], rows


records = []
for line in open(ndjson, encoding="utf-8"):
    line = line.strip()
    if line:
        records.append(json.loads(line))

with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
    results = sorted(ex.map(compare, records))

table = [r for _, rows in results for r in rows]
if show_all:
    table += [(p, "*", "", "", "ok", "") for p, rows in results if not rows]
    table.sort()
if table:
    w = [max(len(r[i]) for r in table + [("file", "field", "ddexprobe", "ffmpeg", "status", "")]) for i in range(5)]
    fmt = "  ".join("%%-%ds" % x for x in w) + "  %s"
    print(fmt % ("file", "field", "ddexprobe", "ffmpeg", "status", "reason"))
    for r in table:
        print((fmt % r).rstrip())
unexplained = sum(1 for r in table if r[4] == "DIFF")
explained = sum(1 for r in table if r[4] == "known")
files_diff = len({r[0] for r in table if r[4] == "DIFF"})
print("crosscheck: %d files, %d disagreements: %d known, %d unexplained (in %d files)" % (
    len(records), unexplained + explained, explained, unexplained, files_diff))
sys.exit(1 if unexplained else 0)
PY

python3 "$WORK/cross.py" "$WORK/ddexprobe.ndjson" "$DIR" "$KNOWN" "$JOBS" "$ALL"
