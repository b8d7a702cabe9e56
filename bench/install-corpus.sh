#!/usr/bin/env bash
# Installs what the benchmarks need, idempotently, under .cache/ (git-ignored):
#   .cache/corpus/rust-src  the rust-lang/rust source tree from Debian's rust-src
#   .cache/anchor           jscpd 5.3.3, the anchor we compare against
#   .cache/corpus/debian-small, .cache/corpus/debian-crates
#                           workspaces assembled from Debian's librust-*-dev sources:
#                           5 crates and about 50k lines, 46 crates and about 670k lines
# and /usr/bin/time (Debian package `time`) for wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if ! [ -x /usr/bin/time ]; then
  dpkg -s time >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time </dev/null; }
fi

bash bench/install-rust-src.sh

ANCHOR=$ROOT/.cache/anchor
if ! [ -x "$ANCHOR/node_modules/.bin/jscpd" ] || ! "$ANCHOR/node_modules/.bin/jscpd" --version 2>/dev/null | grep -q '5\.3\.3'; then
  mkdir -p "$ANCHOR"
  npm install --prefix "$ANCHOR" --no-audit --no-fund --no-save jscpd@5.3.3 jscpd-linux-x64-gnu@5.3.3 </dev/null
  echo "installed jscpd $("$ANCHOR/node_modules/.bin/jscpd" --version) at $ANCHOR"
else
  echo "anchor present: jscpd $("$ANCHOR/node_modules/.bin/jscpd" --version)"
fi

# A workspace of crates from Debian's librust-*-dev packages (their
# /usr/share/cargo/registry/<crate>-<version>/ folders), each a member of a
# root [workspace]. Versions are those of the Debian release the machine
# points at; the folder names say which.
assemble() {
  local name=$1; shift
  local dir=$ROOT/.cache/corpus/$name
  if [ -d "$dir" ]; then echo "corpus present: $dir"; return; fi
  local tmp
  tmp=$(mktemp -d "$ROOT/.cache/$name.XXXXXX")
  chmod 755 "$tmp"
  (cd "$tmp" && { apt-get download "$@" || { apt-get update -qq && apt-get download "$@"; }; })
  mkdir -p "$tmp/x" "$tmp/ws"
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/x"; done
  mv "$tmp"/x/usr/share/cargo/registry/* "$tmp/ws/"
  { echo '[workspace]'; echo 'members = ['; (cd "$tmp/ws" && for m in */; do echo "  \"${m%/}\","; done); echo ']'; } > "$tmp/ws/Cargo.toml"
  mv "$tmp/ws" "$dir"
  rm -rf "$tmp"
  echo "installed corpus $dir: $(cd "$dir" && echo */ | tr -d /)"
}
assemble debian-small librust-regex-dev librust-aho-corasick-dev librust-memchr-dev librust-log-dev librust-once-cell-dev
assemble debian-crates librust-tokio-dev librust-syn-dev librust-serde-dev librust-serde-json-dev librust-regex-dev \
  librust-regex-syntax-dev librust-aho-corasick-dev librust-memchr-dev librust-rayon-dev librust-rayon-core-dev \
  librust-hashbrown-dev librust-itertools-dev librust-futures-util-dev librust-futures-core-dev librust-bytes-dev \
  librust-hyper-dev librust-h2-dev librust-http-dev librust-log-dev librust-chrono-dev librust-time-dev librust-url-dev \
  librust-idna-dev librust-proc-macro2-dev librust-quote-dev librust-indexmap-dev librust-crossbeam-channel-dev \
  librust-crossbeam-utils-dev librust-crossbeam-epoch-dev librust-parking-lot-dev librust-parking-lot-core-dev \
  librust-smallvec-dev librust-toml-dev librust-rand-dev librust-rand-core-dev librust-base64-dev librust-tracing-dev \
  librust-tracing-core-dev librust-anyhow-dev librust-thiserror-dev librust-once-cell-dev librust-bitflags-dev \
  librust-num-traits-dev librust-semver-dev librust-walkdir-dev librust-tempfile-dev
