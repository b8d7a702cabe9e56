#!/usr/bin/env bash
# Installs what the benchmarks need, idempotently, under .cache/ (git-ignored):
#   .cache/corpus/rust-src  the rust-lang/rust source tree from Debian's rust-src
#   .cache/anchor           jscpd 5.3.3, the anchor we compare against
# and /usr/bin/time (Debian package `time`) for wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if ! [ -x /usr/bin/time ]; then
  dpkg -s time >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time </dev/null; }
fi

CORPUS=$ROOT/.cache/corpus/rust-src
if ! [ -d "$CORPUS" ]; then
  mkdir -p "$ROOT/.cache"
  tmp=$(mktemp -d "$ROOT/.cache/rust-src.XXXXXX")
  chmod 755 "$tmp" # so apt's _apt user can write the .deb there
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && { apt-get download rust-src || { apt-get update -qq && apt-get download rust-src; }; })
  dpkg -x "$tmp"/rust-src_*.deb "$tmp/x"
  src=$(find "$tmp/x/usr/src" -mindepth 1 -maxdepth 1 -type d -name 'rustc-*' | head -n1)
  [ -n "$src" ] || { echo "install-corpus: no usr/src/rustc-* in rust-src package" >&2; exit 1; }
  mkdir -p "$(dirname "$CORPUS")"
  mv "$src" "$CORPUS"
  echo "installed corpus $(basename "$src") at $CORPUS"
else
  echo "corpus present: $CORPUS"
fi

ANCHOR=$ROOT/.cache/anchor
if ! [ -x "$ANCHOR/node_modules/.bin/jscpd" ] || ! "$ANCHOR/node_modules/.bin/jscpd" --version 2>/dev/null | grep -q '5\.3\.3'; then
  mkdir -p "$ANCHOR"
  npm install --prefix "$ANCHOR" --no-audit --no-fund --no-save jscpd@5.3.3 jscpd-linux-x64-gnu@5.3.3 </dev/null
  echo "installed jscpd $("$ANCHOR/node_modules/.bin/jscpd" --version) at $ANCHOR"
else
  echo "anchor present: jscpd $("$ANCHOR/node_modules/.bin/jscpd" --version)"
fi
