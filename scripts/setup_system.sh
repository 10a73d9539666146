#!/usr/bin/env bash
# Installs the Debian packages voiceedit needs, only those that are missing.
# ffmpeg/ffprobe: decoding, probing, rendering. espeak-ng: the pyttsx3 voice.
# libportaudio2: sounddevice. pulseaudio: the virtual microphone the tests speak into.
# melt: renders exported MLT (Kdenlive/Shotcut) timelines in tests. sox: measures audio.
# fonts-dejavu-core: the font the picture tests draw a title card with (ffmpeg drawtext).
# libgl1, libglib2.0-0: what opencv-python (picture analysis) links against.
# chromium: the browser the browser editor's tests drive through Playwright (Playwright's
# own browser download cannot be used: nothing is downloaded outside the package mirrors).
set -euo pipefail
packages=(ffmpeg espeak-ng libespeak-ng1 libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins melt sox
          chromium fonts-dejavu-core libgl1 libglib2.0-0)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO=sudo; else
        echo "voiceedit needs these Debian packages and cannot install them without root: ${missing[*]}." >&2
        echo "Run as root: apt-get install ${missing[*]}" >&2
        exit 1
    fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || { echo "apt-get update failed: is the Debian mirror reachable?" >&2; exit 1; }
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "Could not install ${missing[*]} with apt-get." >&2; exit 1; }
