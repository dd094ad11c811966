#!/usr/bin/env bash
# Synthesises Stillroom's license-free demo music (CC0, made by the project itself) into
# assets/demo-audio/: six calm ambient pads, each in its own key, slowly breathing between
# two chords. Everything is built from plain sine/triangle tones with fixed parameters, so a
# re-run gives the same music (and, with the same sox/ffmpeg/libvorbis, the same files).
#
# Needs: bash, awk, sox (14.4+), ffmpeg with libvorbis.
# Usage: scripts/make-demo-audio.sh            (writes assets/demo-audio/*.ogg)
#        OUT=/some/dir scripts/make-demo-audio.sh   (write elsewhere, e.g. to compare)
#        KEEP_TMP=1 scripts/make-demo-audio.sh      (keep the last track's intermediate WAVs)
set -euo pipefail

cd "$(dirname "$0")/.."
OUT="${OUT:-assets/demo-audio}"
RATE=44100
TARGET_LUFS=-20      # integrated loudness of every track (EBU R128)
MAX_TRUE_PEAK=-3     # dBTP ceiling; the script refuses to write a louder file
VORBIS_Q=2           # libvorbis quality (-q:a); pads are simple, so this stays small
FADE_IN=4            # seconds of fade-in built into each file
FADE_OUT=6           # seconds of fade-out built into each file
TAIL=6               # extra seconds synthesised so the reverb is full before the cut

for tool in sox ffmpeg awk; do
  command -v "$tool" >/dev/null || { echo "make-demo-audio: $tool is required" >&2; exit 1; }
done
[[ "$(ffmpeg -hide_banner -encoders 2>/dev/null)" == *libvorbis* ]] ||
  { echo "make-demo-audio: ffmpeg lacks the libvorbis encoder" >&2; exit 1; }

TMP="$(mktemp -d)"
[ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

# MIDI note number -> frequency in Hz (equal temperament, A4 = 440 Hz).
hz() { awk -v n="$1" 'BEGIN { printf "%.4f", 440 * 2 ^ ((n - 69) / 12) }'; }
calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }

# voice OUT LEN MIDI WAVE LEVEL PAN BEAT BREATH PHASE
#   One held note as a stereo pair of slightly detuned oscillators (left a little flat,
#   right a little sharp, BEAT Hz apart) so it shimmers gently; panned by PAN (-1..1);
#   its loudness breathes slowly at BREATH Hz (never below 55 % of its level).
voice() {
  local out=$1 len=$2 midi=$3 wave=$4 level=$5 pan=$6 beat=$7 breath=$8 phase=$9
  local f lo hi l r
  f=$(hz "$midi")
  lo=$(calc "$f - $beat / 2")
  hi=$(calc "$f + $beat / 2")
  l=$(calc "$level * (1 - $pan) / 2")
  r=$(calc "$level * (1 + $pan) / 2")
  sox -q -n -r "$RATE" -c 2 -b 32 -e floating-point "$TMP/raw.wav" \
    synth "$len" "$wave" "$lo" "$wave" "$hi"
  sox -q "$TMP/raw.wav" "$out" \
    remix "1v$(calc "$l * 0.8"),2v$(calc "$l * 0.2")" "1v$(calc "$r * 0.2"),2v$(calc "$r * 0.8")" \
    synth sine amod "$breath" 55 "$phase"
}

# chord OUT LEN PERIOD FIRST NOTE...
#   Builds one chord from its notes (lowest note on a soft triangle, the rest sines, upper
#   notes quieter and spread across the stereo field), then swells it in and out over
#   PERIOD seconds. FIRST=1 starts the chord at full swell, FIRST=0 starts it at rest, so
#   two chords with opposite FIRST alternate like slow breathing.
chord() {
  local out=$1 len=$2 period=$3 first=$4
  shift 4
  local i=0 files=() midi wave level pan beat breath phase
  for midi in "$@"; do
    if [ "$i" -eq 0 ]; then wave=triangle; level=0.9; else wave=sine; level=$(calc "0.75 / (1 + 0.25 * $i)"); fi
    pan=$(calc "($i % 2 == 0 ? -1 : 1) * 0.12 * $i")          # bass centred, others fan out
    beat=$(calc "0.12 + 0.07 * $i")                           # slow shimmer, a little faster up high
    breath=$(calc "1 / (13 + 5.3 * $i)")                      # each note breathes at its own rate
    phase=$(( (i * 37) % 100 ))
    voice "$TMP/v$i.wav" "$len" "$midi" "$wave" "$level" "$pan" "$beat" "$breath" "$phase"
    files+=("$TMP/v$i.wav")
    i=$((i + 1))
  done
  # sox -m divides by the number of inputs, so the mix cannot clip.
  if [ "$first" -eq 1 ]; then phase=25; else phase=75; fi
  sox -q -m "${files[@]}" "$out" synth sine amod "$(calc "1 / $period")" 15 "$phase"
  rm -f "${files[@]}"
}

# ebur128 summary of a file -> "I TP" (integrated LUFS, true peak dBTP).
loudness() {
  ffmpeg -nostats -hide_banner -i "$1" -filter_complex ebur128=peak=true -f null - 2>&1 |
    awk '/Summary:/ { s = 1 } s && $1 == "I:" { i = $2 } s && $1 == "Peak:" { p = $2 } END { print i, p }'
}

# track FILE TITLE SECONDS PERIOD LOWPASS "CHORD A NOTES" "CHORD B NOTES"
track() {
  local file=$1 title=$2 len=$3 period=$4 lowpass=$5 notes_a=$6 notes_b=$7
  local full=$((len + TAIL)) measured gain i tp
  # shellcheck disable=SC2086  # the note lists are meant to split into words
  chord "$TMP/a.wav" "$full" "$period" 1 $notes_a
  # shellcheck disable=SC2086
  chord "$TMP/b.wav" "$full" "$period" 0 $notes_b
  sox -q -m "$TMP/a.wav" "$TMP/b.wav" "$TMP/mix.wav" \
    highpass 45 lowpass "$lowpass" lowpass "$((lowpass * 2))" \
    reverb 75 60 100 100 20 -3 \
    trim 2 "$len" \
    fade q "$FADE_IN" "$len" "$FADE_OUT"
  read -r measured _ < <(loudness "$TMP/mix.wav")
  gain=$(calc "$TARGET_LUFS - ($measured)")
  sox -q "$TMP/mix.wav" -b 24 "$TMP/norm.wav" gain "$gain"
  ffmpeg -nostdin -loglevel error -y -i "$TMP/norm.wav" -map_metadata -1 \
    -ar "$RATE" -ac 2 -c:a libvorbis -q:a "$VORBIS_Q" \
    -metadata TITLE="$title" -metadata ARTIST="Stillroom demo" \
    -metadata ALBUM="Stillroom demo pads" -metadata LICENSE="CC0-1.0" \
    -fflags +bitexact -flags:a +bitexact \
    "$OUT/$file"
  read -r i tp < <(loudness "$OUT/$file")
  if awk -v tp="$tp" -v max="$MAX_TRUE_PEAK" 'BEGIN { exit !(tp >= max) }'; then
    echo "make-demo-audio: $file true peak $tp dBTP is not below $MAX_TRUE_PEAK" >&2
    exit 1
  fi
  if awk -v i="$i" -v t="$TARGET_LUFS" 'BEGIN { d = i - t; exit !(d > 1 || d < -1) }'; then
    echo "make-demo-audio: $file measures $i LUFS, not $TARGET_LUFS" >&2
    exit 1
  fi
  printf '%-24s %-16s %6.2f s  %6s LUFS  %5s dBTP  %4d KiB\n' \
    "$file" "$title" "$(soxi -D "$OUT/$file")" "$i" "$tp" "$(( $(stat -c %s "$OUT/$file") / 1024 ))"
}

#      file                  title             len  swell lowpass  chord A (MIDI notes)    chord B
track 01-morning-field.ogg  "Morning Field"    88   26    1600    "50 57 62 64 66 69"     "50 55 59 62 69 71"   # D major add9 / G over D
track 02-slow-water.ogg     "Slow Water"       64   22    1400    "41 48 57 64 67"        "41 46 62 65 69"      # F major 7 / B-flat over F
track 03-low-cloud.ogg      "Low Cloud"        97   30    1300    "45 52 55 60 71"        "45 50 53 60 64"      # A minor 9 / D minor over A
track 04-still-lake.ogg     "Still Lake"       72   24    1500    "39 51 58 63 65 67"     "39 51 56 60 63 70"   # E-flat add9 / A-flat over E-flat
track 05-evening-light.ogg  "Evening Light"    55   18    1700    "43 50 57 62 71"        "43 48 55 64 67"      # G sus2 / C over G
track 06-warm-stone.ogg     "Warm Stone"       81   28    1400    "40 47 56 64 66 71"     "40 45 57 61 64 71"   # E major add9 / A over E

[ -n "${KEEP_TMP:-}" ] && echo "kept $TMP"
echo "total: $(du -cb "$OUT"/*.ogg | awk 'END { printf "%.2f MB", $1 / 1e6 }')"
