#!/usr/bin/env bash
# Regenerate the committed test fixtures in testdata/ and testdata/expected.tsv.
#
# Usage (from the repository root):  scripts/gen-testdata.sh
# Needs: ffmpeg/ffprobe, sox/soxi, flac/metaflac, lame, oggenc, opusenc, wavpack, python3
# with Pillow (the cover art JPEGs), mediainfo (their cross-check).
#
# Every fixture is made by one fx_* function below: a real encoder (ffmpeg, sox,
# flac) writes the file from a deterministic signal (one fixed sine per channel
# from ffmpeg's aevalsrc, no dither, bit-exact muxing), and where no encoder can
# produce the variant a small python step (tool.py, embedded at the end of this
# file) patches or rearranges the bytes. Each function also records the expected
# record values, derived from the generation parameters (rate, frames, channels,
# bits), into testdata/expected.tsv, and, for the fixtures `--verify` is
# tested on, the expected verification into testdata/verify.tsv (pcmMd5
# computed by tool.py from the file's bytes, and equal to metaflac's MD5 for
# the same master as FLAC). At the end every fixture is cross-checked
# against ffprobe/ffmpeg, soxi, metaflac and a byte-level parse (verify step);
# differences are printed, and the known/explained ones are marked as such.
#
# CI never runs this script: the fixtures are committed. The script is
# idempotent: it deletes testdata/ entirely and rewrites all of it, README.md
# included.
set -euo pipefail

SELF=$(realpath "$0")
cd "$(dirname "$SELF")/.."
OUT=testdata
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TOOL="$WORK/tool.py"
ROWS="$WORK/rows.tsv"
AROWS="$WORK/artwork-rows.tsv"
VROWS="$WORK/verify-rows.tsv"
NOTES="$WORK/notes.md"
: >"$ROWS"
: >"$AROWS"
: >"$VROWS"
: >"$NOTES"

for t in ffmpeg ffprobe sox soxi flac metaflac lame oggenc opusenc wavpack python3; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
# The cover art JPEGs are written by Pillow (pip install pillow), and
# cross-checked with mediainfo.
command -v mediainfo >/dev/null || { echo "missing tool: mediainfo" >&2; exit 1; }
python3 -c 'import PIL' 2>/dev/null || { echo "missing python module: PIL (pip install pillow)" >&2; exit 1; }

# tool.py (byte patching, expected.tsv, cross-check) is written by write_tool
# at the end of this file; main runs last.
py() { python3 "$TOOL" "$@"; }

# ---------------------------------------------------------------------------
# helpers

# tone OUT RATE FRAMES CHANNELS [ffmpeg output options...]
# Deterministic test signal: channel k is a 0.5-amplitude sine at 440+110k Hz,
# exactly FRAMES sample frames, written bit-exact (no encoder/version tags).
# TONE_AF (optional) appends filters, e.g. ",aformat=sample_fmts=s16".
tone() {
  local out=$1 rate=$2 n=$3 ch=$4; shift 4
  local exprs="" layout i
  for ((i = 0; i < ch; i++)); do exprs+="${exprs:+|}0.5*sin(2*PI*$((440 + 110 * i))*t)"; done
  case $ch in 1) layout=mono ;; 2) layout=stereo ;; 6) layout=5.1 ;; *) layout="${ch}c" ;; esac
  ffmpeg -hide_banner -loglevel error -nostdin -y \
    -f lavfi -i "aevalsrc=exprs=$exprs:s=$rate:c=$layout" \
    -af "atrim=end_sample=$n${TONE_AF:-}" -fflags +bitexact -flags:a +bitexact "$@" "$out"
}

# expect FILE fileFormat audioCodec sampleFormat sampleRate bitDepth
#        containerBitDepth numberOfChannels channelMask totalSamples
#        declaredSamples durationSource errors warnings
# "-" means empty (null). duration is filled in at the end from
# totalSamples/sampleRate (tool.py iso_duration).
expect() {
  [ $# -eq 14 ] || { echo "expect: 14 fields needed, got $#: $*" >&2; exit 1; }
  local f fields=()
  for f in "$@"; do [ "$f" = "-" ] && f=""; fields+=("$f"); done
  (IFS=$'\t'; echo "${fields[*]}") >>"$ROWS"
}

# vexpect FILE status method decodedSamples pcmMd5 errors warnings
# Expected `--verify` result -> testdata/verify.tsv. errors: the exact set of
# error codes (comma-separated); warnings: codes that must be present.
# "-" means empty (null).
vexpect() {
  [ $# -eq 7 ] || { echo "vexpect: 7 fields needed, got $#: $*" >&2; exit 1; }
  local f fields=()
  for f in "$@"; do [ "$f" = "-" ] && f=""; fields+=("$f"); done
  (IFS=$'\t'; echo "${fields[*]}") >>"$VROWS"
}

# pcm_md5 FILE -> MD5 of the samples of a WAV/AIFF fixture in FLAC's
# convention (tool.py pcmmd5: its own parse and conversion, not ddexprobe's).
pcm_md5() { py pcmmd5 "$OUT/$1"; }

# note FILE "what it exercises; how it was made" -> one line of testdata/README.md
note() { printf -- '- `%s`: %s\n' "$1" "$2" >>"$NOTES"; }

# vary FILE BYTE: set the last byte (a sample's) of a copied fixture, so
# copies in one catalog are different recordings.
vary() {
  python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-1] = int(sys.argv[2]); open(p, "wb").write(b)' "$1" "$2"
}

# flac_enc IN.wav OUT.flac BLOCKSIZE [flac options...]
flac_enc() {
  local in=$1 out=$2 bs=$3; shift 3
  flac --silent --force --no-padding --blocksize="$bs" "$@" -o "$out" "$in"
}

# ---------------------------------------------------------------------------
# WAV, plain PCM / float / G.711 (RIFF little-endian)

fx_wav_pcm8() {
  local f=wav-pcm8-22k-mono.wav r=22050 n=1000 c=1
  tone "$OUT/$f" $r $n $c -c:a pcm_u8            # unsigned 8-bit, fmt tag 1
  expect $f WAV PCM int $r 8 - $c - $n - header - -
  vexpect $f ok pcm $n "$(pcm_md5 $f)" - -
  note $f "8-bit unsigned PCM, 22.05 kHz mono; ffmpeg pcm_u8"
}

fx_wav_pcm16_44k() {
  local f=wav-pcm16-44k-stereo.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  note $f "16-bit PCM 44.1 kHz stereo, canonical 44-byte header; ffmpeg pcm_s16le"
}

fx_wav_pcm16_48k() {
  # 1224 frames at 48 kHz = 25.5 ms exactly: checks round-half-up (PT0.026S)
  local f=wav-pcm16-48k-mono.wav r=48000 n=1224 c=1
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  note $f "16-bit PCM 48 kHz mono, 1224 frames = 25.5 ms exactly (ISO duration rounds half up to PT0.026S); ffmpeg"
}

fx_wav_pcm16_96k() {
  # ffmpeg writes WAVE_FORMAT_EXTENSIBLE above 48 kHz; sox rewrites it as a
  # plain 16-byte PCM fmt chunk (same samples).
  local f=wav-pcm16-96k-stereo.wav r=96000 n=1500 c=2
  tone "$WORK/src96.wav" $r $n $c -c:a pcm_s16le
  sox -V1 -D "$WORK/src96.wav" -b 16 -e signed-integer "$OUT/$f"
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  note $f "16-bit PCM 96 kHz stereo with a plain 16-byte fmt; ffmpeg, rewritten by sox"
}

fx_wav_pcm24() {
  # ffmpeg/sox always write EXTENSIBLE for 24-bit; patched to a plain
  # PCMWAVEFORMAT (tag 1, 16-byte fmt) as Pro Tools & co. write it.
  local f=wav-pcm24-48k-stereo.wav r=48000 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s24le
  py plainfmt "$OUT/$f"
  expect $f WAV PCM int $r 24 - $c - $n - header - -
  note $f "24-bit PCM in a plain PCMWAVEFORMAT (tag 1) fmt; ffmpeg pcm_s24le, fmt patched from EXTENSIBLE to plain"
}

fx_wav_pcm32() {
  local f=wav-pcm32-44k-mono.wav r=44100 n=1000 c=1
  tone "$OUT/$f" $r $n $c -c:a pcm_s32le
  py plainfmt "$OUT/$f"
  expect $f WAV PCM int $r 32 - $c - $n - header - -
  note $f "32-bit integer PCM, plain fmt; ffmpeg pcm_s32le, fmt patched from EXTENSIBLE to plain"
}

fx_wav_float32() {
  # sox writes IEEE float as fmt tag 3 (18-byte fmt) plus a fact chunk
  local f=wav-float32-fact-48k-stereo.wav r=48000 n=1000 c=2
  tone "$WORK/srcf32.wav" $r $n $c -c:a pcm_f32le
  sox -V1 -D "$WORK/srcf32.wav" -e floating-point -b 32 "$OUT/$f"
  expect $f WAV PCM float $r 32 - $c - $n - header - -
  note $f "IEEE float 32 (fmt tag 3, cbSize 0) with a fact chunk; sox -e floating-point -b 32"
}

fx_wav_float64() {
  local f=wav-float64-22k-mono.wav r=22050 n=600 c=1
  tone "$WORK/srcf64.wav" $r $n $c -c:a pcm_f64le
  sox -V1 -D "$WORK/srcf64.wav" -e floating-point -b 64 "$OUT/$f"
  expect $f WAV PCM float $r 64 - $c - $n - header - -
  note $f "IEEE float 64 (fmt tag 3) with a fact chunk; sox -e floating-point -b 64"
}

fx_wav_alaw() {
  local f=wav-alaw-8k-mono.wav r=8000 n=1000 c=1
  tone "$OUT/$f" $r $n $c -c:a pcm_alaw          # tag 6 + fact
  expect $f WAV ALaw int $r 16 8 $c - $n - header - -
  note $f "A-law (tag 6: bitDepth 16, the decoded width; containerBitDepth 8, the coded width) with fact chunk; ffmpeg pcm_alaw"
}

fx_wav_mulaw() {
  local f=wav-mulaw-8k-stereo.wav r=8000 n=800 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_mulaw         # tag 7 + fact
  expect $f WAV MuLaw int $r 16 8 $c - $n - header - -
  note $f "mu-law (tag 7: bitDepth 16, containerBitDepth 8) stereo with fact chunk; ffmpeg pcm_mulaw"
}

fx_wav_ima_adpcm() {
  # IMA ADPCM, 256-byte blocks: (256-4)*2+1 = 505 frames per block. The
  # encoder pads 1000 input frames to whole blocks and its fact chunk says so.
  local f=wav-ima-adpcm-22k-mono.wav r=22050 n=1000 c=1 blk=256
  local spb=$(((blk - 4 * c) * 8 / (4 * c) + 1))
  local total=$(((n + spb - 1) / spb * spb))
  tone "$OUT/$f" $r $n $c -c:a adpcm_ima_wav -block_size $blk
  # audioCodec is the DDEX word ADPCM; bitDepth is null for lossy codecs.
  expect $f WAV ADPCM - $r - - $c - $total - header - unsupported_codec
  note $f "IMA ADPCM (tag 0x11), 256-byte blocks of 505 frames; 1000 input frames padded to 1010, totalSamples from the fact chunk, unsupported_codec; ffmpeg adpcm_ima_wav -block_size 256"
}

# ---------------------------------------------------------------------------
# WAVE_FORMAT_EXTENSIBLE

fx_wav_ext_pcm24_96k() {
  local f=wav-extensible-pcm24-96k-stereo.wav r=96000 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s24le         # ffmpeg: EXTENSIBLE, mask 3
  expect $f WAV PCM int $r 24 - $c 3 $n - header - -
  note $f "WAVE_FORMAT_EXTENSIBLE 24-bit 96 kHz, valid bits = container, mask 3; ffmpeg pcm_s24le"
}

fx_wav_ext_24in32() {
  # 32-bit slots holding 24 valid bits: ffmpeg writes valid=32, patched to 24.
  # The signal is quantised to 16 bits first so the low 16 bits are zero.
  local f=wav-extensible-24in32-48k-stereo.wav r=48000 n=1000 c=2
  TONE_AF=",aformat=sample_fmts=s16" tone "$OUT/$f" $r $n $c -c:a pcm_s32le
  py validbits "$OUT/$f" 24
  expect $f WAV PCM int $r 24 32 $c 3 $n - header - -
  vexpect $f ok pcm $n "$(pcm_md5 $f)" - -
  note $f "EXTENSIBLE, 24 valid bits in 32-bit containers, mask 3; ffmpeg pcm_s32le (16-bit signal), wValidBitsPerSample patched to 24"
}

fx_wav_ext_20in24() {
  local f=wav-extensible-20in24-96k-stereo.wav r=96000 n=800 c=2
  TONE_AF=",aformat=sample_fmts=s16" tone "$OUT/$f" $r $n $c -c:a pcm_s24le
  py validbits "$OUT/$f" 20
  expect $f WAV PCM int $r 20 24 $c 3 $n - header - -
  vexpect $f ok pcm $n "$(pcm_md5 $f)" - -
  note $f "EXTENSIBLE, 20 valid bits in 24-bit containers, mask 3; ffmpeg pcm_s24le (16-bit signal), wValidBitsPerSample patched to 20"
}

fx_wav_ext_6ch() {
  # 6 channels, ffmpeg layout "5.1" = FL FR FC LFE BL BR = mask 0x3F = 63.
  # 600 frames at 48 kHz = 12.5 ms exactly -> PT0.013S
  local f=wav-extensible-pcm16-48k-6ch.wav r=48000 n=600 c=6
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  expect $f WAV PCM int $r 16 - $c 63 $n - header - -
  note $f "EXTENSIBLE 16-bit 6 channels, ffmpeg layout 5.1 = FL FR FC LFE BL BR = mask 63; 12.5 ms rounds to PT0.013S; ffmpeg"
}

fx_wav_ext_float32() {
  local f=wav-extensible-float32-44k-stereo.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_f32le         # EXTENSIBLE/IEEE_FLOAT + fact
  expect $f WAV PCM float $r 32 - $c 3 $n - header - -
  note $f "EXTENSIBLE with IEEE_FLOAT subformat, 32-bit, mask 3, fact chunk; ffmpeg pcm_f32le"
}

# ---------------------------------------------------------------------------
# RIFX, RF64, BW64

fx_wav_rifx() {
  local f=wav-rifx-pcm16-44k-stereo.wav r=44100 n=1000 c=2
  tone "$WORK/srcrifx.wav" $r $n $c -c:a pcm_s16le
  sox -V1 -D "$WORK/srcrifx.wav" -B "$OUT/$f"         # sox -B on .wav writes RIFX
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  vexpect $f ok pcm $n "$(pcm_md5 $f)" - -
  note $f "RIFX (big-endian WAV) 16-bit stereo; sox -B"
}

fx_rf64() {
  local f=rf64-pcm16-48k-stereo.wav r=48000 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le -rf64 always   # RF64 + ds64, sizes -1
  expect $f RF64 PCM int $r 16 - $c - $n - header - -
  note $f "RF64 with ds64 (RIFF and data sizes 0xFFFFFFFF, real sizes in ds64); ffmpeg -rf64 always"
}

fx_bw64() {
  # ITU-R BS.2088 BW64 = RF64 layout with the magic "BW64"
  local f=bw64-pcm24-48k-stereo.wav r=48000 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s24le -rf64 always
  py magic "$OUT/$f" BW64
  expect $f BW64 PCM int $r 24 - $c 3 $n - header - -
  note $f "BW64 (ITU-R BS.2088) with ds64, EXTENSIBLE 24-bit mask 3; ffmpeg -rf64 always, magic patched RF64 -> BW64"
}

fx_adm() {
  # ADM (ITU-R BS.2076) in BW64 (BS.2088), as Dolby Atmos ADM BWF masters
  # carry it: 2 bed channels (DirectSpeakers, common definition AP_00010002)
  # and 1 object (AP_00031001). ffmpeg writes the 3-channel PCM; python
  # makes the fmt plain PCM (no speaker mask, as ADM files have) and
  # rebuilds it as BW64 (ds64, fmt, chna, data, axml) with tool.py adm.
  local r=48000 n=200 c=3 f
  f=bw64-adm-2bed-1obj.wav
  tone "$OUT/$f" $r $n $c -c:a pcm_s24le
  py plainfmt "$OUT/$f"
  py adm "$OUT/$f" full
  expect $f BW64 PCM int $r 24 - $c - $n - header - -
  note $f "BW64 with chna (3 tracks: 2 DirectSpeakers, 1 Objects) before data and axml (ADM: 1 bed audioObject, 1 object audioObject) after it: adm, admTracks 3, admBedChannels 2, admObjects 1; ffmpeg + python (tool.py adm)"
  f=bw64-adm-axml-only.wav
  tone "$OUT/$f" $r $n $c -c:a pcm_s24le
  py plainfmt "$OUT/$f"
  py adm "$OUT/$f" axml
  expect $f BW64 PCM int $r 24 - $c - $n - header - incomplete_adm
  note $f "BW64 with the ADM axml chunk but no chna: incomplete_adm, no adm fields; ffmpeg + python"
  f=bw64-adm-chna-short.wav
  tone "$OUT/$f" $r $n $c -c:a pcm_s24le
  py plainfmt "$OUT/$f"
  py adm "$OUT/$f" chnashort
  expect $f BW64 PCM int $r 24 - $c - $n - header - invalid_adm
  note $f "BW64 with axml and a chna chunk declaring 3 tracks and 3 track UIDs whose 84 bytes hold 2 entries: invalid_adm; adm with admTracks 2, admBedChannels 2, admObjects 1; ffmpeg + python"
}

# ---------------------------------------------------------------------------
# WAV chunk layout variants

fx_wav_bext_etc() {
  # ffmpeg writes bext; python adds iXML (after bext), LIST/INFO and an
  # "MD5 " chunk (MD5 of the data chunk payload) after the data chunk.
  local f=wav-bext-ixml-info-md5.wav r=48000 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le -write_bext 1 \
    -metadata description="ddexprobe fixture" -metadata originator=ddexprobe \
    -metadata origination_date=2024-01-01 -metadata origination_time=12:00:00
  py addchunk "$OUT/$f" iXML ixml "data"
  py addchunk "$OUT/$f" LIST info end
  py addchunk "$OUT/$f" "MD5 " md5 end
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  vexpect $f ok pcm $n "$(pcm_md5 $f)" - -
  note $f "bext (ffmpeg -write_bext 1) + iXML before data + LIST/INFO and 'MD5 ' (MD5 of the data payload) after data; python adds the last three"
}

fx_wav_data_before_fmt() {
  local f=wav-data-before-fmt.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py movechunk "$OUT/$f" data "fmt "
  expect $f WAV PCM int $r 16 - $c - $n - header - chunk_order
  note $f "data chunk before fmt chunk, chunk_order; ffmpeg, chunks reordered by python"
}

fx_wav_list_before_fmt() {
  local f=wav-list-before-fmt.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py addchunk "$OUT/$f" LIST info "fmt "
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  note $f "LIST/INFO chunk before fmt; ffmpeg + python"
}

fx_wav_odd_chunk() {
  # unknown chunk "xtra" with an odd size (5) followed by its pad byte
  local f=wav-odd-chunk-pad.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py addchunk "$OUT/$f" xtra odd5 data
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  note $f "unknown chunk 'xtra' of odd size 5 + pad byte before data; ffmpeg + python"
}

fx_wav_partial_frame() {
  # data chunk of 4002 bytes with block align 4: 1000 frames + 2 bytes
  local f=wav-partial-sample-frame.wav r=44100 n=1000 c=2 extra=2
  tone "$OUT/$f" $r $((n + 1)) $c -c:a pcm_s16le
  py resizedata "$OUT/$f" $((n * c * 2 + extra))
  expect $f WAV PCM int $r 16 - $c - $n - header - partial_sample_frame
  vexpect $f warning pcm $n "$(pcm_md5 $f)" - partial_sample_frame
  note $f "data chunk of 4002 bytes with block align 4 (1000 frames + 2 bytes), partial_sample_frame; ffmpeg + python"
}

fx_wav_trailing() {
  local f=wav-trailing-data.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py append "$OUT/$f" 64                        # 64 bytes after the RIFF form
  expect $f WAV PCM int $r 16 - $c - $n - header - trailing_data
  note $f "64 bytes after the end of the RIFF form, trailing_data; ffmpeg + python"
}

fx_wav_truncated_chunk() {
  # a LIST chunk after data declares 200 bytes but only 30 are in the file
  local f=wav-truncated-chunk.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py truncchunk "$OUT/$f" 200 30
  expect $f WAV PCM int $r 16 - $c - $n - header - truncated_chunk
  note $f "LIST chunk after data declares 200 bytes but only 30 are present (RIFF size counts all 200), truncated_chunk; ffmpeg + python"
}

fx_wav_bad_byte_rate() {
  local f=wav-bad-byte-rate.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py fmtfield "$OUT/$f" byterate 88200            # should be 176400
  expect $f WAV PCM int $r 16 - $c - $n - header - inconsistent_header
  note $f "fmt byte rate 88200 instead of 176400, inconsistent_header; ffmpeg + python"
}

fx_wav_riff_size() {
  # RIFF size = file size (the classic off-by-8 writer bug)
  local f=wav-riff-size-mismatch.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py riffsize "$OUT/$f" filesize
  expect $f WAV PCM int $r 16 - $c - $n - header - container_size_mismatch
  vexpect $f warning pcm $n "$(pcm_md5 $f)" - container_size_mismatch
  note $f "RIFF size = file size (off by 8), container_size_mismatch; ffmpeg + python"
}

fx_wav_data_size_unset() {
  # ffmpeg writing to a pipe cannot seek back: RIFF and data sizes 0xFFFFFFFF
  local f=wav-data-size-unset.wav r=48000 n=1000 c=2
  tone - $r $n $c -c:a pcm_s16le -f wav >"$OUT/$f"
  expect $f WAV PCM int $r 16 - $c - $n - header - data_size_unset
  note $f "streaming WAV: RIFF and data sizes 0xFFFFFFFF, measured to end of file, data_size_unset; ffmpeg writing to a pipe"
}

fx_wav_data_size_zero() {
  local f=wav-data-size-zero.wav r=48000 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py datasize "$OUT/$f" 0
  expect $f WAV PCM int $r 16 - $c - $n - header - data_size_unset
  note $f "data chunk size 0, measured to end of file, data_size_unset; ffmpeg + python"
}

# ---------------------------------------------------------------------------
# broken WAV

fx_wav_truncated() {
  # header says 1000 frames (4000 bytes); the file holds 2002 data bytes
  local f=wav-truncated-data.wav r=44100 n=1000 c=2 keep=2002
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le
  py cutdata "$OUT/$f" $keep
  expect $f WAV PCM int $r 16 - $c - $((keep / (c * 2))) $n header truncated_data -
  vexpect $f truncated pcm $((keep / (c * 2))) "$(pcm_md5 $f)" truncated_data -
  note $f "header declares 1000 frames, file holds 2002 data bytes (500 frames + 2 bytes), truncated_data; ffmpeg, cut by python"
}

fx_wav_no_fmt() {
  local f=wav-no-fmt.wav
  tone "$OUT/$f" 44100 1000 2 -c:a pcm_s16le
  py dropchunk "$OUT/$f" "fmt "
  expect $f WAV - - - - - - - - - - invalid_header -
  note $f "no fmt chunk, invalid_header; ffmpeg, fmt removed by python"
}

fx_wav_zero_channels() {
  local f=wav-zero-channels.wav
  tone "$OUT/$f" 44100 1000 2 -c:a pcm_s16le
  py fmtfield "$OUT/$f" channels 0
  expect $f WAV - - - - - - - - - - invalid_header -
  note $f "fmt channels = 0, invalid_header; ffmpeg + python"
}

fx_wav_zero_rate() {
  local f=wav-zero-sample-rate.wav
  tone "$OUT/$f" 44100 1000 2 -c:a pcm_s16le
  py fmtfield "$OUT/$f" rate 0
  expect $f WAV - - - - - - - - - - invalid_header -
  note $f "fmt sample rate = 0, invalid_header; ffmpeg + python"
}

fx_wav_zero_block_align() {
  local f=wav-block-align-zero.wav
  tone "$OUT/$f" 44100 1000 2 -c:a pcm_s16le
  py fmtfield "$OUT/$f" blockalign 0
  expect $f WAV - - - - - - - - - - invalid_header -
  note $f "fmt block align = 0, invalid_header; ffmpeg + python"
}

# ---------------------------------------------------------------------------
# BWF MD5 chunk and the same master in every lossless container (--verify)

fx_wav_bwf_md5() {
  # BWF MetaEdit's "MD5 " chunk: the MD5 of the data chunk's payload, stored
  # as a little-endian 128-bit number (the digest bytes reversed).
  local f=wav-bwf-md5-ok.wav r=44100 n=1000 c=2
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le -write_bext 1 -metadata originator=ddexprobe
  py addchunk "$OUT/$f" "MD5 " md5bwf end
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  vexpect $f ok pcm $n "$(pcm_md5 $f)" - -
  note $f "bext + BWF MetaEdit 'MD5 ' chunk (data payload MD5, stored little-endian) that matches, verifies ok; ffmpeg -write_bext 1 + python"

  # The same, then one audio byte changed after the checksum was embedded:
  # the headers are intact, only --verify sees it.
  f=wav-bwf-md5-mismatch.wav
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le -write_bext 1 -metadata originator=ddexprobe
  py addchunk "$OUT/$f" "MD5 " md5bwf end
  py pokedata "$OUT/$f" 2001
  expect $f WAV PCM int $r 16 - $c - $n - header - -
  vexpect $f corrupt pcm $n "$(pcm_md5 $f)" md5_mismatch -
  note $f "BWF 'MD5 ' chunk, then data byte 2001 changed: md5_mismatch under --verify only; ffmpeg + python"
}

fx_pair_master() {
  # One 24-bit master as WAV, AIFF, FLAC and 24-in-32 EXTENSIBLE WAV: the
  # same pcmMd5 everywhere, equal to the FLAC STREAMINFO MD5.
  local r=48000 n=500 c=2 want
  tone "$OUT/pair-master.wav" $r $n $c -c:a pcm_s24le
  py plainfmt "$OUT/pair-master.wav"
  expect pair-master.wav WAV PCM int $r 24 - $c - $n - header - -
  note pair-master.wav "24-bit master, plain fmt; ffmpeg pcm_s24le, fmt patched to plain; pcmMd5 = pair-master.flac's STREAMINFO MD5"
  ffmpeg -hide_banner -loglevel error -nostdin -y -i "$OUT/pair-master.wav" \
    -fflags +bitexact -flags:a +bitexact -c:a pcm_s24be -f aiff "$OUT/pair-master.aiff"
  expect pair-master.aiff AIFF PCM int $r 24 - $c - $n - header - -
  note pair-master.aiff "the 24-bit master as AIFF; ffmpeg pcm_s24be from pair-master.wav"
  ffmpeg -hide_banner -loglevel error -nostdin -y -i "$OUT/pair-master.wav" \
    -fflags +bitexact -flags:a +bitexact -c:a pcm_s32le "$OUT/pair-master-24in32.wav"
  py validbits "$OUT/pair-master-24in32.wav" 24
  expect pair-master-24in32.wav WAV PCM int $r 24 32 $c 3 $n - header - -
  note pair-master-24in32.wav "the 24-bit master in 32-bit EXTENSIBLE containers (valid bits 24, mask 3); ffmpeg pcm_s32le from pair-master.wav, wValidBitsPerSample patched to 24"
  flac_enc "$OUT/pair-master.wav" "$OUT/pair-master.flac" 4096
  expect pair-master.flac FLAC FLAC int $r 24 - $c - $n - header - -
  note pair-master.flac "the 24-bit master as FLAC; flac from pair-master.wav"
  want=$(metaflac --show-md5sum "$OUT/pair-master.flac")
  for f in pair-master.wav pair-master.aiff pair-master-24in32.wav; do
    [ "$(pcm_md5 $f)" = "$want" ] || { echo "$f: pcmMd5 $(pcm_md5 $f), FLAC MD5 $want" >&2; exit 1; }
    vexpect $f ok pcm $n "$want" - -
  done
  vexpect pair-master.flac ok decoded $n "$want" - -
}

# ---------------------------------------------------------------------------
# AIFF / AIFC (ffmpeg aiff muxer: AIFF for big-endian PCM, AIFC otherwise)

fx_aiff() {
  # fx_aiff FILE RATE FRAMES CHANNELS CODEC FORMAT CODECNAME SAMPLEFORMAT BITS NOTE
  local f=$1 r=$2 n=$3 c=$4 codec=$5 ff=$6 name=$7 sf=$8 bits=$9 what=${10} cbits=-
  tone "$OUT/$f" "$r" "$n" "$c" -c:a "$codec" -f aiff
  case $name in ALaw | MuLaw) cbits=8 ;; esac
  expect "$f" "$ff" "$name" "$sf" "$r" "$bits" "$cbits" "$c" - "$n" - header - -
  case $f in
    aiff-pcm16-44k-stereo.aiff | aiff-pcm24-48k-mono.aiff | aiff-pcm8-44k-mono.aiff | aifc-sowt-*)
      vexpect "$f" ok pcm "$n" "$(pcm_md5 "$f")" - - ;;
  esac
  note "$f" "$what"
}

fx_aiff_all() {
  fx_aiff aiff-pcm16-44k-stereo.aiff 44100 1000 2 pcm_s16be AIFF PCM int 16 \
    "AIFF 16-bit 44.1 kHz stereo; ffmpeg pcm_s16be"
  fx_aiff aiff-pcm24-48k-mono.aiff 48000 1000 1 pcm_s24be AIFF PCM int 24 \
    "AIFF 24-bit 48 kHz mono; ffmpeg pcm_s24be"
  fx_aiff aiff-pcm16-22k-mono.aiff 22050 1000 1 pcm_s16be AIFF PCM int 16 \
    "AIFF at 22050 Hz (80-bit extended rate); ffmpeg pcm_s16be"
  fx_aiff aiff-pcm8-44k-mono.aiff 44100 1000 1 pcm_s8 AIFF PCM int 8 \
    "AIFF 8-bit signed; ffmpeg pcm_s8"
  fx_aiff aifc-sowt-pcm16-44k-stereo.aifc 44100 1000 2 pcm_s16le AIFC PCM int 16 \
    "AIFC 'sowt' (little-endian 16-bit); ffmpeg pcm_s16le -f aiff"
  fx_aiff aifc-fl32-48k-stereo.aifc 48000 1000 2 pcm_f32be AIFC PCM float 32 \
    "AIFC 'fl32' float 32; ffmpeg pcm_f32be -f aiff"
  fx_aiff aifc-fl64-44k-mono.aifc 44100 1000 1 pcm_f64be AIFC PCM float 64 \
    "AIFC 'fl64' float 64; ffmpeg pcm_f64be -f aiff"
  fx_aiff aifc-alaw-8k-mono.aifc 8000 1000 1 pcm_alaw AIFC ALaw int 16 \
    "AIFC 'alaw': bitDepth 16 (the decoded width, as the AIFF-C specification says), containerBitDepth 8 (the coded width); ffmpeg pcm_alaw -f aiff"
  fx_aiff aifc-ulaw-8k-mono.aifc 8000 1000 1 pcm_mulaw AIFC MuLaw int 16 \
    "AIFC 'ulaw': bitDepth 16, containerBitDepth 8; ffmpeg pcm_mulaw -f aiff"
}

fx_aifc_none() {
  # sox -t aifc writes FORM/AIFC with compression type NONE ("not compressed")
  local f=aifc-none-pcm16-44k-stereo.aifc r=44100 n=1000 c=2
  tone "$WORK/srcaifc.wav" $r $n $c -c:a pcm_s16le
  sox -V1 -D "$WORK/srcaifc.wav" -t aifc "$OUT/$f"
  expect $f AIFC PCM int $r 16 - $c - $n - header - -
  note $f "AIFC with compression 'NONE' (odd-length pstring + pad); sox -t aifc"
}

fx_aiff_truncated() {
  # COMM says 1000 frames; SSND is cut after 1201 sample bytes (300 frames + 1)
  local f=aiff-truncated-ssnd.aiff r=44100 n=1000 c=2 keep=1201
  tone "$OUT/$f" $r $n $c -c:a pcm_s16be -f aiff
  py cutaiff "$OUT/$f" $keep
  expect $f AIFF PCM int $r 16 - $c - $((keep / (c * 2))) $n header truncated_data -
  vexpect $f truncated pcm $((keep / (c * 2))) "$(pcm_md5 $f)" truncated_data -
  note $f "COMM declares 1000 frames, SSND cut after 1201 sample bytes (300 frames), truncated_data; ffmpeg, cut by python"
}

# ---------------------------------------------------------------------------
# FLAC (reference encoder flac 1.4.x; WAV input made by ffmpeg)

fx_flac_16() {
  local f=flac-16bit-44k-stereo.flac r=44100 n=4000 c=2
  tone "$WORK/f16.wav" $r $n $c -c:a pcm_s16le
  flac_enc "$WORK/f16.wav" "$OUT/$f" 1024       # frames of 1024,1024,1024,928
  expect $f FLAC FLAC int $r 16 - $c - $n - header - -
  note $f "FLAC 16-bit 44.1 kHz stereo, 4 frames (1024 x3 + 928), SEEKTABLE + VORBIS_COMMENT; flac -b 1024 --no-padding"
}

fx_flac_24() {
  local f=flac-24bit-96k-stereo.flac r=96000 n=2000 c=2
  tone "$WORK/f24.wav" $r $n $c -c:a pcm_s24le
  flac_enc "$WORK/f24.wav" "$OUT/$f" 512
  expect $f FLAC FLAC int $r 24 - $c - $n - header - -
  note $f "FLAC 24-bit 96 kHz stereo; flac -b 512"
}

fx_flac_8() {
  local f=flac-8bit-22k-mono.flac r=22050 n=2000 c=1
  tone "$WORK/f8.wav" $r $n $c -c:a pcm_u8
  flac_enc "$WORK/f8.wav" "$OUT/$f" 1024
  expect $f FLAC FLAC int $r 8 - $c - $n - header - -
  note $f "FLAC 8-bit 22.05 kHz mono; flac from an ffmpeg pcm_u8 WAV"
}

fx_flac_total_zero() {
  # STREAMINFO total samples patched to 0 ("unknown"): count comes from frames
  local f=flac-total-samples-zero.flac r=44100 n=4000 c=2
  cp "$OUT/flac-16bit-44k-stereo.flac" "$OUT/$f"
  py flaczerototal "$OUT/$f"
  expect $f FLAC FLAC int $r 16 - $c - $n - frames - -
  note $f "STREAMINFO total samples patched to 0 (unknown): count comes from the frames (durationSource frames); python patch of flac-16bit-44k-stereo.flac"
}

fx_flac_md5_unset() {
  local f=flac-md5-unset.flac r=44100 n=4000 c=2
  flac_enc "$WORK/f16.wav" "$OUT/$f" 1024 --no-md5-sum 2>/dev/null
  expect $f FLAC FLAC int $r 16 - $c - $n - header - md5_unset
  note $f "STREAMINFO MD5 all zeros, md5_unset; flac --no-md5-sum"
}

fx_flac_id3() {
  # minimal ID3v2.3 tag (one TIT2 frame + 10 bytes padding) before fLaC
  local f=flac-id3v2.flac r=44100 n=4000 c=2
  cp "$OUT/flac-16bit-44k-stereo.flac" "$OUT/$f"
  py id3prepend "$OUT/$f"
  expect $f FLAC FLAC int $r 16 - $c - $n - header - leading_id3
  note $f "ID3v2.3 tag (TIT2 + 10 bytes padding) before fLaC, leading_id3; python prepends it to flac-16bit-44k-stereo.flac"
}

fx_flac_trailing() {
  local f=flac-trailing-data.flac r=44100 n=4000 c=2
  cp "$OUT/flac-16bit-44k-stereo.flac" "$OUT/$f"
  py appendtext "$OUT/$f"
  expect $f FLAC FLAC int $r 16 - $c - $n - header - trailing_data
  note $f "56 bytes of text after the last frame, trailing_data; python"
}

fx_flac_streaminfo_not_first() {
  local f=flac-streaminfo-not-first.flac
  cp "$OUT/flac-16bit-44k-stereo.flac" "$OUT/$f"
  py flacswapfirst "$OUT/$f"
  expect $f FLAC - - - - - - - - - - invalid_header -
  note $f "SEEKTABLE before STREAMINFO, invalid_header; python swaps the first two metadata blocks"
}

fx_flac_truncated() {
  # 4 frames; cut 50 bytes into frame index 2 / exactly at its first byte
  local r=44100 n=4000 c=2
  cp "$OUT/flac-16bit-44k-stereo.flac" "$OUT/flac-truncated-mid-frame.flac"
  py flaccut "$OUT/flac-truncated-mid-frame.flac" 2 50
  # totalSamples: the samples in complete frames (what ffmpeg decodes);
  # declaredSamples: STREAMINFO's total.
  expect flac-truncated-mid-frame.flac FLAC FLAC int $r 16 - $c - 2048 $n frames truncated_data -
  note flac-truncated-mid-frame.flac "cut 50 bytes into the third frame (2048 samples complete of 4000), truncated_data; python (frames located via CRC-8/CRC-16)"
  cp "$OUT/flac-16bit-44k-stereo.flac" "$OUT/flac-truncated-at-frame-boundary.flac"
  py flaccut "$OUT/flac-truncated-at-frame-boundary.flac" 2 0
  expect flac-truncated-at-frame-boundary.flac FLAC FLAC int $r 16 - $c - 2048 $n frames truncated_data -
  note flac-truncated-at-frame-boundary.flac "cut exactly before the third frame (2048 of 4000 samples), truncated_data; python"
}

# --verify: one FLAC fixture per kind of damage that only decoding finds, with
# the exact codes. pcmMd5 of intact audio is metaflac's STREAMINFO MD5.
fx_flac_verify() {
  local r=44100 n=4000 c=2 src="$OUT/flac-16bit-44k-stereo.flac" md5
  md5=$(metaflac --show-md5sum "$src")
  vexpect flac-16bit-44k-stereo.flac ok decoded $n "$md5" - -
  vexpect flac-24bit-96k-stereo.flac ok decoded 2000 "$(metaflac --show-md5sum "$OUT/flac-24bit-96k-stereo.flac")" - -
  vexpect flac-8bit-22k-mono.flac ok decoded 2000 "$(metaflac --show-md5sum "$OUT/flac-8bit-22k-mono.flac")" - -
  vexpect flac-md5-unset.flac warning decoded $n "$md5" - md5_unset
  vexpect flac-truncated-mid-frame.flac truncated decoded 2048 - truncated_data -
  vexpect flac-trailing-data.flac warning decoded $n "$md5" - trailing_data

  local f=flac-bitflip-in-frame.flac
  cp "$src" "$OUT/$f"
  py flacflip "$OUT/$f" 1 300 4
  expect $f FLAC FLAC int $r 16 - $c - $n - header - -
  vexpect $f corrupt decoded $n - frame_crc_mismatch,md5_mismatch -
  note $f "one bit flipped 300 bytes into the second frame: the headers are intact, only decoding finds it (frame_crc_mismatch, md5_mismatch); python"

  f=flac-md5-mismatch.flac
  cp "$src" "$OUT/$f"
  py flacmd5 "$OUT/$f" 00112233445566778899aabbccddeeff
  expect $f FLAC FLAC int $r 16 - $c - $n - header - -
  vexpect $f corrupt decoded $n "$md5" md5_mismatch -
  note $f "STREAMINFO MD5 replaced: the audio decodes clean but differs from its signature (md5_mismatch); python"

  f=flac-total-samples-short.flac
  cp "$src" "$OUT/$f"
  py flactotal "$OUT/$f" 3000
  expect $f FLAC FLAC int $r 16 - $c - $n 3000 frames sample_count_mismatch -
  vexpect $f corrupt decoded $n "$md5" sample_count_mismatch -
  note $f "STREAMINFO total patched to 3000 of 4000 samples (sample_count_mismatch); python"

  f=flac-missing-frame.flac
  cp "$src" "$OUT/$f"
  py flacdropframe "$OUT/$f" 1
  expect $f FLAC FLAC int $r 16 - $c - $n - header - -
  vexpect $f corrupt decoded 2976 - inconsistent_stream,sample_count_mismatch -
  note $f "the second frame removed: first and last frames still agree with STREAMINFO, only the frame numbers and the decoded count show the gap; python"
}

# Verdicts: one asset per way a verdict can go wrong, for tests/verdicts.rs
# (the exact reports and exit codes are asserted there). Audio copied from
# the fixtures above; each sidecar is the complete metadata of ready.json
# with the one change named by the file, and no technical fields or
# duration unless the case is about them (they are measured).
fx_verdicts_catalog() {
  local d="$OUT/verdicts"
  mkdir -p "$d"
  # Every asset of a catalog is its own recording: its own ISRC and
  # resource reference (the catalog checks would flag shared ones), and
  # copies of one fixture made different by their last sample byte.
  local n=0
  sidecar() { # NAME JSON-OVERRIDES (dotted keys; null removes)
    n=$((n + 1))
    python3 - "$d/$1.json" "$2" "$n" <<'PY'
import json, sys
n = int(sys.argv[3])
base = {
  "ddexMetadata": {"resourceReference": "A%d" % n, "title": "Verdict Song",
                   "displayArtist": "The Examples", "languageOfPerformance": "en",
                   "parentalWarningType": "NotExplicit"},
  "soundRecordingDetails": {"isrc": "USRC176078%02d" % n,
                            "pLine": {"year": 2019, "pLineText": "2019 Example Records"},
                            "genre": "Pop"},
  "musicalWorkReference": {"iswc": "T-034.524.680-1", "composers": ["A. Writer"],
                           "publishers": ["Example Music"]},
}
for key, value in json.loads(sys.argv[2]).items():
    *groups, last = key.split(".")
    node = base
    for g in groups:
        node = node.setdefault(g, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value
with open(sys.argv[1], "w") as f:
    json.dump(base, f, indent=2)
    f.write("\n")
PY
  }
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/complete.wav"
  sidecar complete '{}'
  # 22.05 kHz declared as 44.1: the contradiction and the rule, both.
  cp "$OUT/aiff-pcm16-22k-mono.aiff" "$d/rate-22k-declared-44k.aiff"
  sidecar rate-22k-declared-44k '{"technicalResourceDetails.sampleRate": 44100}'
  # The platform's sample ISWC has a wrong check digit (0; the work number
  # 123456789 gives 4): invalid, so never 100.
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/iswc-check-digit.wav"
  vary "$d/iswc-check-digit.wav" 1
  sidecar iswc-check-digit '{"musicalWorkReference.iswc": "T-123.456.789-0"}'
  # A truncated master with complete metadata: never 100.
  cp "$OUT/wav-truncated-data.wav" "$d/truncated-master.wav"
  sidecar truncated-master '{}'
  # Durations: the floor of the measured 0.023 s is accepted; 2 s is not.
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/duration-floor.wav"
  vary "$d/duration-floor.wav" 2
  sidecar duration-floor '{"ddexMetadata.duration": "PT0S"}'
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/duration-off.wav"
  vary "$d/duration-off.wav" 3
  sidecar duration-off '{"ddexMetadata.duration": "PT2S"}'
  # Profiles: 96 kHz (YouTube accepts it, recommends 48 kHz), mono,
  # WAVE_FORMAT_EXTENSIBLE, chunks after the audio, AIFF.
  cp "$OUT/wav-pcm16-96k-stereo.wav" "$d/hires-96k.wav"
  sidecar hires-96k '{}'
  cp "$OUT/wav-pcm16-48k-mono.wav" "$d/mono-48k.wav"
  sidecar mono-48k '{}'
  cp "$OUT/wav-extensible-pcm24-96k-stereo.wav" "$d/extensible-24bit.wav"
  sidecar extensible-24bit '{}'
  cp "$OUT/wav-bext-ixml-info-md5.wav" "$d/chunks-after-data.wav"
  sidecar chunks-after-data '{}'
  cp "$OUT/aiff-pcm16-44k-stereo.aiff" "$d/aiff-44k.aiff"
  sidecar aiff-44k '{}'

  # Catalog-level findings (tests/verdicts.rs): the same master twice, one
  # ISRC on two recordings, one declared resource reference on two.
  d="$OUT/duplicates"
  n=0
  mkdir -p "$d"
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/master.wav"
  sidecar master '{}'
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/master-copy.wav"
  sidecar master-copy '{}'
  cp "$OUT/wav-pcm24-48k-stereo.wav" "$d/isrc-1.wav"
  sidecar isrc-1 '{"soundRecordingDetails.isrc": "GBAYE2400001"}'
  cp "$OUT/flac-16bit-44k-stereo.flac" "$d/isrc-2.flac"
  sidecar isrc-2 '{"soundRecordingDetails.isrc": "GB-AYE-24-00001"}'
  cp "$OUT/wav-pcm16-96k-stereo.wav" "$d/reference-1.wav"
  sidecar reference-1 '{"ddexMetadata.resourceReference": "A10"}'
  cp "$OUT/aiff-pcm16-44k-stereo.aiff" "$d/reference-2.aiff"
  sidecar reference-2 '{"ddexMetadata.resourceReference": "A10"}'
}

# Readiness: a catalog of audio with sidecars, one asset per rule, for
# `ddexprobe check` (tests/check.rs asserts the exact reports). The audio
# is copied from the fixtures above; the sidecars are written here.
fx_readiness_catalog() {
  local d="$OUT/catalog" m="$OUT/manifests"
  mkdir -p "$d" "$m"
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/ready.wav"
  cat >"$d/ready.json" <<'JSON'
{
  "ddexMetadata": {
    "resourceReference": "A1",
    "title": "Ready Song",
    "displayArtist": "The Examples",
    "languageOfPerformance": "en",
    "duration": "PT0.023S",
    "parentalWarningType": "NotExplicit"
  },
  "technicalResourceDetails": {
    "fileFormat": "WAV",
    "sampleRate": 44100,
    "bitDepth": 16,
    "numberOfChannels": 2,
    "audioCodec": "PCM"
  },
  "soundRecordingDetails": {
    "isrc": "US-RC1-76-07839",
    "pLine": { "year": 2019, "pLineText": "2019 Example Records" },
    "genre": "Pop",
    "subGenre": "Synth-pop"
  },
  "musicalWorkReference": {
    "workId": "W1",
    "iswc": "T-034.524.680-1",
    "composers": ["A. Writer"],
    "publishers": ["Example Music"]
  }
}
JSON
  # The readiness API's own example: no ISRC, 22.05 kHz, genre 'Unknown'.
  cp "$OUT/aiff-pcm16-22k-mono.aiff" "$d/example.aiff"
  cat >"$d/example.json" <<'JSON'
{
  "ddexMetadata": {
    "title": "Example",
    "displayArtist": "The Examples",
    "languageOfPerformance": "en",
    "parentalWarningType": "Explicit"
  },
  "soundRecordingDetails": {
    "pLine": { "year": 2020, "pLineText": "2020 Example Records" },
    "genre": "Unknown"
  }
}
JSON
  cp "$OUT/flac-16bit-44k-stereo.flac" "$d/bad-ids.flac"
  cat >"$d/bad-ids.flac.json" <<'JSON'
{
  "ddexMetadata": {
    "resourceReference": "R1",
    "title": "Bad Identifiers",
    "displayArtist": "The Examples",
    "languageOfPerformance": "english",
    "parentalWarningType": "Clean"
  },
  "soundRecordingDetails": {
    "isrc": "XX-ABC-24-00001",
    "pLine": { "year": 1850, "pLineText": "1850 Example Records" },
    "genre": "Rock"
  },
  "musicalWorkReference": { "iswc": "T-034.524.680-2" }
}
JSON
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/mismatch.wav"
  cat >"$d/mismatch.json" <<'JSON'
{
  "ddexMetadata": {
    "title": "Mismatch",
    "displayArtist": "The Examples",
    "languageOfPerformance": "en",
    "duration": "PT5M",
    "parentalWarningType": "NotExplicit"
  },
  "technicalResourceDetails": { "fileFormat": "FLAC", "sampleRate": 48000, "bitDepth": 24 },
  "soundRecordingDetails": {
    "isrc": "GBAYE0601498",
    "pLine": { "year": 2006, "pLineText": "2006 Example Records" },
    "genre": "Rock"
  },
  "musicalWorkReference": { "workId": "W2" }
}
JSON
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/typo.wav"
  cat >"$d/typo.json" <<'JSON'
{
  "ddexMetadata": { "title": "Typo", "displayArtits": "The Examples" },
  "soundRecordingDetails": { "isrc": "USRC17607839" }
}
JSON
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/broken.wav"
  printf '{\n  "ddexMetadata": {\n    "title": "Broken",\n  }\n}\n' >"$d/broken.json"
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/both.wav"
  printf '{"ddexMetadata": {"title": "From both.json"}}\n' >"$d/both.json"
  printf '{"ddexMetadata": {"title": "From both.wav.json"}}\n' >"$d/both.wav.json"
  cp "$OUT/mp3-lame-vbr-48k-stereo-id3.mp3" "$d/tagged.mp3"
  cp "$OUT/flac-truncated-mid-frame.flac" "$d/damaged.flac"
  sed 's/"Ready Song"/"Damaged"/' "$d/ready.json" | grep -v '"duration"' | sed 's/"fileFormat": "WAV"/"fileFormat": "FLAC"/' >"$d/damaged.json"
  printf '{"ddexMetadata": {"title": "Nobody"}}\n' >"$d/orphan.json"
  # Hostile metadata: markup, quotes, emoji, right-to-left text, a control character.
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$d/hostile.wav"
  printf '{"ddexMetadata": {"title": "<b>&amp;</b> \\"quoted\\" \xf0\x9f\x8e\xb5 \xd8\xa3\xd8\xba\xd9\x86\xd9\x8a\xd8\xa9", "displayArtist": "A\\u0007B"}, "soundRecordingDetails": {"genre": "<b>&amp;</b> \\"quoted\\" \xf0\x9f\x8e\xb5 \xd8\xa3\xd8\xba\xd9\x86\xd9\x8a\xd8\xa9", "isrc": "US<RC>\\u0007"}}\n' >"$d/hostile.json"
  # Manifests for --metadata over the catalog directory.
  cat >"$m/catalog.csv" <<'CSV'
path,ddexMetadata.title,ddexMetadata.displayArtist,soundRecordingDetails.isrc,technicalResourceDetails.sampleRate,musicalWorkReference.composers
../catalog/ready.wav,Ready Song,The Examples,USRC17607839,44100,A. Writer; B. Writer
../catalog/mismatch.wav,Mismatch,The Examples,GBAYE0601498,48000,
../catalog/nothing.wav,No Audio,Nobody,,,
CSV
  cat >"$m/catalog.json" <<'JSON'
{
  "../catalog/ready.wav": { "ddexMetadata": { "title": "Ready Song" }, "soundRecordingDetails": { "isrc": "USRC17607839" } },
  "./tagged.mp3": { "ddexMetadata": { "title": "Tagged" } },
  "../catalog/nothing.wav": { "ddexMetadata": { "title": "No Audio" } }
}
JSON
  # One recording per asset: copies of one fixture differ by their last
  # sample byte, and no ISRC or resource reference is declared twice (the
  # catalog checks are tested on testdata/duplicates).
  local k=0 f
  for f in both broken hostile mismatch typo; do
    k=$((k + 1))
    vary "$d/$f.wav" "$k"
  done
  sed -i 's/"US-RC1-76-07839"/"US-RC1-76-07840"/; s/"resourceReference": "A1"/"resourceReference": "A2"/' "$d/damaged.json"
  sed -i 's/"USRC17607839"/"USRC17607841"/' "$d/typo.json"
  note "catalog/" "readiness catalog for ddexprobe check: one asset per rule with its sidecar (ready, the readiness API example, bad identifiers, declared vs measured, a key typo, invalid JSON, two sidecars, tags only, damaged audio, hostile text) and a sidecar for no audio; audio copied from the fixtures above"
  note "manifests/" "catalog.csv and catalog.json: --metadata manifests for testdata/catalog, keyed by paths relative to this folder (catalog.json keeps one key in the older scan-relative form, ./tagged.mp3)"
}

# ---------------------------------------------------------------------------
# Lossy: MPEG audio (lame 3.100, ffmpeg mp2/libmp3lame), Ogg (oggenc 1.4.2,
# opusenc 0.2 / libopus 1.3.1, ffmpeg libvorbis), MP4 (ffmpeg aac/alac).
# totalSamples is the gapless count, what a gapless decoder outputs:
# - MP3 with a Xing/Info + LAME tag: frames x 1152 - delay - padding from the
#   LAME tag = what ffmpeg 5.1 decodes (it honours the tag);
# - MP3/MP2 without such a tag: frames x samples per frame (durationSource
#   frames), = what ffmpeg decodes;
# - Vorbis: the last granule position (ffmpeg 5.1 decodes a different count);
# - Opus: last granule - pre-skip = what ffmpeg decodes, at 48 kHz;
# - AAC in MP4: the edit list (segment duration, media time = priming) = the
#   input frame count = ffprobe's stream duration_ts; ffmpeg 5.1 skips the
#   priming but decodes the last AAC frame whole (up to 1023 samples more);
# - ALAC in MP4: the stts total = edit list = what ffmpeg decodes.
# oggenc/opusenc choose random stream serials: fixed with -s/--serial.
# ffmpeg's mp4 muxer writes the movie timescale 1000 (edit list in ms) unless
# -movie_timescale is given; one fixture keeps that default on purpose.

# lame_enc IN.wav OUT.mp3 [lame options...]  (--resample keeps the input rate:
# lame otherwise picks a lower rate for low bitrates)
lame_enc() {
  local in=$1 out=$2 rate; shift 2
  rate=$(ffprobe -v error -show_entries stream=sample_rate -of csv=p=0 "$in")
  lame --quiet --noreplaygain --resample "$(awk "BEGIN {print $rate / 1000}")" "$@" "$in" "$out"
}

# fx_lame FILE RATE FRAMES CHANNELS NOTE [lame options...]
fx_lame() {
  local f=$1 r=$2 n=$3 c=$4 what=$5; shift 5
  tone "$WORK/lame-src.wav" "$r" "$n" "$c" -c:a pcm_s16le
  lame_enc "$WORK/lame-src.wav" "$OUT/$f" "$@"
  # gapless total from the LAME tag = the input frame count
  local spf=1152
  [ "$r" -ge 32000 ] || spf=576                  # MPEG-2/2.5 Layer III
  expect "$f" MP3 MP3 - "$r" - - "$c" - "$n" - header - -
  note "$f" "$what; total = Xing frames x $spf - LAME delay - padding = $n input frames = ffmpeg decode"
}

fx_mp3_lame_all() {
  fx_lame mp3-lame-cbr128-44k-stereo.mp3 44100 10000 2 "lame -b 128 (CBR, Info tag), 44.1 kHz stereo" -b 128
  fx_lame mp3-lame-cbr48-32k-mono.mp3 32000 8000 1 "lame -b 48 (CBR, Info tag), 32 kHz mono" -b 48
  fx_lame mp3-lame-vbr-48k-mono.mp3 48000 12000 1 "lame -V 4 (VBR, Xing tag), 48 kHz mono" -V 4
  fx_lame mp3-lame-vbr-44k-mono.mp3 44100 10000 1 "lame -V 6 (VBR, Xing tag), 44.1 kHz mono" -V 6
  fx_lame mp3-lame-abr96-32k-stereo.mp3 32000 8000 2 "lame --abr 96 (ABR, Xing tag), 32 kHz stereo" --abr 96
  fx_lame mp3-lame-vbr-24k-mono.mp3 24000 6000 1 "lame -V 5, 24 kHz mono: MPEG-2 Layer III, 576 samples per frame" -V 5
  fx_lame mp3-lame-abr128-48k-stereo.mp3 48000 12000 2 "lame --abr 128 (ABR, Xing tag), 48 kHz stereo" --abr 128
}

fx_mp3_id3() {
  # ID3v2.3 with TIT2/TPE1/TSRC before the frames and an ID3v1 tag at the end
  local f=mp3-lame-vbr-48k-stereo-id3.mp3 r=48000 n=12000 c=2
  tone "$WORK/id3-src.wav" $r $n $c -c:a pcm_s16le
  lame_enc "$WORK/id3-src.wav" "$OUT/$f" -V 2 --add-id3v2 --tt "Sine fixture" --ta ddexprobe \
    --tv TSRC=QZDA42400001
  expect $f MP3 MP3 - $r - - $c - $n - header - -
  note $f "lame -V 2 --add-id3v2: ID3v2.3 tag (TIT2 'Sine fixture', TPE1 'ddexprobe', TSRC 'QZDA42400001') before the frames and a 128-byte ID3v1 tag after them, 48 kHz stereo; total $n = LAME tag = ffmpeg decode"
}

fx_mp3_no_xing() {
  # lame -t: no Xing/LAME frame, so nothing tells the delay: the count is
  # every frame's samples (10 frames x 1152), durationSource frames
  local f=mp3-no-xing-44k-mono.mp3 r=44100 n=10000 c=1 frames=10
  tone "$WORK/nx-src.wav" $r $n $c -c:a pcm_s16le
  lame_enc "$WORK/nx-src.wav" "$OUT/$f" -t -b 96
  expect $f MP3 MP3 - $r - - $c - $((frames * 1152)) - frames - -
  note $f "lame -t -b 96 (no Xing/LAME frame), 44.1 kHz mono: $frames frames x 1152 = $((frames * 1152)) (durationSource frames) = ffmpeg decode; the $n input frames are not recoverable"
}

fx_mp3_no_xing_mpeg2() {
  local f=mp3-no-xing-22k-stereo.mp3 r=22050 n=5000 c=2 frames=11
  tone "$WORK/nx2-src.wav" $r $n $c -c:a pcm_s16le
  lame_enc "$WORK/nx2-src.wav" "$OUT/$f" -t -b 64
  expect $f MP3 MP3 - $r - - $c - $((frames * 576)) - frames - -
  note $f "lame -t -b 64, 22.05 kHz stereo: MPEG-2 Layer III without Xing/LAME frame, $frames frames x 576 = $((frames * 576)) (durationSource frames) = ffmpeg decode"
}

fx_mp2() {
  local f=mp2-48k-stereo.mp2 r=48000 n=10000 c=2 frames=9
  tone "$OUT/$f" $r $n $c -c:a mp2 -b:a 128k -f mp2
  expect $f MP3 MP2 - $r - - $c - $((frames * 1152)) - frames - -
  note $f "MPEG-1 Layer II (ffmpeg mp2 128k), 48 kHz stereo, no VBR header: $frames frames x 1152 = $((frames * 1152)) (durationSource frames) = ffmpeg decode"
}

fx_mp3_ffmpeg() {
  # formerly an unsupported_format fixture; ffmpeg libmp3lame writes an
  # ID3v2.4 header (20 bytes) and an Info/LAME frame
  local f=mp3-44k-mono.mp3 r=44100 n=1152 c=1
  tone "$OUT/$f" $r $n $c -c:a libmp3lame -b:a 64k
  expect $f MP3 MP3 - $r - - $c - $n - header - -
  note $f "ffmpeg libmp3lame 64k: ID3v2.4 header + Info/LAME frame + 2 audio frames; total $n = 2 x 1152 - 576 - 576 = ffmpeg decode"
}

fx_mp3_junk() {
  # 100 bytes (no 0xFF) before the Info frame of a CBR file
  local f=mp3-leading-junk.mp3 r=44100 n=10000 c=2
  cp "$OUT/mp3-lame-cbr128-44k-stereo.mp3" "$OUT/$f"
  py prepend "$OUT/$f" 100
  expect $f MP3 MP3 - $r - - $c - $n - header - leading_data
  note $f "100 junk bytes (no 0xFF) before the first frame of mp3-lame-cbr128-44k-stereo.mp3, leading_data; total $n from the LAME tag (ffmpeg 5.1 does not see the tag after junk and decodes 11 x 1152 = 12672); python"
}

fx_mp3_truncated() {
  # Xing says 10 audio frames; the file is cut exactly before audio frame 6.
  # A decoder outputs 5 x 1152 - 576 (LAME delay) - 529 (decoder delay,
  # which the end padding would have absorbed) = 4655 = ffmpeg decode.
  local f=mp3-truncated.mp3 r=44100 n=10000 c=2 keep=5
  tone "$WORK/tr-src.wav" $r $n $c -c:a pcm_s16le
  lame_enc "$WORK/tr-src.wav" "$OUT/$f" -V 6
  py mpegcut "$OUT/$f" $keep
  # Counted from the frames present (the Xing count is what was lost).
  expect $f MP3 MP3 - $r - - $c - $((keep * 1152 - 576 - 529)) $n frames truncated_data -
  note $f "lame -V 6, 44.1 kHz stereo, cut after 5 of the 10 audio frames the Xing tag declares (declared $n), truncated_data; present $((keep * 1152 - 576 - 529)) = 5 x 1152 - 576 delay - 529 decoder delay = ffmpeg decode; python cut"
}

fx_vorbis() {
  # fx_vorbis FILE RATE FRAMES CHANNELS NOTE [oggenc options...]
  local f=$1 r=$2 n=$3 c=$4 what=$5; shift 5
  tone "$WORK/vorbis-src.wav" "$r" "$n" "$c" -c:a pcm_s16le
  oggenc -Q -s 1 "$@" -o "$OUT/$f" "$WORK/vorbis-src.wav"
  local ffdec
  ffdec=$(($(ffmpeg -v error -i "$OUT/$f" -f s16le -ac 1 - | wc -c) / 2))
  expect "$f" OGG Vorbis - "$r" - - "$c" - "$n" - header - -
  note "$f" "$what; last granule position = $n input frames (ffmpeg 5.1 decodes $ffdec)"
}

fx_ogg_all() {
  fx_vorbis ogg-vorbis-44k-stereo-tags.ogg 44100 10000 2 \
    "oggenc -q 0 -s 1, 44.1 kHz stereo, comments TITLE 'Sine fixture', ARTIST 'ddexprobe', ISRC 'QZDA42400002'" \
    -q 0 -c "TITLE=Sine fixture" -c ARTIST=ddexprobe -c ISRC=QZDA42400002
  fx_vorbis ogg-vorbis-22k-mono.ogg 22050 5000 1 "oggenc -q 0 -s 1, 22.05 kHz mono" -q 0
  # formerly an unsupported_format fixture (ffmpeg libvorbis, 1000 frames)
  local f=ogg-vorbis-44k-mono.ogg
  tone "$OUT/$f" 44100 1000 1 -c:a libvorbis -q:a 0
  expect $f OGG Vorbis - 44100 - - 1 - 1000 - header - -
  note $f "ffmpeg libvorbis -q:a 0, 44.1 kHz mono; last granule = 1000 input frames (ffmpeg 5.1 decodes 872)"
  # Opus: output always 48 kHz; total = last granule - pre-skip
  f=opus-48k-stereo.opus
  tone "$WORK/opus48.wav" 48000 12000 2 -c:a pcm_s16le
  opusenc --quiet --serial 1 "$WORK/opus48.wav" "$OUT/$f"
  expect $f OGG Opus - 48000 - - 2 - 12000 - header - -
  note $f "opusenc --serial 1 from 12000 frames at 48 kHz stereo (inputSampleRate 48000); last granule - pre-skip 312 = 12000 = ffmpeg decode"
  f=opus-from-44k-mono.opus
  tone "$WORK/opus44.wav" 44100 10000 1 -c:a pcm_s16le
  opusenc --quiet --serial 1 "$WORK/opus44.wav" "$OUT/$f"
  # 10000 frames at 44.1 kHz = 10884.35 at 48 kHz; opusenc's granule rounds up
  expect $f OGG Opus - 48000 - - 1 - 10885 - header - -
  note $f "opusenc --serial 1 from 10000 frames at 44.1 kHz mono: OpusHead input rate 44100, output 48 kHz; last granule - pre-skip 312 = 10885 (10000 x 48000/44100 = 10884.35, rounded up) = ffmpeg decode"
  # truncated: the last page of ogg-vorbis-22k-mono.ogg loses its last 200 bytes
  f=ogg-truncated.ogg
  cp "$OUT/ogg-vorbis-22k-mono.ogg" "$OUT/$f"
  py cutend "$OUT/$f" 200
  expect $f OGG Vorbis - 22050 - - 1 - - - - truncated_data,unknown_duration -
  note $f "ogg-vorbis-22k-mono.ogg without its last 200 bytes: the last page header promises more than the file holds, truncated_data; its audio sits in that one page, so no complete page carries a granule position: unknown_duration; python"
  f=ogg-vorbis-chain-differ.ogg
  cat "$OUT/ogg-vorbis-22k-mono.ogg" "$OUT/ogg-vorbis-44k-mono.ogg" >"$OUT/$f"
  note $f "ogg-vorbis-22k-mono.ogg followed by ogg-vorbis-44k-mono.ogg (\`cat\`): two chained links that differ in rate, so only the first is measured, 5000 frames at 22.05 kHz, chained_streams; --verify measures the same link (5000, not 6000); cat"
}

# fx_m4a FILE RATE FRAMES CHANNELS CODEC SAMPLEFORMAT BITS NOTE [ffmpeg options...]
fx_m4a() {
  local f=$1 r=$2 n=$3 c=$4 codec=$5 sf=$6 bits=$7 what=$8; shift 8
  tone "$OUT/$f" "$r" "$n" "$c" -movie_timescale "$r" "$@"
  expect "$f" MP4 "$codec" "$sf" "$r" "$bits" - "$c" - "$n" - header - -
  note "$f" "$what"
}

fx_m4a_all() {
  fx_m4a m4a-aac-44k-stereo.m4a 44100 10000 2 AAC - - \
    "ffmpeg aac 64k (AAC LC), 44.1 kHz stereo, movie timescale 44100: edit list media time 1024 (priming), duration 10000 = input frames = ffprobe duration_ts (ffmpeg 5.1 decodes 10240: last frame whole)" \
    -c:a aac -b:a 64k
  fx_m4a m4a-aac-48k-mono.m4a 48000 20000 1 AAC - - \
    "ffmpeg aac 48k, 48 kHz mono (stsd channelcount says 2, the AudioSpecificConfig says 1), 20000 frames; edit list priming 1024 (ffmpeg decodes 20480)" \
    -c:a aac -b:a 48k
  fx_m4a m4a-aac-44k-mono-short.m4a 44100 1000 1 AAC - - \
    "ffmpeg aac 48k, 44.1 kHz mono, 1000 frames (less than one AAC frame; 2 AAC frames stored); edit list priming 1024 (ffmpeg decodes 1024)" \
    -c:a aac -b:a 48k
  TONE_AF=",aformat=sample_fmts=s16p" fx_m4a m4a-alac-16bit-44k-stereo.m4a 44100 3000 2 ALAC int 16 \
    "ffmpeg alac from s16p, 16-bit 44.1 kHz stereo; stts 3000 = edit list = ffmpeg decode" -c:a alac
  TONE_AF=",aformat=sample_fmts=s32p" fx_m4a m4a-alac-24bit-48k-mono.m4a 48000 3000 1 ALAC int 24 \
    "ffmpeg alac from s32p (24-bit ALAC), 48 kHz mono; stts 3000 = edit list = ffmpeg decode" -c:a alac
  # ffmpeg writes title/artist into ilst (©nam, ©ART) but drops ISRC and
  # iTunSMPB (ffmpeg 5.1 cannot write iTunSMPB: no fixture for it)
  fx_m4a m4a-aac-tags.m4a 44100 5000 2 AAC - - \
    "ffmpeg aac 64k, 44.1 kHz stereo, ilst ©nam 'Sine fixture' and ©ART 'ddexprobe' written by ffmpeg, ----:com.apple.iTunes:ISRC 'QZDA42400003' added by python (ffmpeg 5.1 drops -metadata ISRC); edit list 5000" \
    -c:a aac -b:a 64k -metadata title="Sine fixture" -metadata artist=ddexprobe -metadata ISRC=QZDA42400003
  py freeform "$OUT/m4a-aac-tags.m4a" ISRC QZDA42400003
  # iTunSMPB as the only gapless information: ffmpeg cannot write it, so
  # python adds it (priming 1024, padding 6144 - 1024 - 5000 = 120, length
  # 5000) and turns the edit list into a free box
  local f=m4a-aac-itunsmpb.m4a
  tone "$OUT/$f" 44100 5000 2 -movie_timescale 44100 -c:a aac -b:a 64k
  py freeform "$OUT/$f" iTunSMPB " 00000000 00000400 00000078 0000000000001388" drop
  expect $f MP4 AAC - 44100 - - 2 - 5000 - header - -
  note $f "ffmpeg aac 64k, 44.1 kHz stereo, 5000 frames; python adds ----:com.apple.iTunes:iTunSMPB ' 00000000 00000400 00000078 0000000000001388' (priming 1024, padding 120, length 5000) and turns edts into a free box, so iTunSMPB is the only gapless figure: total 5000 (ffmpeg 5.1 ignores iTunSMPB, skips 1024 priming by default and decodes 5120; ffprobe duration_ts is the stts total 6024)"
  # default movie timescale 1000: the edit list says 113 ms = 4983.3 frames;
  # the exact count is the stts total minus the priming: 6024 - 1024 = 5000
  local f=m4a-aac-elst-ms.m4a
  tone "$OUT/$f" 44100 5000 2 -c:a aac -b:a 64k
  expect $f MP4 AAC - 44100 - - 2 - 5000 - header - -
  note $f "ffmpeg aac, default movie timescale 1000: edit list duration 113 (ms) = 4983.3 frames, so the exact total is stts 6024 - media time 1024 = 5000 = input frames (ffprobe duration_ts 4983 follows the rounded edit list; ffmpeg decodes 5120)"
}

# ---------------------------------------------------------------------------
# Lossy audio damaged where the headers cannot see it (`--verify` finds it),
# and the verify expectations of clean lossy fixtures.

fx_mp3_damaged() {
  local r=44100 n=10000 c=2 f
  # 100 junk bytes (no 0xFF) between audio frames 5 and 6 of the CBR file:
  # the stream resynchronises, every frame is still there
  f=mp3-garbage-between-frames.mp3
  cp "$OUT/mp3-lame-cbr128-44k-stereo.mp3" "$OUT/$f"
  py mpeggarbage "$OUT/$f" 5 100
  expect $f MP3 MP3 - $r - - $c - $n - header - corrupt_frames
  vexpect $f warning decoded $n - - corrupt_frames
  note $f "mp3-lame-cbr128-44k-stereo.mp3 with 100 junk bytes (no 0xFF) between audio frames 5 and 6, corrupt_frames; all 10 frames the Info tag declares are there: total $n; --verify decodes them all; python"
  # every byte of audio frame 5's body (side information and main data)
  # inverted: the frame does not decode (big_values > 288); bit flips
  # confined to Layer III main data are invisible to decoders (no
  # checksum covers it)
  f=mp3-corrupt-frame.mp3
  cp "$OUT/mp3-lame-cbr128-44k-stereo.mp3" "$OUT/$f"
  py mpegxor "$OUT/$f" 5 0 1 0xFF
  expect $f MP3 MP3 - $r - - $c - $n - header - -
  vexpect $f corrupt decoded $((n - 1152)) - decode_error -
  note $f "mp3-lame-cbr128-44k-stereo.mp3 with the body of audio frame 5 (after its header) inverted: headers intact (total $n from the LAME tag), --verify: decode_error, $((n - 1152)) samples decode (ffmpeg: big_values too big, drops the frame); python"
  # CRC-protected frames (lame -p); one private bit of audio frame 3's side
  # information flipped: the CRC-16 fails, the audio decodes unchanged
  f=mp3-crc-mismatch.mp3
  tone "$WORK/crc-src.wav" $r $n $c -c:a pcm_s16le
  lame_enc "$WORK/crc-src.wav" "$OUT/$f" -p -b 128
  py mpegxor "$OUT/$f" 3 3 1 0x40 1
  expect $f MP3 MP3 - $r - - $c - $n - header - -
  vexpect $f corrupt decoded $n - frame_crc_mismatch -
  note $f "lame -p -b 128 (CRC-16 on every frame), 44.1 kHz stereo, with a private bit of audio frame 3's side information flipped: frame_crc_mismatch under --verify (ffmpeg -err_detect crccheck: CRC mismatch); the audio decodes: $n; python"
}

fx_ogg_bad_page() {
  # ffmpeg libvorbis with 100 ms pages: 5 audio pages; every 7th byte of the
  # third one XORed with 0x5A, so its CRC fails. The probe reads the pages up
  # to the first audio granule position and the last page: clean. --verify
  # drops the page (as libogg does) and loses its 5 packets.
  local f=ogg-vorbis-bad-page.ogg r=44100 n=22050
  tone "$OUT/$f" $r $n 1 -c:a libvorbis -q:a 0 -page_duration 100000
  py oggxor "$OUT/$f" 4 7 0x5A
  expect $f OGG Vorbis - $r - - 1 - $n - header - -
  vexpect $f corrupt decoded 16930 - decode_error bad_page_crc
  note $f "ffmpeg libvorbis -q:a 0 -page_duration 100000, 44.1 kHz mono, $n frames in 5 audio pages; the third audio page (page 4) damaged (every 7th body byte XOR 0x5A): headers clean (last granule $n), --verify: bad_page_crc and its 5 packets lost (decode_error), 16930 samples decode ($n - the 5120 the page holds); python"
  expect ogg-vorbis-chain-differ.ogg OGG Vorbis - 22050 - - 1 - 5000 - header - chained_streams
}

# flac_master_md5 RATE FRAMES CHANNELS SAMPLEFMT PCMCODEC: the STREAMINFO MD5
# flac computes for the tone master, as the ALAC fixtures are made from it
flac_master_md5() {
  TONE_AF=",aformat=sample_fmts=$4" tone "$WORK/master.wav" "$1" "$2" "$3" -c:a "$5"
  flac_enc "$WORK/master.wav" "$WORK/master.flac" 4096
  metaflac --show-md5sum "$WORK/master.flac"
}

fx_lossy_verify() {
  vexpect mp3-lame-cbr128-44k-stereo.mp3 ok decoded 10000 - - -
  vexpect mp3-lame-vbr-24k-mono.mp3 ok decoded 6000 - - -
  vexpect mp3-no-xing-44k-mono.mp3 ok decoded 11520 - - -
  vexpect mp2-48k-stereo.mp2 ok decoded 10368 - - -
  vexpect mp3-truncated.mp3 truncated decoded 4655 - truncated_data -
  vexpect ogg-vorbis-44k-stereo-tags.ogg ok decoded 10000 - - -
  vexpect ogg-vorbis-44k-mono.ogg ok decoded 1000 - - -
  vexpect ogg-truncated.ogg truncated decoded - - truncated_data,unknown_duration -
  # no Opus decoder: pages, packets and granule positions are checked
  vexpect opus-48k-stereo.opus ok structure - - - -
  vexpect m4a-aac-44k-stereo.m4a ok decoded 10000 - - -
  # iTunSMPB's padding (120) rounds up to whole frames over an stts whose
  # last duration already ends at the programme: they agree, no warning
  vexpect m4a-aac-itunsmpb.m4a ok decoded 5000 - - -
  # ALAC is lossless: pcmMd5 is the MD5 flac computes from the same master
  local md5
  md5=$(flac_master_md5 44100 3000 2 s16p pcm_s16le)
  vexpect m4a-alac-16bit-44k-stereo.m4a ok decoded 3000 "$md5" - -
  md5=$(flac_master_md5 48000 3000 1 s32p pcm_s24le)
  vexpect m4a-alac-24bit-48k-mono.m4a ok decoded 3000 "$md5" - -
  vexpect ogg-vorbis-chain-differ.ogg warning decoded 5000 - - chained_streams
}

# ---------------------------------------------------------------------------
# extension mismatches, non-audio and unsupported formats

fx_mismatch() {
  cp "$OUT/flac-16bit-44k-stereo.flac" "$OUT/flac-named.wav"
  expect flac-named.wav FLAC FLAC int 44100 16 - 2 - 4000 - header - extension_mismatch
  note flac-named.wav "FLAC content with a .wav name, extension_mismatch; copy of flac-16bit-44k-stereo.flac"
  cp "$OUT/wav-pcm16-44k-stereo.wav" "$OUT/wav-named.flac"
  expect wav-named.flac WAV PCM int 44100 16 - 2 - 1000 - header - extension_mismatch
  note wav-named.flac "WAV content with a .flac name, extension_mismatch; copy of wav-pcm16-44k-stereo.wav"
}

fx_unsupported() {
  : >"$OUT/empty.wav"
  expect empty.wav - - - - - - - - - - - empty_file -
  note empty.wav "zero-byte file, empty_file"
  printf 'This is a plain text file, not audio.\nddexprobe test fixture.\n' >"$OUT/text-named.wav"
  expect text-named.wav - - - - - - - - - - - unsupported_format -
  note text-named.wav "plain text named .wav, unsupported_format"
  py garbage "$OUT/garbage-bytes.aiff" 1024
  expect garbage-bytes.aiff - - - - - - - - - - - unsupported_format -
  note garbage-bytes.aiff "1024 deterministic pseudo-random bytes (fixed-seed LCG) named .aiff, unsupported_format"
}


# ---------------------------------------------------------------------------
# W64, CAF, AU (ffmpeg's muxers) and DSD (DSF, DSDIFF: built by tool.py from
# the specifications, ffmpeg has no DSD encoder). G.711 reports bitDepth 16
# (the decoded width) with containerBitDepth 8 (the coded width).

fx_w64() {
  # fx_w64 FILE RATE FRAMES CHANNELS CODEC SAMPLEFORMAT BITS MASK
  local f=$1 r=$2 n=$3 c=$4 codec=$5 sf=$6 bits=$7 mask=$8
  tone "$OUT/$f" "$r" "$n" "$c" -c:a "$codec" -f w64
  expect "$f" W64 PCM "$sf" "$r" "$bits" - "$c" "$mask" "$n" - header - -
  if [ "$sf" = int ]; then
    vexpect "$f" ok pcm "$n" "$(pcm_md5 "$f")" - -
  else
    vexpect "$f" ok pcm "$n" - - -
  fi
  note "$f" "Sony Wave64 ($codec): GUID chunks with 64-bit sizes, measured and verified like WAV; ffmpeg -f w64"
}

fx_w64_all() {
  fx_w64 w64-pcm16-44k-stereo.w64 44100 200 2 pcm_s16le int 16 -
  fx_w64 w64-pcm24-48k-mono.w64 48000 200 1 pcm_s24le int 24 4
  # ffmpeg writes 24-bit and float as WAVE_FORMAT_EXTENSIBLE (masks 4: FC, 3: FL FR).
  fx_w64 w64-float32-44k-stereo.w64 44100 100 2 pcm_f32le float 32 3
  local f=w64-truncated-data.w64 keep=402
  tone "$OUT/$f" 44100 200 2 -c:a pcm_s16le -f w64
  py w64cut "$OUT/$f" $keep
  expect $f W64 PCM int 44100 16 - 2 - $((keep / 4)) 200 header truncated_data -
  vexpect $f truncated pcm $((keep / 4)) "$(pcm_md5 $f)" truncated_data -
  note $f "W64 data chunk declares 200 frames, the file holds 402 data bytes (100 frames + 2 bytes), truncated_data; ffmpeg, cut by python"
}

fx_caf() {
  # fx_caf FILE RATE FRAMES CHANNELS CODEC AUDIOCODEC SAMPLEFORMAT BITS CBITS
  local f=$1 r=$2 n=$3 c=$4 codec=$5 name=$6 sf=$7 bits=$8 cbits=$9
  tone "$OUT/$f" "$r" "$n" "$c" -c:a "$codec" -f caf
  expect "$f" CAF "$name" "$sf" "$r" "$bits" "$cbits" "$c" - "$n" - header - -
  case $name/$sf in
    PCM/int) vexpect "$f" ok pcm "$n" "$(pcm_md5 "$f")" - - ;;
    *) vexpect "$f" ok pcm "$n" - - - ;;
  esac
  note "$f" "CAF $codec ($name): desc + data chunks, through the PCM layout; ffmpeg -f caf"
}

fx_caf_all() {
  fx_caf caf-pcm16be-44k-stereo.caf 44100 200 2 pcm_s16be PCM int 16 -
  fx_caf caf-pcm24le-48k-mono.caf 48000 200 1 pcm_s24le PCM int 24 -
  fx_caf caf-float32-44k-stereo.caf 44100 100 2 pcm_f32le PCM float 32 -
  fx_caf caf-ulaw-8k-mono.caf 8000 200 1 pcm_mulaw MuLaw int 16 8
  # ALAC: the tone at -60 dB (volume 0.001) so that a whole 4096-frame
  # packet stays small.
  local f=caf-alac-44k-mono.caf
  TONE_AF=",volume=0.001" tone "$OUT/$f" 44100 4096 1 -c:a alac -sample_fmt s16p -f caf
  expect $f CAF ALAC int 44100 16 - 1 - 4096 - header - -
  vexpect $f ok structure - - - -
  note $f "CAF ALAC, one whole 4096-frame packet (tone at -60 dB): totalSamples from the packet table (pakt valid frames), bit depth from the kuki cookie; verify checks the table's sizes against the data chunk; ffmpeg alac -f caf"
  f=caf-alac-short-last-packet.caf
  TONE_AF=",volume=0.001" tone "$OUT/$f" 44100 1000 1 -c:a alac -sample_fmt s16p -f caf
  expect $f CAF ALAC int 44100 16 - 1 - 1000 4096 frames - inconsistent_header
  note $f "CAF ALAC of 1000 frames: ffmpeg's pakt says 1 x 4096 = 4096 valid frames, the ALAC packet's header says 1000 samples: totalSamples 1000 (= ffmpeg's decode), declaredSamples 4096, inconsistent_header; ffmpeg alac -f caf"
  f=caf-alac-data-short.caf
  cp "$OUT/caf-alac-44k-mono.caf" "$OUT/$f"
  py cafdatacut "$OUT/$f" 100
  expect $f CAF ALAC int 44100 16 - 1 - 4096 - header - -
  vexpect $f truncated structure - - truncated_data -
  note $f "caf-alac-44k-mono.caf whose data chunk lost its last 100 bytes (chunk size rewritten to match): the headers agree, the packet table's sizes do not add up to the data, so --verify reports truncated_data; cut by python"
  # AAC: afconvert's layout, built by python from ffmpeg's ADTS frames.
  f=caf-aac-44k-stereo.caf
  tone "$WORK/caf-aac.aac" 44100 5000 2 -c:a aac -b:a 64k -f adts
  py cafaac "$WORK/caf-aac.aac" "$OUT/$f" 5000 2 44100
  expect $f CAF AAC - 44100 - - 2 - 5000 - header - -
  vexpect $f ok structure - - - -
  note $f "CAF AAC LC as afconvert lays it out (ffmpeg cannot write it): the 6 raw frames of an ffmpeg aac 64k ADTS encode of 5000 frames as packets, desc 'aac ' (1024 frames per packet), kuki esds body, pakt: 6 packets, 5000 valid frames, priming 1024, remainder 120: totalSamples 5000, encoderDelay 1024; python"
  f=caf-data-size-unset.caf
  tone "$OUT/$f" 44100 200 2 -c:a pcm_s16be -f caf
  py cafdatasize "$OUT/$f" -1
  expect $f CAF PCM int 44100 16 - 2 - 200 - header - data_size_unset
  note $f "CAF PCM whose data chunk size is -1 (written without seeking back): measured to the end of the file, data_size_unset; ffmpeg, patched by python"
  f=caf-truncated-data.caf
  tone "$OUT/$f" 44100 200 2 -c:a pcm_s16be -f caf
  py cutend "$OUT/$f" 398
  expect $f CAF PCM int 44100 16 - 2 - 100 200 header truncated_data -
  vexpect $f truncated pcm 100 "$(pcm_md5 $f)" truncated_data -
  note $f "CAF PCM cut 398 bytes before the end (100 frames and 2 bytes remain), truncated_data; ffmpeg, cut by python"
}

fx_au() {
  # fx_au FILE RATE FRAMES CHANNELS CODEC AUDIOCODEC SAMPLEFORMAT BITS CBITS
  local f=$1 r=$2 n=$3 c=$4 codec=$5 name=$6 sf=$7 bits=$8 cbits=$9
  tone "$OUT/$f" "$r" "$n" "$c" -c:a "$codec" -f au
  expect "$f" AU "$name" "$sf" "$r" "$bits" "$cbits" "$c" - "$n" - header - -
  case $name/$sf in
    PCM/int) vexpect "$f" ok pcm "$n" "$(pcm_md5 "$f")" - - ;;
    *) vexpect "$f" ok pcm "$n" - - - ;;
  esac
  note "$f" "Sun AU $codec ($name), big-endian, through the PCM layout; ffmpeg -f au"
}

fx_au_all() {
  fx_au au-pcm8-8k-mono.au 8000 200 1 pcm_s8 PCM int 8 -
  fx_au au-pcm16-8k-mono.au 8000 1000 1 pcm_s16be PCM int 16 -
  fx_au au-pcm24-48k-stereo.au 48000 100 2 pcm_s24be PCM int 24 -
  fx_au au-pcm32-44k-mono.au 44100 100 1 pcm_s32be PCM int 32 -
  fx_au au-float32-44k-stereo.au 44100 100 2 pcm_f32be PCM float 32 -
  fx_au au-float64-22k-mono.au 22050 100 1 pcm_f64be PCM float 64 -
  fx_au au-mulaw-8k-mono.au 8000 200 1 pcm_mulaw MuLaw int 16 8
  fx_au au-alaw-8k-stereo.au 8000 200 2 pcm_alaw ALaw int 16 8
  local f=au-data-size-unknown.au
  tone "$OUT/$f" 8000 200 1 -c:a pcm_s16be -f au
  py audatasize "$OUT/$f" 4294967295
  expect $f AU PCM int 8000 16 - 1 - 200 - header - data_size_unset
  note $f "AU data size 0xFFFFFFFF (unknown): measured to the end of the file, data_size_unset; ffmpeg, patched by python"
  f=au-truncated-data.au
  tone "$OUT/$f" 8000 200 2 -c:a pcm_s16be -f au
  py cutend "$OUT/$f" 398
  expect $f AU PCM int 8000 16 - 2 - 100 200 header truncated_data -
  vexpect $f truncated pcm 100 "$(pcm_md5 $f)" truncated_data -
  note $f "AU header declares 800 data bytes, the file holds 402 (100 frames + 2 bytes), truncated_data; ffmpeg, cut by python"
}

fx_dsd_all() {
  # DSF blocks are 4096 bytes per channel (the specification's only size),
  # so each DSF fixture is at least 4 KB per channel: a few variants only.
  local f=dsf-dsd64-mono.dsf
  py dsf "$OUT/$f" 2822400 1 20000 1
  expect $f DSF DSD int 2822400 1 - 1 - 20000 - header - -
  vexpect $f ok structure - - - -
  note $f "DSF, DSD64 mono, 20000 samples (1 bit, LSB first): 2500 bytes in one 4096-byte block, zero-padded; built by tool.py from the DSF specification"
  f=dsf-truncated-data.dsf
  py dsf "$OUT/$f" 5644800 2 20000 8
  py cutend "$OUT/$f" $((4096 - 100))
  # One block group: channel 1's block whole, 100 bytes of channel 2's.
  expect $f DSF DSD int 5644800 1 - 2 - 800 20000 header truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "DSF, DSD128 stereo, bits per sample 8 (MSB first), 20000 samples per channel, cut 3996 bytes before the end: channel 2 holds 100 bytes of its block (800 samples), truncated_data; built by tool.py"
  f=dsf-sample-count-too-large.dsf
  py dsf "$OUT/$f" 2822400 1 20000 1 100000
  # The fmt chunk says 100000 samples (12500 bytes, 4 blocks); the data
  # chunk holds one block (32768 samples of room).
  expect $f DSF DSD int 2822400 1 - 1 - 32768 100000 header truncated_data -
  note $f "DSF whose sample count (100000) needs 4 blocks, the data chunk holds 1 (32768 samples of room), truncated_data; built by tool.py"
  f=dff-dsd64-stereo.dff
  py dff "$OUT/$f" 2822400 2 2000
  expect $f DSDIFF DSD int 2822400 1 - 2 - 8000 - header - -
  vexpect $f ok structure - - - -
  note $f "DSDIFF (FRM8/DSD), DSD64 stereo, 2000 interleaved bytes = 8000 samples per channel; built by tool.py from the DSDIFF 1.5 specification"
  f=dff-dst-3frames.dff
  py dff "$OUT/$f" 2822400 2 3 dst
  expect $f DSDIFF DST int 2822400 1 - 2 - $((3 * 2822400 / 75)) - header - -
  vexpect $f ok structure - - - -
  note $f "DSDIFF with DST compression: FRTE declares 3 frames at 75 per second, 3 x 37632 samples; 3 DSTF frames of placeholder bytes (not decodable, only counted); built by tool.py"
  f=dff-dst-frame-missing.dff
  py dff "$OUT/$f" 2822400 2 3 dst 2
  expect $f DSDIFF DST int 2822400 1 - 2 - $((3 * 2822400 / 75)) - header - -
  vexpect $f truncated structure - - truncated_data -
  note $f "DSDIFF DST whose FRTE declares 3 frames, the DST chunk holds 2: --verify reports truncated_data; built by tool.py"
  f=dff-truncated-data.dff
  py dff "$OUT/$f" 2822400 2 2000
  py cutend "$OUT/$f" 200
  expect $f DSDIFF DSD int 2822400 1 - 2 - 7200 8000 header truncated_data -
  note $f "DSDIFF whose DSD chunk lost its last 200 bytes (7200 samples per channel remain), truncated_data; built by tool.py"
}

# ---------------------------------------------------------------------------
# defects found in other projects' test files, each reproduced here

fx_wav_real_world() {
  # Malformed but measurable WAVs: the figures stay right, each
  # malformation is a warning with its own code.
  local r=44100 n=1000 c=2 f kind code
  for kind in chunkid:invalid_chunk_id stray:stray_bytes fmtextra:fmt_extra_bytes; do
    code=${kind#*:}; kind=${kind%%:*}
    f=wav-malformed-$kind.wav
    tone "$OUT/$f" $r $n $c -c:a pcm_s16le
    py wavdefect "$OUT/$f" $kind
    expect $f WAV PCM int $r 16 - $c - $n - header - $code
    vexpect $f warning pcm $n "$(pcm_md5 $f)" - $code
    note $f "ffmpeg PCM, then python: $kind ($code); the figures and the audio are intact"
  done
  # A BWF cut inside its metadata, before the fmt or the data chunk.
  for kind in before-fmt:1 before-data:0; do
    f=wav-bwf-cut-${kind%%:*}.wav
    tone "$OUT/$f" $r $n $c -c:a pcm_s16le -write_bext 1 -metadata originator=ddexprobe
    py bwfcut "$OUT/$f" ${kind#*:}
    expect $f WAV - - - - - - - - - - truncated_data -
    note $f "ffmpeg -write_bext 1 with 4 KB of coding history$([ "${kind#*:}" = 1 ] && echo ", bext moved before fmt"), cut 2000 bytes into the bext chunk: truncated_data (the file is incomplete, not malformed); python"
  done
  f=wav-malformed-bextversion.wav
  tone "$OUT/$f" $r $n $c -c:a pcm_s16le -write_bext 1 -metadata originator=ddexprobe
  py wavdefect "$OUT/$f" bextversion
  expect $f WAV PCM int $r 16 - $c - $n - header - unknown_bext_version
  note $f "ffmpeg -write_bext 1, its bext version patched to 7: unknown_bext_version; python"
}

fx_mp4_real_world() {
  local md5
  # No media data box, an empty sample size table, chunk offsets past the
  # end: damaged, never a clean file of hours of audio.
  local f=m4a-no-mdat-empty-stsz.m4a
  cp "$OUT/m4a-aac-44k-stereo.m4a" "$OUT/$f"
  py mp4gutted "$OUT/$f"
  expect $f MP4 AAC - 44100 - - 2 - 10000 - - invalid_header -
  note $f "m4a-aac-44k-stereo.m4a without its mdat box (its chunk offsets now point past the end) and with stsz emptied (count 0): invalid_header; python"
  # A stray dependsOnCoreCoder bit in the AudioSpecificConfig (AAC LC has
  # no core coder; decoders ignore it): a warning, never an error.
  f=m4a-aac-stray-core-coder-bit.m4a
  cp "$OUT/m4a-aac-44k-stereo.m4a" "$OUT/$f"
  py ascset "$OUT/$f" 1212
  expect $f MP4 AAC - 44100 - - 2 - 10000 - header - inconsistent_header
  vexpect $f warning decoded 10000 - - inconsistent_header
  note $f "m4a-aac-44k-stereo.m4a with its 5-byte AudioSpecificConfig (12 10 56 e5 00) replaced by the 2 bytes 12 12 (dependsOnCoreCoder set, no core coder delay after it): read without it, inconsistent_header, every frame decodes; python"
  # ALAC whose iTunSMPB pads to a whole 4096-sample frame while the sample
  # table already ends with the short last frame: both agree.
  f=m4a-alac-itunsmpb-whole-frame.m4a
  TONE_AF=",volume=0.001,aformat=sample_fmts=s16" tone "$WORK/alac8k.wav" 8000 10000 1 -c:a pcm_s16le
  md5=$(py pcmmd5 "$WORK/alac8k.wav")
  TONE_AF=",volume=0.001,aformat=sample_fmts=s16p" tone "$OUT/$f" 8000 10000 1 -movie_timescale 8000 -c:a alac
  py freeform "$OUT/$f" iTunSMPB " 00000000 00000000 000008F0 0000000000002710"
  expect $f MP4 ALAC int 8000 16 - 1 - 10000 - header - none
  vexpect $f ok decoded 10000 "$md5" - -
  note $f "ffmpeg alac 8 kHz mono, 10000 samples (frames 4096, 4096, 1808 in stts; edit list 10000), iTunSMPB delay 0, padding 2288 (to a whole third frame), length 10000 added by python: no warning"
  # ALAC whose sample table counts the short last frame whole (4096), with
  # no edit list: the media header's 10000 is the programme.
  f=m4a-alac-mdhd-short-of-whole-frame.m4a
  TONE_AF=",volume=0.001,aformat=sample_fmts=s16p" tone "$OUT/$f" 8000 10000 1 -movie_timescale 8000 -c:a alac
  py mp4lastdelta "$OUT/$f" 4096
  expect $f MP4 ALAC int 8000 16 - 1 - 10000 - header - inconsistent_header
  vexpect $f warning decoded 10000 "$md5" - inconsistent_header
  note $f "ffmpeg alac 8 kHz mono, 10000 samples, the last stts delta set to 4096 (stts 12288) and the edit list made a free box by python; mdhd still says 10000, and the last ALAC frame holds 1808 samples: 10000 (mdhd), inconsistent_header explaining the choice"
  # AAC in the moov and in a movie fragment after it, the edit list ending
  # where the moov's samples end.
  f=m4a-aac-fragment-after-edit-mehd.m4a
  cp "$OUT/m4a-aac-44k-stereo.m4a" "$OUT/$f"
  py mp4frag "$OUT/$f" 6 yes
  expect $f MP4 AAC - 44100 - - 2 - 10000 - header - fragmented_mp4,inconsistent_header
  vexpect $f warning decoded 10000 - - inconsistent_header
  note $f "m4a-aac-44k-stereo.m4a rebuilt by python: 6 AAC frames in the moov (edit list: priming 1024, then 5120, to the moov's end), 5 in a movie fragment, mehd covering all 11 frames: the fragments are the programme (the edit's end, written before them, ignored): 11024 - 1024 = 10000 (stts's last delta is 784)"
  f=m4a-aac-fragment-after-edit.m4a
  cp "$OUT/m4a-aac-44k-stereo.m4a" "$OUT/$f"
  py mp4frag "$OUT/$f" 6 no
  expect $f MP4 AAC - 44100 - - 2 - 5120 - header - fragmented_mp4,inconsistent_header
  vexpect $f warning decoded 5120 - - inconsistent_header
  note $f "as m4a-aac-fragment-after-edit-mehd.m4a without mehd: the edit list (priming 1024, 5120) ends before the fragment's 5 frames, which are ignored (not encoder padding): 5120, encoderPadding 0"
}

fx_ogg_real_world() {
  # Speex whose audio all sits on the one page that ends the stream.
  local f=ogg-speex-one-page.ogg g
  tone "$OUT/$f" 16000 8000 1 -c:a libspeex -f ogg
  g=$(py lastgranule "$OUT/$f")
  expect $f OGG Speex - 16000 - - 1 - "$g" - header - -
  vexpect $f ok structure - - - -
  note $f "ffmpeg libspeex (wideband, 320-sample frames, 1 frame per packet), 16 kHz mono, 8000 input frames: 25 packets on one page with the end-of-stream flag, last granule $g (the encoder's lookahead is not counted): clean, its 25 x 320 samples cover the granule position"
  # FLAC in Ogg ending with the empty packet ffmpeg writes (allowed by Ogg).
  f=ogg-flac-empty-last-packet.oga
  TONE_AF=",aformat=sample_fmts=s16" tone "$OUT/$f" 44100 13230 1 -c:a flac -f ogg
  expect $f OGG FLAC int 44100 16 - 1 - 13230 - header - -
  vexpect $f ok structure - - - -
  note $f "ffmpeg flac -f ogg from s16, 44.1 kHz mono, 13230 frames: the last page ends with an empty packet (ffmpeg's end-of-stream marker, legal in Ogg): clean"
}

fx_modules() {
  # Tracker modules: named (tracker, title, channels), never measured: a
  # score has no sample count until a player renders it.
  local kind name ch f
  for kind in "mod:ProTracker module:4" "mod:ProTracker module:8" "s3m:Scream Tracker 3 module:6" \
      "xm:FastTracker 2 module:10" "it:Impulse Tracker module:12"; do
    ch=${kind##*:}; name=${kind#*:}; name=${name%:*}; kind=${kind%%:*}
    f=module-$kind-${ch}ch.$kind
    py module "$OUT/$f" "$kind" "Sine song" "$ch"
    expect "$f" Module "$name" - - - - - - - - - unknown_duration -
    note "$f" "a $name header built by python from the tracker's layout ($ch channels, title 'Sine song', one empty pattern): fileFormat Module, audioCodec '$name', unknown_duration (render it to PCM)"
  done
}

fx_shorten() {
  # Shorten: no encoder is packaged here; tool.py's encoder writes version 2
  # streams from the format's description, checked by ffmpeg's decoder
  # (bit-exact PCM) and by ddexprobe's own decode (pcmMd5).
  local f md5
  tone "$WORK/shn-s16.wav" 44100 3000 2 -c:a pcm_s16le
  f=shn-16bit-44k-stereo.shn
  py shn "$WORK/shn-s16.wav" "$OUT/$f"
  md5=$(py pcmmd5 "$WORK/shn-s16.wav")
  expect $f Shorten Shorten int 44100 16 - 2 - 3000 - frames - none
  vexpect $f ok decoded 3000 "$md5" - -
  note $f "Shorten version 2 by tool.py (blocks of 256, the last of 184 announced by BLOCKSIZE, fixed predictors DIFF0-3), 16-bit 44.1 kHz stereo, 3000 frames, the WAV header embedded: 3000 counted over the blocks = the embedded data size; ffmpeg decodes the same PCM"
  TONE_AF=",apad=pad_len=600" tone "$WORK/shn-q.wav" 22050 1500 1 -c:a pcm_s16le
  f=shn-16bit-22k-mono-qlpc-means.shn
  py shn "$WORK/shn-q.wav" "$OUT/$f" qlpc
  md5=$(py pcmmd5 "$WORK/shn-q.wav")
  expect $f Shorten Shorten int 22050 16 - 1 - 2100 - frames - none
  vexpect $f ok decoded 2100 "$md5" - -
  note $f "Shorten version 2 with 4 block means, QLPC order 1 and DIFF0 blocks alternating, ZERO blocks for the 600 frames of silence at the end: 2100 frames; ffmpeg decodes the same PCM"
  TONE_AF=",aformat=sample_fmts=u8" tone "$WORK/shn-u8.wav" 8000 1000 1 -c:a pcm_u8
  f=shn-8bit-8k-mono.shn
  py shn "$WORK/shn-u8.wav" "$OUT/$f"
  md5=$(py pcmmd5 "$WORK/shn-u8.wav")
  expect $f Shorten Shorten int 8000 8 - 1 - 1000 - frames - none
  vexpect $f ok decoded 1000 "$md5" - -
  note $f "Shorten type U8 (unsigned bytes as they are), 8 kHz mono, 1000 frames: pcmMd5 over the signed values, as FLAC hashes 8-bit audio"
  f=shn-truncated.shn
  cp "$OUT/shn-16bit-44k-stereo.shn" "$OUT/$f"
  py cutend "$OUT/$f" 1500
  local whole
  whole=$(py shnframes "$OUT/$f")
  expect $f Shorten Shorten int 44100 16 - 2 - "$whole" 3000 frames truncated_data -
  vexpect $f truncated decoded "$whole" - truncated_data -
  note $f "shn-16bit-44k-stereo.shn without its last 1500 bytes: the stream ends before QUIT; the complete blocks of both channels hold $whole frames (tool.py's own walk), the embedded header declares 3000: truncated_data; cut by python"
  f=shn-header-declares-more.shn
  py shn "$WORK/shn-s16.wav" "$OUT/$f" lie
  expect $f Shorten Shorten int 44100 16 - 2 - 3000 - frames - inconsistent_header
  vexpect $f warning decoded 3000 "$(py pcmmd5 "$WORK/shn-s16.wav")" - inconsistent_header
  note $f "as shn-16bit-44k-stereo.shn with an embedded WAV header declaring 4000 more data bytes (4000 frames) than the complete stream holds: 3000 counted, inconsistent_header"
  f=shn-id3.shn
  cp "$OUT/shn-16bit-44k-stereo.shn" "$OUT/$f"
  py id3prepend "$OUT/$f"
  expect $f Shorten Shorten int 44100 16 - 2 - 3000 - frames - -
  note $f "shn-16bit-44k-stereo.shn behind an ID3v2 tag: found after the tag"
}

fx_mp3_real_world() {
  local r=44100 n=10000 c=2 f
  # Zero padding after an ID3v2 tag, then a second tag: not junk.
  f=mp3-id3-zero-padding.mp3
  cp "$OUT/mp3-lame-cbr128-44k-stereo.mp3" "$OUT/$f"
  py id3pad "$OUT/$f" 600 1
  expect $f MP3 MP3 - $r - - $c - $n - header - none
  note $f "an ID3v2.3 tag, 600 zero bytes of padding outside its size, a second tag, then mp3-lame-cbr128-44k-stereo.mp3: no warning (padding is not junk); python"
  # A LAME tag whose delay and padding remove every sample of its frames.
  f=mp3-lame-impossible-gapless.mp3
  tone "$WORK/imp-src.wav" $r 5000 $c -c:a pcm_s16le
  lame_enc "$WORK/imp-src.wav" "$OUT/$f" -b 128
  py mpegcut "$OUT/$f" 2
  py lamegapless "$OUT/$f" 2 1152 1152
  expect $f MP3 MP3 - $r - - $c - 2304 - frames - vbr_header_mismatch
  note $f "lame -b 128 cut to 2 audio frames, its LAME tag rewritten to 2 frames with delay 1152 and padding 1152 (1152 + 529 + 1152 - 529 = 2304 samples removed, all the frames hold): vbr_header_mismatch, the 2 x 1152 frames counted; python"
  # 6,000 zero bytes after the last frame, as a stopped copy leaves.
  f=mp3-trailing-zeros.mp3
  cp "$OUT/mp3-lame-cbr128-44k-stereo.mp3" "$OUT/$f"
  python3 -c 'import sys; open(sys.argv[1], "ab").write(bytes(6000))' "$OUT/$f"
  expect $f MP3 MP3 - $r - - $c - $n - header - trailing_data
  note $f "mp3-lame-cbr128-44k-stereo.mp3 followed by 6000 zero bytes: trailing_data naming them as zeros; python"
}

# ---------------------------------------------------------------------------
# Lossless codecs without a decoder here (WavPack, TTA, Monkey's Audio,
# OptimFROG, TAK): real encoders where they exist (the wavpack CLI, ffmpeg's
# wavpack and tta encoders), header-exact files built by tool.py from the
# format descriptions where none does (the audio payload of those is
# arbitrary bytes: only headers, tables and checksums are measured).

fx_wavpack() {
  local r=44100 n=2000 f
  tone "$WORK/wv-src.wav" $r $n 2 -c:a pcm_s16le
  f=wavpack-16bit-44k-stereo.wv
  wavpack -q -y "$WORK/wv-src.wav" -o "$OUT/$f"
  expect $f WavPack WavPack int $r 16 - 2 - $n - header - -
  vexpect $f ok structure - - - -
  note $f "wavpack 5.6 CLI (default mode, WavPack 5 blocks with ID_BLOCK_CHECKSUM), 16-bit 44.1 kHz stereo, $n frames in one block"
  f=wavpack-24bit-48k-mono.wv
  tone "$WORK/wv-24.wav" 48000 1500 1 -c:a pcm_s24le
  wavpack -q -y "$WORK/wv-24.wav" -o "$OUT/$f"
  expect $f WavPack WavPack int 48000 24 - 1 - 1500 - header - -
  vexpect $f ok structure - - - -
  note $f "wavpack CLI from a 24-bit WAV (3 bytes stored), 48 kHz mono, 1500 frames"
  f=wavpack-hybrid-44k-stereo.wv
  wavpack -q -y -b3 "$WORK/wv-src.wav" -o "$OUT/$f"
  expect $f WavPack "WavPack Hybrid" int $r - - 2 - $n - header - lossy_hybrid
  vexpect $f warning structure - - - lossy_hybrid
  note $f "wavpack -b3: hybrid (lossy) mode without the .wvc correction file: audioCodec WavPack Hybrid, no bitDepth, lossy_hybrid"
  f=wavpack-float32-44k-mono.wv
  TONE_AF=",aformat=sample_fmts=flt" tone "$WORK/wv-flt.wav" $r 1000 1 -c:a pcm_f32le
  wavpack -q -y "$WORK/wv-flt.wav" -o "$OUT/$f"
  expect $f WavPack WavPack float $r 32 - 1 - 1000 - header - -
  note $f "wavpack CLI from 32-bit float WAV (FLOAT_DATA), 44.1 kHz mono, 1000 frames"
  # damaged: cut inside the block; a lying total (ffmpeg's blocks carry no
  # block checksum, so only the total is wrong); an unknown total (-1); a
  # flipped byte in the bitstream (the block checksum fails)
  f=wavpack-truncated.wv
  head -c 1200 "$OUT/wavpack-16bit-44k-stereo.wv" >"$OUT/$f"
  expect $f WavPack WavPack int $r 16 - 2 - 0 $n frames truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "wavpack-16bit-44k-stereo.wv cut to 1200 bytes, inside its only block: truncated_data, 0 whole samples of $n"
  TONE_AF=",aformat=sample_fmts=s16p" tone "$WORK/wv-ff.wv" $r $n 2 -c:a wavpack -f wv
  f=wavpack-total-lie.wv
  cp "$WORK/wv-ff.wv" "$OUT/$f"
  py wvtotal "$OUT/$f" 3000
  expect $f WavPack WavPack int $r 16 - 2 - $n 3000 frames truncated_data -
  note $f "ffmpeg wavpack, $n frames, with the first block's total patched to 3000: the blocks hold $n, truncated_data; python"
  f=wavpack-total-unknown.wv
  cp "$WORK/wv-ff.wv" "$OUT/$f"
  py wvtotal "$OUT/$f" -1
  expect $f WavPack WavPack int $r 16 - 2 - $n - frames - data_size_unset
  note $f "ffmpeg wavpack with the first block's total set to -1 (unknown): counted from the blocks, durationSource frames, data_size_unset; python"
  f=wavpack-bad-block-checksum.wv
  cp "$OUT/wavpack-16bit-44k-stereo.wv" "$OUT/$f"
  py xorbyte "$OUT/$f" 600 0x55
  expect $f WavPack WavPack int $r 16 - 2 - $n - header - -
  vexpect $f corrupt structure - - frame_crc_mismatch -
  note $f "wavpack-16bit-44k-stereo.wv with byte 600 (inside the bitstream) XOR 0x55: headers intact, --verify: the ID_BLOCK_CHECKSUM fails, frame_crc_mismatch; python"
}

fx_tta() {
  local r=44100 n=2000 f
  f=tta-16bit-44k-stereo.tta
  TONE_AF=",aformat=sample_fmts=s16" tone "$OUT/$f" $r $n 2 -c:a tta -f tta
  expect $f TTA TTA int $r 16 - 2 - $n - header - -
  vexpect $f ok structure - - - -
  note $f "ffmpeg -c:a tta -f tta, 16-bit 44.1 kHz stereo, $n frames in one TTA frame"
  f=tta-24bit-6k-mono.tta
  TONE_AF=",aformat=sample_fmts=s32" tone "$OUT/$f" 6000 6500 1 -c:a tta -f tta -sample_fmt s32 -bits_per_raw_sample 24
  expect $f TTA TTA int 6000 24 - 1 - 6500 - header - -
  vexpect $f ok structure - - - -
  note $f "ffmpeg tta from 24-bit input, 6 kHz mono, 6500 frames: two TTA frames of 6269 (6000 x 256 / 245) and 231"
  f=tta-truncated.tta
  head -c 2000 "$OUT/tta-24bit-6k-mono.tta" >"$OUT/$f"
  expect $f TTA TTA int 6000 24 - 1 - 0 6500 frames truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "tta-24bit-6k-mono.tta cut to 2000 bytes: frame 0 runs past the end, truncated_data, 0 samples in whole frames"
  f=tta-bad-frame-crc.tta
  cp "$OUT/tta-16bit-44k-stereo.tta" "$OUT/$f"
  py xorbyte "$OUT/$f" 100 0x01
  expect $f TTA TTA int $r 16 - 2 - $n - header - -
  vexpect $f corrupt structure - - frame_crc_mismatch -
  note $f "tta-16bit-44k-stereo.tta with one bit of its frame flipped: the header is intact, --verify: the frame's CRC-32 fails; python"
  f=tta-header-crc.tta
  cp "$OUT/tta-16bit-44k-stereo.tta" "$OUT/$f"
  py xorbyte "$OUT/$f" 14 0x01
  expect $f TTA - - - - - - - - - - invalid_header -
  note $f "tta-16bit-44k-stereo.tta with the header's sample count changed by one bit: its CRC-32 fails, invalid_header; python"
}

fx_ape() {
  local f
  f=ape-3990-16bit-44k-stereo.ape
  py ape "$OUT/$f" 3990 2 73728 1000 16 2 44100
  expect $f APE APE int 44100 16 - 2 - 74728 - header - -
  vexpect $f ok structure - - - -
  note $f "Monkey's Audio 3.99 descriptor and header built by python: 2 frames of 73728 blocks, final 1000: (2 - 1) x 73728 + 1000 = 74728; frame payload arbitrary bytes"
  f=ape-3950-old-header.ape
  py ape "$OUT/$f" 3950 1 0 5000 16 1 48000
  expect $f APE APE int 48000 16 - 1 - 5000 - header - -
  note $f "Monkey's Audio 3.95 old 32-byte header (seek elements flag), 1 frame of 5000 blocks (294912 per frame from 3.95), mono 48 kHz; python"
  f=ape-3990-truncated.ape
  py ape "$OUT/$f" 3990 2 73728 1000 16 2 44100 cut
  expect $f APE APE int 44100 16 - 2 - 73728 74728 frames truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "as ape-3990-16bit-44k-stereo.ape cut inside frame 1: one whole frame, 73728 of 74728, truncated_data; python"
  f=ape-3990-no-frames.ape
  py ape "$OUT/$f" 3990 0 73728 0 16 2 44100
  expect $f APE APE int 44100 16 - 2 - 0 - header - -
  note $f "Monkey's Audio 3.99 header declaring 0 frames (zero-length audio): total 0; python"
}

fx_ofr_tak() {
  local f
  f=ofr-16bit-44k-stereo.ofr
  py ofr "$OUT/$f" 2000 3 1 44100
  expect $f OptimFROG OptimFROG int 44100 16 - 2 - 2000 - header - -
  vexpect $f ok structure - - - -
  note $f "OptimFROG chunks built by python: OFR header (4000 samples over 2 channels, type 3 = signed 16-bit, 44.1 kHz), HEAD, one COMP block with its CRC-32, TAIL; arbitrary payload"
  f=ofr-truncated.ofr
  py ofr "$OUT/$f" 2000 3 1 44100 cut
  expect $f OptimFROG OptimFROG int 44100 16 - 2 - 0 2000 frames truncated_data -
  note $f "as ofr-16bit-44k-stereo.ofr cut inside its COMP block: truncated_data; python"
  f=ofr-bad-comp-crc.ofr
  py ofr "$OUT/$f" 2000 3 1 44100 badcrc
  expect $f OptimFROG OptimFROG int 44100 16 - 2 - 2000 - header - -
  vexpect $f corrupt structure - - frame_crc_mismatch -
  note $f "as ofr-16bit-44k-stereo.ofr with one payload byte changed: the COMP block's CRC-32 fails under --verify; python"
  f=tak-16bit-44k-stereo.tak
  py tak "$OUT/$f" 5000 44100 16 2
  expect $f TAK TAK int 44100 16 - 2 - 5000 - header - -
  note $f "TAK metadata built by python: STREAMINFO (5000 samples, 44.1 kHz, 16 bit, stereo) and LAST_FRAME objects with their CRC-24, END, arbitrary frame bytes"
  f=tak-truncated.tak
  py tak "$OUT/$f" 5000 44100 16 2 cut
  expect $f TAK TAK int 44100 16 - 2 - 5000 - header truncated_data -
  note $f "as tak-16bit-44k-stereo.tak cut before the end of the last frame LAST_FRAME names: truncated_data (the missing frames' samples need a decoder: STREAMINFO's count stays); python"
}

# ---------------------------------------------------------------------------
# raw AAC (ADTS), AC-3 and E-AC-3 elementary streams
#
# Sample counts are frames x samples per frame: ffmpeg's AAC encoder writes
# ceil(n / 1024) + 1 frames of 1024 (one frame of priming), its AC-3 and
# E-AC-3 encoders ceil((n + 256) / 1536) frames of 1536 (256 samples of
# priming); raw streams carry no gapless information, so the count is
# what a decoder outputs (= ffmpeg's decode).

fx_aac_adts() {
  local r=44100 n=10000 c=2 f total
  total=$(( ((n + 1023) / 1024 + 1) * 1024 ))
  f=aac-adts-lc-44k-stereo.aac
  tone "$OUT/$f" $r $n $c -c:a aac -b:a 64k -f adts
  expect $f AAC AAC - $r - - $c - $total - frames - -
  vexpect $f ok decoded $total - - -
  note $f "ffmpeg aac -b:a 64k -f adts, AAC-LC 44.1 kHz stereo, $n input frames: $(( total / 1024 )) ADTS frames of 1024 = $total (one frame of priming; raw ADTS has no gapless information)"
  f=aac-adts-lc-48k-mono.aac
  tone "$OUT/$f" 48000 5000 1 -c:a aac -b:a 48k -f adts
  expect $f AAC AAC - 48000 - - 1 - 6144 - frames - -
  note $f "ffmpeg aac -f adts, 48 kHz mono, 5000 input frames: 6 ADTS frames = 6144"
  # damaged copies of the stereo file
  f=aac-adts-truncated.aac
  cp "$OUT/aac-adts-lc-44k-stereo.aac" "$OUT/$f"
  py synccut "$OUT/$f" -1 20
  expect $f AAC AAC - $r - - $c - $(( total - 1024 )) - frames truncated_data -
  vexpect $f truncated decoded $(( total - 1024 )) - truncated_data -
  note $f "aac-adts-lc-44k-stereo.aac cut 20 bytes into its last frame: truncated_data, the $(( total / 1024 - 1 )) whole frames counted; python"
  f=aac-adts-junk-between-frames.aac
  cp "$OUT/aac-adts-lc-44k-stereo.aac" "$OUT/$f"
  py syncjunk "$OUT/$f" 3 50
  expect $f AAC AAC - $r - - $c - $total - frames - corrupt_frames
  vexpect $f warning decoded $total - - corrupt_frames
  note $f "aac-adts-lc-44k-stereo.aac with 50 junk bytes (printable ASCII) between frames 4 and 5: corrupt_frames, every frame found again; python"
  f=aac-adts-trailing.aac
  cp "$OUT/aac-adts-lc-44k-stereo.aac" "$OUT/$f"
  py append "$OUT/$f" 100
  expect $f AAC AAC - $r - - $c - $total - frames - trailing_data
  note $f "aac-adts-lc-44k-stereo.aac with 100 junk bytes appended: trailing_data; python"
  f=aac-adts-id3-junk.aac
  cp "$OUT/aac-adts-lc-48k-mono.aac" "$OUT/$f"
  py prepend "$OUT/$f" 7
  py id3prepend "$OUT/$f"
  expect $f AAC AAC - 48000 - - 1 - 6144 - frames - leading_data
  note $f "aac-adts-lc-48k-mono.aac behind 7 junk bytes behind an ID3v2 tag: leading_data, the frames found after the junk; python"
}

fx_ac3() {
  local r=48000 n=10000 f total
  total=$(( (n + 256 + 1535) / 1536 * 1536 ))
  f=ac3-48k-stereo.ac3
  tone "$OUT/$f" $r $n 2 -c:a ac3 -b:a 96k
  expect $f AC3 AC-3 - $r - - 2 - $total - frames - -
  vexpect $f ok structure - - - -
  note $f "ffmpeg ac3 -b:a 96k, 48 kHz stereo, $n input frames: $(( total / 1536 )) frames of 1536 = $total (256 samples of priming); --verify checks crc1 and crc2 of every frame"
  f=ac3-44k-5.1.ac3
  tone "$OUT/$f" 44100 5000 6 -c:a ac3 -b:a 192k
  expect $f AC3 AC-3 - 44100 - - 6 - 6144 - frames - -
  vexpect $f ok structure - - - -
  note $f "ffmpeg ac3 -b:a 192k, 44.1 kHz 5.1 (acmod 7 + LFE; 44.1 kHz frames alternate padding), 5000 input frames: 4 frames = 6144"
  f=eac3-48k-stereo.eac3
  tone "$OUT/$f" $r $n 2 -c:a eac3 -b:a 96k
  expect $f AC3 E-AC-3 - $r - - 2 - $total - frames - -
  vexpect $f ok structure - - - -
  note $f "ffmpeg eac3 -b:a 96k, 48 kHz stereo, $n input frames: $(( total / 1536 )) frames of 6 blocks = $total; --verify checks crc2 of every frame"
  f=ac3-crc-mismatch.ac3
  cp "$OUT/ac3-48k-stereo.ac3" "$OUT/$f"
  py syncxor "$OUT/$f" 2 100 0x10
  expect $f AC3 AC-3 - $r - - 2 - $total - frames - -
  vexpect $f corrupt structure - - frame_crc_mismatch -
  note $f "ac3-48k-stereo.ac3 with one bit of frame 3 flipped (byte 100, inside the first 5/8): headers intact, --verify: frame_crc_mismatch (crc1); python"
  f=eac3-crc-mismatch.eac3
  cp "$OUT/eac3-48k-stereo.eac3" "$OUT/$f"
  py syncxor "$OUT/$f" 1 300 0x01
  expect $f AC3 E-AC-3 - $r - - 2 - $total - frames - -
  vexpect $f corrupt structure - - frame_crc_mismatch -
  note $f "eac3-48k-stereo.eac3 with one bit of frame 2 flipped: --verify: frame_crc_mismatch (crc2); python"
  f=ac3-truncated.ac3
  cp "$OUT/ac3-48k-stereo.ac3" "$OUT/$f"
  py synccut "$OUT/$f" -1 100
  expect $f AC3 AC-3 - $r - - 2 - $(( total - 1536 )) - frames truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "ac3-48k-stereo.ac3 cut 100 bytes into its last frame: truncated_data, the whole frames counted; python"
  f=ac3-junk-between-frames.ac3
  cp "$OUT/ac3-48k-stereo.ac3" "$OUT/$f"
  py syncjunk "$OUT/$f" 2 33
  expect $f AC3 AC-3 - $r - - 2 - $total - frames - corrupt_frames
  note $f "ac3-48k-stereo.ac3 with 33 junk bytes between frames 3 and 4: corrupt_frames, every frame found again; python"
}

# ---------------------------------------------------------------------------
# ASF (WMA): the record's totalSamples is an estimate from the declared play
# duration minus preroll (ffmpeg's muxer writes whole milliseconds), read
# from the header by tool.py (asf_info); ffmpeg decodes whole codec frames.

fx_asf() {
  local r=44100 n=10000 f est
  f=wma-v2-44k-stereo.wma
  tone "$OUT/$f" $r $n 2 -c:a wmav2 -b:a 64k -f asf
  est=$(python3 -c "import sys; sys.path.insert(0, '$WORK'); import tool; print(tool.asf_info(tool.rd('$OUT/$f'))['totalSamples'])")
  expect $f ASF WMA - $r - - 2 - "$est" - estimated - unknown_duration
  vexpect $f warning structure - - - unknown_duration
  note $f "ffmpeg wmav2 -b:a 64k -f asf, 44.1 kHz stereo, $n input frames: totalSamples $est estimated from the play duration minus preroll (ffmpeg writes whole ms), unknown_duration warning; --verify checks the data packets (structure)"
  f=wma-v1-44k-stereo.wma
  tone "$OUT/$f" $r $n 2 -c:a wmav1 -b:a 64k -f asf
  est=$(python3 -c "import sys; sys.path.insert(0, '$WORK'); import tool; print(tool.asf_info(tool.rd('$OUT/$f'))['totalSamples'])")
  expect $f ASF WMA - $r - - 2 - "$est" - estimated - unknown_duration
  note $f "ffmpeg wmav1 -f asf (format tag 0x0160), 44.1 kHz stereo: totalSamples $est estimated from the play duration minus preroll"
  f=asf-mp3-44k-stereo.asf
  tone "$OUT/$f" $r $n 2 -c:a libmp3lame -b:a 64k -f asf
  est=$(python3 -c "import sys; sys.path.insert(0, '$WORK'); import tool; print(tool.asf_info(tool.rd('$OUT/$f'))['totalSamples'])")
  expect $f ASF MP3 - $r - - 2 - "$est" - estimated - unknown_duration
  note $f "ffmpeg libmp3lame -f asf: MP3 in ASF (format tag 0x0055), named MP3; totalSamples $est estimated from the play duration minus preroll"
  f=wma-v2-broadcast.wma
  cp "$OUT/wma-v2-44k-stereo.wma" "$OUT/$f"
  py asfbroadcast "$OUT/$f"
  expect $f ASF WMA - $r - - 2 - - - - unknown_duration -
  note $f "wma-v2-44k-stereo.wma with the File Properties broadcast flag set: the play duration is not valid, unknown_duration (error), no totalSamples; python"
  f=wma-v2-truncated.wma
  cp "$OUT/wma-v2-44k-stereo.wma" "$OUT/$f"
  py cutend "$OUT/$f" 1000
  est=$(python3 -c "import sys; sys.path.insert(0, '$WORK'); import tool; print(tool.asf_info(tool.rd('$OUT/$f'))['totalSamples'])")
  expect $f ASF WMA - $r - - 2 - "$est" - estimated truncated_data unknown_duration
  vexpect $f truncated structure - - truncated_data -
  note $f "wma-v2-44k-stereo.wma without its last 1000 bytes: the Data Object's packets run past the end, truncated_data; python"
}

# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Matroska and WebM: ffmpeg's muxer over every audio codec it writes there,
# a live-style stream, and damage (cut, a lying Duration, no Tracks, no
# audio track). totalSamples is what a gapless decoder outputs: the samples
# of every frame minus the Opus pre-skip and the last block's DiscardPadding
# (ffmpeg 5.1 decodes exactly that count from each of these files).

# fx_mka FILE FORMAT CODEC SAMPLEFORMAT RATE BITS CHANNELS INFRAMES TOTAL NOTE [ffmpeg options...]
fx_mka() {
  local f=$1 ff=$2 codec=$3 sf=$4 r=$5 bits=$6 c=$7 n=$8 total=$9 what=${10}; shift 10
  tone "$OUT/$f" "$r" "$n" "$c" "$@"
  local ffdec
  ffdec=$(($(ffmpeg -v error -i "$OUT/$f" -f s16le -ac 1 - | wc -c) / 2))
  expect "$f" "$ff" "$codec" "$sf" "$r" "$bits" - "$c" - "$total" - "${DS:-frames}" - -
  note "$f" "$what; ffmpeg 5.1 decodes $ffdec"
}

fx_matroska() {
  fx_mka mka-opus-48k-stereo.mka Matroska Opus - 48000 - 2 4800 4800 \
    "ffmpeg libopus, 4800 frames at 48 kHz stereo: 6 packets of 960 = 5760 - pre-skip 312 - DiscardPadding 648 (13.5 ms) = 4800" \
    -c:a libopus
  fx_mka webm-opus-48k-stereo.webm WebM Opus - 48000 - 2 4800 4800 \
    "the same as WebM (DocType webm)" -c:a libopus
  fx_mka mka-vorbis-44k-stereo.mka Matroska Vorbis - 44100 - 2 5000 5824 \
    "ffmpeg libvorbis, 5000 frames at 44.1 kHz stereo: the packets' block sizes (setup header modes) add up to 5824; Matroska carries no granule position or end trim for Vorbis" \
    -c:a libvorbis
  # the FLAC count agrees with STREAMINFO: durationSource header
  DS=header TONE_AF=",aformat=sample_fmts=s16" fx_mka mka-flac-16bit-44k-stereo.mka Matroska FLAC int 44100 16 2 3000 3000 \
    "ffmpeg flac from s16, 16-bit 44.1 kHz stereo: frame block sizes add up to 3000 = STREAMINFO total" -c:a flac
  fx_mka mka-aac-44k-stereo.mka Matroska AAC - 44100 - 2 10000 11264 \
    "ffmpeg aac 64k, 10000 frames at 44.1 kHz stereo: 11 AAC frames x 1024 = 11264 (ffmpeg's Matroska muxer writes neither CodecDelay nor DiscardPadding for AAC: the priming frame and the tail are part of the stream)" \
    -c:a aac -b:a 64k
  fx_mka mka-pcm16-44k-stereo.mka Matroska PCM int 44100 16 2 500 500 \
    "ffmpeg pcm_s16le (A_PCM/INT/LIT): 2000 bytes of blocks / 4 bytes per frame" -c:a pcm_s16le
  fx_mka mka-pcm24-48k-mono.mka Matroska PCM int 48000 24 1 400 400 \
    "ffmpeg pcm_s24le: 1200 bytes of blocks / 3" -c:a pcm_s24le
  fx_mka mka-float32-48k-mono.mka Matroska PCM float 48000 32 1 500 500 \
    "ffmpeg pcm_f32le (A_PCM/FLOAT/IEEE): 2000 bytes / 4" -c:a pcm_f32le
  fx_mka mka-mp3-44k-stereo.mka Matroska MP3 - 44100 - 2 5000 6105 \
    "ffmpeg libmp3lame into Matroska (A_MPEG/L3): 6 frames x 1152 - DiscardPadding 807 = 6105 = 5000 + (LAME's 576 + 529 delay is not signalled in Matroska); measured as Matroska, not as a short MP3 found by a frame search" \
    -c:a libmp3lame
  fx_mka mka-ac3-48k-stereo.mka Matroska AC-3 - 48000 - 2 3072 3072 \
    "ffmpeg ac3, 3072 frames: 2 frames x 1536 = 3072" -c:a ac3
  TONE_AF=",aformat=sample_fmts=s16p" fx_mka mka-alac-16bit-44k-stereo.mka Matroska ALAC int 44100 16 2 1500 1500 \
    "ffmpeg alac from s16p: packets of 4096 from the magic cookie, the last one states its 1500 samples" -c:a alac
  # a live stream: unknown Segment size (-live 1 on a pipe), Clusters made unknown-size by python
  local f=webm-opus-live-unknown-sizes.webm
  tone - 48000 4800 2 -c:a libopus -live 1 -f webm >"$OUT/$f"
  py mkvunknown "$OUT/$f"
  expect $f WebM Opus - 48000 - - 2 - 4800 - frames - -
  note $f "ffmpeg libopus -live 1 to a pipe (Segment of unknown size), every Cluster size set to unknown (all ones) by python: each Cluster ends at the next top-level element; 4800 as mka-opus-48k-stereo.mka"
  # damage
  f=mka-truncated.mka
  tone "$OUT/$f" 8000 2500 1 -c:a pcm_s16le
  py cutend "$OUT/$f" 500
  expect $f Matroska PCM int 8000 16 - 1 - 2048 2504 frames truncated_data -
  note $f "ffmpeg pcm_s16le, 2500 frames at 8 kHz mono in blocks of 1024 frames, without its last 500 bytes (cut inside the last block): truncated_data; the two complete blocks hold 2048 frames, the Segment Duration (313 ms, in ms ticks) says 2504 (declaredSamples); python"
  f=mka-duration-lying.mka
  cp "$OUT/mka-opus-48k-stereo.mka" "$OUT/$f"
  py mkvduration "$OUT/$f" 10
  expect $f Matroska Opus - 48000 - - 2 - 4800 - frames - inconsistent_header
  note $f "mka-opus-48k-stereo.mka with its Segment Duration patched to 10 s: the blocks still count 4800, inconsistent_header; python"
  f=mka-no-tracks.mka
  cp "$OUT/mka-pcm16-44k-stereo.mka" "$OUT/$f"
  py mkvrename "$OUT/$f" 1654ae6b 1654ae6c
  expect $f Matroska - - - - - - - - - - invalid_header -
  note $f "mka-pcm16-44k-stereo.mka with its Tracks element's ID changed to an unknown one: no audio track can be found, invalid_header; python"
  f=mkv-video-only.mkv
  ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i color=s=16x16:d=0.08 -c:v ffv1 \
    -fflags +bitexact -flags +bitexact "$OUT/$f"
  expect $f Matroska - - - - - - - - - - unsupported_format -
  note $f "ffmpeg ffv1 16x16 video, no audio track: named Matroska, unsupported_format (the tracks are listed)"
  f=mka-crc-mismatch.mka
  cp "$OUT/mka-pcm16-44k-stereo.mka" "$OUT/$f"
  py mkvflip "$OUT/$f"
  expect $f Matroska PCM int 44100 16 - 2 - 500 - frames - -
  note $f "mka-pcm16-44k-stereo.mka with one byte of its block inverted: the headers and counts are intact, --verify finds that the Cluster's CRC-32 element (ffmpeg writes one per Cluster) does not match, frame_crc_mismatch; python"
  vexpect $f corrupt structure - - frame_crc_mismatch -
  vexpect mka-opus-48k-stereo.mka ok structure - - - -
  vexpect mka-pcm16-44k-stereo.mka ok structure - - - -
  vexpect webm-opus-live-unknown-sizes.webm ok structure - - - -
  vexpect mka-truncated.mka truncated structure - - truncated_data -
}

# write_readme: testdata/README.md = this header + one note line per fixture
# aexpect FILE format width height colorSpace bitDepth components alpha
#         progressive iccProfile orientation errors warnings
# Expected artwork values -> testdata/artwork/expected.tsv ("-": empty).
aexpect() {
  [ $# -eq 13 ] || { echo "aexpect: 13 fields needed, got $#: $*" >&2; exit 1; }
  local f fields=()
  for f in "$@"; do [ "$f" = "-" ] && f=""; fields+=("$f"); done
  (IFS=$'\t'; echo "${fields[*]}") >>"$AROWS"
}

# ---------------------------------------------------------------------------
# Cover art (testdata/artwork/): JPEGs written by Pillow's libjpeg from a
# fixed gradient (baseline, progressive, CMYK with its Adobe segment,
# grayscale, EXIF orientation, an ICC profile), PNGs written by tool.py
# from the PNG specification with zlib; damaged variants cut or patched.
# Expected values are the generation parameters; tool.py artcheck compares
# them with ffprobe and mediainfo.

fx_artwork() {
  local d="$OUT/artwork"
  py artwork "$d"
  aexpect art-jpeg-baseline-rgb-square.jpg JPEG 64 64 RGB 8 3 false false - - - none
  aexpect art-jpeg-progressive.jpg JPEG 64 64 RGB 8 3 false true - - - none
  aexpect art-jpeg-cmyk-adobe.jpg JPEG 64 64 CMYK 8 4 false false - - - none
  aexpect art-jpeg-grayscale.jpg JPEG 64 64 Grayscale 8 1 false false - - - none
  aexpect art-jpeg-exif-orientation-6.jpg JPEG 64 64 RGB 8 3 false false - 6 - none
  aexpect art-jpeg-icc.jpg JPEG 64 64 RGB 8 3 false false "ddexprobe test RGB" - - none
  aexpect art-jpeg-not-square.jpg JPEG 64 48 RGB 8 3 false false - - - none
  aexpect art-jpeg-truncated.jpg JPEG 64 64 RGB 8 3 false false - - truncated_data -
  aexpect art-jpeg-trailing.jpg JPEG 64 64 RGB 8 3 false false - - - trailing_data
  aexpect art-jpeg-3000-header-only.jpg JPEG 3000 3000 RGB 8 3 false false - - - none
  aexpect art-png-rgb.png PNG 64 64 RGB 8 3 false false - - - none
  aexpect art-png-rgba.png PNG 64 64 RGB 8 4 true false - - - none
  aexpect art-png-gray16.png PNG 64 64 Grayscale 16 1 false false - - - none
  aexpect art-png-indexed-trns.png PNG 64 64 Indexed 8 1 true false - - - none
  aexpect art-png-interlaced.png PNG 64 64 RGB 8 3 false true - - - none
  aexpect art-png-not-square.png PNG 64 48 RGB 8 3 false false - - - none
  aexpect art-png-icc-exif-orientation-8.png PNG 64 64 RGB 8 3 false false "ddexprobe test RGB" 8 - none
  aexpect art-png-trailing.png PNG 64 64 RGB 8 3 false false - - - trailing_data
  aexpect art-png-bad-crc.png PNG 64 64 RGB 8 3 false false - - chunk_crc_mismatch -
  aexpect art-png-truncated.png PNG 64 64 RGB 8 3 false false - - truncated_data -
  aexpect art-png-3000-square.png PNG 3000 3000 RGB 8 3 false false - - - none
  note artwork/ "cover art: JPEG (baseline, progressive, CMYK with Adobe APP14, grayscale, EXIF orientation 6, an ICC profile, not square, truncated, trailing bytes, a header declaring 3000x3000 over 8x8 pixels of scan) by Pillow; PNG (RGB, RGBA, 16-bit gray, indexed with tRNS, Adam7, not square, iCCP + big-endian eXIf orientation 8, trailing bytes, a bad IDAT CRC, cut inside IDAT, a whole 3000x3000 image of one colour) from the PNG specification; expected values in artwork/expected.tsv"
}

write_readme() {
  {
    cat <<'EOF'
# Test fixtures

Tiny audio files (a few KB each), one per variant the inspector has to handle,
and `expected.tsv` with the record values each one must produce (empty cell =
null/absent; `errors` must match exactly, every listed warning must be
present, `none` in `warnings`: no warning at all; `duration` is the ISO 8601 form rounded to the nearest millisecond).
Rows for unreadable files fill only `file` and `errors`, plus `fileFormat`
when the container was recognised (invalid_header cases); truncated files
keep every column.

Everything here is generated by `scripts/gen-testdata.sh` (run from the
repository root; needs ffmpeg/ffprobe, sox/soxi, flac/metaflac, lame,
oggenc, opusenc, python3 with Pillow, and mediainfo).
The script deletes and rewrites this folder, including this README, so edit
the script rather than these files. Signals are fixed sines (no randomness,
no dither, bit-exact muxing), so regenerating gives identical bytes with the
same tool versions (ffmpeg 5.1, sox 14.4.2, flac 1.4.2, lame 3.100,
vorbis-tools 1.4.2, opus-tools 0.2 with libopus 1.3.1; oggenc and opusenc get
a fixed stream serial). Expected values are derived from the generation
parameters and cross-checked by the script against ffprobe/ffmpeg, soxi,
metaflac and a byte-level parse.

Lossy `totalSamples` is the gapless count, what a gapless decoder outputs:
MP3 with a LAME tag = Xing frames x samples per frame - delay - padding
(= ffmpeg 5.1's decode); MP3/MP2 without one = frames x samples per frame
(`durationSource` `frames`); Vorbis = last granule position (ffmpeg 5.1
decodes a different count); Opus = last granule - pre-skip, at 48 kHz
(= ffmpeg); AAC in MP4 = the edit list (= input frames = ffprobe
`duration_ts`; ffmpeg 5.1 decodes the last AAC frame whole), or iTunSMPB
without one; ALAC = stts total (= ffmpeg). The verify step of the script
lists where ffmpeg differs and why.

EOF
    cat "$NOTES"
    printf '\n- `expected.tsv`: expected record values, one row per fixture.\n'
    printf -- '- `verify.tsv`: expected `--verify` results (status, method, decoded samples, pcmMd5, exact error codes, required warning codes).\n'
  } >"$OUT/README.md"
}

# ---------------------------------------------------------------------------
# Musepack: SV8 packets, SV7 and SV5 bit-packed frames, built by python from
# the specifications (no Musepack encoder here): headers exact, the audio
# payload arbitrary bits that do not decode to sound (--verify checks the
# structure only).

fx_musepack() {
  local f
  f=mpc8-48k-stereo.mpc
  py mpc8 "$OUT/$f" 10000 0 1 2 1
  expect $f Musepack Musepack - 48000 - - 2 - 10000 - header - -
  vexpect $f ok structure - - - -
  note $f "SV8 built by python: SH (CRC-32, 10000 samples, no beginning silence, 48 kHz, stereo, 4 frames per audio packet), RG, EI, 3 AP packets (ceil(ceil(10000 / 1152) / 4)) of arbitrary bytes, SE"
  f=mpc8-44k-mono-silence.mpc
  py mpc8 "$OUT/$f" 6000 1000 0 1 0
  expect $f Musepack Musepack - 44100 - - 1 - 5000 - header - -
  vexpect $f ok structure - - - -
  note $f "SV8, 6000 samples of which 1000 beginning silence (6000 - 1000 = 5000), 44.1 kHz mono, 1 frame per audio packet (6 AP packets); python"
  f=mpc8-truncated.mpc
  py mpc8 "$OUT/$f" 10000 0 1 2 1 cut
  expect $f Musepack Musepack - 48000 - - 2 - 4608 10000 frames truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "as mpc8-48k-stereo.mpc cut inside the second AP packet: one whole packet of 4 frames, 4 x 1152 = 4608 of 10000, truncated_data; python"
  f=mpc8-no-end-packet.mpc
  py mpc8 "$OUT/$f" 10000 0 1 2 1 nose
  expect $f Musepack Musepack - 48000 - - 2 - 10000 - frames truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "as mpc8-48k-stereo.mpc without its SE end packet: the 3 audio packets hold all 10000 samples, but the stream is cut short, truncated_data; python"
  f=mpc8-bad-sh-crc.mpc
  py mpc8 "$OUT/$f" 10000 0 1 2 1 badcrc
  expect $f Musepack Musepack - - - - - - - - - invalid_header -
  note $f "as mpc8-48k-stereo.mpc with a wrong CRC-32 in its stream header: invalid_header, nothing read from it; python"
  f=mpc8-id3.mpc
  py mpc8 "$OUT/$f" 10000 0 1 2 1 id3
  expect $f Musepack Musepack - 48000 - - 2 - 10000 - header - -
  vexpect $f ok structure - - - -
  note $f "mpc8-48k-stereo.mpc behind an ID3v2.3 tag: found after the tag; python"
  f=mpc7-gapless-44k.mpc
  py mpc7 "$OUT/$f" 5 5 0 700 1
  expect $f Musepack Musepack - 44100 - - 2 - 5308 - header - -
  vexpect $f ok structure - - - -
  note $f "SV7 built by python: 28-byte header (5 frames, 44.1 kHz, true gapless, last frame 700 samples: 4 x 1152 + 700 = 5308) and 5 frames of 20-bit length + arbitrary bits"
  f=mpc7-not-gapless-48k.mpc
  py mpc7 "$OUT/$f" 5 5 1 0 0
  expect $f Musepack Musepack - 48000 - - 2 - 5279 - estimated - unknown_duration
  vexpect $f warning structure - - - unknown_duration
  note $f "SV7 without the true-gapless flag, 5 frames at 48 kHz: 5 x 1152 - 481 (the reference decoder's synthesis delay) = 5279, estimated, unknown_duration; python"
  f=mpc7-truncated.mpc
  py mpc7 "$OUT/$f" 5 5 0 700 1 cut
  expect $f Musepack Musepack - 44100 - - 2 - 3456 5308 frames truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "as mpc7-gapless-44k.mpc cut inside frame 3: 3 whole frames, 3 x 1152 = 3456 of 5308, truncated_data; python"
  f=mpc7-header-fewer-frames.mpc
  py mpc7 "$OUT/$f" 3 5 0 700 1
  expect $f Musepack Musepack - 44100 - - 2 - 3004 - header - trailing_data
  vexpect $f warning structure - - - trailing_data
  note $f "SV7 header declaring 3 frames (2 x 1152 + 700 = 3004) over 5 written: the frames after the third are trailing_data; python"
  f=mpc7-header-more-frames.mpc
  py mpc7 "$OUT/$f" 8 5 0 700 1
  expect $f Musepack Musepack - 44100 - - 2 - 5760 8764 frames truncated_data -
  vexpect $f truncated structure - - truncated_data -
  note $f "SV7 header declaring 8 frames (7 x 1152 + 700 = 8764) over 5 written: the file ends where frame 5 should be, 5 x 1152 = 5760, truncated_data; python"
  f=mpc7-id3.mpc
  py mpc7 "$OUT/$f" 5 5 0 700 1 id3
  expect $f Musepack Musepack - 44100 - - 2 - 5308 - header - -
  vexpect $f ok structure - - - -
  note $f "mpc7-gapless-44k.mpc behind an ID3v2.3 tag; python"
  f=mpc7-zero-frames.mpc
  py mpc7 "$OUT/$f" 0 0 0 0 0
  expect $f Musepack Musepack - 44100 - - 2 - 0 - header - -
  note $f "SV7 header declaring 0 frames and nothing after it (zero-length audio): total 0; python"
  f=mpc-sv5-legacy.mpc
  py mpc5 "$OUT/$f" 4
  expect $f Musepack Musepack - 44100 - - 2 - 2975 - estimated - unknown_duration
  vexpect $f warning structure - - - unknown_duration
  note $f "SV5 (no magic: taken as Musepack for its .mpc name and valid header word) built by python: frame count 4, of which SV5 plays 3 (the last written cut short), 3 x 1152 - 481 = 2975, estimated, unknown_duration"
}

# ---------------------------------------------------------------------------
# ERN messages (fuzz seeds for the ERN reader, fuzz target ern_message): what
# `ddexprobe package releases/album --ern 3.4` and `--ern 4.3` wrote, copied
# verbatim (the message names the files of that batch, which are not kept here).
fx_ern() {
  local d="$OUT/ern"
  mkdir -p "$d"
  cat >"$d/album-ern34.xml" <<'ERNXML'
<?xml version="1.0" encoding="UTF-8"?>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/34" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://ddex.net/xml/ern/34 http://ddex.net/xml/ern/34/release-notification.xsd" MessageSchemaVersionId="ern/34" LanguageAndScriptCode="en">
  <MessageHeader>
    <MessageThreadId>5012345678900</MessageThreadId>
    <MessageId>9A559C1E7FA9117F901E7BC90B320E8B</MessageId>
    <MessageSender>
      <PartyId>PADPIDA2014101001U</PartyId>
      <PartyName>
        <FullName>Independent Records</FullName>
      </PartyName>
    </MessageSender>
    <MessageRecipient>
      <PartyId>PADPIDA2013020802I</PartyId>
      <PartyName>
        <FullName>YouTube</FullName>
      </PartyName>
    </MessageRecipient>
    <MessageCreatedDateTime>2026-12-04T19:38:14Z</MessageCreatedDateTime>
    <MessageControlType>TestMessage</MessageControlType>
  </MessageHeader>
  <UpdateIndicator>OriginalMessage</UpdateIndicator>
  <ResourceList>
    <SoundRecording>
      <SoundRecordingType>MusicalWorkSoundRecording</SoundRecordingType>
      <SoundRecordingId>
        <ISRC>GBAYE2400201</ISRC>
      </SoundRecordingId>
      <IndirectSoundRecordingId>
        <ISWC>T0345246801</ISWC>
      </IndirectSoundRecordingId>
      <ResourceReference>A1</ResourceReference>
      <ReferenceTitle>
        <TitleText>Dawn</TitleText>
      </ReferenceTitle>
      <LanguageOfPerformance>en</LanguageOfPerformance>
      <Duration>PT0.023S</Duration>
      <SoundRecordingDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <Title TitleType="DisplayTitle">
          <TitleText>Dawn</TitleText>
        </Title>
        <DisplayArtist SequenceNumber="1">
          <PartyName>
            <FullName>The Artist</FullName>
          </PartyName>
          <ArtistRole>MainArtist</ArtistRole>
        </DisplayArtist>
        <IndirectResourceContributor>
          <PartyName>
            <FullName>A. Writer</FullName>
          </PartyName>
          <IndirectResourceContributorRole>Composer</IndirectResourceContributorRole>
        </IndirectResourceContributor>
        <LabelName>Independent Records</LabelName>
        <PLine>
          <Year>2024</Year>
          <PLineText>2024 Independent Records</PLineText>
        </PLine>
        <Genre>
          <GenreText>Pop</GenreText>
        </Genre>
        <ParentalWarningType>NotExplicit</ParentalWarningType>
        <TechnicalSoundRecordingDetails>
          <TechnicalResourceDetailsReference>T1</TechnicalResourceDetailsReference>
          <ContainerFormat>WAV</ContainerFormat>
          <AudioCodecType>PCM</AudioCodecType>
          <BitRate UnitOfMeasure="kbps">1411.2</BitRate>
          <NumberOfChannels>2</NumberOfChannels>
          <SamplingRate UnitOfMeasure="Hz">44100</SamplingRate>
          <BitsPerSample>16</BitsPerSample>
          <Duration>PT0.023S</Duration>
          <File>
            <FileName>5012345678900_01_001.wav</FileName>
            <FilePath>resources/</FilePath>
            <HashSum>
              <HashSum>9870a973fd7b6d65e8cfa25551f49e4d</HashSum>
              <HashSumAlgorithmType>MD5</HashSumAlgorithmType>
            </HashSum>
          </File>
        </TechnicalSoundRecordingDetails>
      </SoundRecordingDetailsByTerritory>
    </SoundRecording>
    <SoundRecording>
      <SoundRecordingType>MusicalWorkSoundRecording</SoundRecordingType>
      <SoundRecordingId>
        <ISRC>GBAYE2400202</ISRC>
        <ProprietaryId Namespace="DPID:PADPIDA2014101001U">IR-0202</ProprietaryId>
      </SoundRecordingId>
      <IndirectSoundRecordingId>
        <ISWC>T0345246801</ISWC>
      </IndirectSoundRecordingId>
      <ResourceReference>A2</ResourceReference>
      <ReferenceTitle>
        <TitleText>Noon</TitleText>
      </ReferenceTitle>
      <LanguageOfPerformance>en</LanguageOfPerformance>
      <Duration>PT0.023S</Duration>
      <SoundRecordingDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <Title TitleType="DisplayTitle">
          <TitleText>Noon</TitleText>
        </Title>
        <DisplayArtist SequenceNumber="1">
          <PartyName>
            <FullName>The Artist</FullName>
          </PartyName>
          <ArtistRole>MainArtist</ArtistRole>
        </DisplayArtist>
        <IndirectResourceContributor>
          <PartyName>
            <FullName>A. Writer</FullName>
          </PartyName>
          <IndirectResourceContributorRole>Composer</IndirectResourceContributorRole>
        </IndirectResourceContributor>
        <LabelName>Independent Records</LabelName>
        <PLine>
          <Year>2024</Year>
          <PLineText>2024 Independent Records</PLineText>
        </PLine>
        <Genre>
          <GenreText>Pop</GenreText>
        </Genre>
        <ParentalWarningType>NotExplicit</ParentalWarningType>
        <TechnicalSoundRecordingDetails>
          <TechnicalResourceDetailsReference>T2</TechnicalResourceDetailsReference>
          <ContainerFormat>WAV</ContainerFormat>
          <AudioCodecType>PCM</AudioCodecType>
          <BitRate UnitOfMeasure="kbps">1411.2</BitRate>
          <NumberOfChannels>2</NumberOfChannels>
          <SamplingRate UnitOfMeasure="Hz">44100</SamplingRate>
          <BitsPerSample>16</BitsPerSample>
          <Duration>PT0.023S</Duration>
          <File>
            <FileName>5012345678900_01_002.wav</FileName>
            <FilePath>resources/</FilePath>
            <HashSum>
              <HashSum>7bf7796f5d4f6d6ce49ea50dc80c3100</HashSum>
              <HashSumAlgorithmType>MD5</HashSumAlgorithmType>
            </HashSum>
          </File>
        </TechnicalSoundRecordingDetails>
      </SoundRecordingDetailsByTerritory>
    </SoundRecording>
    <SoundRecording>
      <SoundRecordingType>MusicalWorkSoundRecording</SoundRecordingType>
      <SoundRecordingId>
        <ISRC>GBAYE2400203</ISRC>
      </SoundRecordingId>
      <IndirectSoundRecordingId>
        <ISWC>T0345246801</ISWC>
      </IndirectSoundRecordingId>
      <ResourceReference>A3</ResourceReference>
      <ReferenceTitle>
        <TitleText>Dusk</TitleText>
      </ReferenceTitle>
      <LanguageOfPerformance>en</LanguageOfPerformance>
      <Duration>PT0.023S</Duration>
      <SoundRecordingDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <Title TitleType="DisplayTitle">
          <TitleText>Dusk</TitleText>
        </Title>
        <DisplayArtist SequenceNumber="1">
          <PartyName>
            <FullName>The Artist</FullName>
          </PartyName>
          <ArtistRole>MainArtist</ArtistRole>
        </DisplayArtist>
        <IndirectResourceContributor>
          <PartyName>
            <FullName>A. Writer</FullName>
          </PartyName>
          <IndirectResourceContributorRole>Composer</IndirectResourceContributorRole>
        </IndirectResourceContributor>
        <LabelName>Independent Records</LabelName>
        <PLine>
          <Year>2024</Year>
          <PLineText>2024 Independent Records</PLineText>
        </PLine>
        <Genre>
          <GenreText>Pop</GenreText>
        </Genre>
        <ParentalWarningType>Explicit</ParentalWarningType>
        <TechnicalSoundRecordingDetails>
          <TechnicalResourceDetailsReference>T3</TechnicalResourceDetailsReference>
          <ContainerFormat>WAV</ContainerFormat>
          <AudioCodecType>PCM</AudioCodecType>
          <BitRate UnitOfMeasure="kbps">1411.2</BitRate>
          <NumberOfChannels>2</NumberOfChannels>
          <SamplingRate UnitOfMeasure="Hz">44100</SamplingRate>
          <BitsPerSample>16</BitsPerSample>
          <Duration>PT0.023S</Duration>
          <File>
            <FileName>5012345678900_01_003.wav</FileName>
            <FilePath>resources/</FilePath>
            <HashSum>
              <HashSum>cc3847c9dc6d4d00ea525f7e63ce9994</HashSum>
              <HashSumAlgorithmType>MD5</HashSumAlgorithmType>
            </HashSum>
          </File>
        </TechnicalSoundRecordingDetails>
      </SoundRecordingDetailsByTerritory>
    </SoundRecording>
    <Image>
      <ImageType>FrontCoverImage</ImageType>
      <ImageId>
        <ProprietaryId Namespace="DPID:PADPIDA2014101001U">5012345678900_FrontCoverImage</ProprietaryId>
      </ImageId>
      <ResourceReference>A4</ResourceReference>
      <ImageDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <CLine>
          <Year>2024</Year>
          <CLineText>2024 Independent Records</CLineText>
        </CLine>
        <TechnicalImageDetails>
          <TechnicalResourceDetailsReference>T4</TechnicalResourceDetailsReference>
          <ImageCodecType>PNG</ImageCodecType>
          <ImageHeight UnitOfMeasure="Pixel">3000</ImageHeight>
          <ImageWidth UnitOfMeasure="Pixel">3000</ImageWidth>
          <ColorDepth>24</ColorDepth>
          <File>
            <FileName>5012345678900.png</FileName>
            <FilePath>resources/</FilePath>
            <HashSum>
              <HashSum>b2bdf7fd3728ec89819389d71c7367e6</HashSum>
              <HashSumAlgorithmType>MD5</HashSumAlgorithmType>
            </HashSum>
          </File>
        </TechnicalImageDetails>
      </ImageDetailsByTerritory>
    </Image>
  </ResourceList>
  <ReleaseList>
    <Release>
      <ReleaseId>
        <ICPN IsEan="true">5012345678900</ICPN>
      </ReleaseId>
      <ReleaseReference>R0</ReleaseReference>
      <ReferenceTitle>
        <TitleText>First Light</TitleText>
      </ReferenceTitle>
      <ReleaseResourceReferenceList>
        <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A1</ReleaseResourceReference>
        <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A2</ReleaseResourceReference>
        <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A3</ReleaseResourceReference>
        <ReleaseResourceReference ReleaseResourceType="SecondaryResource">A4</ReleaseResourceReference>
      </ReleaseResourceReferenceList>
      <ReleaseType>Album</ReleaseType>
      <ReleaseDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <DisplayArtistName>The Artist</DisplayArtistName>
        <LabelName>Independent Records</LabelName>
        <Title TitleType="FormalTitle">
          <TitleText>First Light</TitleText>
        </Title>
        <Title TitleType="DisplayTitle">
          <TitleText>First Light</TitleText>
        </Title>
        <DisplayArtist SequenceNumber="1">
          <PartyName>
            <FullName>The Artist</FullName>
          </PartyName>
          <ArtistRole>MainArtist</ArtistRole>
        </DisplayArtist>
        <ParentalWarningType>NotExplicit</ParentalWarningType>
        <ResourceGroup>
          <ResourceGroup>
            <SequenceNumber>1</SequenceNumber>
            <ResourceGroupContentItem>
              <SequenceNumber>1</SequenceNumber>
              <ResourceType>SoundRecording</ResourceType>
              <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A1</ReleaseResourceReference>
            </ResourceGroupContentItem>
            <ResourceGroupContentItem>
              <SequenceNumber>2</SequenceNumber>
              <ResourceType>SoundRecording</ResourceType>
              <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A2</ReleaseResourceReference>
            </ResourceGroupContentItem>
            <ResourceGroupContentItem>
              <SequenceNumber>3</SequenceNumber>
              <ResourceType>SoundRecording</ResourceType>
              <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A3</ReleaseResourceReference>
            </ResourceGroupContentItem>
          </ResourceGroup>
          <ResourceGroupContentItem>
            <ResourceType>Image</ResourceType>
            <ReleaseResourceReference ReleaseResourceType="SecondaryResource">A4</ReleaseResourceReference>
          </ResourceGroupContentItem>
        </ResourceGroup>
        <Genre>
          <GenreText>Pop</GenreText>
        </Genre>
        <OriginalReleaseDate>2024-05-01</OriginalReleaseDate>
      </ReleaseDetailsByTerritory>
      <PLine>
        <Year>2024</Year>
        <PLineText>2024 Independent Records</PLineText>
      </PLine>
      <CLine>
        <Year>2024</Year>
        <CLineText>2024 Independent Records</CLineText>
      </CLine>
    </Release>
    <Release>
      <ReleaseId>
        <ISRC>GBAYE2400201</ISRC>
      </ReleaseId>
      <ReleaseReference>R1</ReleaseReference>
      <ReferenceTitle>
        <TitleText>Dawn</TitleText>
      </ReferenceTitle>
      <ReleaseResourceReferenceList>
        <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A1</ReleaseResourceReference>
        <ReleaseResourceReference ReleaseResourceType="SecondaryResource">A4</ReleaseResourceReference>
      </ReleaseResourceReferenceList>
      <ReleaseType>TrackRelease</ReleaseType>
      <ReleaseDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <DisplayArtistName>The Artist</DisplayArtistName>
        <LabelName>Independent Records</LabelName>
        <Title TitleType="DisplayTitle">
          <TitleText>Dawn</TitleText>
        </Title>
        <DisplayArtist SequenceNumber="1">
          <PartyName>
            <FullName>The Artist</FullName>
          </PartyName>
          <ArtistRole>MainArtist</ArtistRole>
        </DisplayArtist>
        <ParentalWarningType>NotExplicit</ParentalWarningType>
        <ResourceGroup>
          <ResourceGroupContentItem>
            <SequenceNumber>1</SequenceNumber>
            <ResourceType>SoundRecording</ResourceType>
            <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A1</ReleaseResourceReference>
          </ResourceGroupContentItem>
          <ResourceGroupContentItem>
            <ResourceType>Image</ResourceType>
            <ReleaseResourceReference ReleaseResourceType="SecondaryResource">A4</ReleaseResourceReference>
          </ResourceGroupContentItem>
        </ResourceGroup>
        <Genre>
          <GenreText>Pop</GenreText>
        </Genre>
        <OriginalReleaseDate>2024-05-01</OriginalReleaseDate>
      </ReleaseDetailsByTerritory>
      <PLine>
        <Year>2024</Year>
        <PLineText>2024 Independent Records</PLineText>
      </PLine>
    </Release>
    <Release>
      <ReleaseId>
        <ISRC>GBAYE2400202</ISRC>
        <ProprietaryId Namespace="DPID:PADPIDA2014101001U">IR-0202</ProprietaryId>
      </ReleaseId>
      <ReleaseReference>R2</ReleaseReference>
      <ReferenceTitle>
        <TitleText>Noon</TitleText>
      </ReferenceTitle>
      <ReleaseResourceReferenceList>
        <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A2</ReleaseResourceReference>
        <ReleaseResourceReference ReleaseResourceType="SecondaryResource">A4</ReleaseResourceReference>
      </ReleaseResourceReferenceList>
      <ReleaseType>TrackRelease</ReleaseType>
      <ReleaseDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <DisplayArtistName>The Artist</DisplayArtistName>
        <LabelName>Independent Records</LabelName>
        <Title TitleType="DisplayTitle">
          <TitleText>Noon</TitleText>
        </Title>
        <DisplayArtist SequenceNumber="1">
          <PartyName>
            <FullName>The Artist</FullName>
          </PartyName>
          <ArtistRole>MainArtist</ArtistRole>
        </DisplayArtist>
        <ParentalWarningType>NotExplicit</ParentalWarningType>
        <ResourceGroup>
          <ResourceGroupContentItem>
            <SequenceNumber>1</SequenceNumber>
            <ResourceType>SoundRecording</ResourceType>
            <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A2</ReleaseResourceReference>
          </ResourceGroupContentItem>
          <ResourceGroupContentItem>
            <ResourceType>Image</ResourceType>
            <ReleaseResourceReference ReleaseResourceType="SecondaryResource">A4</ReleaseResourceReference>
          </ResourceGroupContentItem>
        </ResourceGroup>
        <Genre>
          <GenreText>Pop</GenreText>
        </Genre>
        <OriginalReleaseDate>2024-05-01</OriginalReleaseDate>
      </ReleaseDetailsByTerritory>
      <PLine>
        <Year>2024</Year>
        <PLineText>2024 Independent Records</PLineText>
      </PLine>
    </Release>
    <Release>
      <ReleaseId>
        <ISRC>GBAYE2400203</ISRC>
      </ReleaseId>
      <ReleaseReference>R3</ReleaseReference>
      <ReferenceTitle>
        <TitleText>Dusk</TitleText>
      </ReferenceTitle>
      <ReleaseResourceReferenceList>
        <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A3</ReleaseResourceReference>
        <ReleaseResourceReference ReleaseResourceType="SecondaryResource">A4</ReleaseResourceReference>
      </ReleaseResourceReferenceList>
      <ReleaseType>TrackRelease</ReleaseType>
      <ReleaseDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <DisplayArtistName>The Artist</DisplayArtistName>
        <LabelName>Independent Records</LabelName>
        <Title TitleType="DisplayTitle">
          <TitleText>Dusk</TitleText>
        </Title>
        <DisplayArtist SequenceNumber="1">
          <PartyName>
            <FullName>The Artist</FullName>
          </PartyName>
          <ArtistRole>MainArtist</ArtistRole>
        </DisplayArtist>
        <ParentalWarningType>Explicit</ParentalWarningType>
        <ResourceGroup>
          <ResourceGroupContentItem>
            <SequenceNumber>1</SequenceNumber>
            <ResourceType>SoundRecording</ResourceType>
            <ReleaseResourceReference ReleaseResourceType="PrimaryResource">A3</ReleaseResourceReference>
          </ResourceGroupContentItem>
          <ResourceGroupContentItem>
            <ResourceType>Image</ResourceType>
            <ReleaseResourceReference ReleaseResourceType="SecondaryResource">A4</ReleaseResourceReference>
          </ResourceGroupContentItem>
        </ResourceGroup>
        <Genre>
          <GenreText>Pop</GenreText>
        </Genre>
        <OriginalReleaseDate>2024-05-01</OriginalReleaseDate>
      </ReleaseDetailsByTerritory>
      <PLine>
        <Year>2024</Year>
        <PLineText>2024 Independent Records</PLineText>
      </PLine>
    </Release>
  </ReleaseList>
  <DealList>
    <ReleaseDeal>
      <DealReleaseReference>R0</DealReleaseReference>
      <Deal>
        <DealTerms>
          <CommercialModelType>SubscriptionModel</CommercialModelType>
          <CommercialModelType>AdvertisementSupportedModel</CommercialModelType>
          <Usage>
            <UseType>OnDemandStream</UseType>
          </Usage>
          <TerritoryCode>Worldwide</TerritoryCode>
          <ValidityPeriod>
            <StartDate>2024-05-01</StartDate>
          </ValidityPeriod>
        </DealTerms>
      </Deal>
    </ReleaseDeal>
    <ReleaseDeal>
      <DealReleaseReference>R1</DealReleaseReference>
      <Deal>
        <DealTerms>
          <CommercialModelType>SubscriptionModel</CommercialModelType>
          <CommercialModelType>AdvertisementSupportedModel</CommercialModelType>
          <Usage>
            <UseType>OnDemandStream</UseType>
          </Usage>
          <TerritoryCode>Worldwide</TerritoryCode>
          <ValidityPeriod>
            <StartDate>2024-05-01</StartDate>
          </ValidityPeriod>
        </DealTerms>
      </Deal>
    </ReleaseDeal>
    <ReleaseDeal>
      <DealReleaseReference>R2</DealReleaseReference>
      <Deal>
        <DealTerms>
          <CommercialModelType>SubscriptionModel</CommercialModelType>
          <CommercialModelType>AdvertisementSupportedModel</CommercialModelType>
          <Usage>
            <UseType>OnDemandStream</UseType>
          </Usage>
          <TerritoryCode>Worldwide</TerritoryCode>
          <ValidityPeriod>
            <StartDate>2024-05-01</StartDate>
          </ValidityPeriod>
        </DealTerms>
      </Deal>
    </ReleaseDeal>
    <ReleaseDeal>
      <DealReleaseReference>R3</DealReleaseReference>
      <Deal>
        <DealTerms>
          <CommercialModelType>SubscriptionModel</CommercialModelType>
          <CommercialModelType>AdvertisementSupportedModel</CommercialModelType>
          <Usage>
            <UseType>OnDemandStream</UseType>
          </Usage>
          <TerritoryCode>Worldwide</TerritoryCode>
          <ValidityPeriod>
            <StartDate>2024-05-01</StartDate>
          </ValidityPeriod>
        </DealTerms>
      </Deal>
    </ReleaseDeal>
  </DealList>
</ern:NewReleaseMessage>
ERNXML
  cat >"$d/album-ern43.xml" <<'ERNXML'
<?xml version="1.0" encoding="UTF-8"?>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/43" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://ddex.net/xml/ern/43 http://ddex.net/xml/ern/43/release-notification.xsd" ReleaseProfileVersionId="Audio" AvsVersionId="3" LanguageAndScriptCode="en">
  <MessageHeader>
    <MessageThreadId>5012345678900</MessageThreadId>
    <MessageId>9A559C1E7FA9117F901E7BC90B320E8B</MessageId>
    <MessageSender>
      <PartyId>PADPIDA2014101001U</PartyId>
      <PartyName>
        <FullName>Independent Records</FullName>
      </PartyName>
    </MessageSender>
    <MessageRecipient>
      <PartyId>PADPIDA2013020802I</PartyId>
      <PartyName>
        <FullName>YouTube</FullName>
      </PartyName>
    </MessageRecipient>
    <MessageCreatedDateTime>2026-12-04T19:38:14Z</MessageCreatedDateTime>
    <MessageControlType>TestMessage</MessageControlType>
  </MessageHeader>
  <PartyList>
    <Party>
      <PartyReference>PR0</PartyReference>
      <PartyName>
        <FullName>The Artist</FullName>
      </PartyName>
    </Party>
    <Party>
      <PartyReference>PA1</PartyReference>
      <PartyName>
        <FullName>The Artist</FullName>
      </PartyName>
    </Party>
    <Party>
      <PartyReference>PA1C1</PartyReference>
      <PartyName>
        <FullName>A. Writer</FullName>
      </PartyName>
    </Party>
    <Party>
      <PartyReference>PA2</PartyReference>
      <PartyName>
        <FullName>The Artist</FullName>
      </PartyName>
    </Party>
    <Party>
      <PartyReference>PA2C1</PartyReference>
      <PartyName>
        <FullName>A. Writer</FullName>
      </PartyName>
    </Party>
    <Party>
      <PartyReference>PA3</PartyReference>
      <PartyName>
        <FullName>The Artist</FullName>
      </PartyName>
    </Party>
    <Party>
      <PartyReference>PA3C1</PartyReference>
      <PartyName>
        <FullName>A. Writer</FullName>
      </PartyName>
    </Party>
    <Party>
      <PartyReference>PLabel</PartyReference>
      <PartyName>
        <FullName>Independent Records</FullName>
      </PartyName>
    </Party>
  </PartyList>
  <ResourceList>
    <SoundRecording>
      <ResourceReference>A1</ResourceReference>
      <Type>MusicalWorkSoundRecording</Type>
      <SoundRecordingEdition>
        <Type>NonImmersiveEdition</Type>
        <ResourceId>
          <ISRC>GBAYE2400201</ISRC>
        </ResourceId>
        <PLine>
          <Year>2024</Year>
          <PLineText>2024 Independent Records</PLineText>
        </PLine>
        <TechnicalDetails>
          <TechnicalResourceDetailsReference>T1</TechnicalResourceDetailsReference>
          <DeliveryFile>
            <Type>AudioFile</Type>
            <ContainerFormat>WAV</ContainerFormat>
            <AudioCodecType>PCM</AudioCodecType>
            <BitRate UnitOfMeasure="kbps">1411.2</BitRate>
            <NumberOfChannels>2</NumberOfChannels>
            <SamplingRate UnitOfMeasure="Hz">44100</SamplingRate>
            <BitsPerSample>16</BitsPerSample>
            <Duration>PT0.023S</Duration>
            <File>
              <URI>resources/5012345678900_01_001.wav</URI>
              <HashSum>
                <Algorithm>MD5</Algorithm>
                <HashSumValue>9870a973fd7b6d65e8cfa25551f49e4d</HashSumValue>
              </HashSum>
              <FileSize>3.95</FileSize>
            </File>
          </DeliveryFile>
        </TechnicalDetails>
      </SoundRecordingEdition>
      <WorkId>
        <ISWC>T0345246801</ISWC>
      </WorkId>
      <DisplayTitleText>Dawn</DisplayTitleText>
      <DisplayTitle>
        <TitleText>Dawn</TitleText>
      </DisplayTitle>
      <DisplayArtistName>The Artist</DisplayArtistName>
      <DisplayArtist SequenceNumber="1">
        <ArtistPartyReference>PA1</ArtistPartyReference>
        <DisplayArtistRole>MainArtist</DisplayArtistRole>
      </DisplayArtist>
      <Contributor SequenceNumber="1">
        <ContributorPartyReference>PA1C1</ContributorPartyReference>
        <Role>Composer</Role>
      </Contributor>
      <Duration>PT0.023S</Duration>
      <ParentalWarningType>NotExplicit</ParentalWarningType>
      <LanguageOfPerformance>en</LanguageOfPerformance>
    </SoundRecording>
    <SoundRecording>
      <ResourceReference>A2</ResourceReference>
      <Type>MusicalWorkSoundRecording</Type>
      <SoundRecordingEdition>
        <Type>NonImmersiveEdition</Type>
        <ResourceId>
          <ISRC>GBAYE2400202</ISRC>
          <ProprietaryId Namespace="DPID:PADPIDA2014101001U">IR-0202</ProprietaryId>
        </ResourceId>
        <PLine>
          <Year>2024</Year>
          <PLineText>2024 Independent Records</PLineText>
        </PLine>
        <TechnicalDetails>
          <TechnicalResourceDetailsReference>T2</TechnicalResourceDetailsReference>
          <DeliveryFile>
            <Type>AudioFile</Type>
            <ContainerFormat>WAV</ContainerFormat>
            <AudioCodecType>PCM</AudioCodecType>
            <BitRate UnitOfMeasure="kbps">1411.2</BitRate>
            <NumberOfChannels>2</NumberOfChannels>
            <SamplingRate UnitOfMeasure="Hz">44100</SamplingRate>
            <BitsPerSample>16</BitsPerSample>
            <Duration>PT0.023S</Duration>
            <File>
              <URI>resources/5012345678900_01_002.wav</URI>
              <HashSum>
                <Algorithm>MD5</Algorithm>
                <HashSumValue>7bf7796f5d4f6d6ce49ea50dc80c3100</HashSumValue>
              </HashSum>
              <FileSize>3.95</FileSize>
            </File>
          </DeliveryFile>
        </TechnicalDetails>
      </SoundRecordingEdition>
      <WorkId>
        <ISWC>T0345246801</ISWC>
      </WorkId>
      <DisplayTitleText>Noon</DisplayTitleText>
      <DisplayTitle>
        <TitleText>Noon</TitleText>
      </DisplayTitle>
      <DisplayArtistName>The Artist</DisplayArtistName>
      <DisplayArtist SequenceNumber="1">
        <ArtistPartyReference>PA2</ArtistPartyReference>
        <DisplayArtistRole>MainArtist</DisplayArtistRole>
      </DisplayArtist>
      <Contributor SequenceNumber="1">
        <ContributorPartyReference>PA2C1</ContributorPartyReference>
        <Role>Composer</Role>
      </Contributor>
      <Duration>PT0.023S</Duration>
      <ParentalWarningType>NotExplicit</ParentalWarningType>
      <LanguageOfPerformance>en</LanguageOfPerformance>
    </SoundRecording>
    <SoundRecording>
      <ResourceReference>A3</ResourceReference>
      <Type>MusicalWorkSoundRecording</Type>
      <SoundRecordingEdition>
        <Type>NonImmersiveEdition</Type>
        <ResourceId>
          <ISRC>GBAYE2400203</ISRC>
        </ResourceId>
        <PLine>
          <Year>2024</Year>
          <PLineText>2024 Independent Records</PLineText>
        </PLine>
        <TechnicalDetails>
          <TechnicalResourceDetailsReference>T3</TechnicalResourceDetailsReference>
          <DeliveryFile>
            <Type>AudioFile</Type>
            <ContainerFormat>WAV</ContainerFormat>
            <AudioCodecType>PCM</AudioCodecType>
            <BitRate UnitOfMeasure="kbps">1411.2</BitRate>
            <NumberOfChannels>2</NumberOfChannels>
            <SamplingRate UnitOfMeasure="Hz">44100</SamplingRate>
            <BitsPerSample>16</BitsPerSample>
            <Duration>PT0.023S</Duration>
            <File>
              <URI>resources/5012345678900_01_003.wav</URI>
              <HashSum>
                <Algorithm>MD5</Algorithm>
                <HashSumValue>cc3847c9dc6d4d00ea525f7e63ce9994</HashSumValue>
              </HashSum>
              <FileSize>3.95</FileSize>
            </File>
          </DeliveryFile>
        </TechnicalDetails>
      </SoundRecordingEdition>
      <WorkId>
        <ISWC>T0345246801</ISWC>
      </WorkId>
      <DisplayTitleText>Dusk</DisplayTitleText>
      <DisplayTitle>
        <TitleText>Dusk</TitleText>
      </DisplayTitle>
      <DisplayArtistName>The Artist</DisplayArtistName>
      <DisplayArtist SequenceNumber="1">
        <ArtistPartyReference>PA3</ArtistPartyReference>
        <DisplayArtistRole>MainArtist</DisplayArtistRole>
      </DisplayArtist>
      <Contributor SequenceNumber="1">
        <ContributorPartyReference>PA3C1</ContributorPartyReference>
        <Role>Composer</Role>
      </Contributor>
      <Duration>PT0.023S</Duration>
      <ParentalWarningType>Explicit</ParentalWarningType>
      <LanguageOfPerformance>en</LanguageOfPerformance>
    </SoundRecording>
    <Image>
      <ResourceReference>A4</ResourceReference>
      <Type>FrontCoverImage</Type>
      <ResourceId>
        <ProprietaryId Namespace="DPID:PADPIDA2014101001U">5012345678900_FrontCoverImage</ProprietaryId>
      </ResourceId>
      <CLine>
        <Year>2024</Year>
        <CLineText>2024 Independent Records</CLineText>
      </CLine>
      <TechnicalDetails>
        <TechnicalResourceDetailsReference>T4</TechnicalResourceDetailsReference>
        <ImageCodecType>PNG</ImageCodecType>
        <ImageHeight UnitOfMeasure="Pixel">3000</ImageHeight>
        <ImageWidth UnitOfMeasure="Pixel">3000</ImageWidth>
        <ColorDepth>24</ColorDepth>
        <BitDepth>8</BitDepth>
        <File>
          <URI>resources/5012345678900.png</URI>
          <HashSum>
            <Algorithm>MD5</Algorithm>
            <HashSumValue>b2bdf7fd3728ec89819389d71c7367e6</HashSumValue>
          </HashSum>
        </File>
      </TechnicalDetails>
    </Image>
  </ResourceList>
  <ReleaseList>
    <Release>
      <ReleaseReference>R0</ReleaseReference>
      <ReleaseType>Album</ReleaseType>
      <ReleaseId>
        <ICPN>5012345678900</ICPN>
      </ReleaseId>
      <DisplayTitleText>First Light</DisplayTitleText>
      <DisplayTitle>
        <TitleText>First Light</TitleText>
      </DisplayTitle>
      <DisplayArtistName>The Artist</DisplayArtistName>
      <DisplayArtist SequenceNumber="1">
        <ArtistPartyReference>PR0</ArtistPartyReference>
        <DisplayArtistRole>MainArtist</DisplayArtistRole>
      </DisplayArtist>
      <ReleaseLabelReference>PLabel</ReleaseLabelReference>
      <PLine>
        <Year>2024</Year>
        <PLineText>2024 Independent Records</PLineText>
      </PLine>
      <CLine>
        <Year>2024</Year>
        <CLineText>2024 Independent Records</CLineText>
      </CLine>
      <Genre>
        <GenreText>Pop</GenreText>
      </Genre>
      <OriginalReleaseDate>2024-05-01</OriginalReleaseDate>
      <ParentalWarningType>NotExplicit</ParentalWarningType>
      <ResourceGroup>
        <ResourceGroup ResourceGroupType="Component">
          <SequenceNumber>1</SequenceNumber>
          <ResourceGroupContentItem>
            <SequenceNumber>1</SequenceNumber>
            <ReleaseResourceReference>A1</ReleaseResourceReference>
          </ResourceGroupContentItem>
          <ResourceGroupContentItem>
            <SequenceNumber>2</SequenceNumber>
            <ReleaseResourceReference>A2</ReleaseResourceReference>
          </ResourceGroupContentItem>
          <ResourceGroupContentItem>
            <SequenceNumber>3</SequenceNumber>
            <ReleaseResourceReference>A3</ReleaseResourceReference>
          </ResourceGroupContentItem>
        </ResourceGroup>
        <ResourceGroupContentItem>
          <ReleaseResourceReference>A4</ReleaseResourceReference>
        </ResourceGroupContentItem>
      </ResourceGroup>
    </Release>
    <TrackRelease>
      <ReleaseReference>R1</ReleaseReference>
      <ReleaseId>
        <ProprietaryId Namespace="DPID:PADPIDA2014101001U">GBAYE2400201</ProprietaryId>
      </ReleaseId>
      <DisplayTitleText>Dawn</DisplayTitleText>
      <DisplayTitle>
        <TitleText>Dawn</TitleText>
      </DisplayTitle>
      <ReleaseResourceReference>A1</ReleaseResourceReference>
      <ReleaseLabelReference>PLabel</ReleaseLabelReference>
      <Genre>
        <GenreText>Pop</GenreText>
      </Genre>
    </TrackRelease>
    <TrackRelease>
      <ReleaseReference>R2</ReleaseReference>
      <ReleaseId>
        <ProprietaryId Namespace="DPID:PADPIDA2014101001U">IR-0202</ProprietaryId>
      </ReleaseId>
      <DisplayTitleText>Noon</DisplayTitleText>
      <DisplayTitle>
        <TitleText>Noon</TitleText>
      </DisplayTitle>
      <ReleaseResourceReference>A2</ReleaseResourceReference>
      <ReleaseLabelReference>PLabel</ReleaseLabelReference>
      <Genre>
        <GenreText>Pop</GenreText>
      </Genre>
    </TrackRelease>
    <TrackRelease>
      <ReleaseReference>R3</ReleaseReference>
      <ReleaseId>
        <ProprietaryId Namespace="DPID:PADPIDA2014101001U">GBAYE2400203</ProprietaryId>
      </ReleaseId>
      <DisplayTitleText>Dusk</DisplayTitleText>
      <DisplayTitle>
        <TitleText>Dusk</TitleText>
      </DisplayTitle>
      <ReleaseResourceReference>A3</ReleaseResourceReference>
      <ReleaseLabelReference>PLabel</ReleaseLabelReference>
      <Genre>
        <GenreText>Pop</GenreText>
      </Genre>
    </TrackRelease>
  </ReleaseList>
  <DealList>
    <ReleaseDeal>
      <DealReleaseReference>R0</DealReleaseReference>
      <Deal>
        <DealTerms>
          <TerritoryCode>Worldwide</TerritoryCode>
          <ValidityPeriod>
            <StartDate>2024-05-01</StartDate>
          </ValidityPeriod>
          <CommercialModelType>SubscriptionModel</CommercialModelType>
          <CommercialModelType>AdvertisementSupportedModel</CommercialModelType>
          <UseType>OnDemandStream</UseType>
        </DealTerms>
      </Deal>
    </ReleaseDeal>
    <ReleaseDeal>
      <DealReleaseReference>R1</DealReleaseReference>
      <Deal>
        <DealTerms>
          <TerritoryCode>Worldwide</TerritoryCode>
          <ValidityPeriod>
            <StartDate>2024-05-01</StartDate>
          </ValidityPeriod>
          <CommercialModelType>SubscriptionModel</CommercialModelType>
          <CommercialModelType>AdvertisementSupportedModel</CommercialModelType>
          <UseType>OnDemandStream</UseType>
        </DealTerms>
      </Deal>
    </ReleaseDeal>
    <ReleaseDeal>
      <DealReleaseReference>R2</DealReleaseReference>
      <Deal>
        <DealTerms>
          <TerritoryCode>Worldwide</TerritoryCode>
          <ValidityPeriod>
            <StartDate>2024-05-01</StartDate>
          </ValidityPeriod>
          <CommercialModelType>SubscriptionModel</CommercialModelType>
          <CommercialModelType>AdvertisementSupportedModel</CommercialModelType>
          <UseType>OnDemandStream</UseType>
        </DealTerms>
      </Deal>
    </ReleaseDeal>
    <ReleaseDeal>
      <DealReleaseReference>R3</DealReleaseReference>
      <Deal>
        <DealTerms>
          <TerritoryCode>Worldwide</TerritoryCode>
          <ValidityPeriod>
            <StartDate>2024-05-01</StartDate>
          </ValidityPeriod>
          <CommercialModelType>SubscriptionModel</CommercialModelType>
          <CommercialModelType>AdvertisementSupportedModel</CommercialModelType>
          <UseType>OnDemandStream</UseType>
        </DealTerms>
      </Deal>
    </ReleaseDeal>
  </DealList>
</ern:NewReleaseMessage>
ERNXML
  note "ern/" "album-ern34.xml and album-ern43.xml: the NewReleaseMessage ddexprobe package wrote for releases/album as ERN 3.4 and 4.3 (copied verbatim; seeds of the ern_message fuzz target)"
}

# Release folders (tests/release.rs): audio with sidecars, a cover and
# release.json, one folder per kind of delivery. The audio is copied from
# the fixtures above (made different by their last sample byte: each is its
# own recording); the covers are flat-colour RGB PNGs of COVER_PX square,
# written here from the PNG specification (zlib, no encoder version in the
# bytes), at the 3000 pixels the default profile asks. Expected outputs are pinned as snapshots in tests/snapshots.
COVER_PX=3000
fx_releases() {
  local d="$OUT/releases"
  mkdir -p "$d"
  python3 - "$d" "$OUT/wav-pcm16-44k-stereo.wav" "$COVER_PX" <<'PY'
import json, os, struct, sys, zlib

out, wav, px = sys.argv[1], sys.argv[2], int(sys.argv[3])
audio = open(wav, "rb").read()
serial = [0]

def png(path, width, height, rgb, truncate=None):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # First row unfiltered, the others filter Up: all zero bytes.
    raw = b"\x00" + bytes(rgb) * width + (b"\x02" + bytes(3 * width)) * (height - 1)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))
    if truncate:
        data = data[:truncate]
    open(path, "wb").write(data)

def track(folder, name, isrc, title, extra=None):
    serial[0] += 1
    os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
    b = bytearray(audio)
    b[-1] = serial[0]
    open(os.path.join(folder, name), "wb").write(bytes(b))
    meta = {
        "ddexMetadata": {"title": title, "languageOfPerformance": "en"},
        "soundRecordingDetails": {"isrc": isrc},
        "musicalWorkReference": {"iswc": "T-034.524.680-1", "composers": ["A. Writer"]},
    }
    for key, value in (extra or {}).items():
        group, field = key.split(".")
        meta.setdefault(group, {})[field] = value
    stem = os.path.splitext(os.path.join(folder, name))[0]
    with open(stem + ".json", "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")

def release(folder, overrides=None, deals=None, header=None):
    spec = {
        "messageHeader": {"senderPartyId": "PADPIDA2014101001U", "senderName": "Independent Records",
                          "recipientPartyId": "PADPIDA2013020802I", "recipientName": "YouTube"},
        "release": {"icpn": "5012345678900", "title": "First Light", "displayArtist": "The Artist",
                    "labelName": "Independent Records", "releaseType": "Album",
                    "originalReleaseDate": "2024-05-01",
                    "pLine": {"year": 2024, "pLineText": "2024 Independent Records"},
                    "cLine": {"year": 2024, "cLineText": "2024 Independent Records"},
                    "genre": "Pop", "parentalWarningType": "NotExplicit"},
        "deals": deals or [{"territories": ["Worldwide"], "startDate": "2024-05-01",
                            "commercialModels": ["SubscriptionModel", "AdvertisementSupportedModel"],
                            "useTypes": ["OnDemandStream"]}],
    }
    spec["messageHeader"].update(header or {})
    spec["release"].update(overrides or {})
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "release.json"), "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")

# A single: one track, its title the release's.
r = os.path.join(out, "single")
release(r, {"icpn": "036000291452", "title": "Morning", "releaseType": "Single"})
track(r, "01-morning.wav", "GBAYE2400101", "Morning")
png(os.path.join(r, "cover.png"), px, px, (200, 120, 40))

# An album: three tracks numbered in their sidecars (not by name).
r = os.path.join(out, "album")
release(r)
track(r, "c.wav", "GBAYE2400201", "Dawn", {"ddexMetadata.trackNumber": 1})
track(r, "b.wav", "GBAYE2400202", "Noon", {"ddexMetadata.trackNumber": 2, "soundRecordingDetails.proprietaryId": "IR-0202"})
track(r, "a.wav", "GBAYE2400203", "Dusk", {"ddexMetadata.trackNumber": 3, "ddexMetadata.parentalWarningType": "Explicit"})
png(os.path.join(r, "cover.png"), px, px, (20, 40, 120))

# Two discs by folder, natural order within each; sent on behalf of a
# label, with a GRid and the label's own release id.
r = os.path.join(out, "multi-disc")
release(r, {"icpn": "5012345678917", "title": "Two Rooms", "grid": "A1-2425G-ABC1234002-M",
            "proprietaryId": "IR-2024-007"},
        header={"sentOnBehalfOf": {"partyId": "PADPIDA2010012301Z", "name": "Acme Label"}})
track(r, "disc1/1.wav", "GBAYE2400301", "First Room I")
track(r, "disc1/2.wav", "GBAYE2400302", "First Room II")
track(r, "disc2/1.wav", "GBAYE2400303", "Second Room I")
track(r, "disc2/10.wav", "GBAYE2400305", "Second Room III")
track(r, "disc2/2.wav", "GBAYE2400304", "Second Room II")
png(os.path.join(r, "front.png"), px, px, (90, 30, 60))

# A release delivered before, sent again as a metadata-only update
# (`--update metadata-only`): the files are measured, not delivered.
r = os.path.join(out, "metadata-only")
release(r, {"icpn": "5012345678924", "title": "Second Thoughts"})
track(r, "01.wav", "GBAYE2400401", "Second Thoughts (Corrected Title)")
track(r, "02.wav", "GBAYE2400402", "Afterwards")
png(os.path.join(r, "cover.png"), px, px, (10, 110, 60))

# A takedown in two territories.
r = os.path.join(out, "takedown")
release(r, {"icpn": "5012345678931", "title": "Withdrawn"},
        deals=[{"territories": ["US", "CA"], "startDate": "2024-06-01", "takedown": True}])
track(r, "01.wav", "GBAYE2400501", "Withdrawn")
png(os.path.join(r, "cover.png"), px, px, (60, 60, 60))

# A cover cut off in its image data: never ready.
r = os.path.join(out, "broken-cover")
release(r, {"icpn": "5012345678948", "title": "Broken Cover"})
track(r, "01.wav", "GBAYE2400601", "Broken Cover")
png(os.path.join(r, "cover.png"), px, px, (250, 250, 0), truncate=600)

# A UPC whose check digit is wrong (…01, not …00): never ready.
r = os.path.join(out, "bad-upc")
release(r, {"icpn": "5012345678901", "title": "Bad Barcode"})
track(r, "01.wav", "GBAYE2400701", "Bad Barcode")
png(os.path.join(r, "cover.png"), px, px, (0, 200, 200))
PY
}

main() {
  rm -rf "$OUT"
  mkdir -p "$OUT"
  write_tool

  fx_wav_pcm8
  fx_wav_pcm16_44k
  fx_wav_pcm16_48k
  fx_wav_pcm16_96k
  fx_wav_pcm24
  fx_wav_pcm32
  fx_wav_float32
  fx_wav_float64
  fx_wav_alaw
  fx_wav_mulaw
  fx_wav_ima_adpcm
  fx_wav_ext_pcm24_96k
  fx_wav_ext_24in32
  fx_wav_ext_20in24
  fx_wav_ext_6ch
  fx_wav_ext_float32
  fx_wav_rifx
  fx_rf64
  fx_bw64
  fx_adm
  fx_wav_bext_etc
  fx_wav_data_before_fmt
  fx_wav_list_before_fmt
  fx_wav_odd_chunk
  fx_wav_partial_frame
  fx_wav_trailing
  fx_wav_truncated_chunk
  fx_wav_bad_byte_rate
  fx_wav_riff_size
  fx_wav_data_size_unset
  fx_wav_data_size_zero
  fx_wav_truncated
  fx_wav_no_fmt
  fx_wav_zero_channels
  fx_wav_zero_rate
  fx_wav_zero_block_align
  fx_wav_bwf_md5
  fx_pair_master
  fx_aiff_all
  fx_aifc_none
  fx_aiff_truncated
  fx_flac_16
  fx_flac_24
  fx_flac_8
  fx_flac_total_zero
  fx_flac_md5_unset
  fx_flac_id3
  fx_flac_trailing
  fx_flac_streaminfo_not_first
  fx_flac_truncated
  fx_flac_verify
  fx_mismatch
  fx_unsupported
  fx_mp3_lame_all
  fx_mp3_id3
  fx_mp3_no_xing
  fx_mp3_no_xing_mpeg2
  fx_mp2
  fx_mp3_ffmpeg
  fx_mp3_junk
  fx_mp3_truncated
  fx_ogg_all
  fx_m4a_all
  fx_readiness_catalog
  fx_verdicts_catalog
  fx_mp3_damaged
  fx_ogg_bad_page
  fx_lossy_verify
  # defects found in other projects' test files
  fx_mp3_real_world
  fx_wav_real_world
  fx_mp4_real_world
  fx_ogg_real_world
  fx_modules
  fx_shorten
  # lossless codecs without a decoder here
  fx_wavpack
  fx_tta
  fx_ape
  fx_ofr_tak
  # raw AAC, AC-3, E-AC-3
  fx_aac_adts
  fx_ac3
  # ASF (WMA)
  fx_asf
  # W64, CAF, AU, DSF, DSDIFF
  fx_w64_all
  fx_caf_all
  fx_au_all
  fx_dsd_all
  # Matroska and WebM
  fx_matroska
  # Musepack
  fx_musepack
  # cover art (JPEG, PNG)
  fx_artwork
  # Release folders
  fx_releases
  # ERN messages
  fx_ern

  py writetsv "$ROWS" "$OUT/expected.tsv"
  { printf 'file\tstatus\tmethod\tdecodedSamples\tpcmMd5\terrors\twarnings\n'; cat "$VROWS"; } >"$OUT/verify.tsv"
  { printf 'file\tformat\twidth\theight\tcolorSpace\tbitDepth\tcomponents\talpha\tprogressive\ticcProfile\torientation\terrors\twarnings\n'; cat "$AROWS"; } >"$OUT/artwork/expected.tsv"
  write_readme
  py verify "$OUT"
  py artcheck "$OUT/artwork"

  total=$(find "$OUT" -type f -printf '%s\n' | awk '{t += $1} END {print t}')
  largest=$(find "$OUT" -type f -printf '%s %f\n' | sort -n | tail -1)
  echo "testdata: $(($(wc -l <"$OUT/expected.tsv") - 1)) fixtures, $total bytes total, largest: $largest"
  # 1.5 MB: the release folders carry covers at the 3000 x 3000 pixels the
  # profiles require (a flat-colour PNG of that size is at least ~26 KB:
  # deflate compresses at most about 1032 to 1); everything else is tiny.
  [ "$total" -le 1500000 ] || { echo "testdata exceeds 1.5 MB" >&2; exit 1; }
  find "$OUT" -type f -size +12k \( -name "*.mp3" -o -name "*.mp2" -o -name "*.ogg" -o -name "*.opus" -o -name "*.m4a" \) | grep . && { echo "lossy fixture over 12 KB" >&2; exit 1; } || true
}

# ---------------------------------------------------------------------------
# tool.py: byte-level helpers, expected.tsv writer and cross-check.
write_tool() {
  cat >"$TOOL" <<'PY'
"""Byte-level helpers for gen-testdata.sh: patch fixtures, write expected.tsv,
cross-check the fixtures against ffprobe/soxi/metaflac and an own parse."""
import hashlib, json, os, struct, subprocess, sys

COLS = ["file", "fileFormat", "audioCodec", "sampleFormat", "sampleRate",
        "bitDepth", "containerBitDepth", "numberOfChannels", "channelMask",
        "totalSamples", "declaredSamples", "duration", "durationSource",
        "errors", "warnings"]


def rd(p):
    with open(p, "rb") as fh:
        return fh.read()


def wr(p, b):
    with open(p, "wb") as fh:
        fh.write(b)


# ------------------------------------------------------------------ RIFF

class Riff:
    """A RIFF/RIFX/RF64 file as a list of [id, payload] chunks (pads dropped)."""

    def __init__(self, b):
        self.magic, self.form = b[:4], b[8:12]
        self.e = ">" if self.magic == b"RIFX" else "<"
        self.chunks, i = [], 12
        while i + 8 <= len(b):
            cid = b[i:i + 4]
            n = struct.unpack(self.e + "I", b[i + 4:i + 8])[0]
            if n == 0xFFFFFFFF:
                n = len(b) - i - 8
            self.chunks.append([cid, b[i + 8:i + 8 + n]])
            i += 8 + n + (n & 1)

    def index(self, cid):
        return [c[0] for c in self.chunks].index(cid.encode())

    def get(self, cid):
        return self.chunks[self.index(cid)][1]

    def bytes(self):
        body = self.form + b"".join(
            cid + struct.pack(self.e + "I", len(p)) + p + b"\0" * (len(p) & 1)
            for cid, p in self.chunks)
        return self.magic + struct.pack(self.e + "I", len(body)) + body


def riff_edit(path, fn):
    r = Riff(rd(path))
    assert r.magic in (b"RIFF", b"RIFX"), path
    fn(r)
    wr(path, r.bytes())


def chunk_offset(b, cid):
    """Offset of chunk header cid in a plain little-endian RIFF file."""
    i = 12
    while i + 8 <= len(b):
        n = struct.unpack("<I", b[i + 4:i + 8])[0]
        if b[i:i + 4] == cid:
            return i
        i += 8 + n + (n & 1)
    raise SystemExit("chunk %r not found" % cid)


FMT_FIELDS = {"tag": (0, "H"), "channels": (2, "H"), "rate": (4, "I"),
              "byterate": (8, "I"), "blockalign": (12, "H"), "bits": (14, "H")}


def info_payload():
    def sub(cid, text):
        t = text.encode() + b"\0"
        return cid + struct.pack("<I", len(t)) + t + b"\0" * (len(t) & 1)
    return b"INFO" + sub(b"INAM", "Sine fixture") + sub(b"IART", "ddexprobe") + \
        sub(b"ICRD", "2024-01-01")


def ixml_payload():
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<BWFXML><IXML_VERSION>2.10'
            b'</IXML_VERSION><PROJECT>ddexprobe</PROJECT><SCENE>1</SCENE>'
            b'<TAKE>1</TAKE></BWFXML>\n')


def cmd_plainfmt(path):
    """EXTENSIBLE fmt (40 bytes) -> 16-byte PCMWAVEFORMAT with the subformat tag."""
    def fn(r):
        i = r.index("fmt ")
        f = r.chunks[i][1]
        assert struct.unpack("<H", f[:2])[0] == 0xFFFE
        tag = f[24:26]
        r.chunks[i][1] = tag + f[2:16]
    riff_edit(path, fn)


def cmd_validbits(path, bits):
    def fn(r):
        i = r.index("fmt ")
        f = bytearray(r.chunks[i][1])
        assert struct.unpack("<H", f[:2])[0] == 0xFFFE
        f[18:20] = struct.pack("<H", int(bits))
        r.chunks[i][1] = bytes(f)
    riff_edit(path, fn)


def cmd_fmtfield(path, name, value):
    off, t = FMT_FIELDS[name]
    def fn(r):
        i = r.index("fmt ")
        f = bytearray(r.chunks[i][1])
        struct.pack_into("<" + t, f, off, int(value))
        r.chunks[i][1] = bytes(f)
    riff_edit(path, fn)


def cmd_magic(path, magic):
    b = bytearray(rd(path))
    assert b[:4] == b"RF64"
    b[:4] = magic.encode()
    wr(path, bytes(b))


def cmd_addchunk(path, cid, kind, before):
    """Insert chunk cid (payload kind) before chunk `before`, or at the end."""
    def fn(r):
        if kind == "ixml":
            p = ixml_payload()
        elif kind == "info":
            p = info_payload()
        elif kind == "odd5":
            p = b"odd!\x01"
        elif kind == "md5":
            p = hashlib.md5(r.get("data")).digest()
        elif kind == "md5bwf":   # as BWF MetaEdit stores it: little-endian
            p = hashlib.md5(r.get("data")).digest()[::-1]
        else:
            raise SystemExit("unknown payload " + kind)
        c = [cid.encode().ljust(4), p]
        if before == "end":
            r.chunks.append(c)
        else:
            r.chunks.insert(r.index(before), c)
    riff_edit(path, fn)


def cmd_wavdefect(path, kind):
    """A malformation that leaves the figures measurable, as JHOVE's WAVE
    module reports them: chunkid (a chunk 'j k' + 0xE9 before data), stray
    (3 bytes after the last chunk, inside the RIFF size), fmtextra (a PCM
    fmt with cbSize 4 and 4 extension bytes), bextversion (bext version 7)."""
    if kind == "stray":
        b = bytearray(rd(path)) + b"\x01\x02\x03"
        struct.pack_into("<I", b, 4, len(b) - 8)
        wr(path, bytes(b))
        return
    def fn(r):
        if kind == "chunkid":
            r.chunks.insert(r.index("data"), [b"j k\xe9", b"abcd"])
        elif kind == "fmtextra":
            i = r.index("fmt ")
            r.chunks[i][1] = r.chunks[i][1][:16] + struct.pack("<H", 4) + b"\0" * 4
        elif kind == "bextversion":
            i = r.index("bext")
            p = bytearray(r.chunks[i][1])
            struct.pack_into("<H", p, 346, 7)
            r.chunks[i][1] = bytes(p)
        else:
            raise SystemExit("unknown defect " + kind)
    riff_edit(path, fn)


def cmd_bwfcut(path, first):
    """Grow the bext chunk's coding history to 4 KB (bext first when `first`
    is 1), then cut the file 2,000 bytes into the bext chunk: a BWF copy
    that stopped inside its metadata, before the audio."""
    def fn(r):
        i = r.index("bext")
        history = b"A=PCM,F=44100,W=16,M=stereo,T=ddexprobe fixture\r\n" * 80
        r.chunks[i][1] = r.chunks[i][1] + history
        if first == "1":
            r.chunks.insert(0, r.chunks.pop(i))
    riff_edit(path, fn)
    b = rd(path)
    wr(path, b[:chunk_offset(b, b"bext") + 2000])


def cmd_module(path, kind, title, channels):
    """A minimal tracker module from the trackers' header layouts: one empty
    pattern, no samples (a score with nothing to play, but a valid header)."""
    t, n = title.encode(), int(channels)
    if kind == "mod":                  # ProTracker: title, 31 samples, orders, tag
        tag = {4: b"M.K.", 6: b"6CHN", 8: b"8CHN"}.get(n) or b"%02dCH" % n
        b = t.ljust(20, b"\0") + bytes(31 * 30) + bytes([1, 127]) + bytes(128) + tag
        b += bytes(64 * n * 4)          # one pattern of 64 rows
    elif kind == "s3m":                # title, 0x1A, type 16, counts, SCRM
        b = bytearray(96)
        b[:len(t)] = t
        b[28], b[29] = 0x1A, 16
        struct.pack_into("<HHH", b, 32, 1, 0, 1)   # orders, instruments, patterns
        b[44:48] = b"SCRM"
        b[48], b[49], b[50] = 64, 6, 125
        b[64:96] = bytes(range(n)) + bytes([255] * (32 - n))
        b = bytes(b) + bytes([0, 255]) + struct.pack("<H", 7) + struct.pack("<H", 2) + bytes(12)
    elif kind == "xm":                 # "Extended Module: ", title, 0x1A, tracker
        b = b"Extended Module: " + t.ljust(20, b"\0") + b"\x1a" + b"FastTracker v2.00   " + \
            struct.pack("<HI", 0x0104, 276) + struct.pack("<HHHHHHH", 1, 0, n, 1, 0, 1, 6) + \
            struct.pack("<H", 125) + bytes(256)
        b += struct.pack("<IBHH", 9, 0, 64, 0)     # one empty pattern
    elif kind == "it":                 # IMPM, title, counts, channel pans
        b = bytearray(192)
        b[:4] = b"IMPM"
        b[4:4 + len(t)] = t
        struct.pack_into("<HHHHHHHH", b, 32, 1, 0, 0, 1, 0x0214, 0x0214, 9, 0)
        b[48], b[49], b[50], b[51] = 128, 48, 6, 125
        b[64:128] = bytes([32] * n) + bytes([160] * (64 - n))
        b = bytes(b) + bytes([255])
    else:
        raise SystemExit("kind: mod, s3m, xm or it")
    wr(path, bytes(b))


def cmd_cafaac(adts, out, frames, channels, rate):
    """CAF holding AAC LC as Apple's afconvert writes it (ffmpeg cannot): the
    ADTS frames of ADTS without their 7-byte headers as packets, desc 'aac '
    (1024 frames per packet), a kuki holding an esds body (version and
    flags, then the ES descriptor with the AudioSpecificConfig), and a pakt whose priming (1024, ffmpeg's encoder
    delay) and remainder account for every packet's frames."""
    b = rd(adts)
    packets, i = [], 0
    while i + 7 <= len(b):
        assert b[i] == 0xFF and b[i + 1] & 0xF6 == 0xF0 and b[i + 1] & 1, "ADTS without CRC"
        n = ((b[i + 3] & 3) << 11) | (b[i + 4] << 3) | (b[i + 5] >> 5)
        packets.append(b[i + 7:i + n])
        i += n
    frames, ch, rate = int(frames), int(channels), int(rate)
    rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000]
    asc = struct.pack(">H", (2 << 11) | (rates.index(rate) << 7) | (ch << 3))
    def chunk(t, body):
        return t + struct.pack(">q", len(body)) + body
    def varint(n):
        out = [n & 0x7F]
        n >>= 7
        while n:
            out.append(0x80 | (n & 0x7F))
            n >>= 7
        return bytes(reversed(out))
    desc = struct.pack(">d4sIIIII", float(rate), b"aac ", 2, 0, 1024, ch, 0)
    dsi = b"\x05" + bytes([len(asc)]) + asc
    dcd = b"\x04" + bytes([13 + len(dsi)]) + bytes([0x40, 0x15]) + bytes(11) + dsi
    esd = b"\x03" + bytes([3 + len(dcd) + 3]) + b"\x00\x00\x00" + dcd + b"\x06\x01\x02"
    priming = 1024
    remainder = len(packets) * 1024 - priming - frames
    assert 0 <= remainder < 1024
    pakt = struct.pack(">qqii", len(packets), frames, priming, remainder) + b"".join(varint(len(x)) for x in packets)
    data = struct.pack(">I", 0) + b"".join(packets)
    wr(out, b"caff" + struct.pack(">HH", 1, 0) + chunk(b"desc", desc) + chunk(b"kuki", bytes(4) + esd)
       + chunk(b"pakt", pakt) + chunk(b"data", data))


class BitWriter:
    def __init__(self):
        self.bits = []

    def put(self, v, n):
        for i in range(n - 1, -1, -1):
            self.bits.append((v >> i) & 1)

    def urice(self, v, k):
        self.bits.extend([0] * (v >> k) + [1])
        self.put(v & ((1 << k) - 1), k)

    def srice(self, v, k):
        self.urice(2 * v if v >= 0 else -2 * v - 1, k + 1)

    def uint(self, v):               # version 1+: the width, then the value
        k = v.bit_length()
        self.urice(k, 2)
        self.urice(v, k)

    def bytes(self):
        b = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, b[i:i + 8])), 2) for i in range(0, len(b), 8))


def cmd_shn(src, out, variant="plain"):
    """Encode a PCM WAV (16-bit signed or 8-bit unsigned) to Shorten version
    2 from the format's description, mirroring the decoder exactly: blocks
    of 256 (the last one announced by BLOCKSIZE), each channel's block as
    ZERO when silent, else the fixed predictor DIFF0..DIFF3 with the fewest
    residual bits, Rice parameter from the mean residual. variant=qlpc keeps
    4 block means (nmean 4) and codes every other block with QLPC order 1
    (coefficient 30/32), the rest with DIFF0 (which adds the mean);
    variant=lie writes the embedded WAV header with 4000 more data bytes
    than the stream holds."""
    b = rd(src)
    assert b[:4] == b"RIFF"
    i, fmt, data = 12, None, None
    while i + 8 <= len(b):
        cid, n = b[i:i + 4], struct.unpack("<I", b[i + 4:i + 8])[0]
        if cid == b"fmt ":
            fmt = b[i + 8:i + 8 + n]
        if cid == b"data":
            data = (i, n)
            break
        i += 8 + n + (n & 1)
    _, ch, rate, _, align, bits = struct.unpack("<HHIIHH", fmt[:16])
    head = bytearray(b[:data[0] + 8])
    if variant == "lie":
        struct.pack_into("<I", head, data[0] + 4, data[1] + 4000)
    pcm = b[data[0] + 8:data[0] + 8 + data[1]]
    if bits == 16:
        ftype = 5                    # TYPE_S16LH
        vals = struct.unpack("<%dh" % (len(pcm) // 2), pcm)
    else:
        ftype = 2                    # TYPE_U8: the unsigned bytes as they are
        vals = list(pcm)
    frames = len(vals) // ch
    planes = [list(vals[c::ch])[:frames] for c in range(ch)]
    nmean = 4 if variant == "qlpc" else 0
    maxnlpc = 1 if variant == "qlpc" else 0
    w = BitWriter()
    w.uint(ftype); w.uint(ch); w.uint(256); w.uint(maxnlpc); w.uint(nmean); w.uint(0)
    w.urice(9, 2); w.urice(len(head), 5)
    for x in head:
        w.urice(x, 8)
    def tdiv(a, d):
        q = abs(a) // d
        return q if (a >= 0) == (d > 0) else -q
    hist = [[0, 0, 0] for _ in range(ch)]
    means = [[0] * max(nmean, 1) for _ in range(ch)]
    bs, pos, blockno = 256, 0, 0
    fixed = [[], [1], [2, -1], [3, -3, 1]]
    while pos < frames:
        n = min(256, frames - pos)
        if n != bs:
            w.urice(5, 2); w.uint(n)
            bs = n
        for c in range(ch):
            x = planes[c][pos:pos + n]
            if nmean:
                coff = tdiv(nmean // 2 + sum(means[c]), nmean)
            else:
                coff = 0
            if not any(x):
                w.urice(8, 2)
            else:
                if variant == "qlpc" and blockno % 2 == 0:
                    y = [h - coff for h in hist[c]] + [v - coff for v in x]
                    res = [y[3 + t] - ((32 + 30 * y[2 + t]) >> 5) for t in range(n)]
                    cmd = 7
                else:
                    full = hist[c] + x
                    best = None
                    orders = [0] if variant == "qlpc" else [0, 1, 2, 3]
                    for o in orders:
                        if o == 0:
                            r = [v - coff for v in x]
                        else:
                            r = [full[3 + t] - sum(cf * full[3 + t - j - 1] for j, cf in enumerate(fixed[o]))
                                 for t in range(n)]
                        cost = sum(abs(v) for v in r)
                        if best is None or cost < best[0]:
                            best = (cost, o, r)
                    _, cmd, res = best
                mean_abs = sum(abs(v) for v in res) // n
                k = max(0, mean_abs.bit_length() - 1)
                w.urice(cmd, 2)
                w.urice(k, 3)
                if cmd == 7:
                    w.urice(1, 2)        # order 1
                    w.srice(30, 5)       # coefficient 30 / 32
                for v in res:
                    w.srice(v, k)
            if nmean:
                total = n // 2 + sum(x)
                means[c] = means[c][1:] + [tdiv(total, n)]
            hist[c] = (hist[c] + x)[-3:]
        pos += n
        blockno += 1
    w.urice(4, 2)                    # QUIT
    wr(out, b"ajkg\x02" + w.bytes())


def shn_walk(b):
    """Walk a Shorten stream (b starts at 'ajkg'): the sample frames of the
    complete blocks, whether QUIT was reached, channels and the embedded
    header bytes. Independent of ddexprobe's walker: a bit-string reading."""
    bits = "".join(format(x, "08b") for x in b[5:])
    pos = [0]
    def rice(k):
        z = bits.index("1", pos[0]) - pos[0]
        pos[0] += z + 1
        low = int(bits[pos[0]:pos[0] + k] or "0", 2) if k else 0
        if pos[0] + k > len(bits):
            raise EOFError
        pos[0] += k
        return (z << k) | low
    def uint():
        return rice(rice(2))
    try:
        ftype, ch, bs, maxnlpc, nmean, skip = (uint() for _ in range(6))
        pos[0] += 8 * skip
        assert rice(2) == 9
        head = bytes(rice(8) for _ in range(rice(5)))
    except (ValueError, EOFError):
        return None
    frames, cur, quit = 0, 0, False
    try:
        while True:
            cmd = rice(2)
            if cmd == 4:
                quit = True
                break
            if cmd == 9:
                for _ in range(rice(5)):
                    rice(8)
            elif cmd == 6:
                rice(2)
            elif cmd == 5:
                bs = uint()
            elif cmd in (0, 1, 2, 3, 7, 8):
                if cmd != 8:
                    k = rice(3)
                    if cmd == 7:
                        for _ in range(rice(2)):
                            rice(6)
                    for _ in range(bs):
                        rice(k + 1)
                cur += 1
                if cur == ch:
                    cur, frames = 0, frames + bs
            else:
                break
    except (ValueError, EOFError):
        pass
    return {"frames": frames, "quit": quit, "channels": ch, "ftype": ftype, "head": head}


def cmd_shnframes(path):
    print(shn_walk(rd(path))["frames"])


def cmd_lastgranule(path):
    """Print the granule position of the last Ogg page."""
    b, i, g = rd(path), 0, None
    while b[i:i + 4] == b"OggS":
        g = struct.unpack("<q", b[i + 6:i + 14])[0]
        i += 27 + b[i + 26] + sum(b[i + 27:i + 27 + b[i + 26]])
    print(g)


def cmd_mp4frag(path, moov_frames, mehd):
    """Rebuild an ffmpeg AAC M4A (one chunk, moov after mdat) so that its
    first MOOV_FRAMES samples are in the moov's sample table and the rest in
    one movie fragment after it, with an edit list (its priming kept) that
    ends where the moov's samples end, as a writer that fragments after the
    fact leaves it; mehd=yes adds a movie extends header covering the whole
    presentation, mehd=no leaves it out."""
    b = rd(path)
    k = int(moov_frames)
    def body(t, start=0, end=None):
        s, e = find(b, t.split("/"), start, end)
        return b[s:e]
    def box(t, payload):
        return struct.pack(">I", 8 + len(payload)) + t.encode() + payload
    def full(t, payload, version=0, flags=0):
        return box(t, struct.pack(">I", (version << 24) | flags) + payload)
    ftyp = b[:struct.unpack(">I", b[:4])[0]]
    stbl = "moov/trak/mdia/minf/stbl/"
    stsz = body(stbl + "stsz")
    n = struct.unpack(">I", stsz[8:12])[0]
    sizes = list(struct.unpack(">%dI" % n, stsz[12:12 + 4 * n]))
    stts = body(stbl + "stts")
    deltas = []
    for i in range(struct.unpack(">I", stts[4:8])[0]):
        c, d = struct.unpack(">II", stts[8 + 8 * i:16 + 8 * i])
        deltas += [d] * c
    assert len(deltas) == n and 0 < k < n
    off = struct.unpack(">I", body(stbl + "stco")[8:12])[0]
    data = b[off:off + sum(sizes)]
    cut = sum(sizes[:k])
    mvhd = bytearray(body("moov/mvhd"))
    movie_ts = struct.unpack(">I", mvhd[12:16])[0]
    elst = body("moov/trak/edts/elst")
    priming = struct.unpack(">i", elst[12:16])[0]
    moov_dur = sum(deltas[:k])
    play = (moov_dur - priming) * movie_ts // 44100
    whole = (sum(deltas) - priming) * movie_ts // 44100 + 1
    struct.pack_into(">I", mvhd, 16, play)
    tkhd = bytearray(body("moov/trak/tkhd"))
    struct.pack_into(">I", tkhd, 20, play)
    mdhd = bytearray(body("moov/trak/mdia/mdhd"))
    struct.pack_into(">I", mdhd, 16, moov_dur)
    runs = []
    for d in deltas[:k]:
        if runs and runs[-1][1] == d:
            runs[-1][0] += 1
        else:
            runs.append([1, d])
    head = len(ftyp) + 8
    new_stbl = box("stbl", box("stsd", body(stbl + "stsd"))
                   + full("stts", struct.pack(">I", len(runs)) + b"".join(struct.pack(">II", *r) for r in runs))
                   + full("stsc", struct.pack(">IIII", 1, 1, k, 1))
                   + full("stsz", struct.pack(">II", 0, k) + struct.pack(">%dI" % k, *sizes[:k]))
                   + full("stco", struct.pack(">II", 1, head)))
    minf = box("minf", box("smhd", body("moov/trak/mdia/minf/smhd"))
               + box("dinf", body("moov/trak/mdia/minf/dinf")) + new_stbl)
    mdia = box("mdia", box("mdhd", bytes(mdhd)) + box("hdlr", body("moov/trak/mdia/hdlr")) + minf)
    edts = box("edts", full("elst", struct.pack(">IIiI", 1, play, priming, 0x10000)))
    trak = box("trak", box("tkhd", bytes(tkhd)) + edts + mdia)
    mvex = (full("mehd", struct.pack(">I", whole)) if mehd == "yes" else b"") \
        + full("trex", struct.pack(">IIIII", 1, 1, 1024, 0, 0))
    moov = box("moov", box("mvhd", bytes(mvhd)) + trak + box("mvex", mvex))
    rest = list(zip(deltas[k:], sizes[k:]))
    def moof(data_offset):
        trun = full("trun", struct.pack(">Ii", len(rest), data_offset)
                    + b"".join(struct.pack(">II", d, s) for d, s in rest), flags=0x301)
        return box("moof", full("mfhd", struct.pack(">I", 1))
                   + box("traf", full("tfhd", struct.pack(">I", 1), flags=0x20000) + trun))
    size = len(moof(0))
    out = ftyp + box("mdat", data[:cut]) + moov + moof(size + 8) + box("mdat", data[cut:])
    wr(path, out)


def cmd_mp4lastdelta(path, delta):
    """Set the duration of the last sample in stts (a whole last frame) and
    turn the edit list into a free box: only the media header (mdhd) still
    says where the audio ends."""
    b = bytearray(rd(path))
    s, e = find(b, ["moov", "trak", "mdia", "minf", "stbl", "stts"])
    n = struct.unpack(">I", b[s + 4:s + 8])[0]
    struct.pack_into(">I", b, s + 8 + 8 * (n - 1) + 4, int(delta))
    k = b.find(b"edts")
    assert k > 0
    b[k:k + 4] = b"free"
    wr(path, bytes(b))


def cmd_ascset(path, hexbytes):
    """Replace the AAC AudioSpecificConfig in the esds box by HEXBYTES,
    fixing the descriptor lengths (4-byte forms) and the sizes of every
    box that holds it (moov after mdat: no chunk offset moves)."""
    b = bytearray(rd(path))
    new = bytes.fromhex(hexbytes)
    k = b.find(b"esds") - 4
    i = k + 12
    lens = []                            # offsets of the last length byte
    for tag, skip in ((3, 3), (4, 13), (5, 0)):
        assert b[i] == tag and b[i + 1:i + 4] == b"\x80\x80\x80", "4-byte descriptor lengths"
        lens.append(i + 4)
        i += 5 + skip
    old = b[lens[2]]
    delta = len(new) - old
    # Every box whose range holds the esds box grows by delta (sizes first:
    # the walk reads the sizes as they were).
    def fix(start, end):
        for t, s0, e0 in boxes(bytes(b), start, end):
            if s0 - 8 <= k < e0:
                struct.pack_into(">I", b, s0 - 8, e0 - s0 + 8 + delta)
                if t == "esds":
                    return
                inner = {"stsd": 8, "mp4a": 28}.get(t, 0)
                fix(s0 + inner, e0)
                return
    fix(0, len(b))
    b[i:i + old] = new
    for at in lens:
        b[at] += delta
    wr(path, bytes(b))


def cmd_ascbyte(path, index, value):
    """Set byte INDEX of the AAC AudioSpecificConfig in the esds box."""
    b = bytearray(rd(path))
    def varlen(i):
        n = 0
        while True:
            c = b[i]
            i += 1
            n = (n << 7) | (c & 0x7F)
            if not c & 0x80:
                return n, i
    i = b.find(b"esds") + 8          # after the full box header
    assert b[i] == 3                 # ES_Descriptor: ES_ID, flags (0)
    _, i = varlen(i + 1)
    assert b[i + 2] == 0
    i += 3
    assert b[i] == 4                 # DecoderConfigDescriptor: 13 fixed bytes
    _, i = varlen(i + 1)
    i += 13
    assert b[i] == 5                 # DecoderSpecificInfo: the ASC
    n, i = varlen(i + 1)
    assert int(index) < n
    b[i + int(index)] = int(value, 0)
    wr(path, bytes(b))


def cmd_mp4gutted(path):
    """Drop the top-level mdat box and empty the sample size table (count 0):
    a damaged M4A whose tables point past its end and size no sample."""
    b = bytearray(rd(path))
    top = [(t, s - 8, e) for t, s, e in boxes(b, 0, len(b))]
    start, end = next((s, e) for t, s, e in top if t == "mdat")
    del b[start:end]
    i = b.find(b"stsz")
    struct.pack_into(">II", b, i + 8, 0, 0)
    wr(path, bytes(b))


def cmd_pokedata(path, at):
    """Change the byte `at` bytes into the data payload (header untouched)."""
    b = bytearray(rd(path))
    o = chunk_offset(b, b"data") + 8 + int(at)
    b[o] ^= 0x5A
    wr(path, bytes(b))


def cmd_movechunk(path, cid, before):
    def fn(r):
        c = r.chunks.pop(r.index(cid))
        r.chunks.insert(r.index(before), c)
    riff_edit(path, fn)


def cmd_dropchunk(path, cid):
    def fn(r):
        r.chunks.pop(r.index(cid))
    riff_edit(path, fn)


def cmd_resizedata(path, size):
    def fn(r):
        i = r.index("data")
        r.chunks[i][1] = r.chunks[i][1][:int(size)]
        assert len(r.chunks[i][1]) == int(size)
    riff_edit(path, fn)


def cmd_datasize(path, value):
    b = bytearray(rd(path))
    o = chunk_offset(b, b"data")
    struct.pack_into("<I", b, o + 4, int(value))
    wr(path, bytes(b))


def cmd_riffsize(path, value):
    b = bytearray(rd(path))
    struct.pack_into("<I", b, 4, len(b) if value == "filesize" else int(value))
    wr(path, bytes(b))


def cmd_cutdata(path, keep):
    """Cut the file `keep` bytes into the data payload (header untouched)."""
    b = rd(path)
    o = chunk_offset(b, b"data")
    assert struct.unpack("<I", b[o + 4:o + 8])[0] > int(keep)
    wr(path, b[:o + 8 + int(keep)])


def cmd_append(path, n):
    wr(path, rd(path) + bytes((i * 7 + 3) & 0x7F for i in range(int(n))))


def cmd_truncchunk(path, declared, present):
    """Append a LIST chunk declaring `declared` bytes, of which `present` exist;
    the RIFF size counts the whole declared chunk (as its writer would have)."""
    declared, present = int(declared), int(present)
    b = rd(path)
    payload = (b"INFOINAM" + struct.pack("<I", declared - 12) + b"x" * declared)[:present]
    b = b + b"LIST" + struct.pack("<I", declared) + payload
    b = b[:4] + struct.pack("<I", len(b) - 8 + declared - present) + b[8:]
    wr(path, b)


# ------------------------------------------------------------------ AIFF

def iff_chunks(b):
    i, out = 12, []
    while i + 8 <= len(b):
        n = struct.unpack(">I", b[i + 4:i + 8])[0]
        out.append((b[i:i + 4], i, n))
        i += 8 + n + (n & 1)
    return out


def cmd_cutaiff(path, keep):
    b = rd(path)
    for cid, off, n in iff_chunks(b):
        if cid == b"SSND":
            dataoff = struct.unpack(">I", b[off + 8:off + 12])[0]
            start = off + 16 + dataoff
            assert n - 8 - dataoff > int(keep)
            wr(path, b[:start + int(keep)])
            return
    raise SystemExit("no SSND")


def ext80(b):
    """IEEE 754 80-bit extended (AIFF sample rate) -> float."""
    exp = struct.unpack(">H", b[:2])[0]
    mant = struct.unpack(">Q", b[2:10])[0]
    sign = -1 if exp & 0x8000 else 1
    exp &= 0x7FFF
    if exp == 0 and mant == 0:
        return 0.0
    return sign * mant * 2.0 ** (exp - 16383 - 63)


# ------------------------------------------------------------------ FLAC

def crc8(data):
    c = 0
    for x in data:
        c ^= x
        for _ in range(8):
            c = ((c << 1) ^ 0x07) & 0xFF if c & 0x80 else (c << 1) & 0xFF
    return c


def crc16(data, c=0):
    for x in data:
        c ^= x << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x8005) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
    return c


def flac_meta(b):
    """-> (offset of 'fLaC', list of (type, offset of block header, length), audio offset)."""
    start = 0
    if b[:3] == b"ID3":
        sz = b[6] << 21 | b[7] << 14 | b[8] << 7 | b[9]
        start = 10 + sz + (10 if b[5] & 0x10 else 0)
    assert b[start:start + 4] == b"fLaC"
    i, blocks = start + 4, []
    while True:
        hdr = b[i]
        n = int.from_bytes(b[i + 1:i + 4], "big")
        blocks.append((hdr & 0x7F, i, n))
        i += 4 + n
        if hdr & 0x80:
            return start, blocks, i


def streaminfo(b, off):
    d = b[off + 4:off + 4 + 34]
    x = int.from_bytes(d[10:18], "big")
    return {"minbs": struct.unpack(">H", d[0:2])[0], "maxbs": struct.unpack(">H", d[2:4])[0],
            "rate": x >> 44, "channels": ((x >> 41) & 7) + 1, "bits": ((x >> 36) & 31) + 1,
            "total": x & 0xFFFFFFFFF, "md5": d[18:34].hex()}


BS_CODES = {1: 192, 2: 576, 3: 1152, 4: 2304, 5: 4608, 8: 256, 9: 512, 10: 1024,
            11: 2048, 12: 4096, 13: 8192, 14: 16384, 15: 32768}


def frame_header(b, i):
    """Parse a FLAC frame header at i; return (block size, header length) or None."""
    if i + 4 > len(b) or b[i] != 0xFF or b[i + 1] & 0xFE != 0xF8:
        return None
    bsc, rc = b[i + 2] >> 4, b[i + 2] & 15
    if bsc == 0 or rc == 15 or b[i + 3] >> 4 > 10 or b[i + 3] & 1:
        return None
    j = i + 4
    c = b[j] if j < len(b) else 0xFF
    ln = 0
    while ln < 7 and c & (0x80 >> ln):
        ln += 1
    if ln == 1 or ln > 7:
        return None
    j += max(ln, 1)
    if bsc == 6:
        bs, j = b[j] + 1, j + 1
    elif bsc == 7:
        bs, j = int.from_bytes(b[j:j + 2], "big") + 1, j + 2
    else:
        bs = BS_CODES[bsc]
    j += {12: 1, 13: 2, 14: 2}.get(rc, 0)
    if j >= len(b) or crc8(b[i:j]) != b[j]:
        return None
    return bs, j + 1 - i


def flac_frames(b):
    """Frames as (offset, block size, complete?) verified with CRC-16."""
    _, _, i = flac_meta(b)
    frames = []
    while i < len(b):
        h = frame_header(b, i)
        if h is None:
            break
        # the frame ends where its CRC-16 matches; prefer an end followed by
        # another valid frame header or by end of file, else the first match
        # (last frame followed by trailing junk)
        ends, c = [], crc16(b[i:i + h[1]])
        for j in range(i + h[1], len(b) - 1):  # running CRC of b[i:j]
            if j > i + h[1] and c == int.from_bytes(b[j:j + 2], "big"):
                ends.append(j)
            c = crc16(bytes([b[j]]), c)
        strong = [j for j in ends if j + 2 == len(b) or frame_header(b, j + 2)]
        end = (strong or ends or [None])[0]
        frames.append((i, h[0], end is not None))
        if end is None:
            break
        i = end + 2
    return frames, i


def cmd_flaczerototal(path):
    b = bytearray(rd(path))
    _, blocks, _ = flac_meta(b)
    t, off, _ = blocks[0]
    assert t == 0
    p = off + 4 + 10
    x = int.from_bytes(b[p:p + 8], "big") & ~0xFFFFFFFFF
    b[p:p + 8] = x.to_bytes(8, "big")
    wr(path, bytes(b))


def cmd_flacswapfirst(path):
    b = rd(path)
    s, blocks, audio = flac_meta(b)
    raw = [bytearray(b[o:o + 4 + n]) for _, o, n in blocks]
    raw[0], raw[1] = raw[1], raw[0]
    for k, r in enumerate(raw):
        r[0] = (r[0] & 0x7F) | (0x80 if k == len(raw) - 1 else 0)
    wr(path, b[:s + 4] + b"".join(bytes(r) for r in raw) + b[audio:])


def cmd_id3prepend(path):
    text = b"\x00ddexprobe fixture"
    frame = b"TIT2" + struct.pack(">I", len(text)) + b"\0\0" + text
    body = frame + b"\0" * 10
    n = len(body)
    size = bytes([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127])
    wr(path, b"ID3\x03\x00\x00" + size + body + rd(path))


def cmd_appendtext(path):
    wr(path, rd(path) + b"TRAILING JUNK AFTER THE FLAC STREAM (ddexprobe fixture)\n")


def cmd_flaccut(path, index, into):
    b = rd(path)
    frames, _ = flac_frames(b)
    off = frames[int(index)][0] + int(into)
    wr(path, b[:off])


def cmd_flacflip(path, index, into, bit):
    b = bytearray(rd(path))
    frames, _ = flac_frames(b)
    b[frames[int(index)][0] + int(into)] ^= 1 << int(bit)
    wr(path, bytes(b))


def flac_streaminfo(b):
    _, blocks, _ = flac_meta(b)
    t, off, _ = blocks[0]
    assert t == 0
    return off + 4


def cmd_flacmd5(path, digest):
    b = bytearray(rd(path))
    p = flac_streaminfo(b) + 18
    b[p:p + 16] = bytes.fromhex(digest)
    wr(path, bytes(b))


def cmd_flactotal(path, total):
    b = bytearray(rd(path))
    p = flac_streaminfo(b) + 10
    x = int.from_bytes(b[p:p + 8], "big") & ~0xFFFFFFFFF | int(total)
    b[p:p + 8] = x.to_bytes(8, "big")
    wr(path, bytes(b))


def cmd_flacdropframe(path, index):
    b = rd(path)
    frames, end = flac_frames(b)
    i = int(index)
    nxt = frames[i + 1][0] if i + 1 < len(frames) else end
    wr(path, b[:frames[i][0]] + b[nxt:])


def cmd_garbage(path, n):
    x, out = 20240101, bytearray()
    for _ in range(int(n)):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF)
    assert out[0] != 0xFF and bytes(out[:4]) not in (b"RIFF", b"RIFX", b"RF64", b"BW64",
                                                     b"FORM", b"fLaC", b"OggS")
    assert out[:3] != b"ID3"
    wr(path, bytes(out))


# ------------------------------------------------------------------ MPEG audio

MPEG_BR = {  # (version is MPEG-1?, layer) -> kbps table
    (1, 1): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    (1, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    (1, 3): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (0, 1): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    (0, 2): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
MPEG_BR[(0, 3)] = MPEG_BR[(0, 2)]
MPEG_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def mpeg_header(b, i):
    """-> dict(rate, channels, layer, spf, size, v1) for a frame header at i, or None."""
    if i + 4 > len(b) or b[i] != 0xFF or b[i + 1] & 0xE0 != 0xE0:
        return None
    ver, lay = (b[i + 1] >> 3) & 3, 4 - ((b[i + 1] >> 1) & 3)
    bri, sri, pad = b[i + 2] >> 4, (b[i + 2] >> 2) & 3, (b[i + 2] >> 1) & 1
    if ver == 1 or lay == 4 or bri in (0, 15) or sri == 3:
        return None
    v1 = ver == 3
    rate = MPEG_RATES[ver][sri]
    kbps = MPEG_BR[(1 if v1 else 0, lay)][bri]
    if lay == 1:
        spf, size = 384, (12 * kbps * 1000 // rate + pad) * 4
    elif lay == 2 or v1:
        spf, size = 1152, 144 * kbps * 1000 // rate + pad
    else:
        spf, size = 576, 72 * kbps * 1000 // rate + pad
    return {"rate": rate, "channels": 1 if b[i + 3] >> 6 == 3 else 2, "layer": lay,
            "spf": spf, "size": size, "v1": v1, "crc": not (b[i + 1] & 1)}


def id3v2_end(b, i=0):
    while b[i:i + 3] == b"ID3" and i + 10 <= len(b):
        sz = b[i + 6] << 21 | b[i + 7] << 14 | b[i + 8] << 7 | b[i + 9]
        i += 10 + sz + (10 if b[i + 5] & 0x10 else 0)
    return i


def mpeg_walk(b):
    """Frames from the first header whose successor agrees; -> (start, frames, end)."""
    s = id3v2_end(b)
    start = None
    for i in range(s, len(b) - 4):
        h = mpeg_header(b, i)
        if h and (i + h["size"] == len(b) or (mpeg_header(b, i + h["size"]) or {}).get("rate") == h["rate"]):
            start = i
            break
    if start is None:
        return None, [], s
    frames, i = [], start
    while True:
        h = mpeg_header(b, i)
        if not h or i + h["size"] > len(b):
            # junk inside the stream: resume at the next header whose
            # successor agrees with it
            j = next((k for k in range(i + 1, len(b) - 4) if agreeing(b, k)), None)
            if j is None:
                break
            i = j
            continue
        frames.append((i, h))
        i += h["size"]
    end = frames[-1][0] + frames[-1][1]["size"] if frames else i
    return start, frames, end


def agreeing(b, k):
    h = mpeg_header(b, k)
    return bool(h) and (k + h["size"] == len(b) or
                        (mpeg_header(b, k + h["size"]) or {}).get("rate") == h["rate"])


def xing(b, off, h):
    """Xing/Info + LAME tag of the frame at off -> dict or None."""
    if h["layer"] != 3:
        return None
    side = (32 if h["channels"] == 2 else 17) if h["v1"] else (17 if h["channels"] == 2 else 9)
    p = off + 4 + (2 if h["crc"] else 0) + side
    if b[p:p + 4] not in (b"Xing", b"Info") and h["crc"]:
        p -= 2  # LAME -p writes the tag where an unprotected frame has it
    if b[p:p + 4] not in (b"Xing", b"Info"):
        return None
    flags = struct.unpack(">I", b[p + 4:p + 8])[0]
    q, x = p + 8, {"tag": b[p:p + 4].decode()}
    if flags & 1:
        x["frames"] = struct.unpack(">I", b[q:q + 4])[0]; q += 4
    if flags & 2:
        x["bytes"] = struct.unpack(">I", b[q:q + 4])[0]; q += 4
    if flags & 4:
        q += 100
    if flags & 8:
        q += 4
    if b[q:q + 4] in (b"LAME", b"Lavc", b"Lavf"):
        d = int.from_bytes(b[q + 21:q + 24], "big")
        x["delay"], x["padding"] = d >> 12, d & 0xFFF
    return x


def mpeg_info(b):
    start, frames, end = mpeg_walk(b)
    if not frames:
        return None
    off0, h0 = frames[0]
    x = xing(b, off0, h0)
    audio = frames[1:] if x else frames
    o = {"start": start, "id3end": id3v2_end(b), "h": h0, "xing": x, "nframes": len(audio),
         "end": end, "spf": h0["spf"],
         "lost": sum(f[0] - (p[0] + p[1]["size"]) for p, f in zip(frames, frames[1:]))}
    o["frame_total"] = len(audio) * h0["spf"]
    # A LAME tag removing as much as its frames hold is ignored (frames counted).
    if x and "frames" in x and "delay" in x and x["delay"] + x["padding"] < x["frames"] * h0["spf"]:
        o["declared"] = x["frames"] * h0["spf"] - x["delay"] - x["padding"]
        # a stream cut short: the frames present minus the encoder delay and
        # the decoder delay of 529 (ffmpeg/LAME convention) that the end
        # padding would otherwise absorb
        present = len(audio) * h0["spf"] - x["delay"] - 529
        o["total"] = o["declared"] if len(audio) >= x["frames"] else present
        o["source"] = "header"
    else:
        o["total"], o["source"] = o["frame_total"], "frames"
    return o


# ------------------------------------------------------------------ Ogg

def ogg_pages(b):
    """Pages as (offset, header type, granule, serial, seq, payload, complete)."""
    i, out = 0, []
    while i + 27 <= len(b) and b[i:i + 4] == b"OggS":
        nseg = b[i + 26]
        lace = b[i + 27:i + 27 + nseg]
        n = sum(lace)
        body = b[i + 27 + nseg:i + 27 + nseg + n]
        gp = struct.unpack("<q", b[i + 6:i + 14])[0]
        serial, seq = struct.unpack("<II", b[i + 14:i + 22])
        out.append((i, b[i + 5], gp, serial, seq, body, len(lace) == nseg and len(body) == n))
        i += 27 + nseg + n
    return out, i


def ogg_info(b):
    pages, end = ogg_pages(b)
    if not pages:
        return None
    first = pages[0][5]
    o = {"complete": all(p[6] for p in pages) and end == len(b), "end": end}
    done = [p for p in pages if p[6] and p[2] != -1]
    last = done[-1][2] if done else None
    if first[:7] == b"\x01vorbis":
        o.update(codec="Vorbis", channels=first[11], rate=struct.unpack("<I", first[12:16])[0])
        o["total"] = last
    elif first[:8] == b"OpusHead":
        o.update(codec="Opus", channels=first[9], rate=48000,
                 preskip=struct.unpack("<H", first[10:12])[0],
                 input_rate=struct.unpack("<I", first[12:16])[0])
        o["total"] = last - o["preskip"] if last is not None else None
    elif first[:8] == b"Speex   ":
        # Speex header: rate at 36, channels at 48 (little-endian 32-bit).
        o.update(codec="Speex", rate=struct.unpack("<I", first[36:40])[0],
                 channels=struct.unpack("<I", first[48:52])[0], total=last)
    elif first[:5] == b"\x7fFLAC":
        # Ogg FLAC mapping: 9-byte prefix, then fLaC and STREAMINFO.
        si = first[13 + 4:13 + 4 + 34]
        v = int.from_bytes(si[10:18], "big")
        o.update(codec="FLAC", rate=v >> 44, channels=((v >> 41) & 7) + 1,
                 bits=((v >> 36) & 31) + 1, total=last)
    return o


# ------------------------------------------------------------------ MP4

def boxes(b, i, end):
    while i + 8 <= end:
        n, t = struct.unpack(">I4s", b[i:i + 8])
        h = 8
        if n == 1:
            n, h = struct.unpack(">Q", b[i + 8:i + 16])[0], 16
        elif n == 0:
            n = end - i
        if n < h or i + n > end:
            return
        yield t.decode("latin-1"), i + h, i + n
        i += n


def find(b, path, i=0, end=None):
    end = len(b) if end is None else end
    head, rest = path[0], path[1:]
    for t, s, e in boxes(b, i, end):
        if t == head:
            return (s, e) if not rest else find(b, rest, s + (4 if t == "meta" else 0), e)
    return None


def mp4_info(b):
    moov = find(b, ["moov"])
    if not moov:
        return None
    trak = mdia = None
    for t, s0, e0 in boxes(b, *moov):       # the first sound track
        if t == "trak":
            m0 = find(b, ["mdia"], s0, e0)
            h0 = find(b, ["hdlr"], *m0) if m0 else None
            if h0 and b[h0[0] + 8:h0[0] + 12] == b"soun":
                trak, mdia = (s0, e0), m0
                break
    if not trak:
        return None
    s, _ = find(b, ["mdhd"], *mdia)
    v = b[s]
    ts = struct.unpack(">I", b[s + 12:s + 16] if v == 0 else b[s + 20:s + 24])[0]
    stbl = find(b, ["minf", "stbl"], *mdia)
    s, e = find(b, ["stsd"], *stbl)
    entry = s + 8
    fourcc = b[entry + 4:entry + 8].decode()
    ch, bits = struct.unpack(">HH", b[entry + 24:entry + 28])
    rate = struct.unpack(">I", b[entry + 32:entry + 36])[0] >> 16
    o = {"fourcc": fourcc, "timescale": ts, "channels": ch, "rate": rate, "bits": None}
    if fourcc == "alac":
        c = find(b, ["alac"], entry + 36, entry + struct.unpack(">I", b[entry:entry + 4])[0])
        cs = c[0] + 4  # full box version/flags
        o["bits"] = b[cs + 5]
        o["channels"] = b[cs + 9]
        o["rate"] = struct.unpack(">I", b[cs + 20:cs + 24])[0]
    if fourcc == "mp4a":
        esds = find(b, ["esds"], entry + 36, entry + struct.unpack(">I", b[entry:entry + 4])[0])
        def desc(k):  # -> (tag, payload offset, size) of an MPEG-4 descriptor at k
            tag, n, k = b[k], 0, k + 1
            for _ in range(4):
                n, k = n << 7 | b[k] & 0x7F, k + 1
                if not b[k - 1] & 0x80:
                    break
            return tag, k, n
        tag, k, _ = desc(esds[0] + 4)              # ES_Descriptor
        assert tag == 3
        fl = b[k + 2]
        k += 3 + (2 if fl & 0x80 else 0) + (1 + b[k + 3] if fl & 0x40 else 0) + (2 if fl & 0x20 else 0)
        tag, k, _ = desc(k)                        # DecoderConfigDescriptor
        assert tag == 4
        tag, k, _ = desc(k + 13)                   # DecoderSpecificInfo = AudioSpecificConfig
        assert tag == 5
        asc = int.from_bytes(b[k:k + 2], "big")
        o["aot"], sfi, o["channels"] = asc >> 11, (asc >> 7) & 15, (asc >> 3) & 15
        if o["aot"] == 31:                     # escape: 32 + 6 more bits
            asc = int.from_bytes(b[k:k + 3], "big")
            o["aot"], sfi, o["channels"] = 32 + ((asc >> 13) & 63), (asc >> 9) & 15, (asc >> 5) & 15
        o["rate"] = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000,
                     12000, 11025, 8000, 7350][sfi]
    s, e = find(b, ["stts"], *stbl)
    n = struct.unpack(">I", b[s + 4:s + 8])[0]
    o["media"] = sum(struct.unpack(">II", b[s + 8 + 8 * k:s + 16 + 8 * k])[0] *
                     struct.unpack(">II", b[s + 8 + 8 * k:s + 16 + 8 * k])[1] for k in range(n))
    el = find(b, ["edts", "elst"], *trak)
    o["total"] = o["media"]
    k = b.find(b"iTunSMPB")
    if k != -1:
        txt = b[k + 8 + 16:k + 8 + 16 + 200].split(b"\0")[0].decode().split()
        o["smpb"] = (int(txt[1], 16), int(txt[2], 16), int(txt[3], 16))
        if not el:
            o["total"] = o["smpb"][2]
    if el:
        s, e = el
        v = b[s]
        mvhd = find(b, ["moov", "mvhd"])
        mts = struct.unpack(">I", b[mvhd[0] + 12:mvhd[0] + 16] if b[mvhd[0]] == 0 else b[mvhd[0] + 20:mvhd[0] + 24])[0]
        if v == 0:
            dur, mt = struct.unpack(">Ii", b[s + 8:s + 16])
        else:
            dur, mt = struct.unpack(">Qq", b[s + 8:s + 24])
        o["elst"] = (dur, mt, mts)
        # segment duration is in movie timescale; convert to media timescale
        exact = o["media"] - mt
        # segment duration in the movie timescale; when that is coarser than
        # the media timescale (ffmpeg's default 1000), the stts total minus
        # the priming is the exact figure within one movie tick of it
        o["total"] = exact if abs(exact * mts - dur * ts) < ts else dur * ts // mts
        o["priming"] = mt
    return o



# ------------------------------------------------------------------ lossy

def cmd_prepend(path, n):
    junk = bytes((i * 7 + 3) & 0x7F for i in range(int(n)))
    assert 0xFF not in junk
    wr(path, junk + rd(path))


def cmd_mpeggarbage(path, after, n):
    """Insert n junk bytes (no 0xFF) after audio frame `after` (after the Xing frame)."""
    b = rd(path)
    _, frames, _ = mpeg_walk(b)
    assert xing(b, *frames[0]) and len(frames) > int(after) + 1
    at = frames[int(after) + 1][0]
    junk = bytes((i * 11 + 5) & 0x7F for i in range(int(n)))
    wr(path, b[:at] + junk + b[at:])


def cmd_mpegxor(path, frame, start, step, mask, count="0"):
    """XOR `mask` into every `step`-th byte of audio frame `frame`'s body (after
    its 4-byte header) from `start`, `count` bytes at most (0: to the frame end)."""
    b = bytearray(rd(path))
    _, frames, _ = mpeg_walk(b)
    assert xing(b, *frames[0]) and len(frames) > int(frame) + 1
    off, h = frames[int(frame) + 1]
    idx = range(off + 4 + int(start), off + h["size"], int(step))
    for k in list(idx)[:int(count) or None]:
        b[k] ^= int(mask, 0)
    wr(path, bytes(b))


def cmd_oggxor(path, page, step, mask):
    """XOR `mask` into every `step`-th body byte of Ogg page `page` (CRC kept)."""
    b = bytearray(rd(path))
    pages, _ = ogg_pages(bytes(b))
    off = pages[int(page)][0]
    nseg = b[off + 26]
    body = off + 27 + nseg
    for k in range(body, body + len(pages[int(page)][5]), int(step)):
        b[k] ^= int(mask, 0)
    wr(path, bytes(b))


def cmd_mpegcut(path, keep):
    """Cut an MPEG file right before audio frame `keep` (after the Xing frame)."""
    b = rd(path)
    _, frames, _ = mpeg_walk(b)
    assert xing(b, *frames[0]) and len(frames) > int(keep) + 2
    wr(path, b[:frames[int(keep) + 1][0]])


def cmd_lamegapless(path, frames, delay, padding):
    """Rewrite the Info/Xing tag of an MPEG file: frame count `frames`, the
    stream byte count to match the file, and the LAME delay/padding."""
    b = bytearray(rd(path))
    _, fr, _ = mpeg_walk(b)
    at = b.find(b"Info")
    if at < 0:
        at = b.find(b"Xing")
    flags = struct.unpack(">I", b[at + 4:at + 8])[0]
    assert flags & 3 == 3
    struct.pack_into(">II", b, at + 8, int(frames), len(b) - fr[0][0])
    lame = b.find(b"LAME", at)
    d = (int(delay) << 12) | int(padding)
    b[lame + 21:lame + 24] = d.to_bytes(3, "big")
    wr(path, bytes(b))


def cmd_id3pad(path, zeros, second):
    """Prepend an ID3v2.3 tag followed by `zeros` zero bytes (padding written
    outside the tag's declared size) and, when `second` is 1, another tag."""
    def tag(title):
        frame = b"TIT2" + struct.pack(">I", len(title) + 1) + b"\0\0\0" + title
        n = len(frame)
        size = bytes([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127])
        return b"ID3\x03\0\0" + size + frame
    head = tag(b"Padded") + bytes(int(zeros))
    if second == "1":
        head += tag(b"Second")
    wr(path, head + rd(path))


def cmd_freeform(path, name, text, drop_edts="keep"):
    """Append an iTunes freeform atom ----:com.apple.iTunes:NAME (UTF-8 TEXT)
    to moov/udta/meta/ilst; moov must follow mdat (no chunk offsets move).
    drop_edts=drop turns the track's edts box into a free box of equal size."""
    b = bytearray(rd(path))
    top = {t: (s - 8, e) for t, s, e in boxes(b, 0, len(b))}
    assert top["moov"][0] > top["mdat"][0], "moov before mdat"
    chain, i, end = [], top["moov"][0], top["moov"][1]
    chain.append(i)
    for want in ("udta", "meta", "ilst"):
        skip = 4 if want == "ilst" else 0      # meta is a full box
        for t, s, e in boxes(b, i + 8 + skip, end):
            if t == want:
                chain.append(s - 8)
                i, end = s - 8, e
                break
        else:
            raise SystemExit("no " + want)
    def box(t, payload):
        return struct.pack(">I", 8 + len(payload)) + t + payload
    atom = box(b"----", box(b"mean", b"\0\0\0\0com.apple.iTunes") + box(b"name", b"\0\0\0\0" + name.encode())
               + box(b"data", struct.pack(">II", 1, 0) + text.encode()))
    ilst_end = end
    b[ilst_end:ilst_end] = atom
    for off in chain:
        struct.pack_into(">I", b, off, struct.unpack(">I", b[off:off + 4])[0] + len(atom))
    if drop_edts == "drop":
        k = b.find(b"edts")
        assert k > top["moov"][0]
        b[k:k + 4] = b"free"
    wr(path, bytes(b))


def cmd_cutend(path, n):
    b = rd(path)
    wr(path, b[:len(b) - int(n)])


# ------------------------------------------------------------------ lossless (WavPack, TTA, APE, OFR, TAK)

import zlib


def cmd_xorbyte(path, at, mask):
    b = bytearray(rd(path))
    b[int(at)] ^= int(mask, 0)
    wr(path, bytes(b))


def cmd_wvtotal(path, total):
    """Set the first WavPack block's total samples (-1: unknown)."""
    b = bytearray(rd(path))
    t = int(total)
    if t < 0:
        b[11], b[12:16] = 0, struct.pack("<I", 0xFFFFFFFF)
    else:
        t += t // 0xFFFFFFFF
        b[11], b[12:16] = t >> 32, struct.pack("<I", t & 0xFFFFFFFF)
    wr(path, bytes(b))


def riff_header(ch, rate, bits, frames):
    size = frames * ch * bits // 8
    return b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, 1, ch, rate, rate * ch * bits // 8, ch * bits // 8, bits) + b"data" + struct.pack("<I", size)


def payload(n, seed=7):
    out, x = bytearray(), seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(x >> 16 & 0xFF)
    return bytes(out)


def cmd_ape(path, version, frames, bpf, final, bits, ch, rate, variant=""):
    """Monkey's Audio header + seek table (+ WAV header) + arbitrary frames of 100 bytes."""
    version, frames, bpf, final, bits, ch, rate = map(int, (version, frames, bpf, final, bits, ch, rate))
    if version >= 3980:
        first = 52 + 24 + frames * 4 + 44
        desc = b"MAC " + struct.pack("<HHIIIIIII", version, 0, 52, 24, frames * 4, 44, frames * 100, 0, 0) + b"\0" * 16
        head = struct.pack("<HHIIIHHI", 2000, 0, bpf, final, frames, bits, ch, rate)
        seek = b"".join(struct.pack("<I", first + 100 * i) for i in range(frames))
        b = desc + head + seek + riff_header(ch, rate, bits, 0) + payload(frames * 100)
    else:
        # seek elements (16) and "create WAV header" (32): no stored WAV header
        first = 36 + frames * 4
        head = b"MAC " + struct.pack("<HHHHIIIIII", version, 2000, 16 | 32, ch, rate, 0, 0, frames, final, frames)
        b = head + b"".join(struct.pack("<I", first + 100 * i) for i in range(frames)) + payload(frames * 100)
    if variant == "cut":
        b = b[:first + 150]
    wr(path, b)


def cmd_ofr(path, frames, kind, config, rate, variant=""):
    frames, kind, config, rate = map(int, (frames, kind, config, rate))
    ch = config + 1
    total = frames * ch
    hdr = b"OFR " + struct.pack("<IIHBBIHB", 15, total & 0xFFFFFFFF, total >> 32, kind, config, rate, 0x0140, 0x0A)
    head = b"HEAD" + struct.pack("<I", 44) + riff_header(ch, rate, 16, frames)
    body = struct.pack("<IBBHH", total, kind, config, 0x0841, 0x0140) + payload(200)
    crc = zlib.crc32(body)
    if variant == "badcrc":
        body = body[:50] + bytes([body[50] ^ 0xFF]) + body[51:]
    comp = b"COMP" + struct.pack("<II", len(body) + 4, crc) + body
    b = hdr + head + comp + b"TAIL" + struct.pack("<I", 0)
    if variant == "cut":
        b = b[:len(hdr) + len(head) + 100]
    wr(path, b)


def crc24(d):
    c = 0xB704CE
    for x in d:
        c ^= x << 16
        for _ in range(8):
            c <<= 1
            if c & 0x1000000:
                c ^= 0x1864CFB
    return c & 0xFFFFFF


def tak_obj(kind, data):
    data += crc24(data).to_bytes(3, "little")
    return bytes([kind]) + len(data).to_bytes(3, "little") + data


def cmd_tak(path, samples, rate, bits, ch, variant=""):
    samples, rate, bits, ch = map(int, (samples, rate, bits, ch))
    v, at = 0, 0
    for value, n in [(2, 6), (0, 4), (1, 4), (samples, 35), (0, 3), (rate - 6000, 18), (bits - 8, 5), (ch - 1, 4), (0, 1)]:
        v |= value << at
        at += n
    info = v.to_bytes(10, "little")
    last = (200).to_bytes(5, "little") + (100).to_bytes(3, "little")
    b = b"tBaK" + tak_obj(1, info) + tak_obj(7, last) + b"\0\0\0\0" + payload(300)
    if variant == "cut":
        b = b[:-50]
    wr(path, b)


def lossless_info(b):
    """Independent reading of the lossless headers -> own_parse fields."""
    o = {}
    if b[:4] == b"wvpk":
        o["fileFormat"] = "WavPack"
        fl = struct.unpack("<I", b[24:28])[0]
        tot = struct.unpack("<I", b[12:16])[0]
        rates = [6000, 8000, 9600, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000, 192000]
        i, counted, have = 0, 0, 0
        while i + 32 <= len(b) and b[i:i + 4] == b"wvpk":
            ck, bs, bfl = struct.unpack("<I", b[i + 4:i + 8])[0], struct.unpack("<I", b[i + 20:i + 24])[0], struct.unpack("<I", b[i + 24:i + 28])[0]
            if i + 8 + ck > len(b):
                break
            if bfl & 0x800:
                counted += bs
            i += 8 + ck
        hybrid, flt = fl & 8, fl & 0x80
        o.update(audioCodec="WavPack Hybrid" if hybrid else "WavPack", sampleFormat="float" if flt else "int",
                 sampleRate=rates[(fl >> 23) & 15], numberOfChannels=1 if fl & 4 else 2,
                 bitDepth=None if hybrid else (32 if flt else ((fl & 3) + 1) * 8 - ((fl >> 13) & 31)),
                 totalSamples=counted)
        if tot != 0xFFFFFFFF and tot != counted:
            o["declaredSamples"] = tot
        o["_frames"] = "WavPack total %s, blocks hold %d" % ("unknown" if tot == 0xFFFFFFFF else tot, counted)
        return o
    if b[:4] == b"TTA1":
        fmt, ch, bits, rate, n, crc = struct.unpack("<HHHIII", b[4:22])
        o["fileFormat"] = "TTA"
        if zlib.crc32(b[:18]) != crc:
            return o
        flen = rate * 256 // 245
        frames = -(-n // flen)
        sizes = struct.unpack("<%dI" % frames, b[22:22 + 4 * frames]) if len(b) >= 22 + 4 * frames else ()
        pos, whole = 22 + 4 * frames + 4, 0
        for sz in sizes:
            if pos + sz > len(b):
                break
            pos += sz
            whole += 1
        held = n if whole == frames else min(whole * flen, n)
        o.update(audioCodec="TTA", sampleFormat="int", sampleRate=rate, numberOfChannels=ch, bitDepth=bits, totalSamples=held)
        if held != n:
            o["declaredSamples"] = n
        o["_frames"] = "TTA %d frames of %d, %d whole" % (frames, flen, whole)
        return o
    if b[:4] == b"MAC ":
        ver = struct.unpack("<H", b[4:6])[0]
        if ver >= 3980:
            dl, hl, sl, wl, al = struct.unpack("<IIIII", b[8:28])
            comp, flags, bpf, final, frames, bits, ch, rate = struct.unpack("<HHIIIHHI", b[dl:dl + 24])
            seek_at, audio_end = dl + hl, dl + hl + sl + wl + al
        else:
            comp, flags, ch, rate, wl, tl, frames, final = struct.unpack("<HHHIIIII", b[6:32])
            bits = 8 if flags & 1 else 24 if flags & 8 else 16
            bpf = 73728 * 4 if ver >= 3950 else 73728 if ver >= 3900 or (ver >= 3800 and comp >= 4000) else 9216
            seek_at, audio_end = 32 + (4 if flags & 4 else 0) + (4 if flags & 16 else 0), len(b) - tl
        total = (frames - 1) * bpf + final if frames else 0
        offs = [struct.unpack("<I", b[seek_at + 4 * k:seek_at + 4 * k + 4])[0] for k in range(frames) if seek_at + 4 * k + 4 <= len(b)]
        ends = offs[1:] + [audio_end]
        whole = 0
        for s_, e in zip(offs, ends):
            if e > len(b):
                break
            whole += 1
        held = total if whole == frames else whole * bpf
        o.update(fileFormat="APE", audioCodec="APE", sampleFormat="int", sampleRate=rate, numberOfChannels=ch, bitDepth=bits, totalSamples=held)
        if held != total:
            o["declaredSamples"] = total
        o["_frames"] = "APE %d %d frames of %d, final %d, %d whole" % (ver, frames, bpf, final, whole)
        return o
    if b[:4] == b"OFR ":
        size, lo, hi, kind, config, rate = struct.unpack("<IIHBBI", b[4:20])
        ch = config + 1
        i, counted, cut = 8 + size, 0, False
        while i + 8 <= len(b):
            cid, n = b[i:i + 4], struct.unpack("<I", b[i + 4:i + 8])[0]
            if i + 8 + n > len(b):
                cut = True
                break
            if cid == b"COMP":
                counted += struct.unpack("<I", b[i + 12:i + 16])[0]
            i += 8 + n
        if i < len(b) and i + 8 > len(b):
            cut = True
        total = (lo | hi << 32) // ch
        o.update(fileFormat="OptimFROG", audioCodec="OptimFROG", sampleFormat="int", sampleRate=rate, numberOfChannels=ch,
                 bitDepth={0: 8, 1: 8, 2: 16, 3: 16, 4: 24, 5: 24, 6: 32, 7: 32}[kind], totalSamples=counted // ch)
        if counted // ch != total or cut:
            o["declaredSamples"] = total
        return o
    if b[:4] == b"tBaK":
        i = 4
        o["fileFormat"] = "TAK"
        while i + 4 <= len(b):
            t, n = b[i] & 0x7F, int.from_bytes(b[i + 1:i + 4], "little")
            i += 4
            if t == 0:
                break
            d = b[i:i + n]
            if t == 1:
                v = int.from_bytes(d[:n - 3], "little")
                o.update(audioCodec="TAK", sampleFormat="int", totalSamples=v >> 14 & (2 ** 35 - 1),
                         sampleRate=(v >> 52 & (2 ** 18 - 1)) + 6000, bitDepth=(v >> 70 & 31) + 8, numberOfChannels=(v >> 75 & 15) + 1)
            i += n
        return o
    return o


# ------------------------------------------------------------------ Matroska

def ebml_vint(b, i, keep_marker=False):
    first = b[i]
    n = 8 - first.bit_length() + 1
    v = int.from_bytes(b[i:i + n], "big")
    if not keep_marker:
        v &= (1 << (7 * n)) - 1
        if v == (1 << (7 * n)) - 1:
            v = None
    return v, n


def ebml_children(b, i, end):
    """(id, data offset, size) of each element in b[i:end]; unknown sizes run to end."""
    while i < end:
        eid, n = ebml_vint(b, i, True)
        size, m = ebml_vint(b, i + n)
        data = i + n + m
        yield eid, data, size
        if size is None:
            return
        i = data + size


def mkv_info(b):
    """The DocType and the first audio track of a Matroska/WebM file (spec reading)."""
    o = {}
    for eid, d, n in ebml_children(b, 0, len(b)):
        if eid == 0x1A45DFA3:
            for cid, cd, cn in ebml_children(b, d, d + n):
                if cid == 0x4282:
                    o["doctype"] = b[cd:cd + cn].decode()
        if eid == 0x18538067:
            end = len(b) if n is None else min(len(b), d + n)
            for cid, cd, cn in ebml_children(b, d, end):
                if cid == 0x1654AE6B:
                    for tid, td, tn in ebml_children(b, cd, cd + cn):
                        t = {}
                        for k, kd, kn in ebml_children(b, td, td + tn):
                            v = b[kd:kd + kn]
                            if k == 0x83:
                                t["type"] = int.from_bytes(v, "big")
                            if k == 0x86:
                                t["codec"] = v.decode()
                            if k == 0x63A2:
                                t["private"] = v
                            if k == 0xE1:
                                for a, ad, an in ebml_children(b, kd, kd + kn):
                                    w = b[ad:ad + an]
                                    if a == 0xB5:
                                        t["rate"] = struct.unpack(">d" if an == 8 else ">f", w)[0]
                                    if a == 0x9F:
                                        t["channels"] = int.from_bytes(w, "big")
                                    if a == 0x6264:
                                        t["bits"] = int.from_bytes(w, "big")
                        if t.get("type") == 2 and "track" not in o:
                            o["track"] = t
                if cid == 0x1F43B675:
                    break
    return o


def mkv_find(b, eid):
    """Offsets of every element with ID `eid` (hex) whose header parses."""
    pat = bytes.fromhex(eid)
    i = b.find(pat)
    while i >= 0:
        yield i
        i = b.find(pat, i + 1)


def cmd_mkvunknown(path):
    """Every Cluster gets the unknown size (all ones, same length)."""
    b = bytearray(rd(path))
    for i in list(mkv_find(b, "1f43b675")):
        _, n = ebml_vint(b, i + 4)
        b[i + 4:i + 4 + n] = ((1 << (8 * n - n)) - 1 | (1 << (8 * n - n))).to_bytes(n, "big")
    wr(path, bytes(b))


def cmd_mkvduration(path, seconds):
    """Rewrite the Segment Duration (8-byte float, ms ticks)."""
    b = bytearray(rd(path))
    i = next(mkv_find(b, "448988"))
    b[i + 3:i + 11] = struct.pack(">d", float(seconds) * 1000)
    wr(path, bytes(b))


def cmd_mkvflip(path):
    """Flip the bits of a byte 20 bytes before the end of the first Cluster
    (inside its last block): its CRC-32 no longer matches."""
    b = bytearray(rd(path))
    i = next(mkv_find(b, "1f43b675"))
    size, n = ebml_vint(b, i + 4)
    b[i + 4 + n + size - 20] ^= 0xFF
    wr(path, bytes(b))


def cmd_mkvrename(path, old, new):
    """Give the first element with ID `old` the ID `new` (same length), not
    a SeekHead's SeekID that names it."""
    b = bytearray(rd(path))
    i = next(i for i in mkv_find(b, old) if b[i - 3:i - 1] != bytes.fromhex("53ab"))
    b[i:i + len(old) // 2] = bytes.fromhex(new)
    wr(path, bytes(b))


# ------------------------------------------------------------------ pcmMd5

def pcm_samples(b):
    """-> (sample bytes held, channels, bytes per sample, valid bits, big-endian,
    unsigned) of integer PCM in a WAV family, W64, AIFF/AIFC, CAF or AU file."""
    if b[:16] == W64_RIFF:
        cs = w64_chunks(b)
        fmt = [b[off:off + n] for cid, off, n in cs if cid == b"fmt "][0]
        tag, ch, _, _, align, bits = struct.unpack("<HHIIHH", fmt[:16])
        _, off, n = [c for c in cs if c[0] == b"data"][0]
        width = (bits + 7) // 8
        return b[off:off + n], ch, width, bits, False, width == 1
    if b[:4] == b"caff":
        cs = caf_chunks(b)
        d = [b[off:off + 32] for cid, off, n in cs if cid == b"desc"][0]
        _, fid, flags, bpp, _, ch, bits = struct.unpack(">d4sIIIII", d)
        assert fid == b"lpcm" and not flags & 1
        _, off, n = [c for c in cs if c[0] == b"data"][0]
        end = len(b) if n < 0 else off + n
        return b[off + 4:end], ch, bpp // ch, bits, not flags & 2, False
    if b[:4] == b".snd":
        off, size, enc, _, ch = struct.unpack(">5I", b[4:24])
        width = {2: 1, 3: 2, 4: 3, 5: 4}[enc]
        end = len(b) if size == 0xFFFFFFFF else off + size
        return b[off:end], ch, width, 8 * width, True, False
    if b[:4] in (b"RIFF", b"RIFX", b"RF64", b"BW64"):
        e = ">" if b[:4] == b"RIFX" else "<"
        i, ds64, fmt, data = 12, None, None, None
        while i + 8 <= len(b):
            cid, n = b[i:i + 4], struct.unpack(e + "I", b[i + 4:i + 8])[0]
            if cid == b"ds64":
                ds64 = struct.unpack("<QQ", b[i + 8:i + 24])
            elif cid == b"fmt ":
                fmt = b[i + 8:i + 8 + n]
            elif cid == b"data" and data is None:
                if n == 0xFFFFFFFF and ds64:
                    n = ds64[1]
                elif n in (0, 0xFFFFFFFF):     # streamed: to the end of the file
                    n = len(b) - i - 8
                data = b[i + 8:i + 8 + n]
            i += 8 + n + (n & 1)
        tag, ch, _, _, align, bits = struct.unpack(e + "HHIIHH", fmt[:16])
        valid = bits
        if tag == 0xFFFE:
            valid = struct.unpack(e + "H", fmt[18:20])[0] or bits
            tag = struct.unpack(e + "H", fmt[24:26])[0]
        width = (bits + 7) // 8
        assert tag == 1 and align == ch * width, (tag, align)
        return data, ch, width, valid, e == ">", width == 1
    assert b[:4] == b"FORM"
    comm = ssnd = None
    for cid, off, n in iff_chunks(b):
        if cid == b"COMM":
            comm = b[off + 8:off + 8 + n]
        elif cid == b"SSND":
            skip = struct.unpack(">I", b[off + 8:off + 12])[0]
            ssnd = b[off + 16 + skip:off + 8 + n]
    ch, frames, bits = struct.unpack(">HIH", comm[:8])
    comp = comm[18:22] if b[8:12] == b"AIFC" else b"NONE"
    assert comp in (b"NONE", b"twos", b"sowt"), comp
    width = (bits + 7) // 8
    return ssnd[:frames * ch * width], ch, width, bits, comp != b"sowt", False


def cmd_pcmmd5(path):
    """MD5 of the samples in FLAC's convention: whole frames, interleaved,
    signed little-endian, ceil(valid bits / 8) bytes, shifted down to the
    valid bits (samples are left-justified in their container)."""
    data, ch, width, valid, big, unsigned = pcm_samples(rd(path))
    data = data[:len(data) // (ch * width) * ch * width]
    out, shift, nbytes = bytearray(), 8 * width - valid, (valid + 7) // 8
    for k in range(0, len(data), width):
        v = int.from_bytes(data[k:k + width], "big" if big else "little", signed=not unsigned)
        if unsigned:
            v -= 1 << (8 * width - 1)
        out += (v >> shift).to_bytes(nbytes, "little", signed=True)
    print(hashlib.md5(bytes(out)).hexdigest())


# ------------------------------------------------------------------ W64, CAF, AU, DSD

W64_RIFF = b"riff\x2e\x91\xcf\x11\xa5\xd6\x28\xdb\x04\xc1\x00\x00"
W64_TAIL = b"\xf3\xac\xd3\x11\x8c\xd1\x00\xc0\x4f\x8e\xdb\x8a"


def w64_chunks(b):
    """-> [(name, offset of body, declared body size)] of a Wave64 file."""
    out, i = [], 40
    while i + 24 <= len(b):
        n = struct.unpack("<Q", b[i + 16:i + 24])[0]
        out.append((b[i:i + 4], i + 24, n - 24))
        i += (n + 7) // 8 * 8
    return out


def cmd_w64cut(path, keep):
    """Keep `keep` bytes of the data chunk's body (the last chunk)."""
    b = rd(path)
    off = [c[1] for c in w64_chunks(b) if c[0] == b"data"][0]
    wr(path, b[:off + int(keep)])


def caf_chunks(b):
    """-> [(type, offset of body, size)] of a CAF file (size -1 kept)."""
    out, i = [], 8
    while i + 12 <= len(b):
        n = struct.unpack(">q", b[i + 4:i + 12])[0]
        out.append((b[i:i + 4], i + 12, n))
        if n < 0:
            break
        i += 12 + n
    return out


def cmd_cafdatasize(path, value):
    b = bytearray(rd(path))
    off = [c[1] for c in caf_chunks(b) if c[0] == b"data"][0]
    b[off - 8:off] = struct.pack(">q", int(value))
    wr(path, bytes(b))


def cmd_cafdatacut(path, n):
    """Remove the last n bytes of the data chunk and fix its size."""
    b = bytearray(rd(path))
    _, off, size = [c for c in caf_chunks(b) if c[0] == b"data"][0]
    n = int(n)
    b[off - 8:off] = struct.pack(">q", size - n)
    del b[off + size - n:off + size]
    wr(path, bytes(b))


def cmd_audatasize(path, value):
    b = bytearray(rd(path))
    b[8:12] = struct.pack(">I", int(value))
    wr(path, bytes(b))


def cmd_dsf(path, rate, ch, samples, bits, declared=None, dirty=None):
    """A DSF file: `samples` 1-bit samples per channel of a fixed pattern,
    4096-byte blocks per channel, the last zero-padded (or, with `dirty`,
    padded with the pattern); `declared` replaces the fmt sample count."""
    rate, ch, samples, bits = int(rate), int(ch), int(samples), int(bits)
    used = (samples + 7) // 8
    blocks = (used + 4095) // 4096
    data = bytearray()
    for k in range(blocks):
        for c in range(ch):
            blk = bytearray((0x69 + 3 * c + ((i * 7) >> 9)) & 0xFF for i in range(4096))
            if not dirty:
                keep = min(4096, used - k * 4096)
                blk[keep:] = b"\0" * (4096 - keep)
            data += blk
    count = int(declared) if declared else samples
    fmt = struct.pack("<IIIIIIQII", 1, 0, 2 if ch == 2 else 1, ch, rate, bits, count, 4096, 0)
    body = b"fmt " + struct.pack("<Q", 12 + len(fmt)) + fmt
    body += b"data" + struct.pack("<Q", 12 + len(data)) + bytes(data)
    total = 28 + len(body)
    wr(path, b"DSD " + struct.pack("<QQQ", 28, total, 0) + body)


def iff64(cid, body):
    return cid + struct.pack(">Q", len(body)) + body + b"\0" * (len(body) & 1)


def cmd_dff(path, rate, ch, n, kind="dsd", present=None):
    """A DSDIFF file: n interleaved bytes of DSD, or (kind dst) an FRTE of n
    frames at 75 per second and `present` (default n) DSTF frames of
    placeholder bytes."""
    rate, ch, n = int(rate), int(ch), int(n)
    ids = [b"SLFT", b"SRGT", b"C   ", b"LFE ", b"LS  ", b"RS  "][:ch] if ch <= 6 else [b"C%03d" % i for i in range(ch)]
    cmpr = b"DSD \x0fnot compressed" if kind == "dsd" else b"DST \x0bDST Encoded"
    prop = b"SND " + iff64(b"FS  ", struct.pack(">I", rate)) + \
        iff64(b"CHNL", struct.pack(">H", ch) + b"".join(ids)) + iff64(b"CMPR", cmpr)
    if kind == "dsd":
        sound = iff64(b"DSD ", bytes((0x69 + i % 7) & 0xFF for i in range(n)))
    else:
        frames = b"".join(iff64(b"DSTF", bytes(range(i, i + 101))) for i in range(int(present or n)))
        sound = iff64(b"DST ", iff64(b"FRTE", struct.pack(">IH", n, 75)) + frames)
    body = b"DSD " + iff64(b"FVER", bytes([1, 5, 0, 0])) + iff64(b"PROP", prop) + sound
    wr(path, b"FRM8" + struct.pack(">Q", len(body)) + body)


def own_parse_more(b, o):
    """W64, CAF, AU, DSF, DSDIFF: what the specifications say of the bytes."""
    if b[:16] == W64_RIFF:
        o["fileFormat"] = "W64"
        cs = w64_chunks(b)
        fmt = [b[off:off + n] for cid, off, n in cs if cid == b"fmt "][0]
        tag, ch, rate, _, align, bits = struct.unpack("<HHIIHH", fmt[:16])
        if tag == 0xFFFE:
            o["channelMask"] = struct.unpack("<I", fmt[20:24])[0]
            tag = struct.unpack("<H", fmt[24:26])[0]
        _, off, n = [c for c in cs if c[0] == b"data"][0]
        avail = min(n, len(b) - off)
        o.update(audioCodec="PCM", sampleFormat="float" if tag == 3 else "int", sampleRate=rate,
                 numberOfChannels=ch, bitDepth=bits, totalSamples=avail // align)
        if n // align != avail // align:
            o["declaredSamples"] = n // align
        return o
    if b[:4] == b"caff":
        o["fileFormat"] = "CAF"
        cs = caf_chunks(b)
        d = [b[off:off + 32] for cid, off, n in cs if cid == b"desc"][0]
        rate, fid, flags, bpp, fpp, ch, bits = struct.unpack(">d4sIIIII", d)
        o.update(sampleRate=int(rate), numberOfChannels=ch)
        _, off, n = [c for c in cs if c[0] == b"data"][0]
        n = len(b) - off - 4 if n < 0 else n - 4
        avail = min(n, len(b) - off - 4)
        if fid == b"alac":
            kuki = [b[off:off + n] for cid, off, n in cs if cid == b"kuki"][0]
            i = kuki.find(b"alac", kuki.find(b"alac") + 1)
            o.update(audioCodec="ALAC", sampleFormat="int", bitDepth=kuki[i + 8 + 5])
            pk = [b[off:off + n] for cid, off, n in cs if cid == b"pakt"][0]
            packets, valid, priming, rem = struct.unpack(">qqii", pk[:24])
            sizes, j = [], 24
            for _ in range(packets):
                v = 0
                while True:
                    v, j = (v << 7) | (pk[j] & 0x7F), j + 1
                    if not pk[j - 1] & 0x80:
                        break
                sizes.append(v)
            # The last ALAC frame's own sample count (has-size flag).
            h = int.from_bytes(b[off + 4 + sum(sizes[:-1]):][:8], "big")
            last = (h >> 9) & 0xFFFFFFFF if (h >> 44) & 1 else fpp
            o["totalSamples"] = (packets - 1) * fpp + last
            if o["totalSamples"] != valid:
                o["declaredSamples"] = valid
            o["_frames"] = "%d ALAC packets of %d bytes, last one %d samples, table says %d valid" % (
                packets, sum(sizes), last, valid)
            return o
        if fid == b"aac ":
            pk = [b[off:off + n] for cid, off, n in cs if cid == b"pakt"][0]
            packets, valid, priming, rem = struct.unpack(">qqii", pk[:24])
            o.update(audioCodec="AAC", totalSamples=valid)
            o["_frames"] = "%d AAC packets of %d frames, priming %d, remainder %d, %d valid" % (
                packets, fpp, priming, rem, valid)
            return o
        g711 = {b"ulaw": "MuLaw", b"alaw": "ALaw"}.get(fid)
        o.update(audioCodec=g711 or "PCM", sampleFormat="float" if flags & 1 else "int",
                 bitDepth=16 if g711 else bits, containerBitDepth=8 if g711 else None)
        o["totalSamples"] = avail // bpp
        if n // bpp != avail // bpp:
            o["declaredSamples"] = n // bpp
        return o
    if b[:4] == b".snd":
        off, size, enc, rate, ch = struct.unpack(">5I", b[4:24])
        width = {1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 4, 7: 8, 27: 1}[enc]
        avail = len(b) - off
        size = avail if size == 0xFFFFFFFF else size
        g711 = {1: "MuLaw", 27: "ALaw"}.get(enc)
        o.update(fileFormat="AU", audioCodec=g711 or "PCM", sampleRate=rate, numberOfChannels=ch,
                 sampleFormat="float" if enc in (6, 7) else "int",
                 bitDepth=16 if g711 else 8 * width, containerBitDepth=8 if g711 else None,
                 totalSamples=min(size, avail) // (width * ch))
        if size // (width * ch) != o["totalSamples"]:
            o["declaredSamples"] = size // (width * ch)
        return o
    if b[:4] == b"DSD " and b[28:32] == b"fmt ":
        _, _, _, ch, rate, bits, count, block = struct.unpack("<IIIIIIQI", b[40:76])
        size = struct.unpack("<Q", b[84:92])[0] - 12
        avail = min(size, len(b) - 92)
        groups, rest = divmod(avail, ch * block)
        held = min(count, (groups * block + min(max(rest - (ch - 1) * block, 0), block)) * 8)
        o.update(fileFormat="DSF", audioCodec="DSD", sampleFormat="int", sampleRate=rate,
                 numberOfChannels=ch, bitDepth=1, totalSamples=held)
        if held != count:
            o["declaredSamples"] = count
        return o
    if b[:4] == b"FRM8":
        o.update(fileFormat="DSDIFF", sampleFormat="int", bitDepth=1)
        i = 16
        while i + 12 <= len(b):
            cid, n = b[i:i + 4], struct.unpack(">Q", b[i + 4:i + 12])[0]
            body = b[i + 12:i + 12 + n]
            if cid == b"PROP":
                j = 4
                while j + 12 <= len(body):
                    pid, m = body[j:j + 4], struct.unpack(">Q", body[j + 4:j + 12])[0]
                    if pid == b"FS  ":
                        o["sampleRate"] = struct.unpack(">I", body[j + 12:j + 16])[0]
                    if pid == b"CHNL":
                        o["numberOfChannels"] = struct.unpack(">H", body[j + 12:j + 14])[0]
                    if pid == b"CMPR":
                        o["audioCodec"] = body[j + 12:j + 15].decode()
                    j += 12 + m + (m & 1)
            if cid == b"DSD ":
                per = lambda k: k // o["numberOfChannels"] * 8
                o["totalSamples"] = per(len(body))
                if len(body) < n:
                    o["declaredSamples"] = per(n)
            if cid == b"DST ":
                frames = struct.unpack(">IH", body[12:18])
                o["totalSamples"] = frames[0] * o["sampleRate"] // frames[1]
                o["_frames"] = "%d DSTF chunks, FRTE %d" % (body.count(b"DSTF"), frames[0])
            i += 12 + n + (n & 1)
        return o
    return o


# ------------------------------------------------------------------ expected.tsv

def iso_duration(total, rate):
    """ISO 8601 duration rounded to the nearest ms (halves up), zero parts omitted."""
    ms = (2 * 1000 * total + rate) // (2 * rate)
    h, ms = divmod(ms, 3600000)
    m, ms = divmod(ms, 60000)
    s, ms = divmod(ms, 1000)
    out = "PT" + ("%dH" % h if h else "") + ("%dM" % m if m else "")
    if s or ms:
        out += str(s) + (("." + ("%03d" % ms).rstrip("0")) if ms else "") + "S"
    return "PT0S" if out == "PT" else out


def cmd_writetsv(rows, out):
    lines = ["\t".join(COLS)]
    for line in open(rows).read().splitlines():
        v = line.split("\t")
        assert len(v) == 14, v
        total, rate = v[9], v[4]
        dur = iso_duration(int(total), int(rate)) if total and rate else ""
        lines.append("\t".join(v[:11] + [dur] + v[11:]))
    assert iso_duration(1000, 44100) == "PT0.023S" and iso_duration(0, 44100) == "PT0S"
    assert iso_duration(44100 * 3600 + 22050, 44100) == "PT1H0.5S"
    assert iso_duration(44100 * 225, 44100) == "PT3M45S"
    with open(out, "w") as fh:
        fh.write("\n".join(lines) + "\n")


# ------------------------------------------------------------------ verify

def own_parse(path):
    """Independent byte-level reading of the fixture (what the spec says)."""
    b = rd(path)
    o = {}
    if b[:3] == b"ID3" and len(b) > 10:
        n = (b[6] << 21) | (b[7] << 14) | (b[8] << 7) | b[9]
        if b[10 + n:14 + n] == b"ajkg":
            b = b[10 + n:]
    if b[:4] == b"ajkg":
        w = shn_walk(b)
        h = w["head"]
        o.update(fileFormat="Shorten", audioCodec="Shorten", sampleFormat="int",
                 numberOfChannels=w["channels"], totalSamples=w["frames"])
        if h[:4] == b"RIFF":
            o.update(sampleRate=struct.unpack("<I", h[24:28])[0], bitDepth=struct.unpack("<H", h[34:36])[0])
            if not w["quit"]:
                o["declaredSamples"] = struct.unpack("<I", h[40:44])[0] // struct.unpack("<H", h[32:34])[0]
        o["_frames"] = "Shorten blocks hold %d frames%s" % (w["frames"], "" if w["quit"] else ", no QUIT")
        return o
    tracker = ("Impulse Tracker module" if b[:4] == b"IMPM" else
               "FastTracker 2 module" if b[:17] == b"Extended Module: " else
               "Scream Tracker 3 module" if b[44:48] == b"SCRM" else
               "ProTracker module" if b[1080:1084] in (b"M.K.", b"6CHN", b"8CHN") or b[1082:1084] == b"CH" else None)
    if tracker:
        o["_frames"] = "module, tracker header only"
        return dict(o, fileFormat="Module", audioCodec=tracker)
    if b[:4] in (b"wvpk", b"TTA1", b"MAC ", b"OFR ", b"tBaK"):
        return lossless_info(b)
    if b[:4] == b"MPCK" or b[:3] == b"MP+" or path.endswith(".mpc"):
        return mpc_info(b)
    if b[:16] == W64_RIFF or b[:4] in (b"caff", b".snd", b"FRM8") or \
            (b[:4] == b"DSD " and b[28:32] == b"fmt "):
        return own_parse_more(b, o)
    if b[:4] == b"OggS":
        g = ogg_info(b)
        o.update(fileFormat="OGG", audioCodec=g.get("codec"), sampleRate=g.get("rate"),
                 numberOfChannels=g.get("channels"), totalSamples=g["total"] if g["complete"] else None)
        if g.get("codec") == "FLAC":
            o.update(sampleFormat="int", bitDepth=g["bits"])
        o["_frames"] = "%s last granule %s%s%s" % (
            g.get("codec"), g["total"] + g.get("preskip", 0) if g["total"] is not None else None,
            ", pre-skip %d, input rate %d" % (g["preskip"], g["input_rate"]) if "preskip" in g else "",
            "" if g["complete"] else ", last page incomplete")
        return o
    if b[:2] == b"\x0b\x77" or (b[:1] == b"\xff" and b[1] & 0xF6 == 0xF0) or (
            b[:3] == b"ID3" and sync_walk(b, adts_header)[0]):
        parse, fmt = sync_parser(path)
        o.update(sync_info(b, parse, fmt))
        return o
    if b[:16] == ASF_HEADER:
        o.update(asf_info(b))
        return o
    if b[:4] == bytes.fromhex("1a45dfa3"):
        m = mkv_info(b)
        t = m.get("track")
        o["fileFormat"] = {"webm": "WebM", "matroska": "Matroska"}.get(m.get("doctype"))
        if not t:
            return o
        codec = {"A_OPUS": "Opus", "A_VORBIS": "Vorbis", "A_FLAC": "FLAC", "A_AAC": "AAC",
                 "A_MPEG/L3": "MP3", "A_AC3": "AC-3", "A_ALAC": "ALAC"}.get(t["codec"])
        if t["codec"].startswith("A_PCM"):
            codec = "PCM"
            o.update(sampleFormat="float" if "FLOAT" in t["codec"] else "int", bitDepth=t.get("bits"))
        pv = t.get("private", b"")
        rate, ch = int(t.get("rate", 0)), t.get("channels", 1)
        if codec == "FLAC":
            x = int.from_bytes(pv[18:26], "big")
            rate, ch = x >> 44, ((x >> 41) & 7) + 1
            o.update(sampleFormat="int", bitDepth=((x >> 36) & 31) + 1)
        if codec == "ALAC":
            c = pv[12:] if pv[4:8] == b"alac" else pv
            o.update(sampleFormat="int", bitDepth=c[5])
        if codec == "Opus":
            rate, ch = 48000, pv[9]
        o.update(audioCodec=codec, sampleRate=rate, numberOfChannels=ch)
        o["_frames"] = "%s, counts from ffmpeg's decode" % t["codec"]
        return o
    if b[4:8] == b"ftyp":
        m = mp4_info(b)
        alac = m["fourcc"] == "alac"
        o.update(fileFormat="MP4", audioCodec={"mp4a": "AAC", "alac": "ALAC"}.get(m["fourcc"]),
                 sampleFormat="int" if alac else None, bitDepth=m["bits"] if alac else None,
                 sampleRate=m["rate"], numberOfChannels=m["channels"], totalSamples=m["total"])
        o["_frames"] = "%s stts %d, elst %s (segment, media time, movie timescale)%s" % (
            m["fourcc"], m["media"], m.get("elst"),
            ", iTunSMPB priming %d padding %d length %d" % m["smpb"] if "smpb" in m else "")
        return o
    if path.endswith((".mp3", ".mp2")):
        m = mpeg_info(b)
        h = m["h"]
        o.update(fileFormat="MP3", audioCodec={1: "MP1", 2: "MP2", 3: "MP3"}[h["layer"]],
                 sampleRate=h["rate"], numberOfChannels=h["channels"], totalSamples=m["total"])
        if m.get("declared") is not None and m["declared"] != m["total"]:
            o["declaredSamples"] = m["declared"]
        x = m["xing"] or {}
        o["_frames"] = "%d frames%s%s%s%s" % (
            m["nframes"], ", %s frames %s delay %s padding %s" % (
                x["tag"], x.get("frames"), x.get("delay"), x.get("padding")) if x else ", no Xing",
            ", %d bytes before the first frame" % (m["start"] - m["id3end"]) if m["start"] > m["id3end"] else "",
            ", %d bytes between frames" % m["lost"] if m["lost"] else "",
            ", %d bytes after the last frame" % (len(b) - m["end"]) if m["end"] < len(b) else "")
        return o
    if b[:4] in (b"RIFF", b"RIFX", b"RF64", b"BW64") and b[8:12] == b"WAVE":
        e = ">" if b[:4] == b"RIFX" else "<"
        o["fileFormat"] = {b"RIFF": "WAV", b"RIFX": "WAV"}.get(b[:4], b[:4].decode())
        i, ds64, fmt, fact, data = 12, None, None, None, None
        while i + 8 <= len(b):
            cid, n = b[i:i + 4], struct.unpack(e + "I", b[i + 4:i + 8])[0]
            if cid == b"ds64":
                ds64 = struct.unpack("<QQQ", b[i + 8:i + 32])
            if cid == b"fmt ":
                fmt = b[i + 8:i + 8 + n]
            if cid == b"fact":
                fact = struct.unpack(e + "I", b[i + 8:i + 12])[0]
            if cid == b"data":
                if n == 0xFFFFFFFF and ds64:
                    n = ds64[1]
                data = (i + 8, n)
                if n in (0, 0xFFFFFFFF):
                    break
            i += 8 + n + (n & 1)
        if not fmt or not data:
            return o
        tag, ch, rate, _, ba, bits = struct.unpack(e + "HHIIHH", fmt[:16])
        if ch == 0 or rate == 0 or ba == 0:
            return o
        o["sampleRate"], o["numberOfChannels"], o["bitDepth"] = rate, ch, bits
        if tag == 0xFFFE:
            o["bitDepth"] = struct.unpack(e + "H", fmt[18:20])[0]
            if o["bitDepth"] != bits:
                o["containerBitDepth"] = bits
            o["channelMask"] = struct.unpack(e + "I", fmt[20:24])[0]
            tag = struct.unpack(e + "H", fmt[24:26])[0]
        # DDEX AudioCodecType words; ADPCM is lossy, so no bit depth.
        o["audioCodec"] = {1: "PCM", 3: "PCM", 6: "ALaw", 7: "MuLaw", 0x11: "ADPCM"}[tag]
        if tag == 0x11:
            o["bitDepth"] = None
        if tag in (6, 7):
            # G.711: the decoded width, and the coded width as the container.
            o["bitDepth"], o["containerBitDepth"] = 16, 8
        o["sampleFormat"] = {1: "int", 3: "float", 6: "int", 7: "int"}.get(tag)
        size = data[1] if data[1] not in (0, 0xFFFFFFFF) else len(b) - data[0]
        avail = min(size, len(b) - data[0])
        if tag in (1, 3, 6, 7):
            o["totalSamples"] = avail // ba
            if size // ba != avail // ba:
                o["declaredSamples"] = size // ba
        else:
            o["totalSamples"] = fact
        return o
    if b[:4] == b"FORM" and b[8:12] in (b"AIFF", b"AIFC"):
        o["fileFormat"] = b[8:12].decode()
        comm = ssnd = None
        for cid, off, n in iff_chunks(b):
            if cid == b"COMM":
                comm = b[off + 8:off + 8 + n]
            if cid == b"SSND":
                ssnd = (off, n)
        ch, frames, bits = struct.unpack(">HIH", comm[:8])
        rate = ext80(comm[8:18])
        comp = comm[18:22] if o["fileFormat"] == "AIFC" else b"NONE"
        o.update(sampleRate=int(rate), numberOfChannels=ch, bitDepth=bits)
        o["audioCodec"] = {b"alaw": "ALaw", b"ulaw": "MuLaw"}.get(comp, "PCM")
        if comp in (b"alaw", b"ulaw"):
            # G.711: the decoded width, and the coded width as the container.
            o["bitDepth"], o["containerBitDepth"] = 16, 8
        o["sampleFormat"] = "float" if comp in (b"fl32", b"fl64") else "int"
        width = {b"alaw": 1, b"ulaw": 1, b"fl32": 4, b"fl64": 8}.get(comp, (bits + 7) // 8)
        dataoff = struct.unpack(">I", b[ssnd[0] + 8:ssnd[0] + 12])[0]
        start = ssnd[0] + 16 + dataoff
        avail = min(ssnd[1] - 8 - dataoff, len(b) - start)
        o["totalSamples"] = avail // (width * ch)
        if o["totalSamples"] != frames:
            o["declaredSamples"] = frames
        return o
    if b[:4] == b"fLaC" or (b[:3] == b"ID3" and b"fLaC" in b[:4096]):
        o["fileFormat"] = "FLAC"
        s, blocks, _ = flac_meta(b)
        if blocks[0][0] != 0:
            return o
        si = streaminfo(b, blocks[0][1])
        frames, end = flac_frames(b)
        counted = sum(bs for _, bs, ok in frames if ok)
        # A stream that stops short of STREAMINFO's total holds the samples
        # of its complete frames; the header's figure is then declaredSamples.
        complete = all(ok for _, _, ok in frames)
        short = si["total"] and (not complete or counted < si["total"])
        o.update(audioCodec="FLAC", sampleFormat="int", sampleRate=si["rate"],
                 bitDepth=si["bits"], numberOfChannels=si["channels"],
                 totalSamples=counted if short else (si["total"] or counted))
        if short:
            o["declaredSamples"] = si["total"]
        o["_frames"] = "%d frames (%s), %d samples in complete frames, stream ends at %d of %d" % (
            len(frames), "last incomplete" if frames and not frames[-1][2] else "all complete",
            counted, end, len(b))
        o["_md5"] = si["md5"]
        return o
    return o


def run(args):
    p = subprocess.run(args, capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else None


def tool_view(path):
    """What ffprobe/ffmpeg (decoded count), soxi and metaflac say."""
    t = {}
    j = run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path])
    if j:
        js = json.loads(j)
        st = [s for s in js.get("streams", []) if s.get("codec_type") == "audio"]
        t["ff.format"] = js.get("format", {}).get("format_name")
        if st:
            s = st[0]
            t["ff.codec"] = s.get("codec_name")
            t["ff.rate"] = int(s.get("sample_rate", 0))
            t["ff.channels"] = s.get("channels")
            t["ff.bits"] = s.get("bits_per_raw_sample") or s.get("bits_per_sample")
            t["ff.duration_ts"] = s.get("duration_ts")
            if t["ff.format"] and "mp4" in t["ff.format"]:
                t["ff.duration_ts"] = int(s.get("duration_ts") or 0)
            else:
                del t["ff.duration_ts"]
            pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:a:0",
                                  "-ac", "1", "-f", "s16le", "-"], capture_output=True)
            t["ff.decoded"] = len(pcm.stdout) // 2
    s = run(["soxi", "-s", path])
    if s:
        t["sox.samples"] = int(s)
        t["sox.rate"] = int(float(run(["soxi", "-r", path])))
        t["sox.channels"] = int(run(["soxi", "-c", path]))
        t["sox.bits"] = run(["soxi", "-b", path])
    m = run(["metaflac", "--show-total-samples", "--show-md5sum", path])
    if m:
        tot, md5 = m.split()
        t["metaflac.total"], t["metaflac.md5"] = int(tot), md5
    return t


# Known, explained disagreements between a tool and the expected value.
KNOWN = {
    ("caf-aac-44k-stereo.caf", "ff.decoded"): "ffmpeg's CAF demuxer ignores the packet table's priming (1024) and remainder (120): it decodes all 6 x 1024",
    ("caf-aac-44k-stereo.caf", "ff.duration_ts"): "ffprobe counts whole packets (6 x 1024), not the packet table's valid frames",
    ("ogg-speex-one-page.ogg", "ff.decoded"): "ffmpeg's Speex decoder outputs whole frames (25 x 320 = 8000) and does not trim to the last granule position",
    ("m4a-aac-fragment-after-edit-mehd.m4a", "ff.duration_ts"): "ffprobe gives every sample of the moov and the fragment (11024), the priming included",
    ("m4a-aac-fragment-after-edit.m4a", "ff.duration_ts"): "ffprobe gives every sample of the moov and the fragment (11024), past the edit list's end",
    ("m4a-aac-fragment-after-edit.m4a", "ff.decoded"): "ffmpeg decodes the fragment too (10240 after the priming): the edit list ends before it",
    ("wav-extensible-24in32-48k-stereo.wav", "ff.bits"): "ffprobe shows the 32-bit container, not the 24 valid bits",
    ("wav-extensible-20in24-96k-stereo.wav", "ff.bits"): "ffprobe shows the 24-bit container, not the 20 valid bits",
    ("pair-master-24in32.wav", "ff.bits"): "ffprobe shows the 32-bit container, not the 24 valid bits",
    ("wav-data-size-unset.wav", "sox.samples"): "soxi takes the 0xFFFFFFFF data size at face value",
    ("wav-data-size-zero.wav", "sox.samples"): "soxi takes the data size 0 at face value",
    ("flac-total-samples-zero.flac", "sox.samples"): "soxi reports the STREAMINFO total (0 = unknown)",
    ("mp3-leading-junk.mp3", "ff.decoded"): "ffmpeg 5.1 does not find the Info/LAME frame after junk: no gapless trimming, 11 x 1152",
    ("m4a-aac-itunsmpb.m4a", "ff.duration_ts"): "ffprobe ignores iTunSMPB: without an edit list it gives the stts total 6024",
    ("m4a-aac-elst-ms.m4a", "ff.duration_ts"): "ffprobe follows the edit list rounded to 113 ms (4983); stts - priming = 5000 = input frames",
    ("mp3-garbage-between-frames.mp3", "ff.decoded"): "ffmpeg's parser hands the junk and the frame after it to the decoder as one packet (Header missing): one frame lost; every frame is intact",
    ("mp3-id3-zero-padding.mp3", "ff.decoded"): "ffmpeg 5.1 does not find the Info/LAME frame after the zero padding and the second tag: no gapless trimming, 11 x 1152",
    ("mp3-trailing-zeros.mp3", "ff.decoded"): "ffmpeg 5.1 ignores the LAME tag when its byte count is not the file's and decodes the zeros' share of a frame: 10415",
    ("mp3-lame-impossible-gapless.mp3", "ff.decoded"): "ffmpeg 5.1 applies the impossible tag and outputs only the 529 decoder-delay samples it cannot trim",
    ("ac3-junk-between-frames.ac3", "ff.decoded"): "ffmpeg's parser hands the junk and the frame after it to the decoder as one packet: one frame lost; every frame is intact",
    ("asf-mp3-44k-stereo.asf", "ff.decoded"): "ASF declares a duration (ms granularity from ffmpeg's muxer), not a sample count: the estimate is play duration - preroll; ffmpeg decodes whole MP3 frames (10 x 1152)",
    ("caf-alac-data-short.caf", "ff.decoded"): "the data chunk lost the last 100 bytes of the second packet: ffmpeg drops that packet (4096); the headers say 8192, --verify reports truncated_data",
    ("mp3-corrupt-frame.mp3", "ff.decoded"): "ffmpeg drops the corrupt frame (big_values too big): 1152 fewer; the headers say 10000",
}

# Counts the byte-level parse does not reach: damage that only a full decode
# (--verify) finds (the header probe's record, expected.tsv, keeps what the
# headers say; the byte-level frame walk and ffmpeg see the damage;
# testdata/verify.tsv has what --verify reports), and MP4 figures from boxes
# the parse does not read (mdhd, movie fragments).
DECODE_ONLY = {
    "m4a-alac-mdhd-short-of-whole-frame.m4a": "the parse sums stts (12288, the last frame counted whole); mdhd says 10000, the last ALAC frame holds 1808 samples, ffmpeg decodes 10000",
    "m4a-aac-fragment-after-edit-mehd.m4a": "the parse reads the moov only (the edit list's 5120); the movie fragment adds 5 frames, mehd covers them: 11024 - 1024",
    "wavpack-bad-block-checksum.wv": "ffmpeg rejects the block whose ID_BLOCK_CHECKSUM fails: the headers say 2000",
    "ape-3990-16bit-44k-stereo.ape": "the frames are arbitrary bytes (no APE encoder here): ffmpeg decodes garbage; the header says 74728",
    "tak-16bit-44k-stereo.tak": "the frames are arbitrary bytes (no TAK encoder here): ffmpeg decodes nothing; STREAMINFO says 5000",
    "flac-bitflip-in-frame.flac": "a frame's CRC-16 fails: only --verify reads it",
    "flac-total-samples-short.flac": "the byte-level parse takes STREAMINFO's total",
    "flac-missing-frame.flac": "a frame is missing mid-stream: only --verify walks every frame",
    "ogg-vorbis-chain-differ.ogg": "the byte-level parse takes the last granule, the second link's; only the first link is measured",
}
for _f, _why in DECODE_ONLY.items():
    KNOWN[(_f, "ff.decoded")] = _why

# Known by codec: where ffmpeg 5.1's decode is not the gapless count.
KNOWN_CODEC = {
    ("Shorten", "ff.bits"): "ffprobe shows no bit depth for Shorten; the embedded WAV header's is the truth",
    ("Musepack", "ff.decoded"): "the frames are arbitrary bits (no Musepack encoder here): ffmpeg's decode of them is not the stream's count",
    ("DSD", "ff.rate"): "ffmpeg decodes DSD to PCM at the DSD rate / 8; the DSD rate is the truth",
    ("DSD", "ff.decoded"): "ffmpeg decodes DSD to PCM at the DSD rate / 8 (samples / 8)",
    ("DSD", "ff.bits"): "ffprobe shows no bit depth for DSD",
    ("DST", "ff.rate"): "ffmpeg decodes DST to PCM at the DSD rate / 8",
    ("DST", "ff.decoded"): "the DSTF frames are placeholder bytes: nothing for ffmpeg to decode",
    ("DST", "ff.bits"): "ffprobe shows no bit depth for DST",
    ("Vorbis", "ff.decoded"): "ffmpeg 5.1 does not trim Vorbis to the last granule position; the granule is the truth",
    ("WMA", "ff.decoded"): "ASF declares a duration (ms granularity from ffmpeg's muxer), not a sample count: the estimate is play duration - preroll; ffmpeg's WMA decoder outputs whole frames of 2048 less its first",
    ("AAC", "ff.decoded"): "ffmpeg 5.1 skips the edit list's priming but decodes the last AAC frame whole; the edit list (= ffprobe duration_ts = input frames) is the truth",
}
LOSSY = ("MP3", "OGG", "MP4", "AAC", "AC3", "ASF", "Matroska", "WebM")


def cmd_verify(outdir):
    rows = [dict(zip(COLS, l.split("\t"))) for l in
            open(os.path.join(outdir, "expected.tsv")).read().splitlines()[1:]]
    files = sorted(f for f in os.listdir(outdir)
                   if f not in ("expected.tsv", "verify.tsv", "README.md")
                   and not os.path.isdir(os.path.join(outdir, f)))
    assert sorted(r["file"] for r in rows) == files, "expected.tsv and testdata/ disagree"
    vrows = open(os.path.join(outdir, "verify.tsv")).read().splitlines()[1:]
    for line in vrows:
        name = line.split("\t")[0]
        assert name in files, "verify.tsv lists %s, which is not a fixture" % name
    problems = 0
    for r in rows:
        path = os.path.join(outdir, r["file"])
        own, tv = own_parse(path), tool_view(path)
        notes = []
        # 1. own byte-level parse must match every filled expected column
        for k in ["fileFormat", "audioCodec", "sampleFormat", "sampleRate", "bitDepth",
                  "containerBitDepth", "numberOfChannels", "channelMask",
                  "totalSamples", "declaredSamples"]:
            if str("" if own.get(k) is None else own[k]) != r[k]:
                if k in ("totalSamples", "declaredSamples") and r["fileFormat"] in ("Matroska", "WebM"):
                    notes.append("known %s: expected %r, from ffmpeg's decode (the byte-level parse reads headers only)" % (k, r[k]))
                    continue
                if r["file"] in DECODE_ONLY and k in ("totalSamples", "declaredSamples"):
                    notes.append("known %s: expected %r, bytes say %r (%s)" % (
                        k, r[k], own.get(k), DECODE_ONLY[r["file"]]))
                    continue
                notes.append("OWN-PARSE %s: expected %r, bytes say %r" % (k, r[k], own.get(k)))
        # 2. external tools (only where the fixture is a complete, supported file)
        total = int(r["totalSamples"]) if r["totalSamples"] else None
        checks = {"ff.rate": r["sampleRate"], "sox.rate": r["sampleRate"],
                  "ff.channels": r["numberOfChannels"], "sox.channels": r["numberOfChannels"],
                  "ff.bits": r["bitDepth"], "sox.bits": r["bitDepth"],
                  "ff.decoded": r["totalSamples"], "sox.samples": r["totalSamples"],
                  "metaflac.total": r["totalSamples"] if r["durationSource"] == "header" else "0",
                  "ff.duration_ts": r["totalSamples"]}
        if r["fileFormat"] in LOSSY:
            # soxi's counts for lossy files are not gapless (whole MP3 frames);
            # only its rate and channels are compared
            checks.pop("sox.samples")
        for k, want in checks.items():
            if k not in tv or not want or r["errors"]:
                continue
            if k in ("ff.bits", "sox.bits") and r["audioCodec"] in ("ALaw", "MuLaw", "ADPCM") or \
                    k == "ff.bits" and r["sampleFormat"] == "float" and not tv[k]:
                continue
            if str(tv[k]) != want:
                why = KNOWN.get((r["file"], k)) or KNOWN_CODEC.get((r["audioCodec"], k))
                notes.append("%s %s: expected %s, tool says %s%s" % (
                    "known" if why else "DIFF", k, want, tv[k], " (%s)" % why if why else ""))
                problems += 0 if why else 1
        if "metaflac.md5" in tv and not r["errors"]:
            md5_zero = tv["metaflac.md5"] == "0" * 32
            if md5_zero != ("md5_unset" in r["warnings"]):
                notes.append("DIFF md5_unset vs metaflac md5 %s" % tv["metaflac.md5"])
                problems += 1
        problems += sum(1 for n in notes if n.startswith("OWN-PARSE"))
        info = (" " + own["_frames"]) if "_frames" in own else ""
        if r["errors"] and tv.get("ff.decoded") is not None:
            info += " ffmpeg decodes %d frames" % tv["ff.decoded"]
        print("%-42s %s%s" % (r["file"], "ok" if not notes else "--", info))
        for n in notes:
            print("    " + n)
    if problems:
        raise SystemExit("verify: %d unexplained disagreement(s)" % problems)
    print("verify: all expectations agree with the byte-level parse and the tools (known differences listed)")


ADM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2016" xmlns:dc="http://purl.org/dc/elements/1.1/">
<coreMetadata><format><audioFormatExtended version="ITU-R_BS.2076-2">
<audioProgramme audioProgrammeID="APR_1001" audioProgrammeName="ddexprobe"><audioContentIDRef>ACO_1001</audioContentIDRef></audioProgramme>
<audioContent audioContentID="ACO_1001" audioContentName="Mix"><audioObjectIDRef>AO_1001</audioObjectIDRef><audioObjectIDRef>AO_1002</audioObjectIDRef></audioContent>
<audioObject audioObjectID="AO_1001" audioObjectName="Bed"><audioPackFormatIDRef>AP_00010002</audioPackFormatIDRef><audioTrackUIDRef>ATU_00000001</audioTrackUIDRef><audioTrackUIDRef>ATU_00000002</audioTrackUIDRef></audioObject>
<audioObject audioObjectID="AO_1002" audioObjectName="Object 1"><audioPackFormatIDRef>AP_00031001</audioPackFormatIDRef><audioTrackUIDRef>ATU_00000003</audioTrackUIDRef></audioObject>
<audioPackFormat audioPackFormatID="AP_00031001" audioPackFormatName="Object 1" typeLabel="0003" typeDefinition="Objects"><audioChannelFormatIDRef>AC_00031001</audioChannelFormatIDRef></audioPackFormat>
<audioChannelFormat audioChannelFormatID="AC_00031001" audioChannelFormatName="Object 1" typeLabel="0003" typeDefinition="Objects"><audioBlockFormat audioBlockFormatID="AB_00031001_00000001"><position coordinate="azimuth">30.0</position><position coordinate="elevation">0.0</position><position coordinate="distance">1.0</position></audioBlockFormat></audioChannelFormat>
<audioStreamFormat audioStreamFormatID="AS_00031001" audioStreamFormatName="PCM_Object 1" formatLabel="0001" formatDefinition="PCM"><audioChannelFormatIDRef>AC_00031001</audioChannelFormatIDRef><audioTrackFormatIDRef>AT_00031001_01</audioTrackFormatIDRef></audioStreamFormat>
<audioTrackFormat audioTrackFormatID="AT_00031001_01" audioTrackFormatName="PCM_Object 1" formatLabel="0001" formatDefinition="PCM"><audioStreamFormatIDRef>AS_00031001</audioStreamFormatIDRef></audioTrackFormat>
<audioTrackUID UID="ATU_00000001"><audioTrackFormatIDRef>AT_00010001_01</audioTrackFormatIDRef><audioPackFormatIDRef>AP_00010002</audioPackFormatIDRef></audioTrackUID>
<audioTrackUID UID="ATU_00000002"><audioTrackFormatIDRef>AT_00010002_01</audioTrackFormatIDRef><audioPackFormatIDRef>AP_00010002</audioPackFormatIDRef></audioTrackUID>
<audioTrackUID UID="ATU_00000003"><audioTrackFormatIDRef>AT_00031001_01</audioTrackFormatIDRef><audioPackFormatIDRef>AP_00031001</audioPackFormatIDRef></audioTrackUID>
</audioFormatExtended></format></coreMetadata></ebuCoreMain>
"""

CHNA_TRACKS = [(1, "ATU_00000001", "AT_00010001_01", "AP_00010002"),
               (2, "ATU_00000002", "AT_00010002_01", "AP_00010002"),
               (3, "ATU_00000003", "AT_00031001_01", "AP_00031001")]


def chna_payload(entries, tracks, uids):
    p = struct.pack("<HH", tracks, uids)
    for i, uid, at, ap in entries:
        p += struct.pack("<H12s14s11sx", i, uid.encode(), at.encode(), ap.encode())
    return p


def cmd_adm(path, variant):
    """Rebuild a plain RIFF WAVE as BW64 (BS.2088: ds64 first, 32-bit sizes
    0xFFFFFFFF) with ADM chunks: full = chna before data + axml after it;
    axml = axml only; chnashort = chna declaring 3 UIDs holding 2, + axml."""
    r = Riff(rd(path))
    assert r.magic == b"RIFF", path
    fmt, data = r.get("fmt "), r.get("data")
    axml = ADM_XML.encode()
    before, after = [], []
    if variant == "full":
        before.append((b"chna", chna_payload(CHNA_TRACKS, 3, 3)))
    elif variant == "chnashort":
        before.append((b"chna", chna_payload(CHNA_TRACKS[:2], 3, 3)))
    elif variant != "axml":
        raise SystemExit("unknown adm variant " + variant)
    after.append((b"axml", axml))

    def ck(cid, p, size=None):
        n = len(p) if size is None else size
        return cid + struct.pack("<I", n) + p + b"\0" * (len(p) & 1)
    rest = ck(b"fmt ", fmt) + b"".join(ck(c, p) for c, p in before) + \
        ck(b"data", data, 0xFFFFFFFF) + b"".join(ck(c, p) for c, p in after)
    ds64_len = 8 + 28
    riff_size = 4 + ds64_len + len(rest)
    frames = len(data) // struct.unpack("<H", fmt[12:14])[0]
    ds64 = ck(b"ds64", struct.pack("<QQQI", riff_size, len(data), frames, 0))
    wr(path, b"BW64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + ds64 + rest)

# ------------------------------------------------------------------ AAC (ADTS), AC-3, E-AC-3

AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]
AC3_KBPS = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640]
ACMOD_CH = [2, 1, 2, 3, 3, 4, 4, 5]


def adts_header(b, i):
    """ISO 14496-3 1.A.2.2: the ADTS fixed and variable header at i."""
    if i + 7 > len(b) or b[i] != 0xFF or b[i + 1] & 0xF6 != 0xF0:
        return None
    sfi = (b[i + 2] >> 2) & 15
    if sfi >= 13:
        return None
    size = ((b[i + 3] & 3) << 11) | (b[i + 4] << 3) | (b[i + 5] >> 5)
    ch = ((b[i + 2] & 1) << 2) | (b[i + 3] >> 6)
    return {"size": size, "rate": AAC_RATES[sfi], "channels": 8 if ch == 7 else ch,
            "samples": 1024 * ((b[i + 6] & 3) + 1), "counts": True, "codec": "AAC"}


def ac3_header(b, i):
    """A/52 5.3.1-5.3.2 (AC-3 syncinfo, bsi) and E.1.2.1-E.1.2.2 (E-AC-3)."""
    if i + 8 > len(b) or b[i:i + 2] != b"\x0b\x77":
        return None
    bsid = b[i + 5] >> 3
    if bsid <= 10:
        fscod, code = b[i + 4] >> 6, b[i + 4] & 63
        if fscod == 3 or code >= 38:
            return None
        kbps = AC3_KBPS[code >> 1]
        words = [kbps * 2, kbps * 1000 * 1536 // (44100 * 16) + (code & 1), kbps * 3][fscod]
        acmod = b[i + 6] >> 5
        bit = 3 + (2 if acmod & 1 and acmod != 1 else 0) + (2 if acmod & 4 else 0) + (2 if acmod == 2 else 0)
        lfe = ((b[i + 6] << 8 | b[i + 7]) >> (15 - bit)) & 1
        return {"size": words * 2, "rate": [48000, 44100, 32000][fscod] >> max(0, bsid - 8),
                "channels": ACMOD_CH[acmod] + lfe, "samples": 1536, "counts": True, "codec": "AC-3"}
    if bsid <= 16:
        strmtyp, subid = b[i + 2] >> 6, (b[i + 2] >> 3) & 7
        size = (((b[i + 2] & 7) << 8) | b[i + 3]) * 2 + 2
        fscod = b[i + 4] >> 6
        if fscod == 3:
            rate, blocks = [24000, 22050, 16000][(b[i + 4] >> 4) & 3], 6
        else:
            rate, blocks = [48000, 44100, 32000][fscod], [1, 2, 3, 6][(b[i + 4] >> 4) & 3]
        ch = ACMOD_CH[(b[i + 4] >> 1) & 7] + (b[i + 4] & 1)
        return {"size": size, "rate": rate, "channels": ch, "samples": 256 * blocks,
                "counts": strmtyp != 1 and subid == 0, "codec": "E-AC-3"}
    return None


def sync_walk(b, parse):
    """-> ([(offset, header)], bytes lost between frames, complete): every
    frame from the first header after any ID3v2 tag, resynchronising on the
    next header followed by another (or by the end)."""
    i = id3v2_end(b)
    while i < len(b) and b[i] == 0:
        i += 1
    def good(j):
        h = parse(b, j)
        return h and h["size"] > 0 and (j + h["size"] == len(b) or parse(b, j + h["size"]))
    while i < len(b) and not good(i):
        i += 1
    frames, lost, complete = [], 0, True
    while i < len(b):
        h = parse(b, i)
        if h and i + h["size"] <= len(b):
            frames.append((i, h))
            i += h["size"]
            continue
        if h:
            complete = False
            break
        j = i + 1
        while j < len(b) and not good(j):
            j += 1
        lost += j - i
        i = j
    return frames, lost, complete


def sync_info(b, parse, fmt):
    frames, lost, complete = sync_walk(b, parse)
    h = frames[0][1]
    return {"fileFormat": fmt, "audioCodec": h["codec"], "sampleRate": h["rate"],
            "numberOfChannels": h["channels"],
            "totalSamples": sum(f[1]["samples"] for f in frames if f[1]["counts"]),
            "_frames": "%d frames%s%s" % (len(frames), ", %d bytes lost" % lost if lost else "",
                                          "" if complete else ", last frame cut")}


def sync_parser(path):
    b = rd(path)
    return (ac3_header, "AC3") if b.find(b"\x0b\x77") >= 0 and sync_walk(b, ac3_header)[0] else (adts_header, "AAC")


def cmd_syncjunk(path, after, n):
    """Insert n junk bytes (no 0xFF, no 0x0B) after frame `after`."""
    b = rd(path)
    parse, _ = sync_parser(path)
    frames, _, _ = sync_walk(b, parse)
    at = frames[int(after) + 1][0]
    junk = bytes(0x20 + (i * 11 + 5) % 0x5F for i in range(int(n)))
    wr(path, b[:at] + junk + b[at:])


def cmd_synccut(path, frame, keep):
    """Cut the file `keep` bytes into frame `frame` (negative: from the last)."""
    b = rd(path)
    parse, _ = sync_parser(path)
    frames, _, _ = sync_walk(b, parse)
    wr(path, b[:frames[int(frame)][0] + int(keep)])


def cmd_syncxor(path, frame, at, mask):
    """XOR `mask` into byte `at` of frame `frame`."""
    b = bytearray(rd(path))
    parse, _ = sync_parser(path)
    frames, _, _ = sync_walk(bytes(b), parse)
    b[frames[int(frame)][0] + int(at)] ^= int(mask, 0)
    wr(path, bytes(b))


# ------------------------------------------------------------------ ASF

ASF_HEADER = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
ASF_FILE_PROPS = bytes.fromhex("a1dcab8c47a9cf118ee400c00c205365")
ASF_STREAM_PROPS = bytes.fromhex("9107dcb7b7a9cf118ee600c00c205365")
ASF_AUDIO = bytes.fromhex("409e69f84d5bcf11a8fd00805f5c442b")


def asf_objects(b):
    """-> {guid: (offset, size)} of the Header Object's children (the first of each)."""
    hsize, count = struct.unpack("<QI", b[16:28])
    out, i = {}, 30
    for _ in range(count):
        g, size = b[i:i + 16], struct.unpack("<Q", b[i + 16:i + 24])[0]
        out.setdefault(g, (i, size))
        i += size
    return out, hsize


def asf_info(b):
    """ASF spec 3.2 (File Properties) and 3.3 (Stream Properties, WAVEFORMATEX)."""
    objs, hsize = asf_objects(b)
    fp = objs[ASF_FILE_PROPS][0] + 24
    play, _send, preroll, flags = struct.unpack("<QQQI", b[fp + 40:fp + 68])
    sp = objs[ASF_STREAM_PROPS][0] + 24
    assert b[sp:sp + 16] == ASF_AUDIO
    tag, ch, rate = struct.unpack("<HHI", b[sp + 54:sp + 62])
    bits = struct.unpack("<H", b[sp + 68:sp + 70])[0]
    codec = {0x160: "WMA", 0x161: "WMA", 0x162: "WMA", 0x163: "WMA", 0x55: "MP3"}.get(tag)
    total = None if flags & 1 else ((play - preroll * 10000) * rate + 5000000) // 10000000
    return {"fileFormat": "ASF", "audioCodec": codec, "sampleRate": rate,
            "numberOfChannels": ch, "bitDepth": bits if tag == 0x163 else None,
            "totalSamples": total,
            "_frames": "play duration %d x 100 ns, preroll %d ms, flags %d" % (play, preroll, flags)}


def cmd_asfbroadcast(path):
    """Set the File Properties Object's broadcast flag."""
    b = bytearray(rd(path))
    objs, _ = asf_objects(bytes(b))
    at = objs[ASF_FILE_PROPS][0] + 24 + 64
    struct.pack_into("<I", b, at, struct.unpack("<I", b[at:at + 4])[0] | 1)
    wr(path, bytes(b))



# Musepack (SV8 packets, SV7 and SV5 bit-packed frames), from the
# specifications: headers exact, audio payload arbitrary bits (no Musepack
# encoder here), so the files do not decode to sound.

def mpc_varint(v):
    out = [v & 0x7F]
    v >>= 7
    while v:
        out.append(0x80 | (v & 0x7F))
        v >>= 7
    return bytes(reversed(out))


def mpc_packet(key, data):
    # The size counts the key and the size bytes themselves.
    n = len(data) + 3
    while len(mpc_varint(n)) + 2 + len(data) != n:
        n += 1
    return key + mpc_varint(n) + data


def cmd_mpc8(path, samples, silence, rate_index, channels, fpp, variant=""):
    samples, silence, ri, ch, fpp = map(int, (samples, silence, rate_index, channels, fpp))
    sh = bytes([8]) + mpc_varint(samples) + mpc_varint(silence) + \
        bytes([(ri << 5) | 19, ((ch - 1) << 4) | 8 | fpp])
    crc = zlib.crc32(sh)
    if variant == "badcrc":
        crc ^= 1
    b = b"MPCK" + mpc_packet(b"SH", struct.pack(">I", crc) + sh)
    b += mpc_packet(b"RG", bytes([1]) + bytes(8))
    b += mpc_packet(b"EI", bytes([0x0B << 1, 1, 16, 0]))
    frames = -(-samples // 1152)
    packets = -(-frames // (1 << (2 * fpp)))
    at = []
    for i in range(packets):
        at.append(len(b))
        b += mpc_packet(b"AP", payload(150 + 11 * i, seed=i + 3))
    if variant != "nose":
        b += mpc_packet(b"SE", b"")
    if variant == "cut":
        b = b[:at[1] + 60]
    if variant == "id3":
        wr(path, b)
        cmd_id3prepend(path)
        return
    wr(path, b)


def mpc_words(bits):
    """A string of '0'/'1' -> little-endian 32-bit words, most significant bit first."""
    bits += "0" * (-len(bits) % 32)
    return b"".join(struct.pack("<I", int(bits[i:i + 32], 2)) for i in range(0, len(bits), 32))


def mpc_frames(n, first_len):
    out = ""
    for i in range(n):
        length = first_len + 37 * i
        data = payload(length // 8 + 1, seed=i + 11)
        out += format(length, "020b") + "".join(format(x, "08b") for x in data)[:length]
    return out


def cmd_mpc7(path, frames, written, rate_index, last, gapless, variant=""):
    frames, written, ri, last, gapless = map(int, (frames, written, rate_index, last, gapless))
    word = lambda v: format(v & 0xFFFFFFFF, "032b")
    head = word(struct.unpack("<I", b"MP+\x07")[0]) + word(frames)
    # intensity 0, mid/side 1, max band 20, profile 10, link 0, rate index
    head += word((1 << 30) | (20 << 24) | (10 << 20) | (ri << 16))
    head += word(0) + word(0)
    head += word((gapless << 31) | (last << 20))
    head += format(115, "08b")  # encoder 1.15: the top byte of word 6
    b = mpc_words(head + mpc_frames(written, 900))
    if variant == "cut":
        b = b[:28 + 3 * 120 + 30]
    wr(path, b)
    if variant == "id3":
        cmd_id3prepend(path)


def cmd_mpc5(path, frames):
    """SV5: header word (version 5, block size 1, max band 20) and the frame
    count, which counts one more frame than plays: written cut short."""
    frames = int(frames)
    word = (5 << 11) | (20 << 6) | 1
    head = format(word, "032b") + format(frames, "032b")
    body = mpc_frames(frames, 700)
    b = mpc_words(head + body[:-300])
    wr(path, b)


def mpc_info(b):
    """Musepack headers and walks -> own_parse fields."""
    o = {"fileFormat": "Musepack", "audioCodec": "Musepack"}
    start = id3v2_end(b) if b[:3] == b"ID3" else 0
    b = b[start:]
    rates = [44100, 48000, 37800, 32000]

    def varint(i):
        v = 0
        while True:
            v, i = (v << 7) | (b[i] & 0x7F), i + 1
            if not b[i - 1] & 0x80:
                return v, i
    if b[:4] == b"MPCK":
        n, j = varint(6)
        sh = b[j:4 + n]
        if zlib.crc32(sh[4:]) != struct.unpack(">I", sh[:4])[0]:
            return {"fileFormat": "Musepack", "audioCodec": "Musepack"}
        samples, k = varint(j + 5)
        silence, k = varint(k)
        o.update(sampleRate=rates[b[k] >> 5], numberOfChannels=(b[k + 1] >> 4) + 1)
        fpp = 1 << (2 * (b[k + 1] & 7))
        i, aps, ended, whole = 4 + n, 0, False, True
        while i < len(b):
            n, j = varint(i + 2)
            if i + n > len(b):
                whole = False
                break
            aps += b[i:i + 2] == b"AP"
            ended = b[i:i + 2] == b"SE"
            i += n
            if ended:
                break
        held = max(min(aps * fpp * 1152, samples) - silence, 0)
        o["totalSamples"] = held if not (whole and ended) else samples - silence
        if not (whole and ended) and held != samples - silence:
            o["declaredSamples"] = samples - silence
        o["_frames"] = "SV8 %d samples, %d silence, %d audio packets of %d frames%s" % (
            samples, silence, aps, fpp, "" if whole and ended else ", cut short")
        return o
    o.update(sampleRate=44100, numberOfChannels=2)
    bits = "".join(format(struct.unpack("<I", b[i:i + 4])[0], "032b") for i in range(0, len(b) - 3, 4))
    if b[:3] == b"MP+":
        frames, flags = struct.unpack("<II", b[4:12])
        w20 = struct.unpack("<I", b[20:24])[0]
        o["sampleRate"] = rates[(flags >> 16) & 3]
        gapless, last, at = w20 >> 31, (w20 >> 20) & 0x7FF, 200
        declared = (frames - 1) * 1152 + last if gapless else frames * 1152 - 481
    else:
        word = int(bits[:32], 2)
        version = (word >> 11) & 0x3FF
        frames = int(bits[32:64], 2) - (version < 6)
        declared, at = frames * 1152 - 481, 64
    declared = max(declared, 0)
    walked = 0
    while walked < frames and at + 20 <= len(bits):
        n = int(bits[at:at + 20], 2)
        if at + 20 + n > len(bits):
            break
        at, walked = at + 20 + n, walked + 1
    o["totalSamples"] = declared if walked == frames else min(walked * 1152, declared)
    if walked != frames:
        o["declaredSamples"] = declared
    o["_frames"] = "%d frames declared, %d walked" % (frames, walked)
    return o


# ---------------------------------------------------------------------------
# Cover art: JPEG by Pillow (libjpeg), PNG written here from the PNG
# specification with zlib; expected values come from the parameters.

ART_COLS = ["file", "format", "width", "height", "colorSpace", "bitDepth",
            "components", "alpha", "progressive", "iccProfile", "orientation",
            "errors", "warnings"]


def art_pattern(w, h, mode):
    """A deterministic gradient test pattern (no randomness)."""
    from PIL import Image
    im = Image.new("RGB", (w, h))
    im.putdata([((x * 4) & 255, (y * 4) & 255, ((x + y) * 2) & 255)
                for y in range(h) for x in range(w)])
    return im if mode == "RGB" else im.convert(mode)


def art_icc(desc):
    """A minimal ICC v2 display profile whose only tag is its `desc`
    (textDescriptionType): header, tag table, tag."""
    text = desc.encode("ascii") + b"\0"
    tag = b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text
    tag += b"\0" * (4 + 4 + 2 + 1 + 67)  # empty Unicode and ScriptCode parts
    tag += b"\0" * (-len(tag) % 4)
    size = 128 + 4 + 12 + len(tag)
    head = struct.pack(">I4sI4s4s4s", size, b"none", 0x02100000, b"mntr",
                       b"RGB ", b"XYZ ") + b"\0" * 12 + b"acsp" + b"\0" * 88
    assert len(head) == 128
    return head + struct.pack(">I4sII", 1, b"desc", 144, len(tag)) + tag


def art_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def art_png(path, w, h, ctype, depth, rows, extra=b"", interlace=0, tail=b""):
    """A PNG from raw scanlines `rows(x0, y0, dx, dy)` -> (width, height,
    bytes per row list), filter type 0 on every row."""
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace)
    raw = []
    passes = ([(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
               (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] if interlace
              else [(0, 0, 1, 1)])
    for (x0, y0, dx, dy) in passes:
        for line in rows(x0, y0, dx, dy):
            raw += [b"\0", line]
    data = (b"\x89PNG\r\n\x1a\n" + art_chunk(b"IHDR", ihdr) + extra
            + art_chunk(b"IDAT", zlib.compress(b"".join(raw), 9)) + art_chunk(b"IEND", b"") + tail)
    open(path, "wb").write(data)
    return data


def art_rows(w, h, fmt):
    """Scanline maker for the gradient in a pixel layout: `rgb8`, `rgba8`,
    `gray16`, `index8`, `flat` (one colour)."""
    def px(x, y):
        # 8x8 blocks: small once deflated.
        r, g, b = (x // 8) * 32, (y // 8) * 32, ((x + y) // 16) * 32
        if fmt == "rgb8":
            return bytes((r, g, b))
        if fmt == "rgba8":
            return bytes((r, g, b, (y // 8) * 32))
        if fmt == "gray16":
            return struct.pack(">H", (x // 8) * 8192 + (y // 8) * 1024)
        if fmt == "index8":
            return bytes(((x // 8 + y // 8) % 4,))
        return bytes((120, 60, 200))

    def rows(x0, y0, dx, dy):
        xs = range(x0, w, dx)
        if fmt == "flat":
            return [bytes((120, 60, 200)) * len(xs)] * len(range(y0, h, dy))
        if not len(xs):
            return []
        return [b"".join(px(x, y) for x in xs) for y in range(y0, h, dy)]
    return rows


def cmd_artwork(outdir):
    from PIL import Image
    os.makedirs(outdir, exist_ok=True)
    p = lambda name: os.path.join(outdir, name)
    im = art_pattern(64, 64, "RGB")
    im.save(p("art-jpeg-baseline-rgb-square.jpg"), "JPEG", quality=90)
    im.save(p("art-jpeg-progressive.jpg"), "JPEG", quality=90, progressive=True)
    art_pattern(64, 64, "CMYK").save(p("art-jpeg-cmyk-adobe.jpg"), "JPEG", quality=90)
    art_pattern(64, 64, "L").save(p("art-jpeg-grayscale.jpg"), "JPEG", quality=90)
    exif = Image.Exif()
    exif[0x0112] = 6
    im.save(p("art-jpeg-exif-orientation-6.jpg"), "JPEG", quality=90, exif=exif.tobytes())
    im.save(p("art-jpeg-icc.jpg"), "JPEG", quality=90,
            icc_profile=art_icc("ddexprobe test RGB"))
    art_pattern(64, 48, "RGB").save(p("art-jpeg-not-square.jpg"), "JPEG", quality=90)
    whole = open(p("art-jpeg-baseline-rgb-square.jpg"), "rb").read()
    open(p("art-jpeg-truncated.jpg"), "wb").write(whole[:len(whole) * 2 // 3])
    open(p("art-jpeg-trailing.jpg"), "wb").write(whole + b"\0" * 16)
    # A real 8x8 JPEG whose frame header is patched to declare 3000x3000:
    # the walk reads markers, not pixels, so it measures the declaration.
    small = __import__("io").BytesIO()
    art_pattern(8, 8, "RGB").save(small, "JPEG", quality=90)
    b = bytearray(small.getvalue())
    sof = b.index(b"\xff\xc0")
    b[sof + 5:sof + 9] = struct.pack(">HH", 3000, 3000)
    open(p("art-jpeg-3000-header-only.jpg"), "wb").write(bytes(b))

    art_png(p("art-png-rgb.png"), 64, 64, 2, 8, art_rows(64, 64, "rgb8"))
    art_png(p("art-png-rgba.png"), 64, 64, 6, 8, art_rows(64, 64, "rgba8"))
    art_png(p("art-png-gray16.png"), 64, 64, 0, 16, art_rows(64, 64, "gray16"))
    palette = art_chunk(b"PLTE", bytes((255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255)))
    art_png(p("art-png-indexed-trns.png"), 64, 64, 3, 8, art_rows(64, 64, "index8"),
            extra=palette + art_chunk(b"tRNS", bytes((0, 255, 255, 255))))
    art_png(p("art-png-interlaced.png"), 64, 64, 2, 8, art_rows(64, 64, "rgb8"), interlace=1)
    art_png(p("art-png-not-square.png"), 64, 48, 2, 8, art_rows(64, 48, "rgb8"))
    iccp = art_chunk(b"iCCP", b"ddexprobe test RGB\0\0" + zlib.compress(art_icc("ddexprobe test RGB"), 9))
    exif_be = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x08\0\0\0\0\0\0"
    art_png(p("art-png-icc-exif-orientation-8.png"), 64, 64, 2, 8, art_rows(64, 64, "rgb8"),
            extra=iccp + art_chunk(b"eXIf", exif_be))
    art_png(p("art-png-trailing.png"), 64, 64, 2, 8, art_rows(64, 64, "rgb8"), tail=b"\0" * 16)
    good = art_png(p("art-png-bad-crc.png"), 64, 64, 2, 8, art_rows(64, 64, "rgb8"))
    # Flip one bit of the IDAT chunk's stored CRC.
    at = good.index(b"IEND") - 8 - 1
    bad = bytearray(good)
    bad[at] ^= 1
    open(p("art-png-bad-crc.png"), "wb").write(bytes(bad))
    idat = good.index(b"IDAT")
    open(p("art-png-truncated.png"), "wb").write(good[:idat + 100])
    # A whole 3000x3000 image of one colour: 27 MB of scanlines, about
    # 26 KB deflated.
    art_png(p("art-png-3000-square.png"), 3000, 3000, 2, 8, art_rows(3000, 3000, "flat"))


def cmd_artcheck(outdir):
    """Cross-check testdata/artwork/expected.tsv with ffprobe and mediainfo
    (size, pixel format) and a count of the files; print differences."""
    lines = open(os.path.join(outdir, "expected.tsv")).read().splitlines()
    rows = [dict(zip(ART_COLS, l.split("\t"))) for l in lines[1:]]
    files = sorted(f for f in os.listdir(outdir) if f != "expected.tsv")
    assert sorted(r["file"] for r in rows) == files, "artwork/expected.tsv and files disagree"
    problems = 0
    for r in rows:
        path = os.path.join(outdir, r["file"])
        out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", "-show_streams", path],
                             capture_output=True, text=True).stdout
        streams = json.loads(out or "{}").get("streams") or [{}]
        s = streams[0]
        mi = subprocess.run(["mediainfo", "--Output=JSON", path], capture_output=True,
                            text=True).stdout
        tracks = [t for t in json.loads(mi or "{}").get("media", {}).get("track", [])
                  if t.get("@type") == "Image"]
        m = tracks[0] if tracks else {}
        notes = []
        if r["width"] and (str(s.get("width")), str(s.get("height"))) != (r["width"], r["height"]):
            notes.append("ffprobe %sx%s" % (s.get("width"), s.get("height")))
        if r["width"] and (m.get("Width"), m.get("Height")) != (r["width"], r["height"]):
            notes.append("mediainfo %sx%s" % (m.get("Width"), m.get("Height")))
        # mediainfo names what is stored: YUV for a JFIF JPEG (RGB once
        # decoded), Y for grayscale, RGBA/YA with alpha, RGB for a palette.
        same = {"RGB": ("RGB", "YUV", "RGBA"), "Grayscale": ("Y", "YA"),
                "CMYK": ("CMYK",), "YCCK": ("YCCK", "CMYK"), "Indexed": ("RGB", "RGBA")}
        if r["colorSpace"] and m.get("ColorSpace") not in (None,) + same[r["colorSpace"]]:
            notes.append("mediainfo ColorSpace %s" % m.get("ColorSpace"))
        if r["bitDepth"] and m.get("BitDepth") not in (None, r["bitDepth"]):
            notes.append("mediainfo BitDepth %s" % m.get("BitDepth"))
        explained = r["errors"] != "" or "header-only" in r["file"]
        if notes:
            problems += 0 if explained else 1
            print("  %-40s %s%s" % (r["file"], "; ".join(notes),
                                    " (explained: damaged or crafted)" if explained else ""))
        print("  %-40s ffprobe %s %s, mediainfo %s %s" % (
            r["file"], s.get("codec_name"), s.get("pix_fmt"), m.get("Format"),
            m.get("ColorSpace")))
    if problems:
        sys.exit("artwork: %d unexplained differences" % problems)
    print("artwork: all expectations agree with ffprobe and mediainfo")


if __name__ == "__main__":
    fn = globals()["cmd_" + sys.argv[1]]
    fn(*sys.argv[2:])
PY
}

main "$@"
