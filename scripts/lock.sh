#!/usr/bin/env bash
# Resolve requirements.in and requirements-dev.in into exact pins, in a throw-away environment.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/prod"
"$tmp/prod/bin/pip" install --quiet -r requirements.in
{ echo "# Locked by \`make lock\` from requirements.in. Do not edit by hand."
  "$tmp/prod/bin/pip" freeze --exclude pip --exclude setuptools; } > requirements.txt
"$tmp/prod/bin/pip" install --quiet -r requirements-dev.in
{ echo "# Locked by \`make lock\` from requirements-dev.in. Do not edit by hand."
  echo "-r requirements.txt"
  "$tmp/prod/bin/pip" freeze --exclude pip --exclude setuptools | grep -vxFf <(tail -n +2 requirements.txt); } > requirements-dev.txt
echo "requirements.txt and requirements-dev.txt updated"
