#!/usr/bin/env bash
# Regenerates requirements.lock's hashes after a pin changed: pip-compile (pip-tools) in a
# scratch venv lists the sha256 of every file of each pinned release. The pins and the
# comment header of requirements.lock are kept; torch and openai-whisper have their own
# hand-kept files (requirements-torch.lock, requirements-nodeps.lock; `pip hash FILE`).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q pip-tools==7.6.2
grep -E '^[A-Za-z0-9_.-]+==' requirements.lock | sed 's/ .*//' > "$scratch/pins.in"
"$scratch/venv/bin/pip-compile" -q --generate-hashes --allow-unsafe --no-annotate --no-header \
    --strip-extras -o "$scratch/compiled.txt" "$scratch/pins.in"
{
    sed -n '/^#/!q;p' requirements.lock
    grep -v -e '^--' -e '^$' -e '^# The following packages' "$scratch/compiled.txt"
} > "$scratch/requirements.lock"
mv "$scratch/requirements.lock" requirements.lock
echo "requirements.lock: $(grep -c '^[A-Za-z]' requirements.lock) packages re-hashed."
