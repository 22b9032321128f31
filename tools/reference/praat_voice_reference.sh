#!/usr/bin/env bash
# Praat's values for the acoustic-parameter specs (packages/feature-extractors/src/acoustic/acoustic.spec.ts).
# Needs Debian's praat (apt-get install praat). Usage: bash tools/reference/praat_voice_reference.sh [emodb-folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
npx tsx tools/reference/write-synthetic-vowel.ts "$tmp/vowel.wav"
echo "== synthetic vowel"; praat --run tools/reference/praat_voice.praat "$tmp/vowel.wav"
if [ -n "${1:-}" ]; then
  ffmpeg=$(node -e "console.log(require('@ffmpeg-installer/ffmpeg').path)")
  for f in 03a01Fa 08b01Aa; do
    "$ffmpeg" -loglevel error -y -i "$1/$f.wav" -ar 16000 "$tmp/$f.wav"
    echo "== EmoDB $f (resampled to 16 kHz by ffmpeg)"; praat --run tools/reference/praat_voice.praat "$tmp/$f.wav"
  done
fi
rm -rf "$tmp"
