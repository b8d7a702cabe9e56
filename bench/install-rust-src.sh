#!/usr/bin/env bash
# Lays out .cache/corpus/rust-src (git-ignored), the rust-lang/rust 1.63 source
# tree from Debian's rust-src package, idempotently: the benchmarks' largest
# workspace, and the real code test/core/edited.test.ts edits (CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CORPUS=$ROOT/.cache/corpus/rust-src
if ! [ -d "$CORPUS" ]; then
  mkdir -p "$ROOT/.cache"
  tmp=$(mktemp -d "$ROOT/.cache/rust-src.XXXXXX")
  chmod 755 "$tmp" # so apt's _apt user can write the .deb there
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && { apt-get download rust-src || { apt-get update -qq && apt-get download rust-src; }; })
  dpkg -x "$tmp"/rust-src_*.deb "$tmp/x"
  src=$(find "$tmp/x/usr/src" -mindepth 1 -maxdepth 1 -type d -name 'rustc-*' | head -n1)
  [ -n "$src" ] || { echo "install-rust-src: no usr/src/rustc-* in rust-src package" >&2; exit 1; }
  mkdir -p "$(dirname "$CORPUS")"
  mv "$src" "$CORPUS"
  echo "installed corpus $(basename "$src") at $CORPUS"
else
  echo "corpus present: $CORPUS"
fi
