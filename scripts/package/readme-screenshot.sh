#!/usr/bin/env bash
# Makes images/quick-fix.png, the README's screenshot, from the last run of the
# editor suite (npm run test:editor): the step with the squiggles, the quick-fix
# menu, the Problems panel and the status bar, quantised to a small PNG.
set -euo pipefail
cd "$(dirname "$0")/../.."
shot=$(ls test-output/editor/*-quick-fix-menu.png 2>/dev/null | head -1)
[ -n "$shot" ] || { echo "no quick-fix screenshot: run npm run test:editor first" >&2; exit 1; }
if ! command -v pngquant >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pngquant </dev/null
fi
pngquant --quality 60-85 --speed 1 --strip --force --output images/quick-fix.png "$shot"
ls -l images/quick-fix.png
