#!/usr/bin/env bash
# Regenerates the audio assets in media/assets/ (committed, so builds and tests don't need these tools).
# Needs sox and espeak-ng. Every file: WAV, 8 kHz, mono, 16-bit PCM — what G.711 carries anyway.
set -euo pipefail
cd "$(dirname "$0")/../media/assets"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fmt=(-r 8000 -c 1 -b 16 -e signed-integer)

# Music on hold: an original 16-bar tune, soft sine lead over a triangle fifth, 120 bpm, about 8 s.
lead=(523.25 659.25 783.99 659.25 587.33 698.46 880.00 698.46 523.25 659.25 783.99 1046.50 987.77 783.99 587.33 523.25)
i=0
for f in "${lead[@]}"; do
  low=$(awk "BEGIN { printf \"%.2f\", $f * 2 / 3 }")
  sox -n "${fmt[@]}" "$tmp/n$(printf %02d $i).wav" synth 0.5 sine "$f" synth 0.5 triangle mix "$low" \
    fade q 0.02 0.5 0.12 vol 0.35
  i=$((i + 1))
done
sox "$tmp"/n*.wav "${fmt[@]}" music-on-hold.wav fade t 0.3 0 0.3 norm -6

# "All operators are busy": synthesized speech.
espeak-ng -v en-us -s 150 -w "$tmp/busy.wav" \
  "All our operators are busy at the moment. Please stay on the line, and you will be connected to the next available operator."
sox "$tmp/busy.wav" "${fmt[@]}" all-operators-busy.wav norm -3

# Ring-back tone: 440 + 480 Hz, 2 s on, 4 s off (one cadence; play it in a loop).
sox -n "${fmt[@]}" "$tmp/on.wav" synth 2 sine 440 synth 2 sine mix 480 vol 0.4 fade q 0.01 2 0.01
sox -n "${fmt[@]}" "$tmp/off.wav" trim 0 4
sox "$tmp/on.wav" "$tmp/off.wav" "${fmt[@]}" ring-back.wav

for f in music-on-hold.wav all-operators-busy.wav ring-back.wav; do
  printf '%-24s %s\n' "$f" "$(soxi -d "$f") $(soxi -r "$f") Hz"
done
