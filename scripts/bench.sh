#!/usr/bin/env bash
# bench.sh - compare ddexprobe with its peers (ffprobe, mediainfo, soxi, exiftool,
# openssl, md5sum/sha256sum) on the same generated corpus, in one run, and print a
# Markdown report (machine, tool versions, results table, target checks).
#
# Usage: scripts/bench.sh [--quick] [--no-build] [--regen] [--runs N] [--only LIST] [-h|--help]
#
#   --quick      small corpus (200 catalog files, ~200 MB of long files, 1,000 tiny
#                files, 200 lossy catalog files, 40 headerless MP3s) and fewer runs:
#                a smoke test taking a few minutes
#   --no-build   do not run `cargo build --release` when the binary is missing;
#                ddexprobe rows are then skipped (peers are still measured)
#   --regen      delete and regenerate the corpus of the selected mode (with --only:
#                the parts the selected sections use)
#   --runs N     override the number of hyperfine runs of every command
#   --only LIST  run only these sections (comma-separated): catalog, long, tiny,
#                lossy (lossy catalog, headerless MP3, lossy accuracy), verify, qc,
#                archive (the other formats real archives hold, with accuracy),
#                release (a release folder judged, written as ERN and packaged),
#                audit (an ERN message checked against its batch), scale (scan of
#                10k/100k/1M-file catalogs: files/s, peak RSS, time to the first record),
#                shard (a 100k-file scan split 4 ways with --shard, then merged),
#                remote (a bucket on a local S3 server behind 20 ms of latency),
#                cache (--cache: a first run and a re-run of tiny WAV files).
#                Only the corpus parts they use are generated; raw results and the
#                report go to results-LIST/ and report-LIST.md, so the full report
#                is kept
#
# Environment:
#   DDEXPROBE    binary to measure (default target/release/ddexprobe, relative to
#                the repository root; built with `cargo build --release` if missing)
#   BENCH_DIR    work directory (default /tmp/ddexprobe-bench): corpus (generated
#                once, reused while complete; the lossy and QC parts have their own
#                markers and are added to an existing corpus), raw hyperfine
#                JSON/Markdown, report
#   SCHEMAS      the DDEX ERN schemas for the audit section (default ../shared/ddex/xsd,
#                relative to the repository root)
#   BENCH_WAIT_IDLE  seconds to wait before each measurement for the machine to be
#                idle (< 25 % CPU busy); default 30, 0 = do not wait. Rows measured
#                while other processes used >= 0.15 CPU (and >= 0.5 CPU-s in all) are
#                flagged in the notes.
#
# The report goes to stdout and to $BENCH_DIR/<mode>/report.md (report-LIST.md with
# --only); progress goes to stderr. Needs: bash, python3, ffmpeg, flac, metaflac (corpus generation),
# hyperfine and /usr/bin/time (measurement). Peer tools are optional: a missing
# one is reported as skipped. The lossy section (full: 1,000-file lossy catalog of
# MP3/AAC/ALAC/Vorbis/Opus and 200 headerless MP3s of 30-60 s) also uses lame, oggenc
# and opusenc; formats whose encoder is missing are left out (noted in the report).
# ddexprobe builds that do not parse lossy formats yet report unsupported_format and
# exit 1: those rows are still measured, and the report flags them as provisional.
# The QC section (--qc) times ddexprobe scan --qc against ffmpeg's ebur128 filter
# (peak=true), one core each, on the same three files: a 5-minute 16-bit 44.1 kHz
# stereo programme as WAV, FLAC and 320k MP3 (lame, or ffmpeg's libmp3lame), and
# what MD5+SHA-256 add to --qc; binaries without --qc are reported as skipped.
# The archive section (full: 40 files per kind, quick: 10) times a header-only scan of
# the other formats real archives hold (W64, CAF PCM/ALAC, AU, WavPack, TTA, AC-3,
# E-AC-3, ADTS AAC, WMA, MKA FLAC/Vorbis, WebM Opus; what ffmpeg and the wavpack CLI
# write) against ffprobe and mediainfo, and checks every tool's sample count against
# ffmpeg's decode of the same file.
# The release section (full: 12 tracks of 4 minutes, quick: 4; 16-bit 44.1 kHz
# stereo WAV, a 3000x3000 JPEG cover, release.json and sidecars) times check
# --release, ern --message and package (which copies every file, checks each copy's
# MD5 and syncs it before the marker) against the shell pipeline a packager would
# otherwise run: ffprobe per file, md5sum, cp and sync (no XML, no checks).
# The audit section (full: 1,000 tracks of 10 s, quick: 100; 16-bit 44.1 kHz stereo
# WAV of 1.76 MB each, every one byte-unique, with distinct ISRCs, and a 3000x3000
# JPEG cover: about 1.8 GB in full mode, 180 MB quick) packages a release with
# `ddexprobe package --profile youtube` as ERN 3.4 and 4.3 and times `ddexprobe audit`
# of the message (headers and the message's MD5s; the same on ERN 4.3; with --schemas;
# with --verify) against md5sum of every file it names (the bound: hashing alone),
# xmllint --schema alone, and ffprobe per file + md5sum (what a script would run).
# SCHEMAS (default ../shared/ddex/xsd relative to the repository root) holds the DDEX
# schemas (ernNN/release-notification.xsd); without it, or without xmllint, the schema
# rows are skipped. Generating this corpus uses the ddexprobe binary (package).
# The scale section (full: 10,000, 100,000 and 1,000,000 files; quick: 10,000) scans
# catalogs of tiny WAVs (52 bytes: a 44-byte header and 4 samples, each file byte-unique,
# 1,000 per directory, NN/NN/NNN.wav; generated once under $BENCH_DIR/scale, about 4 KB
# of disk and one inode per file) header-only (--hash none) and with --hash sha256,
# once each after a warm-up run: wall time, files/s, peak RSS, and the time until the
# first record reaches a pipe (scan | head -n 1). SCALE_BASE=BINARY measures another
# build the same way, for a before/after table.
set -euo pipefail

QUICK=0
NO_BUILD=0
REGEN=0
RUNS_OVERRIDE=""
ONLY=""
SECTIONS="catalog long tiny lossy verify qc archive release audit scale shard remote cache"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --no-build) NO_BUILD=1 ;;
        --regen) REGEN=1 ;;
        --runs)
            [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --runs needs a positive integer" >&2; exit 2; }
            RUNS_OVERRIDE="$2"; shift ;;
        --only)
            [[ $# -ge 2 && -n "$2" ]] || { echo "bench.sh: --only needs a list of sections ($SECTIONS)" >&2; exit 2; }
            for s in ${2//,/ }; do
                [[ " $SECTIONS " == *" $s "* ]] || { echo "bench.sh: unknown section for --only: $s (sections: $SECTIONS)" >&2; exit 2; }
            done
            ONLY="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

BENCH_DIR="${BENCH_DIR:-/tmp/ddexprobe-bench}"
DDEXPROBE="${DDEXPROBE:-target/release/ddexprobe}"
[[ "$DDEXPROBE" = /* ]] || DDEXPROBE="$REPO_ROOT/$DDEXPROBE"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'bench.sh: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- parameters
if [[ $QUICK -eq 1 ]]; then
    MODE=quick
    ARTISTS=4; ALBUMS=5; TRACKS=10          # 200 catalog files
    LONG_WAVS=2; LONG_WAV_SECONDS=290        # 2 x ~84 MB (24/48 stereo)
    LONG_FLAC_SECONDS=240                    # ~25 MB FLAC 16/44.1
    TINY_FILES=1000
    FFPROBE_SUBSET=50
    LOSSY_ARTISTS=4; LOSSY_ALBUMS=5; LOSSY_TRACKS=10   # 200 lossy catalog files
    HL_FILES=40; HL_SOURCES=4; HL_FFPROBE_SUBSET=20     # headerless MP3s, 30-60 s
    QC_SECONDS=300                           # QC programme: WAV 16/44.1 stereo, FLAC, MP3
    ARCHIVE_PER_KIND=10                      # archive formats: files per kind
    RELEASE_TRACKS=4                         # release: 4-minute tracks
    AUDIT_TRACKS=100                         # audit: 10-second tracks
    SCALE_SIZES="10000"                      # scale: files per catalog
    SHARD_SIZE=10000                         # shard: files in the split catalog
    CACHE_FILES=5000                         # cache: distinct 60-byte WAV files
    RUNS_FAST=3; RUNS_SLOW=2; RUNS_LONG=2; RUNS_QC=3
else
    MODE=full
    ARTISTS=40; ALBUMS=5; TRACKS=10          # 2,000 catalog files (~1 GB)
    LONG_WAVS=4; LONG_WAV_SECONDS=1740       # 4 x ~501 MB (29 min, 24/48 stereo)
    LONG_FLAC_SECONDS=1740                   # ~180 MB FLAC 16/44.1 (29 min)
    TINY_FILES=10000
    FFPROBE_SUBSET=200
    LOSSY_ARTISTS=20; LOSSY_ALBUMS=5; LOSSY_TRACKS=10  # 1,000 lossy catalog files
    HL_FILES=200; HL_SOURCES=10; HL_FFPROBE_SUBSET=100  # headerless MP3s, 30-60 s
    QC_SECONDS=300                           # QC programme: WAV 16/44.1 stereo, FLAC, MP3
    ARCHIVE_PER_KIND=40                      # archive formats: files per kind
    RELEASE_TRACKS=12                        # release: 4-minute tracks
    AUDIT_TRACKS=1000                        # audit: 10-second tracks
    SCALE_SIZES="10000 100000 1000000"       # scale: files per catalog
    SHARD_SIZE=100000                        # shard: files in the split catalog
    CACHE_FILES=100000                       # cache: distinct 60-byte WAV files
    RUNS_FAST=10; RUNS_SLOW=3; RUNS_LONG=5; RUNS_QC=5
fi
if [[ -n "$RUNS_OVERRIDE" ]]; then
    RUNS_FAST=$RUNS_OVERRIDE; RUNS_SLOW=$RUNS_OVERRIDE; RUNS_LONG=$RUNS_OVERRIDE; RUNS_QC=$RUNS_OVERRIDE
fi
# section NAME: whether NAME is measured in this run (all of them without --only)
section() { [[ -z "$ONLY" || ",$ONLY," == *",$1,"* ]]; }

WORK="$BENCH_DIR/$MODE"
CORPUS="$WORK/corpus"
CATALOG="$CORPUS/catalog"
LONG="$CORPUS/long"
TINY="$CORPUS/tiny"
LOSSY="$CORPUS/lossy"            # lossy catalog (MP3, Ogg Vorbis, Opus, AAC/ALAC M4A)
HEADERLESS="$CORPUS/headerless"  # MP3 without Xing/LAME tag (frame walk)
LOSSY_MANIFEST="$CORPUS/.lossy-manifest.tsv"
QCDIR="$CORPUS/qc"               # QC programme: qc.wav, qc.flac, qc.mp3
ARCHIVE="$CORPUS/archive"        # other formats: KIND/NN.ext
ARCHIVE_MANIFEST="$CORPUS/.archive-manifest.tsv"  # rel path, kind, ffmpeg's decoded count, rate
RELEASE="$CORPUS/release"        # a release folder: NN.wav + NN.json, cover.jpg, release.json
AUDIT="$CORPUS/audit"            # audit: release/ (NNNN.wav + NNNN.json, cover.jpg, release.json),
                                 # batch34/ and batch43/ (that release packaged as ERN 3.4 and 4.3)
AUDIT_ICPN=5012345678900
SCHEMAS="${SCHEMAS:-../shared/ddex/xsd}"   # DDEX ERN schemas (ernNN/release-notification.xsd)
[[ "$SCHEMAS" = /* ]] || SCHEMAS="$REPO_ROOT/$SCHEMAS"
ONLY_TAG="${ONLY:+-${ONLY//,/-}}"
RESULTS="$WORK/results$ONLY_TAG"
ROWS="$RESULTS/rows.tsv"
REPORT="$WORK/report$ONLY_TAG.md"

for t in python3 hyperfine; do have "$t" || die "$t is required"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is required"

# ---------------------------------------------------------------- ddexprobe binary
HAVE_DDEXPROBE=1
DDEX_NOTE=""
if [[ ! -x "$DDEXPROBE" ]]; then
    if [[ $NO_BUILD -eq 0 ]] && have cargo && [[ -f "$REPO_ROOT/Cargo.toml" ]]; then
        log "building ddexprobe (cargo build --release)"
        cargo build --release >&2 || die "cargo build --release failed"
    fi
    if [[ ! -x "$DDEXPROBE" ]]; then
        HAVE_DDEXPROBE=0
        DDEX_NOTE="binary $DDEXPROBE not found (not built)"
        log "$DDEX_NOTE"
    fi
fi

# ---------------------------------------------------------------- corpus
generate_corpus() {
    for t in ffmpeg flac metaflac; do have "$t" || die "$t is required to generate the corpus"; done
    log "generating $MODE corpus in $CORPUS (one-off; reused afterwards)"
    rm -rf "$CORPUS"
    local src="$CORPUS/.src"
    mkdir -p "$src" "$CATALOG" "$LONG" "$TINY"

    # Synthetic "music": two sines (different per source) + low-level noise per channel,
    # so FLAC compresses to a realistic ~50-60 %.
    gen() { # out rate seconds f1 f2 codec format
        ffmpeg -nostdin -v error -y -f lavfi \
            -i "aevalsrc=exprs='0.25*sin(2*PI*$4*t)*(0.7+0.3*sin(2*PI*0.7*t))+0.04*(2*random(0)-1)|0.25*sin(2*PI*$5*t+1)+0.04*(2*random(1)-1)':s=$2:d=$3" \
            -c:a "$6" -bitexact -f "$7" "$1"
    }
    # Catalog sources: 5 types x 5 durations = 25 distinct sources.
    local durs=(2 2.5 3 3.5 4) i=0 d
    for d in "${durs[@]}"; do
        i=$((i + 1))
        gen "$src/wav16_$i.wav" 44100 "$d" $((200 + 37 * i)) $((300 + 41 * i)) pcm_s16le wav
        gen "$src/wav24_$i.wav" 48000 "$d" $((210 + 37 * i)) $((310 + 41 * i)) pcm_s24le wav
        gen "$src/aiff16_$i.aiff" 44100 "$d" $((220 + 37 * i)) $((320 + 41 * i)) pcm_s16be aiff
        gen "$src/f16_$i.wav" 44100 "$d" $((230 + 37 * i)) $((330 + 41 * i)) pcm_s16le wav
        gen "$src/f24_$i.wav" 48000 "$d" $((240 + 37 * i)) $((340 + 41 * i)) pcm_s24le wav
        flac -s -f -5 -o "$src/flac16_$i.flac" "$src/f16_$i.wav"
        flac -s -f -5 -o "$src/flac24_$i.flac" "$src/f24_$i.wav"
    done
    # Long-file sources: 60 s blocks, repeated by the assembler.
    for ((i = 1; i <= LONG_WAVS; i++)); do
        gen "$src/long24_$i.wav" 48000 60 $((110 + 13 * i)) $((165 + 17 * i)) pcm_s24le wav
    done
    gen "$src/long16.wav" 44100 60 147 220 pcm_s16le wav
    # Tiny sources (0.1 s).
    gen "$src/tiny16.wav" 44100 0.1 440 660 pcm_s16le wav
    gen "$src/tiny24.wav" 48000 0.1 450 670 pcm_s24le wav
    gen "$src/tiny.aiff" 44100 0.1 460 680 pcm_s16be aiff
    flac -s -f -5 -o "$src/tiny.flac" "$src/tiny16.wav"

    python3 - "$src" "$CORPUS" "$ARTISTS" "$ALBUMS" "$TRACKS" "$LONG_WAVS" \
        "$LONG_WAV_SECONDS" "$LONG_FLAC_SECONDS" "$TINY_FILES" <<'PY'
import os, struct, subprocess, sys

src, corpus = sys.argv[1], sys.argv[2]
artists, albums, tracks, long_wavs, long_wav_s, long_flac_s, tiny_n = map(int, sys.argv[3:])

def chunks_le(buf):  # RIFF chunks after "RIFF....WAVE"
    pos, out = 12, []
    while pos + 8 <= len(buf):
        cid, size = buf[pos:pos + 4], struct.unpack('<I', buf[pos + 4:pos + 8])[0]
        out.append((cid, buf[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return out

def info_chunk(title, artist, album):  # LIST/INFO with unique text -> unique bytes per file
    body = b'INFO'
    for cid, text in ((b'INAM', title), (b'IART', artist), (b'IPRD', album)):
        t = text.encode() + b'\0'
        body += cid + struct.pack('<I', len(t)) + t + (b'\0' if len(t) & 1 else b'')
    return b'LIST' + struct.pack('<I', len(body)) + body

def wav_with_info(buf, title, artist, album):
    extra = info_chunk(title, artist, album)
    riff_size = struct.unpack('<I', buf[4:8])[0] + len(extra)
    return buf[:4] + struct.pack('<I', riff_size) + buf[8:] + extra

def aiff_with_name(buf, title):
    t = title.encode()
    extra = b'NAME' + struct.pack('>I', len(t)) + t + (b'\0' if len(t) & 1 else b'')
    form_size = struct.unpack('>I', buf[4:8])[0] + len(extra)
    return buf[:4] + struct.pack('>I', form_size) + buf[8:] + extra

cache = {}
def source(name):
    if name not in cache:
        with open(os.path.join(src, name), 'rb') as f:
            cache[name] = f.read()
    return cache[name]

# ---- catalog: Artist/Album/NN-track.ext; the format is per album (as delivered):
# 45 % WAV 16/44.1, 15 % WAV 24/48, 20 % FLAC 16/44.1, 10 % FLAC 24/48, 10 % AIFF 16/44.1
kinds = ['wav16'] * 9 + ['wav24'] * 3 + ['flac16'] * 4 + ['flac24'] * 2 + ['aiff16'] * 2
ext = {'wav16': 'wav', 'wav24': 'wav', 'flac16': 'flac', 'flac24': 'flac', 'aiff16': 'aiff'}
flacs = []
for a in range(1, artists + 1):
    for b in range(1, albums + 1):
        kind = kinds[((a - 1) * albums + (b - 1)) % len(kinds)]
        d = os.path.join(corpus, 'catalog', f'artist_{a:02d}', f'album_{b}')
        os.makedirs(d, exist_ok=True)
        for t in range(1, tracks + 1):
            dur = (a * 7 + b * 3 + t) % 5 + 1
            sname = f'{kind}_{dur}.{ext[kind]}'
            path = os.path.join(d, f'{t:02d}-track.{ext[kind]}')
            title, artist, album = f'Track {t:02d}', f'Artist {a:02d}', f'Album {a:02d}-{b}'
            buf = source(sname)
            if kind.startswith('wav'):
                buf = wav_with_info(buf, title, artist, album)
            elif kind.startswith('aiff'):
                buf = aiff_with_name(buf, f'{artist} / {album} / {title}')
            else:
                flacs.append((path, title, artist, album))
            with open(path, 'wb') as f:
                f.write(buf)
# FLAC: unique Vorbis comments (metaflac rewrites in place using the padding block)
for path, title, artist, album in flacs:
    subprocess.run(['metaflac', '--no-utf8-convert', f'--set-tag=TITLE={title}',
                    f'--set-tag=ARTIST={artist}', f'--set-tag=ALBUM={album}', path], check=True)

# ---- long files: header of a 60 s source + its PCM repeated to the target length
def write_long_wav(srcname, seconds, out, title):
    buf = source(srcname)
    chunks = dict(chunks_le(buf))
    fmt, pcm = chunks[b'fmt '], chunks[b'data']
    channels, rate = struct.unpack('<HI', fmt[2:8])
    block_align = struct.unpack('<H', fmt[12:14])[0]
    data_len = seconds * rate * block_align
    extra = info_chunk(title, 'Long Artist', 'Long Album')
    riff_size = 4 + (8 + len(fmt)) + (8 + data_len) + len(extra)
    with open(out, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', riff_size) + b'WAVE')
        f.write(b'fmt ' + struct.pack('<I', len(fmt)) + fmt)
        f.write(b'data' + struct.pack('<I', data_len))
        left = data_len
        while left > 0:
            n = min(left, len(pcm))
            f.write(pcm[:n])
            left -= n
        f.write(extra)
    del cache[srcname]

for i in range(1, long_wavs + 1):
    write_long_wav(f'long24_{i}.wav', long_wav_s, os.path.join(corpus, 'long', f'long_{i:02d}.wav'), f'Long {i}')
tmp = os.path.join(src, 'longflac.wav')
write_long_wav('long16.wav', long_flac_s, tmp, 'Long FLAC')
subprocess.run(['flac', '-s', '-f', '-5', '-o', os.path.join(corpus, 'long', 'long_flac.flac'), tmp], check=True)
os.remove(tmp)

# ---- tiny files: hard links of 4 tiny sources in one flat directory
tiny_src = [('tiny16.wav', 'wav'), ('tiny24.wav', 'wav'), ('tiny.flac', 'flac'), ('tiny.aiff', 'aiff')]
for i in range(tiny_n):
    s, e = tiny_src[i % len(tiny_src)]
    os.link(os.path.join(src, s), os.path.join(corpus, 'tiny', f'{i:05d}.{e}'))
PY
    # keep the tiny sources (hard-link targets); drop the rest of the sources
    find "$src" -type f ! -name 'tiny*' -delete
    printf 'mode=%s artists=%s albums=%s tracks=%s long_wavs=%s long_wav_s=%s long_flac_s=%s tiny=%s\n' \
        "$MODE" "$ARTISTS" "$ALBUMS" "$TRACKS" "$LONG_WAVS" "$LONG_WAV_SECONDS" "$LONG_FLAC_SECONDS" "$TINY_FILES" \
        > "$CORPUS/.complete"
    log "corpus ready"
}

# corpus parts the selected sections use (everything without --only)
NEED_PCM=0; NEED_LOSSY=0
for s in catalog long tiny verify; do section $s && NEED_PCM=1; done
for s in lossy verify; do section $s && NEED_LOSSY=1; done

if [[ $NEED_PCM -eq 0 ]]; then
    log "PCM corpus not used by the selected sections ($ONLY)"
elif [[ $REGEN -eq 1 || ! -f "$CORPUS/.complete" ]]; then
    generate_corpus
else
    log "reusing corpus $CORPUS (use --regen to rebuild)"
fi

# ---------------------------------------------------------------- lossy corpus
# Generated separately from the PCM corpus (own marker, .lossy-complete), so adding it
# does not force a rebuild of the existing corpus; --regen rebuilds both.
#   lossy/       artist_NN/album_N/NN-track.ext, format per album (weights below), 3-5 s:
#                MP3 VBR (lame -V2, Xing+LAME tag), MP3 CBR (lame -b 192, Info+LAME tag),
#                AAC M4A and ALAC M4A (ffmpeg), Ogg Vorbis (oggenc -q5), Opus (opusenc)
#   headerless/  MP3 of 30-60 s without Xing/LAME tag (lame -t), VBR -V2 and CBR 128
# Every file is byte-unique: MP3 get an ID3v2.3 tag (half of the headerless ones also an
# ID3v1 tag), Vorbis/Opus are encoded per file with their own tags, M4A are remuxed
# per file (ffmpeg -c copy) with their own tags, half of the albums with moov first.
# $LOSSY_MANIFEST lists every file with the total samples it must report (from the
# generation parameters; headerless MP3: ffprobe -count_packets x 1152).
LOSSY_KINDS_SKIPPED=""
generate_lossy_corpus() {
    have ffmpeg || die "ffmpeg is required to generate the corpus"
    local kinds="" k
    if have lame; then kinds+=" mp3vbr mp3cbr"; else LOSSY_KINDS_SKIPPED+=" MP3 (lame not installed)"; fi
    kinds+=" aac alac"
    if have oggenc; then kinds+=" vorbis"; else LOSSY_KINDS_SKIPPED+=" Vorbis (oggenc not installed)"; fi
    if have opusenc; then kinds+=" opus"; else LOSSY_KINDS_SKIPPED+=" Opus (opusenc not installed)"; fi
    log "generating lossy corpus in $LOSSY and $HEADERLESS (kinds:$kinds)"
    rm -rf "$LOSSY" "$HEADERLESS" "$LOSSY_MANIFEST" "$CORPUS/.lossy-complete"
    local src="$CORPUS/.lossy-src"
    rm -rf "$src"; mkdir -p "$src" "$LOSSY" "$HEADERLESS"
    lgen() { # out rate seconds f1 f2 codec
        ffmpeg -nostdin -v error -y -f lavfi \
            -i "aevalsrc=exprs='0.25*sin(2*PI*$4*t)*(0.7+0.3*sin(2*PI*0.7*t))+0.04*(2*random(0)-1)|0.25*sin(2*PI*$5*t+1)+0.04*(2*random(1)-1)':s=$2:d=$3" \
            -c:a "$6" -bitexact -f wav "$1"
    }
    # catalog sources: 5 durations per kind (3-5 s), different tones per kind
    local durs=(3 3.5 4 4.5 5) i d n=0
    for k in $kinds; do
        n=$((n + 1)); i=0
        for d in "${durs[@]}"; do
            i=$((i + 1))
            local f1=$((180 + 29 * n + 37 * i)) f2=$((260 + 31 * n + 41 * i))
            case $k in
                mp3vbr) lgen "$src/$k.wav" 44100 "$d" $f1 $f2 pcm_s16le; lame --quiet -V2 "$src/$k.wav" "$src/${k}_$i.mp3" ;;
                mp3cbr) lgen "$src/$k.wav" 44100 "$d" $f1 $f2 pcm_s16le; lame --quiet -b 192 "$src/$k.wav" "$src/${k}_$i.mp3" ;;
                aac)    lgen "$src/$k.wav" 44100 "$d" $f1 $f2 pcm_s16le
                        ffmpeg -nostdin -v error -y -i "$src/$k.wav" -c:a aac -b:a 256k "$src/${k}_$i.m4a" ;;
                alac)   lgen "$src/$k.wav" 48000 "$d" $f1 $f2 pcm_s24le
                        ffmpeg -nostdin -v error -y -i "$src/$k.wav" -c:a alac "$src/${k}_$i.m4a" ;;
                vorbis) lgen "$src/${k}_$i.wav" 44100 "$d" $f1 $f2 pcm_s16le ;;  # encoded per file
                opus)   lgen "$src/${k}_$i.wav" 48000 "$d" $f1 $f2 pcm_s16le ;;  # encoded per file
            esac
        done
        rm -f "$src/$k.wav"
    done
    # headerless sources: HL_SOURCES MP3 of 30-60 s, alternately VBR -V2 and CBR 128, no tag (-t)
    if have lame; then
        for ((i = 0; i < HL_SOURCES; i++)); do
            d=$(awk -v i=$i -v n=$HL_SOURCES 'BEGIN {printf "%.1f", 30 + (n > 1 ? 30 * i / (n - 1) : 15)}')
            lgen "$src/hl.wav" 44100 "$d" $((150 + 23 * i)) $((230 + 19 * i)) pcm_s16le
            if ((i % 2 == 0)); then lame --quiet -t -V2 "$src/hl.wav" "$src/hl_$i.mp3"
            else lame --quiet -t -b 128 "$src/hl.wav" "$src/hl_$i.mp3"; fi
        done
        rm -f "$src/hl.wav"
    else
        LOSSY_KINDS_SKIPPED+=" headerless MP3 set (lame not installed)"
    fi

    python3 - "$src" "$CORPUS" "$LOSSY_MANIFEST" "$LOSSY_ARTISTS" "$LOSSY_ALBUMS" "$LOSSY_TRACKS" \
        "$HL_FILES" "$HL_SOURCES" "$(nproc)" $kinds <<'PY'
import os, struct, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

src, corpus, manifest = sys.argv[1:4]
artists, albums, tracks, hl_files, hl_sources, nproc = map(int, sys.argv[4:10])
kinds_avail = sys.argv[10:]
durs = [3, 3.5, 4, 4.5, 5]
rate = {'mp3vbr': 44100, 'mp3cbr': 44100, 'aac': 44100, 'alac': 48000, 'vorbis': 44100, 'opus': 48000}
ext = {'mp3vbr': 'mp3', 'mp3cbr': 'mp3', 'aac': 'm4a', 'alac': 'm4a', 'vorbis': 'ogg', 'opus': 'opus'}

def id3v2(title, artist, album, track, padding=128):  # ID3v2.3, Latin-1 text frames
    body = b''
    for fid, text in (('TIT2', title), ('TPE1', artist), ('TALB', album), ('TRCK', str(track))):
        data = b'\x00' + text.encode('latin-1')
        body += fid.encode() + struct.pack('>I', len(data)) + b'\x00\x00' + data
    body += b'\x00' * padding
    n = len(body)
    return b'ID3\x03\x00\x00' + bytes([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]) + body

def id3v1(title, artist, album, track):
    f = lambda s, n: s.encode('latin-1')[:n].ljust(n, b'\x00')
    return b'TAG' + f(title, 30) + f(artist, 30) + f(album, 30) + b'2026' + f('', 28) + b'\x00' + bytes([track & 0xff, 12])

def run(cmd):
    subprocess.run(cmd, check=True)

# format per album, as delivered: 25 % MP3 VBR, 15 % MP3 CBR, 25 % AAC, 15 % ALAC, 10 % Vorbis, 10 % Opus
weights = ['mp3vbr'] * 5 + ['mp3cbr'] * 3 + ['aac'] * 5 + ['alac'] * 3 + ['vorbis'] * 2 + ['opus'] * 2
cycle = [k for k in weights if k in kinds_avail]
cache, tasks, rows = {}, [], []
def source(name):
    if name not in cache:
        with open(os.path.join(src, name), 'rb') as f:
            cache[name] = f.read()
    return cache[name]

album_no = 0
for a in range(1, artists + 1):
    for b in range(1, albums + 1):
        kind = cycle[album_no % len(cycle)]
        album_no += 1
        d = os.path.join(corpus, 'lossy', f'artist_{a:02d}', f'album_{b}')
        os.makedirs(d, exist_ok=True)
        for t in range(1, tracks + 1):
            i = (a * 7 + b * 3 + t) % 5 + 1
            path = os.path.join(d, f'{t:02d}-track.{ext[kind]}')
            title, artist, album = f'Track {t:02d}', f'Artist {a:02d}', f'Album {a:02d}-{b}'
            if kind.startswith('mp3'):
                with open(path, 'wb') as f:
                    f.write(id3v2(title, artist, album, t) + source(f'{kind}_{i}.mp3'))
            elif kind == 'vorbis':
                tasks.append(['oggenc', '-Q', '-q5', '-t', title, '-a', artist, '-l', album, '-N', str(t),
                              '-o', path, os.path.join(src, f'{kind}_{i}.wav')])
            elif kind == 'opus':
                tasks.append(['opusenc', '--quiet', '--title', title, '--artist', artist, '--album', album,
                              '--comment', f'TRACKNUMBER={t}', os.path.join(src, f'{kind}_{i}.wav'), path])
            else:  # M4A: remux with own tags; every other album with moov before mdat
                cmd = ['ffmpeg', '-nostdin', '-v', 'error', '-y', '-i', os.path.join(src, f'{kind}_{i}.m4a'),
                       '-c', 'copy', '-metadata', f'title={title}', '-metadata', f'artist={artist}',
                       '-metadata', f'album={album}', '-metadata', f'track={t}']
                tasks.append(cmd + (['-movflags', '+faststart'] if b % 2 else []) + [path])
            rows.append((os.path.relpath(path, corpus), kind, int(durs[i - 1] * rate[kind]), rate[kind]))

# headerless MP3: ID3v2 on every file, ID3v1 on every other one
hl_frames = {}
if hl_files and os.path.exists(os.path.join(src, 'hl_0.mp3')):
    for s in range(hl_sources):
        out = subprocess.run(['ffprobe', '-v', 'error', '-count_packets', '-select_streams', 'a:0',
                              '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0',
                              os.path.join(src, f'hl_{s}.mp3')], check=True, capture_output=True, text=True)
        hl_frames[s] = int(out.stdout.strip().strip(','))
    for n in range(hl_files):
        s = n % hl_sources
        path = os.path.join(corpus, 'headerless', f'{n:04d}-headerless.mp3')
        title, artist, album = f'Long Track {n:04d}', f'Artist {n % 17:02d}', f'Album {n % 41:02d}'
        buf = id3v2(title, artist, album, n % 99 + 1) + source(f'hl_{s}.mp3')
        if n % 2:
            buf += id3v1(title, artist, album, n % 99 + 1)
        with open(path, 'wb') as f:
            f.write(buf)
        rows.append((os.path.relpath(path, corpus), 'mp3vbr-headerless' if s % 2 == 0 else 'mp3cbr-headerless',
                     hl_frames[s] * 1152, 44100))

with ThreadPoolExecutor(max_workers=max(1, nproc)) as ex:
    list(ex.map(run, tasks))
with open(manifest, 'w') as f:
    for r in rows:
        f.write('\t'.join(map(str, r)) + '\n')
PY
    rm -rf "$src"
    printf 'mode=%s lossy=%sx%sx%s headerless=%s sources=%s kinds=%s skipped=%s\n' "$MODE" "$LOSSY_ARTISTS" "$LOSSY_ALBUMS" \
        "$LOSSY_TRACKS" "$HL_FILES" "$HL_SOURCES" "${kinds# }" "${LOSSY_KINDS_SKIPPED# }" > "$CORPUS/.lossy-complete"
    log "lossy corpus ready"
}

if [[ $NEED_LOSSY -eq 0 ]]; then
    log "lossy corpus not used by the selected sections ($ONLY)"
elif [[ $REGEN -eq 1 || ! -f "$CORPUS/.lossy-complete" ]]; then
    generate_lossy_corpus
else
    log "reusing lossy corpus $LOSSY (use --regen to rebuild)"
fi
if [[ $NEED_LOSSY -eq 1 ]]; then
    LOSSY_KINDS_SKIPPED=$(sed -n 's/.* skipped=//p' "$CORPUS/.lossy-complete")
fi

# ---------------------------------------------------------------- QC corpus
# One programme of QC_SECONDS s, WAV 16-bit 44.1 kHz stereo, and the same audio as FLAC
# (flac -5) and MP3 320k (lame -b 320, or ffmpeg's libmp3lame): the QC section measures
# ddexprobe --qc and ffmpeg's ebur128 filter on these same files. Own marker
# (.qc-complete), like the lossy corpus. The signal is the corpus's synthetic "music"
# (tones with a tremolo and low-level noise) with two more partials and a slow 4 dB swell
# (37 s period), so the loudness range is not zero (about 4 LU); peaks about -5 dBFS.
QC_MP3_NOTE=""
generate_qc_corpus() {
    for t in ffmpeg flac; do have "$t" || die "$t is required to generate the corpus"; done
    log "generating QC corpus in $QCDIR ($QC_SECONDS s)"
    rm -rf "$QCDIR" "$CORPUS/.qc-complete"
    mkdir -p "$QCDIR"
    local env='(0.8+0.2*sin(2*PI*t/37))'
    ffmpeg -nostdin -v error -y -f lavfi \
        -i "aevalsrc=exprs='$env*(0.3*sin(2*PI*147*t)*(0.7+0.3*sin(2*PI*0.7*t))+0.12*sin(2*PI*294*t+0.5)+0.08*sin(2*PI*442.3*t)+0.05*(2*random(0)-1))|$env*(0.3*sin(2*PI*220*t+1)*(0.7+0.3*sin(2*PI*0.9*t))+0.12*sin(2*PI*440*t+0.2)+0.08*sin(2*PI*661.7*t)+0.05*(2*random(1)-1))':s=44100:d=$QC_SECONDS" \
        -c:a pcm_s16le -bitexact -f wav "$QCDIR/qc.wav"
    flac -s -f -5 -o "$QCDIR/qc.flac" "$QCDIR/qc.wav"
    local mp3="none"
    if have lame; then
        lame --quiet -b 320 "$QCDIR/qc.wav" "$QCDIR/qc.mp3" && mp3="lame -b 320"
    elif ffmpeg -nostdin -v error -y -i "$QCDIR/qc.wav" -c:a libmp3lame -b:a 320k "$QCDIR/qc.mp3"; then
        mp3="ffmpeg libmp3lame 320k"
    else
        rm -f "$QCDIR/qc.mp3"
    fi
    printf 'mode=%s seconds=%s mp3=%s\n' "$MODE" "$QC_SECONDS" "$mp3" > "$CORPUS/.qc-complete"
    log "QC corpus ready"
}
if ! section qc; then
    :
elif [[ $REGEN -eq 1 || ! -f "$CORPUS/.qc-complete" ]] \
        || ! grep -q "seconds=$QC_SECONDS " "$CORPUS/.qc-complete"; then
    generate_qc_corpus
else
    log "reusing QC corpus $QCDIR (use --regen to rebuild)"
fi
if section qc; then
    QC_MP3_ENC=$(sed -n 's/.* mp3=//p' "$CORPUS/.qc-complete")
    [[ "$QC_MP3_ENC" != none ]] || QC_MP3_NOTE="no MP3 encoder (lame, or ffmpeg with libmp3lame)"
fi

# ---------------------------------------------------------------- archive corpus
# The other formats real archives hold, ARCHIVE_PER_KIND files of each kind (2-5 s,
# tones differing per file), written by ffmpeg (and the wavpack CLI when present);
# the manifest keeps ffmpeg's decoded sample count of every file, the reference the
# accuracy lines compare each tool with. Own marker (.archive-complete), like the
# lossy corpus.
ARCHIVE_KINDS="w64:w64:pcm_s24le:48000 caf-pcm:caf:pcm_s16be:44100 caf-alac:caf:alac:44100 au:au:pcm_s16be:44100 \
tta:tta:tta:44100 ac3:ac3:ac3:48000 eac3:eac3:eac3:48000 adts:aac:aac:44100 wma:wma:wmav2:44100 \
mka-flac:mka:flac:48000 mka-vorbis:mka:libvorbis:44100 webm-opus:webm:libopus:48000"
generate_archive_corpus() {
    have ffmpeg || die "ffmpeg is required to generate the corpus"
    log "generating the archive corpus in $ARCHIVE ($ARCHIVE_PER_KIND files per kind)"
    rm -rf "$ARCHIVE" "$ARCHIVE_MANIFEST" "$CORPUS/.archive-complete"
    mkdir -p "$ARCHIVE"
    local spec kind ext codec rate i d f
    local kinds="$ARCHIVE_KINDS"
    have wavpack && kinds+=" wavpack:wv:wavpack-cli:44100"
    for spec in $kinds; do
        IFS=: read -r kind ext codec rate <<<"$spec"
        mkdir -p "$ARCHIVE/$kind"
        for ((i = 1; i <= ARCHIVE_PER_KIND; i++)); do
            d=$(awk -v i="$i" 'BEGIN {printf "%.3f", 2 + (i * 37 % 300) / 100}')
            f=$(printf '%02d.%s' "$i" "$ext")
            local src="aevalsrc=exprs='0.3*sin(2*PI*$((300 + 7 * i))*t)|0.3*sin(2*PI*$((500 + 11 * i))*t)':s=$rate:d=$d"
            if [[ $codec == wavpack-cli ]]; then
                ffmpeg -nostdin -v error -y -f lavfi -i "$src" -c:a pcm_s16le "$ARCHIVE/$kind/src.wav"
                wavpack -q -y "$ARCHIVE/$kind/src.wav" -o "$ARCHIVE/$kind/$f"
                rm -f "$ARCHIVE/$kind/src.wav"
            else
                ffmpeg -nostdin -v error -y -f lavfi -i "$src" -c:a "$codec" -strict -2 "$ARCHIVE/$kind/$f"
            fi
        done
    done
    # ffmpeg's decoded sample count of every file (the reference), in parallel
    find "$ARCHIVE" -type f | sort | python3 -c '
import os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
root = sys.argv[1]
paths = [l.strip() for l in sys.stdin if l.strip()]
def count(p):
    d = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", p, "-map", "0:a:0", "-f", "s32le", "-ac", "1", "-"],
                       capture_output=True).stdout
    r = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate",
                        "-of", "csv=p=0", p], capture_output=True, text=True).stdout.strip()
    rel = os.path.relpath(p, root)
    return "%s\t%s\t%d\t%s" % (rel, rel.split("/")[1], len(d) // 4, r)
with ThreadPoolExecutor(max_workers=os.cpu_count()) as ex:
    for line in ex.map(count, paths):
        print(line)
' "$CORPUS" > "$ARCHIVE_MANIFEST"
    printf 'mode=%s per_kind=%s\n' "$MODE" "$ARCHIVE_PER_KIND" > "$CORPUS/.archive-complete"
    log "archive corpus ready"
}
if ! section archive; then
    :
elif [[ $REGEN -eq 1 || ! -f "$CORPUS/.archive-complete" ]] \
        || ! grep -q "per_kind=$ARCHIVE_PER_KIND\$" "$CORPUS/.archive-complete"; then
    generate_archive_corpus
else
    log "reusing archive corpus $ARCHIVE (use --regen to rebuild)"
fi

# ---------------------------------------------------------------- release corpus
# write_release_json FILE ICPN TITLE: the release.json of the release and audit
# corpora (an album for YouTube: both commercial models, on-demand streaming).
write_release_json() {
    cat > "$1" <<JSON
{ "messageHeader": { "senderPartyId": "PADPIDA2014101001U", "senderName": "Independent Records",
                     "recipientPartyId": "PADPIDA2013020802I", "recipientName": "YouTube" },
  "release": { "icpn": "$2", "title": "$3", "displayArtist": "The Artist",
               "labelName": "Independent Records", "releaseType": "Album", "originalReleaseDate": "2024-05-01",
               "pLine": { "year": 2024, "pLineText": "2024 Independent Records" },
               "cLine": { "year": 2024, "cLineText": "2024 Independent Records" },
               "genre": "Pop", "parentalWarningType": "NotExplicit" },
  "deals": [ { "territories": ["Worldwide"], "startDate": "2024-05-01",
               "commercialModels": ["SubscriptionModel", "AdvertisementSupportedModel"], "useTypes": ["OnDemandStream"] } ] }
JSON
}
generate_release_corpus() {
    have ffmpeg || die "ffmpeg is required to generate the corpus"
    log "generating the release corpus in $RELEASE ($RELEASE_TRACKS tracks of 4 minutes)"
    rm -rf "$RELEASE" "$CORPUS/.release-complete"
    mkdir -p "$RELEASE"
    local i n
    for ((i = 1; i <= RELEASE_TRACKS; i++)); do
        n=$(printf '%02d' "$i")
        ffmpeg -nostdin -v error -y -f lavfi -i "anoisesrc=d=240:c=pink:r=44100:a=0.2:s=$i" -ac 2 -c:a pcm_s16le "$RELEASE/$n.wav"
        printf '{"ddexMetadata":{"title":"Track %s","languageOfPerformance":"en","trackNumber":%d},"soundRecordingDetails":{"isrc":"GBAYE2400%03d"},"musicalWorkReference":{"iswc":"T-034.524.680-1"}}\n' \
            "$n" "$i" "$i" > "$RELEASE/$n.json"
    done
    ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=s=3000x3000" -frames:v 1 -q:v 3 "$RELEASE/cover.jpg"
    write_release_json "$RELEASE/release.json" 5012345678900 "First Light"
    printf 'mode=%s tracks=%s\n' "$MODE" "$RELEASE_TRACKS" > "$CORPUS/.release-complete"
    log "release corpus ready"
}
if ! section release; then
    :
elif [[ $REGEN -eq 1 || ! -f "$CORPUS/.release-complete" ]] \
        || ! grep -q "tracks=$RELEASE_TRACKS\$" "$CORPUS/.release-complete"; then
    generate_release_corpus
else
    log "reusing release corpus $RELEASE (use --regen to rebuild)"
fi

# ---------------------------------------------------------------- audit corpus
# A release of AUDIT_TRACKS 10-second tracks (16-bit 44.1 kHz stereo WAV, 1.76 MB each),
# sidecars with distinct ISRCs, release.json and a 3000x3000 JPEG cover, packaged with
# the youtube profile as ERN 3.4 (batch34/) and ERN 4.3 (batch43/). Every WAV is
# byte-unique (the audit matches files by digest): four 10 s pink-noise bases, each
# track with its own number written into its first samples.
generate_audit_corpus() {
    have ffmpeg || die "ffmpeg is required to generate the corpus"
    [[ $HAVE_DDEXPROBE -eq 1 ]] || { log "the audit corpus needs ddexprobe package: $DDEX_NOTE"; return 0; }
    log "generating the audit corpus in $AUDIT ($AUDIT_TRACKS tracks of 10 s, packaged as ERN 3.4 and 4.3)"
    rm -rf "$AUDIT" "$CORPUS/.audit-complete"
    local rel="$AUDIT/release" src="$AUDIT/.src" i
    mkdir -p "$rel" "$src"
    for ((i = 1; i <= 4; i++)); do
        ffmpeg -nostdin -v error -y -f lavfi -i "anoisesrc=d=10:c=pink:r=44100:a=0.2:s=$((100 + i))" -ac 2 -c:a pcm_s16le "$src/base$i.wav"
    done
    ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=s=3000x3000" -frames:v 1 -q:v 3 "$rel/cover.jpg"
    python3 - "$src" "$rel" "$AUDIT_TRACKS" <<'PY'
import json, os, struct, sys
src, rel, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
bases = [open(os.path.join(src, f"base{k}.wav"), "rb").read() for k in range(1, 5)]
for i in range(1, n + 1):
    buf = bytearray(bases[i % 4])
    data = buf.index(b"data") + 8            # first sample after the data chunk header
    buf[data:data + 8] = struct.pack("<II", i, i * 2654435761 % 2**32)
    with open(os.path.join(rel, f"{i:04d}.wav"), "wb") as f:
        f.write(buf)
    side = {"ddexMetadata": {"title": f"Track {i:04d}", "languageOfPerformance": "en", "trackNumber": i},
            "soundRecordingDetails": {"isrc": f"GBAYE24{i:05d}"},
            "musicalWorkReference": {"iswc": "T-034.524.680-1"}}
    with open(os.path.join(rel, f"{i:04d}.json"), "w") as f:
        json.dump(side, f)
        f.write("\n")
PY
    rm -rf "$src"
    write_release_json "$rel/release.json" "$AUDIT_ICPN" "Long Player"
    "$DDEXPROBE" package "$rel" -o "$AUDIT/batch34" --ern 3.4 --profile youtube -q || die "ddexprobe package --ern 3.4 failed"
    "$DDEXPROBE" package "$rel" -o "$AUDIT/batch43" --ern 4.3 --profile youtube -q || die "ddexprobe package --ern 4.3 failed"
    printf 'mode=%s tracks=%s\n' "$MODE" "$AUDIT_TRACKS" > "$CORPUS/.audit-complete"
    log "audit corpus ready"
}
if ! section audit; then
    :
elif [[ $REGEN -eq 1 || ! -f "$CORPUS/.audit-complete" ]] \
        || ! grep -q "tracks=$AUDIT_TRACKS\$" "$CORPUS/.audit-complete"; then
    generate_audit_corpus
else
    log "reusing audit corpus $AUDIT (use --regen to rebuild)"
fi

count_files() { find "$1" -type f | wc -l; }
sum_bytes() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}'; }
warm() { log "warming page cache: $1"; find "$1" -type f -exec cat {} + > /dev/null; }

CAT_FILES=0; CAT_BYTES=0; LONG_FILES=0; LONG_BYTES=0; TINY_FILES_N=0; TINY_BYTES=0
if [[ $NEED_PCM -eq 1 ]]; then
    CAT_FILES=$(count_files "$CATALOG");  CAT_BYTES=$(sum_bytes "$CATALOG")
    LONG_FILES=$(count_files "$LONG");    LONG_BYTES=$(sum_bytes "$LONG")
    TINY_FILES_N=$(count_files "$TINY");  TINY_BYTES=$(sum_bytes "$TINY")
fi

mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.json "$RESULTS"/*.md "$RESULTS"/*.time "$RESULTS"/*.stderr "$ROWS"

# ---------------------------------------------------------------- measurement
# share of CPU time busy (all CPUs; iowait counts as idle) during one second: other load skews wall times
cpu_busy() {
    local a b
    a=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat); sleep 1
    b=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN {split(a, x, " "); split(b, y, " "); t = (y[1] - x[1]) + (y[2] - x[2]);
        printf "%.0f %%", (t > 0 ? 100 * (y[1] - x[1]) / t : 0)}'
}
busy_jiffies() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }
CLK_TCK=$(getconf CLK_TCK)
# Wait (up to BENCH_WAIT_IDLE seconds, default 30) until less than 25 % of the CPU
# is busy, so that other work on the machine does not end up in the timings.
wait_idle() {
    local limit=${BENCH_WAIT_IDLE:-30} waited=0 b
    [[ $limit -gt 0 ]] || return 0
    while b=$(cpu_busy); [[ ${b% %} -ge 25 ]]; do
        if [[ $waited -ge $limit ]]; then
            log "machine still busy ($b) after ${waited}s; measuring anyway"
            return 0
        fi
        [[ $waited -gt 0 ]] || log "machine busy ($b): waiting up to ${limit}s for it to become idle"
        sleep 2; waited=$((waited + 3))
    done
}

# bench ID TOOL WORKLOAD FILES BYTES RUNS KIND NOTE EXTRAP_FILES COMMAND
#   KIND: files (files/s), mb (MB/s), both; EXTRAP_FILES: >0 = extrapolate to that many files
bench() {
    local id=$1 tool=$2 workload=$3 files=$4 bytes=$5 runs=$6 kind=$7 note=$8 extrap=$9 cmd=${10}
    local json="$RESULTS/$id.json" tfile="$RESULTS/$id.time" rc=0 rss=""
    wait_idle
    log "[$id] $cmd"
    local j0 j1 t0 t1
    j0=$(busy_jiffies); t0=$(date +%s.%N)
    if ! hyperfine --style basic --ignore-failure --warmup 1 --runs "$runs" \
            --export-json "$json" --export-markdown "$RESULTS/$id.md" -n "$tool: $workload" "$cmd" >&2; then
        note="hyperfine failed${note:+; $note}"
        json=""
    fi
    j1=$(busy_jiffies); t1=$(date +%s.%N)
    # CPU-seconds used by the whole machine during the hyperfine run, and its duration
    local busy_s elapsed_s
    busy_s=$(awk -v a="$j0" -v b="$j1" -v hz="$CLK_TCK" 'BEGIN {printf "%.3f", (b - a) / hz}')
    elapsed_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
    # one extra run under GNU time for peak RSS (max over the processes) and exit status
    /usr/bin/time -v -o "$tfile" bash -c "$cmd" > /dev/null 2>"$RESULTS/$id.stderr" || rc=$?
    rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tfile")
    if [[ $rc -ne 0 ]]; then
        note="exit status $rc (stderr: $(head -c 160 "$RESULTS/$id.stderr" | tr '\n\t' '  '))${note:+; $note}"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$id" "$tool" "$workload" "$files" "$bytes" "$kind" "$json" "${rss:-}" "$rc" "$note" "$extrap" \
        "$busy_s" "$elapsed_s" >> "$ROWS"
}
skip() { # ID TOOL WORKLOAD NOTE
    printf '%s\t%s\t%s\t\t\t\t\t\t\t%s\t0\t\t\n' "$1" "$2" "$3" "skipped: $4" >> "$ROWS"
    log "[$1] skipped: $4"
}

# every k-th file of DIR (sorted), at most N, NUL-separated, to OUT
make_subset() { # DIR N OUT [find predicates...]
    local dir=$1 n=$2 out=$3; shift 3
    find "$dir" -type f "$@" -print0 | sort -z \
        | python3 -c 'import sys; n=int(sys.argv[1]); p=[x for x in sys.stdin.buffer.read().split(b"\0") if x]; k=max(1,len(p)//n); sys.stdout.buffer.write(b"".join(x+b"\0" for x in p[::k][:n]))' \
          "$n" > "$out"
}
list_files() { tr -cd '\0' < "$1" | wc -c; }
list_bytes() { xargs -0 -r stat -c %s < "$1" | awk '{s += $1} END {printf "%d", s}'; }

D="$DDEXPROBE"
NPROC=$(nproc)
LOAD_BEFORE=$(cpu_busy)
log "CPU busy before the measurements: $LOAD_BEFORE"

# ---- catalog
if section catalog; then
    # ffprobe subset: every k-th catalog file (same format mix), NUL-separated list
    SUBSET_LIST="$RESULTS/ffprobe-subset.list0"
    make_subset "$CATALOG" "$FFPROBE_SUBSET" "$SUBSET_LIST"
    SUBSET_FILES=$(list_files "$SUBSET_LIST"); SUBSET_BYTES=$(list_bytes "$SUBSET_LIST")
    warm "$CATALOG"
    W="catalog"
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        bench ddx_cat_nohash ddexprobe "$W, --hash none, --jobs default ($NPROC)" "$CAT_FILES" "$CAT_BYTES" "$RUNS_FAST" both "" 0 \
            "$D scan $CATALOG --hash none --format ndjson -o /dev/null"
        bench ddx_cat_nohash_j1 ddexprobe "$W, --hash none, --jobs 1" "$CAT_FILES" "$CAT_BYTES" "$RUNS_FAST" both "" 0 \
            "$D scan $CATALOG --hash none --jobs 1 --format ndjson -o /dev/null"
        bench ddx_cat_hash ddexprobe "$W, md5+sha256 (default), --jobs default ($NPROC)" "$CAT_FILES" "$CAT_BYTES" "$RUNS_FAST" both "" 0 \
            "$D scan $CATALOG --format ndjson -o /dev/null"
    else
        skip ddx_cat ddexprobe "$W" "$DDEX_NOTE"
    fi
    if have ffprobe; then
        bench ffprobe_cat ffprobe "$W, one process per file (subset)" "$SUBSET_FILES" "$SUBSET_BYTES" "$RUNS_SLOW" both \
            "xargs -0 -n1 over a $SUBSET_FILES-file subset (every k-th file, same format mix); files/s extrapolated to $CAT_FILES files" "$CAT_FILES" \
            "xargs -0 -n1 ffprobe -v error -show_format -show_streams < $SUBSET_LIST > /dev/null"
    else
        skip ffprobe_cat ffprobe "$W" "ffprobe not installed"
    fi
    if have mediainfo; then
        bench mediainfo_cat mediainfo "$W, directory, JSON" "$CAT_FILES" "$CAT_BYTES" "$RUNS_SLOW" both "one process" 0 \
            "mediainfo --Output=JSON $CATALOG > /dev/null"
    else
        skip mediainfo_cat mediainfo "$W" "mediainfo not installed"
    fi
    if have soxi; then
        NPROCS_SOXI=$(find "$CATALOG" -type f -print0 | sort -z | xargs -0 -s 1048576 sh -c 'echo x' sh | wc -l)
        bench soxi_cat soxi "$W, -D, all paths as arguments" "$CAT_FILES" "$CAT_BYTES" "$RUNS_SLOW" both \
            "$NPROCS_SOXI soxi process(es) via xargs -s 1048576; duration only" 0 \
            "find $CATALOG -type f -print0 | sort -z | xargs -0 -s 1048576 soxi -D > /dev/null"
    else
        skip soxi_cat soxi "$W" "soxi not installed"
    fi
    if have exiftool; then
        bench exiftool_cat exiftool "$W, -json -r directory" "$CAT_FILES" "$CAT_BYTES" "$RUNS_SLOW" both "one process" 0 \
            "exiftool -json -r -q $CATALOG > /dev/null"
    else
        skip exiftool_cat exiftool "$W" "exiftool not installed"
    fi
fi

# ---- long files
if section long; then
    LONG_GLOB="$LONG/*"
    warm "$LONG"
    W="long files"
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        bench ddx_long_both_j1 ddexprobe "$W, md5+sha256, --jobs 1" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb "" 0 \
            "$D scan $LONG --hash md5,sha256 --jobs 1 --format ndjson -o /dev/null"
        bench ddx_long_both_j2 ddexprobe "$W, md5+sha256, --jobs 2" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb "" 0 \
            "$D scan $LONG --hash md5,sha256 --jobs 2 --format ndjson -o /dev/null"
        bench ddx_long_md5 ddexprobe "$W, md5, --jobs 1" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb "" 0 \
            "$D scan $LONG --hash md5 --jobs 1 --format ndjson -o /dev/null"
        bench ddx_long_sha256 ddexprobe "$W, sha256, --jobs 1" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb "" 0 \
            "$D scan $LONG --hash sha256 --jobs 1 --format ndjson -o /dev/null"
        bench ddx_long_nohash ddexprobe "$W, --hash none, --jobs 1" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb \
            "probe only, no hashing" 0 \
            "$D scan $LONG --hash none --jobs 1 --format ndjson -o /dev/null"
    else
        skip ddx_long ddexprobe "$W" "$DDEX_NOTE"
    fi
    if have openssl; then
        bench openssl_md5 openssl "$W, dgst -md5" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb "" 0 "openssl dgst -md5 $LONG_GLOB > /dev/null"
        bench openssl_sha256 openssl "$W, dgst -sha256" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb "" 0 "openssl dgst -sha256 $LONG_GLOB > /dev/null"
    else
        skip openssl_long openssl "$W" "openssl not installed"
    fi
    if have md5sum; then
        bench md5sum md5sum "$W" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb "" 0 "md5sum $LONG_GLOB > /dev/null"
    else
        skip md5sum md5sum "$W" "md5sum not installed"
    fi
    if have sha256sum; then
        bench sha256sum sha256sum "$W" "$LONG_FILES" "$LONG_BYTES" "$RUNS_LONG" mb "" 0 "sha256sum $LONG_GLOB > /dev/null"
    else
        skip sha256sum sha256sum "$W" "sha256sum not installed"
    fi
fi

# ---- tiny files (peak memory)
if section tiny; then
    warm "$TINY"
    W="$TINY_FILES_N tiny files, one directory"
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        bench ddx_tiny ddexprobe "$W, md5+sha256 (default)" "$TINY_FILES_N" "$TINY_BYTES" "$RUNS_SLOW" files "peak RSS is the memory target" 0 \
            "$D scan $TINY --format ndjson -o /dev/null"
    else
        skip ddx_tiny ddexprobe "$W" "$DDEX_NOTE"
    fi
    if have mediainfo; then
        bench mediainfo_tiny mediainfo "$W, JSON" "$TINY_FILES_N" "$TINY_BYTES" 1 files "for comparison" 0 \
            "mediainfo --Output=JSON $TINY > /dev/null"
    fi
fi

# ---- scale: a scan of ever larger catalogs (files/s and memory flat, first record early)
SCALE="$BENCH_DIR/scale"
# gen_scale DIR N: N tiny byte-unique WAVs, 1,000 per directory (NN/NN/NNN.wav)
gen_scale() {
    log "generating $2 files under $1"
    rm -rf "$1"; mkdir -p "$1"
    python3 - "$1" "$2" <<'PY'
import os, struct, sys
root, n = sys.argv[1], int(sys.argv[2])
head = (b"RIFF" + struct.pack("<I", 44) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
        + b"data" + struct.pack("<I", 8))
made = set()
for i in range(n):
    d = os.path.join(root, "%02d" % (i // 100000), "%02d" % (i // 1000 % 100))
    if d not in made:
        os.makedirs(d, exist_ok=True); made.add(d)
    with open(os.path.join(d, "%03d.wav" % (i % 1000)), "wb") as f:
        f.write(head + struct.pack("<II", i, i))
PY
    touch "$1/.complete"
}
# scale_row BINARY LABEL DIR N HASH: one warm-up run, one run under GNU time, the first record
scale_row() {
    local bin=$1 label=$2 dir=$3 n=$4 hash=$5 tfile="$RESULTS/scale.time" wall rss t0 t1 first rc=0
    wait_idle
    log "[scale] $label: scan $n files --hash $hash"
    "$bin" scan "$dir" --hash "$hash" -q > /dev/null || true
    /usr/bin/time -v -o "$tfile" "$bin" scan "$dir" --hash "$hash" -q > /dev/null || rc=$?
    wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tfile" \
        | awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s}')
    rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tfile")
    t0=$(date +%s.%N)
    "$bin" scan "$dir" --hash "$hash" -q 2>/dev/null | head -n 1 > /dev/null || true
    t1=$(date +%s.%N)
    first=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$n" "$hash" "$wall" "$rss" "$first" "$rc" >> "$RESULTS/scale.tsv"
}
rm -f "$RESULTS/scale.tsv"; touch "$ROWS"
if section scale; then
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        for n in $SCALE_SIZES; do
            dir="$SCALE/$n"
            [[ $REGEN -eq 0 && -f "$dir/.complete" ]] || gen_scale "$dir" "$n"
            for hash in none sha256; do
                scale_row "$D" ddexprobe "$dir" "$n" "$hash"
                [[ -z "${SCALE_BASE:-}" ]] || scale_row "$SCALE_BASE" "$(basename "$SCALE_BASE")" "$dir" "$n" "$hash"
            done
        done
    else
        log "[scale] skipped: $DDEX_NOTE"
    fi
fi

# ---- shard: a scan split 4 ways (parts run one after another), then merged
rm -f "$RESULTS/shard.tsv"
if section shard; then
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        dir="$SCALE/$SHARD_SIZE"
        [[ $REGEN -eq 0 && -f "$dir/.complete" ]] || gen_scale "$dir" "$SHARD_SIZE"
        sdir="$BENCH_DIR/shard"; rm -rf "$sdir"; mkdir -p "$sdir"
        # shard_row LABEL OUT ARGS...: one run under GNU time, its wall and peak RSS
        shard_row() {
            local label=$1 tfile="$RESULTS/shard.time" wall rss rc=0; shift
            wait_idle
            log "[shard] $label"
            /usr/bin/time -v -o "$tfile" "$@" > /dev/null 2>&1 || rc=$?
            wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tfile" \
                | awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s}')
            rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tfile")
            printf '%s\t%s\t%s\t%s\n' "$label" "$wall" "$rss" "$rc" >> "$RESULTS/shard.tsv"
        }
        for hash in none sha256; do
            "$D" scan "$dir" --hash "$hash" -q -o "$sdir/warm.ndjson" || true
            shard_row "scan, one run, --hash $hash" "$D" scan "$dir" --hash "$hash" -q -o "$sdir/single-$hash.ndjson"
            for k in 1 2 3 4; do
                shard_row "scan --shard $k/4, --hash $hash" "$D" scan "$dir" --hash "$hash" --shard "$k/4" -q -o "$sdir/part-$hash-$k.ndjson"
            done
            shard_row "merge of the 4 parts, --hash $hash" "$D" merge "$sdir"/part-"$hash"-*.ndjson -q -o "$sdir/merged-$hash.ndjson"
            if cmp -s "$sdir/single-$hash.ndjson" "$sdir/merged-$hash.ndjson"; then
                printf '%s\t\t\t0\n' "merged = single run (cmp), --hash $hash" >> "$RESULTS/shard.tsv"
            else
                printf '%s\t\t\t1\n' "merged DIFFERS from the single run, --hash $hash" >> "$RESULTS/shard.tsv"
            fi
        done
        rm -rf "$sdir"
    else
        log "[shard] skipped: $DDEX_NOTE"
    fi
fi

# ---- --cache: a first run (every file measured and stored) and a re-run (every
# record reused: one stat per file, no file opened) of CACHE_FILES distinct 60-byte
# WAV files in folders of 1,000, dated a day back (files modified in the last 2 s are
# not stored); against the same scan without the cache and a find that stats each file.
CACHEDIR="$CORPUS/cache"
if section cache; then
    if [[ $REGEN -eq 1 || ! -f "$CORPUS/.cache-complete" ]] \
            || ! grep -q "files=$CACHE_FILES\$" "$CORPUS/.cache-complete"; then
        log "generating the cache corpus in $CACHEDIR ($CACHE_FILES files)"
        rm -rf "$CACHEDIR" "$CORPUS/.cache-complete"
        python3 - "$CACHEDIR" "$CACHE_FILES" <<'PY'
import os, struct, sys, time
root, n = sys.argv[1], int(sys.argv[2])
old = time.time() - 86400
for i in range(n):
    d = os.path.join(root, f"{i // 1000:03}")
    os.makedirs(d, exist_ok=True)
    data = struct.pack("<8h", *[(i * 7 + k * 13) % 32768 - 16384 for k in range(8)])
    fmt = struct.pack("<HHIIHH", 1, 2, 44100, 44100 * 4, 4, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
    p = os.path.join(d, f"{i:06}.wav")
    with open(p, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)
    os.utime(p, (old, old))
PY
        printf 'files=%s\n' "$CACHE_FILES" > "$CORPUS/.cache-complete"
    fi
    CACHE_BYTES=$(sum_bytes "$CACHEDIR")
    CACHE_DB="$RESULTS/cache.redb"
    warm "$CACHEDIR"
    W="$CACHE_FILES tiny WAV files"
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        bench ddx_cache_none ddexprobe "$W, no cache (md5+sha256)" "$CACHE_FILES" "$CACHE_BYTES" "$RUNS_SLOW" files "" 0 \
            "$D scan $CACHEDIR --format ndjson -q > /dev/null"
        bench ddx_cache_first ddexprobe "$W, --cache, first run (every record measured and stored)" "$CACHE_FILES" "$CACHE_BYTES" "$RUNS_SLOW" files "" 0 \
            "rm -f $CACHE_DB; $D scan $CACHEDIR --format ndjson -q --cache $CACHE_DB > /dev/null"
        "$D" scan "$CACHEDIR" --format ndjson -q --cache "$CACHE_DB" > /dev/null
        bench ddx_cache_rerun ddexprobe "$W, --cache, re-run (every record reused)" "$CACHE_FILES" "$CACHE_BYTES" "$RUNS_SLOW" files "" 0 \
            "$D scan $CACHEDIR --format ndjson -q --cache $CACHE_DB > /dev/null"
    else
        skip ddx_cache_rerun ddexprobe "$W" "$DDEX_NOTE"
    fi
    bench find_cache find "$W, find -printf of size and mtime (one stat per file)" "$CACHE_FILES" "$CACHE_BYTES" "$RUNS_SLOW" files "for comparison" 0 \
        "find $CACHEDIR -type f -printf '%s %T@\\n' | wc -l > /dev/null"
fi

# ---- lossy formats: header probing (catalog) and the frame walk (headerless MP3)
LOSSY_FILES=0; LOSSY_BYTES=0; HL_FILES_N=0; HL_BYTES=0
rm -f "$RESULTS"/ddx-lossy.ndjson "$RESULTS"/ddx-headerless.ndjson "$RESULTS"/lossy-accuracy.txt
[[ $NEED_LOSSY -eq 1 && -d "$LOSSY" ]] && { LOSSY_FILES=$(count_files "$LOSSY"); LOSSY_BYTES=$(sum_bytes "$LOSSY"); }
[[ $NEED_LOSSY -eq 1 && -d "$HEADERLESS" ]] && { HL_FILES_N=$(count_files "$HEADERLESS"); HL_BYTES=$(sum_bytes "$HEADERLESS"); }
# the current binary may not parse these formats yet: it then reports unsupported_format
# and exits 1. That is not a failure of the benchmark (the rows are still measured), but
# the report says how many files it actually measured.
ddx_lossy_summary() { # DIR OUT.ndjson -> "recognised unsupported errors" counts on stdout
    "$D" scan "$1" --hash none --format ndjson -q -o "$2" 2>/dev/null || true
    python3 - "$2" <<'PY'
import json, sys
rec = uns = err = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    codes = [e.get("code") for e in r.get("errors") or []]
    rec += r.get("fileFormat") is not None
    uns += "unsupported_format" in codes
    err += bool(codes)
print(rec, uns, err)
PY
    [[ $? -eq 0 ]] || echo "0 0 0"
}
ddx_unsupported_note() { # "recognised unsupported errors" total
    local rec uns err
    read -r rec uns err <<< "$1"
    if [[ $uns -gt 0 ]]; then
        echo "this binary reports unsupported_format for $uns of $2 files (recognised $rec): timed, but those files are rejected, not probed"
    elif [[ $err -gt 0 ]]; then
        echo "$err of $2 files with errors"
    fi
}

if section lossy; then
    if [[ $LOSSY_FILES -gt 0 ]]; then
        warm "$LOSSY"
        W="lossy catalog"
        LOSSY_SUBSET="$RESULTS/ffprobe-lossy-subset.list0"
        make_subset "$LOSSY" "$FFPROBE_SUBSET" "$LOSSY_SUBSET"
        LS_FILES=$(list_files "$LOSSY_SUBSET"); LS_BYTES=$(list_bytes "$LOSSY_SUBSET")
        if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
            DDX_LOSSY_STATE=$(ddx_lossy_summary "$LOSSY" "$RESULTS/ddx-lossy.ndjson")
            N=$(ddx_unsupported_note "$DDX_LOSSY_STATE" "$LOSSY_FILES")
            bench ddx_lossy_nohash ddexprobe "$W, --hash none, --jobs default ($NPROC)" "$LOSSY_FILES" "$LOSSY_BYTES" "$RUNS_FAST" both "$N" 0 \
                "$D scan $LOSSY --hash none --format ndjson -o /dev/null"
            bench ddx_lossy_nohash_j1 ddexprobe "$W, --hash none, --jobs 1" "$LOSSY_FILES" "$LOSSY_BYTES" "$RUNS_FAST" both "$N" 0 \
                "$D scan $LOSSY --hash none --jobs 1 --format ndjson -o /dev/null"
        else
            skip ddx_lossy ddexprobe "$W" "$DDEX_NOTE"
        fi
        if have soxi; then
            # soxi reads MP3 and Ogg Vorbis here; it fails (quickly) on Opus and M4A, which flatters its rate
            SOXI_FAILS=$(find "$LOSSY" -type f -print0 | sort -z | xargs -0 -s 1048576 soxi -D 2>&1 >/dev/null | grep -c 'soxi FAIL' || true)
            bench soxi_lossy soxi "$W, -D, all paths as arguments" "$LOSSY_FILES" "$LOSSY_BYTES" "$RUNS_SLOW" both \
                "duration only; fails on $SOXI_FAILS of $LOSSY_FILES files (no handler: Opus, M4A), counted as read" 0 \
                "find $LOSSY -type f -print0 | sort -z | xargs -0 -s 1048576 soxi -D > /dev/null 2>&1 || true"
            SOXI_READ_LIST="$RESULTS/soxi-lossy-readable.list0"
            find "$LOSSY" -type f \( -name '*.mp3' -o -name '*.ogg' \) -print0 | sort -z > "$SOXI_READ_LIST"
            SR_FILES=$(list_files "$SOXI_READ_LIST"); SR_BYTES=$(list_bytes "$SOXI_READ_LIST")
            if [[ $SR_FILES -gt 0 ]]; then
                bench soxi_lossy_readable soxi "$W, -D, only the MP3 + Ogg Vorbis files it reads" "$SR_FILES" "$SR_BYTES" "$RUNS_SLOW" both \
                    "for comparison; duration only (wrong for MP3, see accuracy below)" 0 \
                    "xargs -0 -s 1048576 soxi -D < $SOXI_READ_LIST > /dev/null"
            fi
        else
            skip soxi_lossy soxi "$W" "soxi not installed"
        fi
        if have ffprobe; then
            bench ffprobe_lossy ffprobe "$W, one process per file (subset)" "$LS_FILES" "$LS_BYTES" "$RUNS_SLOW" both \
                "xargs -0 -n1 over a $LS_FILES-file subset (every k-th file, same format mix); files/s extrapolated to $LOSSY_FILES files" "$LOSSY_FILES" \
                "xargs -0 -n1 ffprobe -v error -show_format -show_streams < $LOSSY_SUBSET > /dev/null"
        else
            skip ffprobe_lossy ffprobe "$W" "ffprobe not installed"
        fi
        if have mediainfo; then
            bench mediainfo_lossy mediainfo "$W, directory, JSON" "$LOSSY_FILES" "$LOSSY_BYTES" "$RUNS_SLOW" both "one process" 0 \
                "mediainfo --Output=JSON $LOSSY > /dev/null"
        else
            skip mediainfo_lossy mediainfo "$W" "mediainfo not installed"
        fi
        if have exiftool; then
            bench exiftool_lossy exiftool "$W, -json -r directory" "$LOSSY_FILES" "$LOSSY_BYTES" "$RUNS_SLOW" both "one process" 0 \
                "exiftool -json -r -q $LOSSY > /dev/null"
        else
            skip exiftool_lossy exiftool "$W" "exiftool not installed"
        fi
    else
        skip lossy_catalog "-" "lossy catalog" "no lossy catalog generated"
    fi

    if [[ $HL_FILES_N -gt 0 ]]; then
        warm "$HEADERLESS"
        W="headerless MP3 (no Xing/LAME tag), 30-60 s"
        HL_SUBSET="$RESULTS/ffprobe-headerless-subset.list0"
        make_subset "$HEADERLESS" "$HL_FFPROBE_SUBSET" "$HL_SUBSET"
        HS_FILES=$(list_files "$HL_SUBSET"); HS_BYTES=$(list_bytes "$HL_SUBSET")
        if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
            DDX_HL_STATE=$(ddx_lossy_summary "$HEADERLESS" "$RESULTS/ddx-headerless.ndjson")
            N=$(ddx_unsupported_note "$DDX_HL_STATE" "$HL_FILES_N")
            bench ddx_hl_nohash ddexprobe "$W, --hash none, --jobs default ($NPROC)" "$HL_FILES_N" "$HL_BYTES" "$RUNS_FAST" both "$N" 0 \
                "$D scan $HEADERLESS --hash none --format ndjson -o /dev/null"
            bench ddx_hl_nohash_j1 ddexprobe "$W, --hash none, --jobs 1" "$HL_FILES_N" "$HL_BYTES" "$RUNS_FAST" both "$N" 0 \
                "$D scan $HEADERLESS --hash none --jobs 1 --format ndjson -o /dev/null"
        else
            skip ddx_hl ddexprobe "$W" "$DDEX_NOTE"
        fi
        if have ffprobe; then
            bench ffprobe_hl ffprobe "$W, -count_packets, one process per file (subset)" "$HS_FILES" "$HS_BYTES" "$RUNS_SLOW" both \
                "ffprobe -v error -count_packets -show_entries stream=nb_read_packets; xargs -0 -n1 over a $HS_FILES-file subset (every k-th file); files/s extrapolated to $HL_FILES_N files" "$HL_FILES_N" \
                "xargs -0 -n1 ffprobe -v error -count_packets -show_entries stream=nb_read_packets < $HL_SUBSET > /dev/null"
        else
            skip ffprobe_hl ffprobe "$W" "ffprobe not installed"
        fi
        if have soxi; then
            bench soxi_hl soxi "$W, -D, all paths as arguments" "$HL_FILES_N" "$HL_BYTES" "$RUNS_SLOW" both \
                "duration only, estimated (wrong, see accuracy below)" 0 \
                "find $HEADERLESS -type f -print0 | sort -z | xargs -0 -s 1048576 soxi -D > /dev/null"
        else
            skip soxi_hl soxi "$W" "soxi not installed"
        fi
    else
        skip headerless "-" "headerless MP3" "no headerless MP3 set generated${LOSSY_KINDS_SKIPPED:+ ($LOSSY_KINDS_SKIPPED)}"
    fi

    # ---- lossy accuracy: total samples reported vs the generation parameters (informational)
    LOSSY_ACCURACY="$RESULTS/lossy-accuracy.txt"
    if [[ -s "$LOSSY_MANIFEST" ]]; then
        log "checking lossy total samples (ddexprobe, soxi) against $LOSSY_MANIFEST"
        python3 - "$LOSSY_MANIFEST" "$CORPUS" "$RESULTS/ddx-lossy.ndjson" "$RESULTS/ddx-headerless.ndjson" \
            "$(have soxi && echo 1 || echo 0)" "$NPROC" > "$LOSSY_ACCURACY" <<'PY'
import json, os, subprocess, sys
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
manifest, corpus, ddx_lossy, ddx_hl, have_soxi, nproc = sys.argv[1:7]
names = OrderedDict([('mp3vbr', 'MP3 VBR (Xing+LAME)'), ('mp3cbr', 'MP3 CBR (Info+LAME)'), ('aac', 'AAC M4A'),
                     ('alac', 'ALAC M4A'), ('vorbis', 'Ogg Vorbis'), ('opus', 'Opus'),
                     ('mp3vbr-headerless', 'headerless MP3 VBR'), ('mp3cbr-headerless', 'headerless MP3 CBR')])
rows = [l.rstrip('\n').split('\t') for l in open(manifest)]
ddx = {}
for path, top in ((ddx_lossy, 'lossy'), (ddx_hl, 'headerless')):
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            ddx[os.path.join(top, r['path'])] = r
def soxi(rel):
    p = subprocess.run(['soxi', '-s', os.path.join(corpus, rel)], capture_output=True, text=True)
    return int(p.stdout.strip()) if p.returncode == 0 and p.stdout.strip().isdigit() else None
sox = {}
if have_soxi == '1':
    readable = [r[0] for r in rows if r[0].endswith(('.mp3', '.ogg'))]
    with ThreadPoolExecutor(max_workers=int(nproc)) as ex:
        sox = dict(zip(readable, ex.map(soxi, readable)))
def summary(tool, got):  # got: rel -> samples or None (not read) or 'unsupported'
    parts = []
    for kind, label in names.items():
        sel = [(r[0], int(r[2]), int(r[3])) for r in rows if r[1] == kind]
        if not sel:
            continue
        vals = [(rel, exp, rate, got.get(rel)) for rel, exp, rate in sel]
        read = [(exp, v, rate) for rel, exp, rate, v in vals if isinstance(v, int)]
        if not read:
            why = 'unsupported_format' if any(v == 'unsupported' for *_, v in vals) else 'not read'
            parts.append(f"{label}: {why} ({len(sel)})")
            continue
        exact = sum(1 for exp, v, _ in read if v == exp)
        s = f"{label}: {exact}/{len(sel)} exact"
        off = [v - exp for exp, v, _ in read if v != exp]
        if off:
            worst = max(off, key=abs)
            rate = read[0][2]
            s += f" (worst {worst:+,} samples = {1000 * worst / rate:+.1f} ms)"
        if len(read) < len(sel):
            s += f", {len(sel) - len(read)} not read"
        parts.append(s)
    print(f"    {tool}: " + "; ".join(parts))
if ddx:
    got = {}
    for rel, *_ in rows:
        r = ddx.get(rel)
        if r is None:
            continue
        codes = [e.get('code') for e in r.get('errors') or []]
        got[rel] = r['totalSamples'] if isinstance(r.get('totalSamples'), int) else ('unsupported' if 'unsupported_format' in codes else None)
    summary('ddexprobe totalSamples', got)
if sox:
    summary('soxi -s', sox)
PY
    fi
fi

# ---- verification (--verify): every frame decoded, against flac -t and an ffmpeg decode
# The same files for every tool: FLAC and WAV files of the catalog, and the lossy catalog.
if section verify; then
    VERIFY_N=$([[ $MODE == quick ]] && echo 100 || echo 400)
    for kind in flac wav; do
        VLIST="$RESULTS/verify-$kind.list0"
        make_subset "$CATALOG" "$VERIFY_N" "$VLIST" -name "*.$kind"
        VF=$(list_files "$VLIST"); VB=$(list_bytes "$VLIST")
        [[ $VF -gt 0 ]] || continue
        W="catalog $kind files, verify"
        if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
            bench "ddx_verify_${kind}_j1" ddexprobe "$W, --verify --hash none, --jobs 1" "$VF" "$VB" "$RUNS_FAST" both "" 0 \
                "xargs -0 $D scan --verify --hash none --jobs 1 -q --format ndjson -o /dev/null < $VLIST"
            bench "ddx_verify_${kind}" ddexprobe "$W, --verify (md5+sha256 too), --jobs default ($NPROC)" "$VF" "$VB" "$RUNS_FAST" both "" 0 \
                "xargs -0 $D scan --verify -q --format ndjson -o /dev/null < $VLIST"
        fi
        if [[ $kind == flac ]] && have flac; then
            bench flac_t flac "$W, flac -t (one process, all files)" "$VF" "$VB" "$RUNS_FAST" both "decode + MD5 check, one core" 0 \
                "xargs -0 flac -t -s < $VLIST"
        fi
        if [[ $kind == wav ]] && have openssl; then
            bench openssl_md5_verify openssl "$W, openssl dgst -md5 (the file hash alone)" "$VF" "$VB" "$RUNS_FAST" both "" 0 \
                "xargs -0 openssl dgst -md5 < $VLIST > /dev/null"
        fi
        if have ffmpeg; then
            bench "ffmpeg_null_${kind}" ffmpeg "$W, ffmpeg -v error -i F -f null - (one process per file)" "$VF" "$VB" "$RUNS_SLOW" both "full decode, no checks of MD5 or frame CRCs" 0 \
                "xargs -0 -I{} ffmpeg -nostdin -v error -i {} -f null - < $VLIST"
        fi
    done
    if [[ $LOSSY_FILES -gt 0 ]]; then
        VLIST="$RESULTS/verify-lossy.list0"
        make_subset "$LOSSY" "$VERIFY_N" "$VLIST"
        VF=$(list_files "$VLIST"); VB=$(list_bytes "$VLIST")
        W="lossy catalog, verify"
        if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
            bench ddx_verify_lossy_j1 ddexprobe "$W, --verify --hash none, --jobs 1" "$VF" "$VB" "$RUNS_FAST" both "" 0 \
                "xargs -0 $D scan --verify --hash none --jobs 1 -q --format ndjson -o /dev/null < $VLIST"
            bench ddx_verify_lossy ddexprobe "$W, --verify --hash none, --jobs default ($NPROC)" "$VF" "$VB" "$RUNS_FAST" both "" 0 \
                "xargs -0 $D scan --verify --hash none -q --format ndjson -o /dev/null < $VLIST"
        fi
        if have ffmpeg; then
            bench ffmpeg_null_lossy ffmpeg "$W, ffmpeg -v error -i F -f null - (one process per file)" "$VF" "$VB" "$RUNS_SLOW" both "full decode" 0 \
                "xargs -0 -I{} ffmpeg -nostdin -v error -i {} -f null - < $VLIST"
        fi
    fi
fi

# ---- a release folder: judged, written as ERN, packaged (copies checked and synced)
RELEASE_FILES=0; RELEASE_BYTES=0
if section release && [[ -f "$CORPUS/.release-complete" ]]; then
    RELEASE_FILES=$(find "$RELEASE" -type f ! -name '*.json' | wc -l)
    RELEASE_BYTES=$(find "$RELEASE" -type f ! -name '*.json' -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
    warm "$RELEASE"
    W="release folder ($RELEASE_TRACKS tracks + cover)"
    ROUT="$BENCH_DIR/release-out"
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        bench ddx_release_check ddexprobe "$W, check --release (MD5 of every file)" "$RELEASE_FILES" "$RELEASE_BYTES" "$RUNS_FAST" both "" 0 \
            "$D check $RELEASE --release --profile youtube --format json -q -o /dev/null"
        bench ddx_release_ern ddexprobe "$W, ern --message --ern 3.4" "$RELEASE_FILES" "$RELEASE_BYTES" "$RUNS_FAST" both "" 0 \
            "$D ern $RELEASE --message --ern 3.4 --profile youtube -q -o /dev/null"
        bench ddx_release_package ddexprobe "$W, package (copies MD5-checked and synced)" "$RELEASE_FILES" "$RELEASE_BYTES" "$RUNS_SLOW" both "" 0 \
            "rm -rf $ROUT && $D package $RELEASE --profile youtube -q -o $ROUT"
    else
        skip ddx_release_check ddexprobe "$W" "$DDEX_NOTE"
    fi
    if have ffprobe && have md5sum; then
        bench shell_release_package "ffprobe+md5sum+cp" "$W, ffprobe per file, md5sum, cp, sync (no XML, no checks)" "$RELEASE_FILES" "$RELEASE_BYTES" "$RUNS_SLOW" both "" 0 \
            "rm -rf $ROUT && mkdir -p $ROUT && for f in $RELEASE/*.wav; do ffprobe -v error -show_entries stream=duration_ts,sample_rate -of csv=p=0 \$f; done > /dev/null && md5sum $RELEASE/*.wav $RELEASE/cover.jpg > /dev/null && cp $RELEASE/*.wav $RELEASE/cover.jpg $ROUT/ && sync"
    else
        skip shell_release_package "ffprobe+md5sum+cp" "$W" "ffprobe or md5sum not installed"
    fi
    rm -rf "$ROUT"
fi

# ---- an ERN message audited against its batch (the release above is not used: own corpus)
AUDIT_FILES=0; AUDIT_BYTES=0; AUDIT_SCHEMA_NOTE=""
if section audit && [[ -f "$CORPUS/.audit-complete" ]]; then
    B34="$AUDIT/batch34/$AUDIT_ICPN"; B43="$AUDIT/batch43/$AUDIT_ICPN"
    MSG34="$B34/$AUDIT_ICPN.xml"; MSG43="$B43/$AUDIT_ICPN.xml"
    ALIST="$RESULTS/audit-files.txt"   # the files the message names (its resources), one a line
    find "$B34/resources" -type f | sort > "$ALIST"
    AUDIT_FILES=$(wc -l < "$ALIST")
    AUDIT_BYTES=$(xargs stat -c %s < "$ALIST" | awk '{s += $1} END {printf "%d", s}')
    warm "$AUDIT/batch34"; warm "$AUDIT/batch43"
    W="ERN 3.4 batch ($AUDIT_TRACKS tracks + cover)"
    XSD34="$SCHEMAS/ern34/release-notification.xsd"
    if [[ -f "$XSD34" ]] && have xmllint; then HAVE_SCHEMAS=1; else
        HAVE_SCHEMAS=0; AUDIT_SCHEMA_NOTE="schemas ($XSD34) or xmllint missing"; fi
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        bench ddx_audit ddexprobe "$W, audit (headers + the message's MD5s)" "$AUDIT_FILES" "$AUDIT_BYTES" "$RUNS_FAST" both "" 0 \
            "$D audit $MSG34 -q --format json -o /dev/null"
        bench ddx_audit_43 ddexprobe "ERN 4.3 batch ($AUDIT_TRACKS tracks + cover), audit (headers + the message's MD5s)" "$AUDIT_FILES" "$AUDIT_BYTES" "$RUNS_FAST" both "" 0 \
            "$D audit $MSG43 -q --format json -o /dev/null"
        if [[ $HAVE_SCHEMAS -eq 1 ]]; then
            bench ddx_audit_schemas ddexprobe "$W, audit --schemas (xmllint included)" "$AUDIT_FILES" "$AUDIT_BYTES" "$RUNS_FAST" both "" 0 \
                "$D audit $MSG34 --schemas $SCHEMAS -q --format json -o /dev/null"
        else
            skip ddx_audit_schemas ddexprobe "$W, audit --schemas" "$AUDIT_SCHEMA_NOTE"
        fi
        bench ddx_audit_verify ddexprobe "$W, audit --verify (every frame decoded)" "$AUDIT_FILES" "$AUDIT_BYTES" "$RUNS_FAST" both "" 0 \
            "$D audit $MSG34 --verify -q --format json -o /dev/null"
    else
        skip ddx_audit ddexprobe "$W" "$DDEX_NOTE"
    fi
    if have md5sum; then
        bench md5sum_audit md5sum "$W, md5sum of every file the message names (hashing alone)" "$AUDIT_FILES" "$AUDIT_BYTES" "$RUNS_FAST" both "" 0 \
            "cat $ALIST | xargs md5sum > /dev/null"
    else
        skip md5sum_audit md5sum "$W" "md5sum not installed"
    fi
    if [[ $HAVE_SCHEMAS -eq 1 ]]; then
        bench xmllint_audit xmllint "$W, xmllint --schema (schema validation alone)" 1 "$(stat -c %s "$MSG34")" "$RUNS_FAST" files "" 0 \
            "xmllint --noout --schema $XSD34 $MSG34"
    else
        skip xmllint_audit xmllint "$W, xmllint --schema" "$AUDIT_SCHEMA_NOTE"
    fi
    if have ffprobe && have md5sum; then
        bench shell_audit "ffprobe+md5sum" "$W, ffprobe per file + md5sum (no comparison with the message)" "$AUDIT_FILES" "$AUDIT_BYTES" "$RUNS_SLOW" both "" 0 \
            "while read -r f; do ffprobe -v error -show_entries stream=duration_ts,sample_rate,channels,bits_per_sample,width,height -of csv=p=0 \$f; done < $ALIST > /dev/null && xargs md5sum < $ALIST > /dev/null"
    else
        skip shell_audit "ffprobe+md5sum" "$W" "ffprobe or md5sum not installed"
    fi
elif section audit; then
    skip ddx_audit ddexprobe "ERN batch ($AUDIT_TRACKS tracks + cover)" "no audit corpus (ddexprobe package makes it): $DDEX_NOTE"
fi

# ---- archive formats: header-only scans of the other formats, and their accuracy
ARCHIVE_FILES=0; ARCHIVE_BYTES=0; ARCHIVE_ACCURACY=""
if section archive && [[ -s "$ARCHIVE_MANIFEST" ]]; then
    ARCHIVE_FILES=$(count_files "$ARCHIVE"); ARCHIVE_BYTES=$(sum_bytes "$ARCHIVE")
    warm "$ARCHIVE"
    W="archive formats"
    ALIST="$RESULTS/archive.list0"
    find "$ARCHIVE" -type f -print0 | sort -z > "$ALIST"
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        "$D" scan "$ARCHIVE" --hash none -q --format ndjson -o "$RESULTS/ddx-archive.ndjson" || true
        bench ddx_archive ddexprobe "$W, --hash none, --jobs default ($NPROC)" "$ARCHIVE_FILES" "$ARCHIVE_BYTES" "$RUNS_FAST" both "" 0 \
            "$D scan $ARCHIVE --hash none -q --format ndjson -o /dev/null"
        bench ddx_archive_j1 ddexprobe "$W, --hash none, --jobs 1" "$ARCHIVE_FILES" "$ARCHIVE_BYTES" "$RUNS_FAST" both "" 0 \
            "$D scan $ARCHIVE --hash none --jobs 1 -q --format ndjson -o /dev/null"
    else
        skip ddx_archive ddexprobe "$W" "$DDEX_NOTE"
    fi
    if have ffprobe; then
        bench ffprobe_archive ffprobe "$W, one process per file" "$ARCHIVE_FILES" "$ARCHIVE_BYTES" "$RUNS_SLOW" both "" 0 \
            "xargs -0 -n1 ffprobe -v error -show_format -show_streams < $ALIST > /dev/null"
    else
        skip ffprobe_archive ffprobe "$W" "ffprobe not installed"
    fi
    if have mediainfo; then
        bench mediainfo_archive mediainfo "$W, directory, JSON" "$ARCHIVE_FILES" "$ARCHIVE_BYTES" "$RUNS_SLOW" both "one process" 0 \
            "mediainfo --Output=JSON $ARCHIVE > /dev/null"
    else
        skip mediainfo_archive mediainfo "$W" "mediainfo not installed"
    fi
    # Accuracy: each tool's sample count against ffmpeg's decode of the same file.
    ARCHIVE_ACCURACY="$RESULTS/archive-accuracy.txt"
    log "checking archive sample counts (ddexprobe, ffprobe, mediainfo) against ffmpeg's decode"
    python3 - "$ARCHIVE_MANIFEST" "$CORPUS" "$RESULTS/ddx-archive.ndjson" "$(have ffprobe && echo 1 || echo 0)" \
        "$(have mediainfo && echo 1 || echo 0)" "$NPROC" > "$ARCHIVE_ACCURACY" <<'PY'
import json, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
manifest, corpus, ddx_path, have_ffprobe, have_mi, nproc = sys.argv[1:7]
rows = [l.rstrip("\n").split("\t") for l in open(manifest) if l.strip()]
ref = {r[0]: int(r[2]) for r in rows}
kinds = []
for r in rows:
    if r[1] not in kinds:
        kinds.append(r[1])
ddx = {}
if os.path.exists(ddx_path):
    for line in open(ddx_path):
        r = json.loads(line)
        if "path" in r and isinstance(r.get("totalSamples"), int):
            ddx[os.path.join("archive", r["path"])] = r["totalSamples"]
def ffprobe(rel):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                          "stream=duration_ts,time_base,sample_rate:format=duration", "-of", "json",
                          os.path.join(corpus, rel)], capture_output=True, text=True).stdout
    try:
        j = json.loads(out)
        st = j["streams"][0]
        rate = int(st["sample_rate"])
        if st.get("duration_ts") not in (None, "N/A"):
            return round(int(st["duration_ts"]) * Fraction(st["time_base"]) * rate)
        return round(Fraction(j["format"]["duration"]) * rate)
    except (KeyError, ValueError, IndexError, TypeError):
        return None
def mediainfo(rel):
    out = subprocess.run(["mediainfo", "--Output=JSON", os.path.join(corpus, rel)], capture_output=True, text=True).stdout
    try:
        for t in json.loads(out)["media"]["track"]:
            if t.get("@type") == "Audio":
                if "SamplingCount" in t:
                    return int(t["SamplingCount"])
                return round(Fraction(t["Duration"]) * int(t["SamplingRate"]))
    except (KeyError, ValueError, TypeError):
        pass
    return None
tools = [("ddexprobe totalSamples", ddx)]
with ThreadPoolExecutor(max_workers=int(nproc)) as ex:
    if have_ffprobe == "1":
        tools.append(("ffprobe duration_ts", dict(zip(ref, ex.map(ffprobe, ref)))))
    if have_mi == "1":
        tools.append(("mediainfo SamplingCount", dict(zip(ref, ex.map(mediainfo, ref)))))
for tool, got in tools:
    parts, total = [], 0
    for kind in kinds:
        sel = [rel for rel, _k, *_ in rows if _k == kind]
        exact = sum(1 for rel in sel if got.get(rel) == ref[rel])
        total += exact
        unread = sum(1 for rel in sel if got.get(rel) is None)
        parts.append(f"{kind} {exact}/{len(sel)}" + (f" ({unread} not read)" if unread else ""))
    print(f"    {tool}: {total}/{len(rows)} exact; " + ", ".join(parts))
PY
fi

# ---- QC (--qc): loudness (BS.1770-4 / EBU R 128), loudness range and true peak of one
# programme, ddexprobe against ffmpeg's ebur128 filter, one core each, on the same files:
# WAV 16/44.1 stereo, its FLAC and a 320k MP3 (one file per command; ffmpeg takes one
# input per process anyway). Then what MD5+SHA-256 add to --qc (WAV, FLAC): the target
# is --qc --hash md5,sha256 <= 1.3x --qc --hash none.
QC_FILES_LIST=""
rm -f "$RESULTS"/ddx-qc.ndjson
if section qc; then
    W="QC, one ${QC_SECONDS} s programme"
    DDX_QC_NOTE=""
    if [[ $HAVE_DDEXPROBE -eq 1 ]] && ! "$D" scan --help 2>/dev/null | grep -q -- '--qc'; then
        DDX_QC_NOTE="this binary has no --qc option"
    fi
    warm "$QCDIR"
    if [[ $HAVE_DDEXPROBE -eq 1 && -z "$DDX_QC_NOTE" ]]; then
        # the readings themselves, once, for the report (the timed runs write to /dev/null)
        "$D" scan --qc --hash none -j1 -q --format ndjson -o "$RESULTS/ddx-qc.ndjson" "$QCDIR" || true
    fi
    for kind in wav flac mp3; do
        F="$QCDIR/qc.$kind"
        case $kind in
            wav) label="WAV 16/44.1 stereo" ;;
            flac) label="FLAC 16/44.1 stereo (flac -5)" ;;
            mp3) label="MP3 320k (${QC_MP3_ENC:-none})" ;;
        esac
        if [[ ! -f "$F" ]]; then
            skip "qc_$kind" "-" "$W, $label" "${QC_MP3_NOTE:-$F not generated}"
            continue
        fi
        QC_FILES_LIST+="$kind "
        FB=$(stat -c %s "$F")
        if [[ $HAVE_DDEXPROBE -eq 0 ]]; then
            skip "ddx_qc_$kind" ddexprobe "$W, $label" "$DDEX_NOTE"
        elif [[ -n "$DDX_QC_NOTE" ]]; then
            skip "ddx_qc_$kind" ddexprobe "$W, $label" "$DDX_QC_NOTE"
        else
            bench "ddx_qc_$kind" ddexprobe "$W, $label: scan --qc --hash none, --jobs 1" 1 "$FB" "$RUNS_QC" mb "" 0 \
                "$D scan --qc --hash none -j1 -q --format ndjson -o /dev/null $F"
        fi
        if have ffmpeg; then
            bench "ffmpeg_qc_$kind" ffmpeg "$W, $label: -af ebur128=peak=true, -threads 1 -filter_threads 1" 1 "$FB" "$RUNS_QC" mb \
                "decode + EBU R 128 meter with true peak" 0 \
                "ffmpeg -nostdin -threads 1 -filter_threads 1 -i $F -af ebur128=peak=true -f null -"
        else
            skip "ffmpeg_qc_$kind" ffmpeg "$W, $label" "ffmpeg not installed"
        fi
        if [[ $kind != mp3 && $HAVE_DDEXPROBE -eq 1 && -z "$DDX_QC_NOTE" ]]; then
            bench "ddx_qc_hash_$kind" ddexprobe "$W, $label: scan --qc --hash md5,sha256, --jobs 1" 1 "$FB" "$RUNS_QC" mb "" 0 \
                "$D scan --qc --hash md5,sha256 -j1 -q --format ndjson -o /dev/null $F"
        fi
    done
fi

# ---- object storage: a bucket on moto's S3 server behind scripts/latency-proxy.py
# (20 ms added to every request), scanned header-only with --io-concurrency 1, 8
# and 64, then with digests; the proxy counts requests and bytes. Needs a binary
# built with `--features remote` (DDEXPROBE_REMOTE, default $DDEXPROBE, built with
# `cargo build --release --features remote` when it lacks the feature) and moto.
REMOTE_MD="$RESULTS/remote.md"
rm -f "$REMOTE_MD"
if section remote; then
    mkdir -p "$RESULTS"; touch "$ROWS"
    DR="${DDEXPROBE_REMOTE:-$DDEXPROBE}"
    if ! "$DR" --version 2>/dev/null | grep -q 'remote'; then
        if [[ $NO_BUILD -eq 0 ]] && have cargo; then
            log "building ddexprobe with --features remote"
            cargo build --release --features remote >&2 || die "cargo build --features remote failed"
            DR="$REPO_ROOT/target/release/ddexprobe"
        fi
    fi
    if ! "$DR" --version 2>/dev/null | grep -q 'remote'; then
        echo "remote: SKIPPED: no binary built with --features remote" > "$REMOTE_MD"
    elif ! python3 -c 'import moto.server' 2>/dev/null; then
        echo "remote: SKIPPED: moto is not installed (python3 -m pip install 'moto[server]')" > "$REMOTE_MD"
    else
        REMOTE_OBJECTS=$([[ $QUICK -eq 1 ]] && echo 200 || echo 1000)
        free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
        MOTO_PORT=$(free_port); PROXY_PORT=$(free_port)
        python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" > "$RESULTS/moto.log" 2>&1 &
        MOTO_PID=$!
        python3 "$REPO_ROOT/scripts/latency-proxy.py" "$PROXY_PORT" "$MOTO_PORT" 20 "$RESULTS/proxy.json" &
        PROXY_PID=$!
        trap 'kill $MOTO_PID $PROXY_PID 2>/dev/null || true' EXIT
        for _ in $(seq 100); do
            python3 -c "import socket; socket.create_connection(('127.0.0.1',$MOTO_PORT),1)" 2>/dev/null && break
            sleep 0.2
        done
        # REMOTE_OBJECTS byte-unique WAVs of 1 s (16-bit 44.1 kHz stereo, 176,444 bytes)
        # in 10 folders, uploaded with plain PUTs; the same files on disk.
        log "remote: uploading $REMOTE_OBJECTS objects to moto on port $MOTO_PORT"
        python3 - "$MOTO_PORT" "$REMOTE_OBJECTS" "$WORK/remote-copy" <<'PY'
import http.client, os, struct, sys
port, n, copy = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def put(path, body):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("PUT", path, body)
    r = c.getresponse(); r.read()
    assert r.status == 200, (path, r.status)
put("/bench", b"")
data_len = 44100 * 4
for i in range(n):
    data = bytes((i * 31 + j) & 0xFF for j in range(256)) * (data_len // 256) + bytes(data_len % 256)
    fmt = struct.pack("<HHIIHH", 1, 2, 44100, 176400, 4, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", data_len) + data
    wav = b"RIFF" + struct.pack("<I", len(body)) + body
    rel = f"folder{i % 10:02d}/{i:05d}.wav"
    put(f"/bench/catalog/{rel}", wav)
    os.makedirs(os.path.join(copy, os.path.dirname(rel)), exist_ok=True)
    with open(os.path.join(copy, rel), "wb") as f:
        f.write(wav)
PY
        remote_run() { # LABEL PORT ARGS... -> a TSV row: label, seconds, cpu s, requests, bytes
            local label=$1 port=$2; shift 2
            local before after t0 t1 cpu
            sleep 0.3; before=$(cat "$RESULTS/proxy.json")
            t0=$(date +%s.%N)
            /usr/bin/time -f '%U %S' -o "$RESULTS/remote.time" env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
                AWS_REGION=us-east-1 "$DR" scan -q --format ndjson s3://bench/catalog \
                --endpoint "http://127.0.0.1:$port" "$@" > "$RESULTS/remote-$label.ndjson"
            t1=$(date +%s.%N)
            sleep 0.3; after=$(cat "$RESULTS/proxy.json")
            cpu=$(awk '{print $1 + $2}' "$RESULTS/remote.time")
            python3 -c 'import json,sys; a,b=json.loads(sys.argv[1]),json.loads(sys.argv[2]); print("\t".join([sys.argv[3], f"{float(sys.argv[5])-float(sys.argv[4]):.3f}", sys.argv[6], str(b["requests"]-a["requests"]), str(b["bytes_down"]-a["bytes_down"])]))' \
                "$before" "$after" "$label" "$t0" "$t1" "$cpu"
        }
        {
            for c in 1 8 64; do
                remote_run "c$c" "$PROXY_PORT" --hash none --io-concurrency "$c"
            done
            remote_run "hash" "$PROXY_PORT" --hash md5,sha256 --io-concurrency 64
            remote_run "direct" "$MOTO_PORT" --hash none --io-concurrency 64
        } > "$RESULTS/remote.tsv"
        t0=$(date +%s.%N)
        /usr/bin/time -f '%U %S' -o "$RESULTS/local.time" "$DR" scan -q --format ndjson --hash none "$WORK/remote-copy" > "$RESULTS/remote-local.ndjson"
        t1=$(date +%s.%N)
        kill $MOTO_PID $PROXY_PID 2>/dev/null || true
        trap - EXIT
        LOCAL_CPU=$(awk '{print $1 + $2}' "$RESULTS/local.time")
        LOCAL_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
        SAME=$(cmp -s "$RESULTS/remote-c64.ndjson" "$RESULTS/remote-local.ndjson" && echo yes || echo NO)
        python3 - "$RESULTS/remote.tsv" "$REMOTE_OBJECTS" "$LOCAL_S" "$LOCAL_CPU" "$SAME" "$NPROC" > "$REMOTE_MD" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
n, local_s, local_cpu, same, nproc = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
labels = {"c1": "header-only, --io-concurrency 1", "c8": "header-only, --io-concurrency 8",
          "c64": "header-only, --io-concurrency 64", "hash": "--hash md5,sha256, --io-concurrency 64",
          "direct": "header-only, --io-concurrency 64, no added latency"}
print(f"### Object storage ({n} objects of 176,444 bytes in 10 folders on moto's S3 server; 20 ms added per request; {nproc} cores)")
print()
print("| Run | Wall (s) | Files/s | CPU (s) | Requests | Requests/object | Bytes received/object |")
print("|---|---:|---:|---:|---:|---:|---:|")
for label, wall, cpu, req, down in rows:
    wall, cpu, req, down = float(wall), float(cpu), int(req), int(down)
    per = "n/a (not proxied)" if label == "direct" else f"{req / n:.2f}"
    byt = "n/a" if label == "direct" else f"{down / n:,.0f}"
    print(f"| {labels[label]} | {wall:.2f} | {n / wall:,.0f} | {cpu:.2f} | {req if label != 'direct' else 'n/a'} | {per} | {byt} |")
print(f"| the local copy, header-only | {local_s:.2f} | {n / local_s:,.0f} | {local_cpu:.2f} | | | |")
print()
print(f"Records of the bucket (--io-concurrency 64) identical to the local copy's: {same}.")
print("Requests include the listing (one per folder and one for the prefix); bytes include HTTP headers.")
PY
    fi
fi

# ---------------------------------------------------------------- report
first_line() { if have "$1"; then "$@" 2>&1 | head -n 1; else echo "not installed"; fi; }
VERSIONS_FILE="$RESULTS/versions.tsv"
{
    if [[ $HAVE_DDEXPROBE -eq 1 ]]; then
        printf 'ddexprobe\t%s\n' "$("$D" --version 2>/dev/null | head -n 1 || true) ($D)"
    else
        printf 'ddexprobe\tnot available\n'
    fi
    printf 'ffprobe\t%s\n' "$(first_line ffprobe -version)"
    printf 'ffmpeg\t%s\n' "$(first_line ffmpeg -version)"
    printf 'mediainfo\t%s\n' "$(if have mediainfo; then mediainfo --version | tr '\n' ' ' | sed 's/  */ /g; s/ $//'; else echo 'not installed'; fi)"
    printf 'sox\t%s\n' "$(first_line sox --version)"
    printf 'exiftool\t%s\n' "$(if have exiftool; then echo "exiftool $(exiftool -ver)"; else echo 'not installed'; fi)"
    printf 'openssl\t%s\n' "$(first_line openssl version)"
    printf 'md5sum/sha256sum\t%s\n' "$(first_line md5sum --version)"
    printf 'hyperfine\t%s\n' "$(first_line hyperfine --version)"
    printf 'lossy corpus encoders\t%s; %s; %s; ffmpeg (AAC, ALAC)\n' "$(first_line lame --version)" \
        "$(first_line oggenc --version)" "$(first_line opusenc --version)"
} > "$VERSIONS_FILE"

CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
MEM_TOTAL=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
LOAD_AFTER=$(cpu_busy)
RECLAIM_NOTE=""
if grep -qs '^on$' /sys/kernel/mm/damon/admin/kdamonds/*/state; then
    RECLAIM_NOTE="DAMON proactive reclaim is on here (page cache idle for about a minute is paged out), which is why every command gets its own hyperfine warm-up run."
fi
FS_TYPE=$(df -PT "$BENCH_DIR" | awk 'NR == 2 {print $2}')

export RECLAIM_NOTE LOAD_BEFORE LOAD_AFTER MODE NPROC CPU_MODEL MEM_TOTAL FS_TYPE BENCH_DIR RESULTS CAT_FILES CAT_BYTES LONG_FILES LONG_BYTES \
    TINY_FILES_N LONG_WAVS LONG_WAV_SECONDS LONG_FLAC_SECONDS RUNS_FAST RUNS_SLOW RUNS_LONG \
    LOSSY_FILES LOSSY_BYTES HL_FILES_N HL_BYTES HL_SOURCES LOSSY_KINDS_SKIPPED LOSSY_ACCURACY \
    ARCHIVE_FILES ARCHIVE_BYTES ARCHIVE_PER_KIND ARCHIVE_ACCURACY RELEASE_FILES RELEASE_BYTES RELEASE_TRACKS \
    AUDIT_FILES AUDIT_BYTES AUDIT_TRACKS AUDIT_SCHEMA_NOTE
export SHARD_SIZE ONLY QC_SECONDS RUNS_QC QCDIR QC_FILES_LIST="${QC_FILES_LIST:-}" QC_MP3_ENC="${QC_MP3_ENC:-}"
export DDX_LOSSY_STATE="${DDX_LOSSY_STATE:-}" DDX_HL_STATE="${DDX_HL_STATE:-}"
BENCH_DATE=$(date -u +%Y-%m-%dT%H:%MZ) KERNEL=$(uname -r) python3 - "$ROWS" "$VERSIONS_FILE" "$REPORT" <<'PY'
import json, os, re, sys
E = os.environ
rows_path, versions_path, report_path = sys.argv[1:4]
out = []
p = out.append
only = [x for x in E.get("ONLY", "").split(",") if x]
def ran(section):  # whether the section was measured (all of them without --only)
    return not only or section in only
p(f"## ddexprobe benchmark ({E['MODE']} corpus, {E['BENCH_DATE']})" + (f", sections: {', '.join(only)}" if only else ""))
p("")
p(f"Machine: {E['NPROC']} CPUs (nproc), {E['CPU_MODEL']}, {E['MEM_TOTAL']} RAM, kernel {E['KERNEL']}, "
  f"work dir on {E['FS_TYPE']} ({E['BENCH_DIR']}); CPU busy (all CPUs, 1 s sample) just before/after the "
  f"measurements: {E['LOAD_BEFORE']} / {E['LOAD_AFTER']} (other load on the machine skews the wall times)")
p("")
p("Tool versions:")
p("")
for line in open(versions_path):
    tool, ver = line.rstrip("\n").split("\t", 1)
    p(f"- {tool}: {ver}")
p("")
p("Corpus (generated once by scripts/bench.sh; synthetic sine+noise audio):")
p("")
if ran("catalog") or ran("verify"):
    p(f"- catalog: {E['CAT_FILES']} files, {int(E['CAT_BYTES'])/1e6:.0f} MB, artist_NN/album_N/NN-track.ext; format per album: "
      "WAV 16/44.1 (45 %), WAV 24/48 (15 %), FLAC 16/44.1 (20 %), FLAC 24/48 (10 %), AIFF 16/44.1 (10 %); 2-4 s each. "
      "Built from 25 distinct sources, but every file is byte-unique (WAV: LIST/INFO chunk, AIFF: NAME chunk, "
      "FLAC: Vorbis comments with artist/album/track)")
if ran("long"):
    p(f"- long files: {E['LONG_FILES']} files, {int(E['LONG_BYTES'])/1e6:.0f} MB: {E['LONG_WAVS']} WAV 24/48 stereo of "
      f"{E['LONG_WAV_SECONDS']} s and one FLAC 16/44.1 of {E['LONG_FLAC_SECONDS']} s")
if ran("tiny"):
    p(f"- tiny files: {E['TINY_FILES_N']} files of 0.1 s in one directory (hard links of 4 sources: WAV 16, WAV 24, FLAC, AIFF)")
if int(E['LOSSY_FILES']):
    p(f"- lossy catalog: {E['LOSSY_FILES']} files, {int(E['LOSSY_BYTES'])/1e6:.0f} MB, artist_NN/album_N/NN-track.ext; format per album: "
      "MP3 VBR lame -V2 with Xing+LAME tag (25 %), MP3 CBR lame -b 192 with Info+LAME tag (15 %), AAC 256k M4A (25 %), "
      "ALAC 24/48 M4A (15 %), Ogg Vorbis oggenc -q5 (10 %), Opus opusenc (10 %); 3-5 s each. Byte-unique: MP3 with an ID3v2 tag, "
      "Vorbis/Opus encoded per file with their own tags, M4A remuxed per file (ffmpeg -c copy) with their own tags, "
      "moov before mdat on every other album")
if int(E['HL_FILES_N']):
    p(f"- headerless MP3: {E['HL_FILES_N']} files, {int(E['HL_BYTES'])/1e6:.0f} MB, 30-60 s each, without Xing/LAME tag (lame -t; "
      f"{E['HL_SOURCES']} sources, alternately VBR -V2 and CBR 128k); ID3v2 tag on every file, ID3v1 on every other one, "
      "so the duration needs a walk over every frame header")
if E.get('LOSSY_KINDS_SKIPPED'):
    p(f"- not generated: {E['LOSSY_KINDS_SKIPPED']}")
if ran("archive") and int(E.get('ARCHIVE_FILES', '0')):
    p(f"- archive formats: {E['ARCHIVE_FILES']} files, {int(E['ARCHIVE_BYTES'])/1e6:.1f} MB, {E['ARCHIVE_PER_KIND']} per kind, 2-5 s: "
      "W64 24/48, CAF PCM and ALAC, AU, TTA, AC-3, E-AC-3, ADTS AAC, WMA (wmav2), MKA FLAC and Vorbis, WebM Opus "
      "(ffmpeg), WavPack (wavpack CLI)")
if ran("release") and int(E.get('RELEASE_FILES', '0')):
    p(f"- release folder: {E['RELEASE_TRACKS']} tracks of 4 minutes (16-bit 44.1 kHz stereo WAV, pink noise) and a "
      f"3000x3000 JPEG cover, {int(E['RELEASE_BYTES'])/1e6:.1f} MB, with sidecars and release.json")
if ran("audit") and int(E.get('AUDIT_FILES', '0')):
    p(f"- audit batch: a release of {E['AUDIT_TRACKS']} tracks of 10 s (16-bit 44.1 kHz stereo WAV, pink noise, each "
      f"byte-unique) and a 3000x3000 JPEG cover, {E['AUDIT_FILES']} files, {int(E['AUDIT_BYTES'])/1e6:.1f} MB, packaged "
      "by ddexprobe package --profile youtube as ERN 3.4 and ERN 4.3; the audit reads the message and measures every file "
      "it names once, with the digests it states (MD5)"
      + (f"; schema rows skipped: {E['AUDIT_SCHEMA_NOTE']}" if E.get('AUDIT_SCHEMA_NOTE') else ""))
if ran("qc"):
    qdir = E["QCDIR"]
    sizes = {k: os.path.getsize(os.path.join(qdir, f"qc.{k}")) for k in ("wav", "flac", "mp3")
             if os.path.exists(os.path.join(qdir, f"qc.{k}"))}
    p(f"- QC programme: one {E['QC_SECONDS']} s programme, 16-bit 44.1 kHz stereo (tones with tremolo, two more partials, "
      "low-level noise, a slow 4 dB swell; peaks about -5 dBFS): "
      + ", ".join(f"{k.upper()} {b / 1e6:.1f} MB" for k, b in sizes.items())
      + f" (FLAC: flac -5; MP3: 320k, {E.get('QC_MP3_ENC') or 'not generated'})")
p("")
p("Method: warm page cache (every file read once before each section, plus one hyperfine warm-up run); wall time is "
  f"the hyperfine mean ± σ over {E['RUNS_FAST']} (fast commands) / {E['RUNS_SLOW']} (slow peers, tiny files) / "
  f"{E['RUNS_LONG']} (long files) / {E['RUNS_QC']} (QC) runs; CPU = mean user+sys; peak RSS = maximum resident set of the largest process "
  "in one extra run under /usr/bin/time -v (it includes file pages mapped with mmap). files/s = files / mean wall; MB/s = 10^6 bytes / mean wall. "
  "ddexprobe writes NDJSON (JSON for audit reports) to /dev/null, peers write to /dev/null. " + E.get("RECLAIM_NOTE", ""))
p("")

def fmt_rate(x):
    return f"{x:,.0f}" if x >= 100 else (f"{x:.1f}" if x >= 10 else f"{x:.2f}")

def human_kb(kb):
    return f"{kb/1024:.1f} MiB" if kb >= 1024 else f"{kb} KiB"

p("| Tool | Workload | Files | Mean wall | Throughput | CPU user+sys | Peak RSS | Notes |")
p("|---|---|---:|---:|---:|---:|---:|---|")
res = {}
for line in open(rows_path):
    rid, tool, workload, files, nbytes, kind, jpath, rss, rc, note, extrap, busy_s, elapsed_s = line.rstrip("\n").split("\t")
    if not jpath:
        p(f"| {tool} | {workload} | | | | | | {note} |")
        continue
    r = json.load(open(jpath))["results"][0]
    files, nbytes, extrap = int(files), int(nbytes), int(extrap)
    mean, sd, cpu = r["mean"], r["stddev"] or 0.0, r["user"] + r["system"]
    res[rid] = dict(mean=mean, cpu=cpu, bytes=nbytes, files=files, rc=int(rc or 0))
    fps, mbs = files / mean, nbytes / 1e6 / mean
    thr = {"files": f"{fmt_rate(fps)} files/s", "mb": f"{fmt_rate(mbs)} MB/s",
           "both": f"{fmt_rate(fps)} files/s ({fmt_rate(mbs)} MB/s)"}[kind]
    notes = [note] if note else []
    fcol = f"{files:,}"
    if extrap:
        fcol = f"{files:,} of {extrap:,}"
        notes.append(f"est. {extrap / fps:,.1f} s for all {extrap:,} files")
    if kind == "mb":
        notes.append(f"CPU {cpu / nbytes * 1e9:.2f} ns/byte")
    # other processes' CPU use during the hyperfine run (warm-up + timed runs)
    if busy_s and elapsed_s and float(elapsed_s) > 0:
        own = cpu * (len(r["times"]) + 1)
        other_s = max(0.0, float(busy_s) - own)
        other = other_s / float(elapsed_s)
        if other_s < 0.5:  # too short to tell (hyperfine's own work, 10 ms ticks)
            other = 0.0
        res[rid]["other"] = other
        if other >= 0.15:
            notes.append(f"**other load ≈ {other:.1f} CPU during this measurement**")
    rss_col = human_kb(int(rss)) if rss else ""
    p(f"| {tool} | {workload} | {fcol} | {mean:.3f} s ± {sd:.3f} | {thr} | {cpu:.2f} s | {rss_col} | {'; '.join(notes)} |")
p("")

d1, om, osha, d2 = (res.get(k) for k in ("ddx_long_both_j1", "openssl_md5", "openssl_sha256", "ddx_long_both_j2"))
if ran("long"):
    p("Target checks (long files):")
    p("")
    if d1 and om and osha:
        a = d1["cpu"] / d1["bytes"] * 1e9
        m, s = om["cpu"] / om["bytes"] * 1e9, osha["cpu"] / osha["bytes"] * 1e9
        ok = a <= 1.2 * (m + s) and d1["rc"] == 0
        p(f"    {'PASS' if ok else 'FAIL'} cpu/byte: ddexprobe md5+sha256 --jobs 1 = {a:.3f} ns/B; openssl md5 + openssl sha256 = "
          f"{m + s:.3f} ns/B ({m:.3f} + {s:.3f}); ratio {a / (m + s):.2f}x (target <= 1.20x)")
    else:
        p("    SKIP cpu/byte: needs ddexprobe and openssl results")
    if d2 and om:
        ok = d2["mean"] < om["mean"] and d2["rc"] == 0
        loaded = [n for n, x in (("ddexprobe --jobs 2", d2), ("openssl md5", om)) if x.get("other", 0) >= 0.15]
        p(f"    {'PASS' if ok else 'FAIL'} wall: ddexprobe md5+sha256 --jobs 2 = {d2['mean']:.3f} s; openssl dgst -md5 = "
          f"{om['mean']:.3f} s (ratio {d2['mean'] / om['mean']:.2f}x, target < 1.00x)"
          + (f" [unreliable: other load during {', '.join(loaded)}]" if loaded else ""))
    else:
        p("    SKIP wall: needs ddexprobe and openssl results")
    p("")

def ddx_state(key):  # "recognised unsupported errors" from one ndjson run of the binary
    v = E.get(key, "").split()
    return tuple(map(int, v)) if len(v) == 3 else None

def flags(*pairs):
    loaded = [n for n, x in pairs if x.get("other", 0) >= 0.15]
    return f" [unreliable: other load during {', '.join(loaded)}]" if loaded else ""

if ran("lossy") and (int(E['LOSSY_FILES']) or int(E['HL_FILES_N'])):
    p("Target checks (lossy formats):")
    p("")
    dl, dl1, sl = (res.get(k) for k in ("ddx_lossy_nohash", "ddx_lossy_nohash_j1", "soxi_lossy"))
    st = ddx_state("DDX_LOSSY_STATE")
    prov = (f" [provisional: this binary reports unsupported_format for {st[1]} of {E['LOSSY_FILES']} files, "
            "which it rejects without probing them]" if st and st[1] else "")
    if dl and sl:
        r = (dl["files"] / dl["mean"]) / (sl["files"] / sl["mean"])
        extra = f"; --jobs 1: {dl1['files'] / dl1['mean']:,.0f} files/s ({(dl1['files'] / dl1['mean']) / (sl['files'] / sl['mean']):.2f}x)" if dl1 else ""
        p(f"    {'PASS' if r >= 1.0 else 'FAIL'} lossy catalog header-only >= soxi files/s: ddexprobe --hash none (--jobs default) = "
          f"{dl['files'] / dl['mean']:,.0f} files/s; soxi -D on the same files = {sl['files'] / sl['mean']:,.0f} files/s "
          f"(ratio {r:.2f}x, target >= 1.00x{extra})" + prov + flags(("ddexprobe", dl), ("soxi", sl)))
    else:
        p("    SKIP lossy catalog header-only >= soxi files/s: needs ddexprobe and soxi results")
    dh, dh1, fh = (res.get(k) for k in ("ddx_hl_nohash", "ddx_hl_nohash_j1", "ffprobe_hl"))
    st = ddx_state("DDX_HL_STATE")
    prov = (f" [provisional: this binary reports unsupported_format for {st[1]} of {E['HL_FILES_N']} files, "
            "which it rejects without walking their frames]" if st and st[1] else "")
    if dh and fh:
        fps_f = fh["files"] / fh["mean"]
        r = (dh["files"] / dh["mean"]) / fps_f
        extra = f"; --jobs 1: {(dh1['files'] / dh1['mean']) / fps_f:,.1f}x" if dh1 else ""
        p(f"    {'PASS' if r >= 10.0 else 'FAIL'} headerless MP3 frame walk >= 10x ffprobe -count_packets: ddexprobe --hash none "
          f"(--jobs default) = {dh['files'] / dh['mean']:,.0f} files/s ({dh['bytes'] / 1e6 / dh['mean']:,.0f} MB/s); "
          f"ffprobe -count_packets, one process per file = {fps_f:,.1f} files/s "
          f"(est. {int(E['HL_FILES_N']) / fps_f:,.1f} s for the set; ratio {r:,.1f}x, target >= 10x{extra})"
          + prov + flags(("ddexprobe", dh), ("ffprobe", fh)))
    else:
        p("    SKIP headerless MP3 frame walk >= 10x ffprobe -count_packets: needs ddexprobe and ffprobe results")
    acc = E.get("LOSSY_ACCURACY", "")
    if acc and os.path.exists(acc) and os.path.getsize(acc):
        p("")
        p("Lossy accuracy (total samples vs the generation parameters: source length for the tagged files, "
          "ffprobe -count_packets x 1152 for headerless MP3; informational, exact = same sample count):")
        p("")
        for line in open(acc):
            p(line.rstrip("\n"))
    p("")

acc = E.get("ARCHIVE_ACCURACY", "")
if ran("archive") and acc and os.path.exists(acc) and os.path.getsize(acc):
    p("Archive formats accuracy (sample count against ffmpeg's decode of the same file; exact = same count; "
      "ffmpeg outputs whole AC-3/E-AC-3/AAC/WMA frames, ddexprobe what the container declares, so the lossy kinds "
      "measure agreement with a decoder, not truth):")
    p("")
    for line in open(acc):
        p(line.rstrip("\n"))
    p("")

def summary_of_ffmpeg(path):  # I, LRA, true peak from the Summary ebur128 prints at the end
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None
    text = text[text.rfind("Summary:"):] if "Summary:" in text else ""
    num = r"(-?inf|nan|-?[0-9]+(?:\.[0-9]+)?)"
    got = {}
    for key, pat in (("I", r"\bI:\s+" + num + r" LUFS"), ("LRA", r"\bLRA:\s+" + num + r" LU\b"),
                     ("TP", r"\bPeak:\s+" + num + r" dBFS")):
        m = re.search(pat, text)
        got[key] = float(m.group(1)) if m else None
    return got if any(v is not None for v in got.values()) else None

if ran("qc"):
    qc_kinds = E.get("QC_FILES_LIST", "").split()
    labels = {"wav": "WAV 16/44.1", "flac": "FLAC 16/44.1", "mp3": "MP3 320k"}
    secs = float(E["QC_SECONDS"])
    p(f"QC (--qc): ffmpeg -af ebur128=peak=true against ddexprobe scan --qc, one core each (ddexprobe --jobs 1; "
      f"ffmpeg -threads 1 -filter_threads 1), on the same {E['QC_SECONDS']} s files; ratio = ffmpeg time / ddexprobe time "
      "(above 1: ddexprobe is faster):")
    p("")
    for kind in ("wav", "flac", "mp3"):
        d, f = res.get(f"ddx_qc_{kind}"), res.get(f"ffmpeg_qc_{kind}")
        if kind not in qc_kinds:
            p(f"    SKIP {labels[kind]}: file not generated")
        elif d and f:
            p(f"    RATIO {labels[kind]}: ffmpeg = {f['mean']:.3f} s wall, {f['cpu']:.2f} s CPU; ddexprobe --qc --hash none = "
              f"{d['mean']:.3f} s wall, {d['cpu']:.2f} s CPU ({secs / d['mean']:,.0f}x real time); "
              f"ffmpeg / ddexprobe = {f['mean'] / d['mean']:.2f}x wall, {f['cpu'] / d['cpu']:.2f}x CPU"
              + ("" if d["rc"] == 0 and f["rc"] == 0 else f" [exit status: ddexprobe {d['rc']}, ffmpeg {f['rc']}]")
              + flags(("ddexprobe", d), ("ffmpeg", f)))
        else:
            p(f"    SKIP {labels[kind]}: needs ddexprobe (with --qc) and ffmpeg results")
    for kind in ("wav", "flac"):
        h, d = res.get(f"ddx_qc_hash_{kind}"), res.get(f"ddx_qc_{kind}")
        if kind not in qc_kinds:
            continue
        if h and d:
            r, rc = h["mean"] / d["mean"], h["cpu"] / d["cpu"]
            ok = r <= 1.3 and rc <= 1.3 and h["rc"] == 0 and d["rc"] == 0
            p(f"    {'PASS' if ok else 'FAIL'} {labels[kind]} --qc --hash md5,sha256 <= 1.3x --qc --hash none (--jobs 1): "
              f"{h['mean']:.3f} s vs {d['mean']:.3f} s wall ({r:.2f}x), {h['cpu']:.2f} s vs {d['cpu']:.2f} s CPU ({rc:.2f}x); "
              "target <= 1.30x for both" + flags(("md5+sha256", h), ("--hash none", d)))
        else:
            p(f"    SKIP {labels[kind]} --qc with md5+sha256 <= 1.3x --qc alone: needs ddexprobe (with --qc) results")
    # what each tool read from the files: the two runs measured the same thing
    readings = {}
    qc_nd = os.path.join(E["RESULTS"], "ddx-qc.ndjson")
    if os.path.exists(qc_nd):
        for line in open(qc_nd):
            r = json.loads(line)
            readings[os.path.splitext(r["path"])[1].lstrip(".")] = r.get("qc") or {}
    table = []
    fmt = lambda v, unit="": "n/a" if v is None else f"{v:.2f}{unit}" if isinstance(v, float) else f"{v}{unit}"
    for kind in qc_kinds:
        q = readings.get(kind, {})
        ff = summary_of_ffmpeg(os.path.join(E["RESULTS"], f"ffmpeg_qc_{kind}.stderr")) or {}
        if q or ff:
            table.append(f"| {labels[kind]} | {fmt(q.get('integratedLoudness'))} / {fmt(ff.get('I'))} | "
                         f"{fmt(q.get('loudnessRange'))} / {fmt(ff.get('LRA'))} | {fmt(q.get('truePeak'))} / {fmt(ff.get('TP'))} | "
                         f"{fmt(q.get('samplePeak'))} |")
    if table:
        p("")
        p("QC readings of these files, ddexprobe / ffmpeg (ffmpeg prints one decimal; its true peak is measured at 192 kHz, "
          "ddexprobe's four times oversampled; scripts/qc-crosscheck.sh compares whole directories):")
        p("")
        p("| File | Integrated (LUFS) | Loudness range (LU) | True peak (dBTP) | Sample peak, ddexprobe (dBFS) |")
        p("|---|---:|---:|---:|---:|")
        for row in table:
            p(row)
    p("")
scale_tsv = os.path.join(E["RESULTS"], "scale.tsv")
if ran("scale") and os.path.exists(scale_tsv):
    p("Scale (scan of N tiny WAVs, 1,000 per directory, NDJSON to /dev/null; one run after a warm-up; "
      "first record: until `scan | head -n 1` returns):")
    p("")
    p("| binary | files | digests | wall | files/s | peak RSS | first record | exit |")
    p("|---|---:|---|---:|---:|---:|---:|---:|")
    for line in open(scale_tsv):
        label, n, hash_, wall, rss, first, rc = line.rstrip("\n").split("\t")
        n, wall = int(n), float(wall or 0)
        rate = f"{n / wall:,.0f}" if wall > 0 else ""
        rss_col = f"{int(rss) / 1024:.1f} MiB" if rss else ""
        p(f"| {label} | {n:,} | {'header only' if hash_ == 'none' else hash_} | {wall:.2f} s | {rate} | {rss_col} | {float(first):.3f} s | {rc} |")
    p("")
shard_tsv = os.path.join(E["RESULTS"], "shard.tsv")
if ran("shard") and os.path.exists(shard_tsv):
    p(f"Sharded scan ({E.get('SHARD_SIZE', '')} tiny WAVs split 4 ways, the parts run one after another "
      "on this machine, then `merge`; one run each):")
    p("")
    p("| run | wall | peak RSS | exit |")
    p("|---|---:|---:|---:|")
    for line in open(shard_tsv):
        label, wall, rss, rc = line.rstrip("\n").split("\t")
        wall_col = f"{float(wall):.2f} s" if wall else ""
        rss_col = f"{int(rss) / 1024:.1f} MiB" if rss else ""
        p(f"| {label} | {wall_col} | {rss_col} | {rc} |")
    p("")
p(f"Raw hyperfine JSON/Markdown: {E['RESULTS']}/")
text = "\n".join(out) + "\n"
open(report_path, "w").write(text)
sys.stdout.write(text)
PY
if [[ -s "$REMOTE_MD" ]]; then
    { echo; cat "$REMOTE_MD"; } | tee -a "$REPORT"
fi
log "report saved to $REPORT"
