#!/usr/bin/env bash
# Lays out the precision corpus under /work/corpus (or $CORPUS), idempotently:
#   rust-src/        rust-lang/rust 1.63 from Debian's rust-src (bench/install-corpus.sh lays the same tree)
#   debian-majors/   two or three majors of one crate each, from Debian's librust-*-dev
#                    packages (their /usr/share/cargo/registry/<crate>-<version>/ folders)
#   wasmtime/        bytecodealliance/wasmtime and nushell/nushell at pinned commits: their
#   nushell/         .rs and .toml files, from the bare git folder the tool library's `fetch`
#                    brings into a session (/work/.mirror/<owner>+<name>/repo, or $MIRROR)
# Versions are those of the Debian release the machine points at; the script
# prints each package's version, and the labels name files by path, so a
# label whose file is gone is reported as stale rather than counted.
set -euo pipefail
CORPUS=${CORPUS:-/work/corpus}
mkdir -p "$CORPUS"

if ! [ -d "$CORPUS/rust-src" ]; then
  tmp=$(mktemp -d); chmod 755 "$tmp"
  (cd "$tmp" && { apt-get download rust-src || { apt-get update -qq && apt-get download rust-src; }; })
  dpkg -x "$tmp"/rust-src_*.deb "$tmp/x"
  mv "$(find "$tmp/x/usr/src" -mindepth 1 -maxdepth 1 -type d -name 'rustc-*' | head -n1)" "$CORPUS/rust-src"
  rm -rf "$tmp"
fi

# One crate in several majors: what a versioned copy looks like when nobody
# meant to consolidate it.
PACKAGES=(librust-clap-2-dev librust-clap-3-dev librust-clap-dev librust-nom-4-dev librust-nom-dev
  librust-env-logger-0.7-dev librust-env-logger-dev librust-mio-0.6-dev librust-mio-dev)
MAJORS=$CORPUS/debian-majors
if ! [ -d "$MAJORS" ]; then
  tmp=$(mktemp -d); chmod 755 "$tmp"
  (cd "$tmp" && { apt-get download "${PACKAGES[@]}" || { apt-get update -qq && apt-get download "${PACKAGES[@]}"; }; })
  mkdir -p "$tmp/x" "$MAJORS"
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/x"; echo "$(basename "$deb")"; done > "$MAJORS.versions"
  mv "$tmp"/x/usr/share/cargo/registry/* "$MAJORS/"
  rm -rf "$tmp"
fi
cat "$MAJORS.versions" 2>/dev/null || true
ls "$MAJORS"

# Two large public multi-crate workspaces nobody tuned for, at a pinned commit.
# No network here but Debian's and npm's: the git folder comes from the tool
# library's `fetch` (github:bytecodealliance/wasmtime, github:nushell/nushell).
MIRROR=${MIRROR:-/work/.mirror}
WORKSPACES=(
  "wasmtime bytecodealliance+wasmtime e6b33de5139d915a48127fc78b790e2d306cf896"
  "nushell nushell+nushell 3e1172d43cabb34afb798dfc9d8724839e18fe85"
)
for entry in "${WORKSPACES[@]}"; do
  read -r name repo commit <<<"$entry"
  [ -d "$CORPUS/$name" ] && { echo "$name at $(cat "$CORPUS/$name.commit" 2>/dev/null)"; continue; }
  git_dir=$MIRROR/$repo/repo
  if ! git --git-dir="$git_dir" cat-file -e "$commit^{commit}" 2>/dev/null; then
    echo "skipping $name: $git_dir does not hold $commit (fetch github:${repo/+//} into the session first)" >&2
    continue
  fi
  # Only the sources and manifests: the snapshot's largest blobs (models, wasm) may be absent
  # (git may still name one it cannot read while it matches the paths; the files written are complete).
  mkdir -p "$CORPUS/$name.tmp"
  git --git-dir="$git_dir" ls-tree -r -z --name-only "$commit" | tr '\0' '\n' | grep -E '(\.rs|\.toml)$' |
    xargs -d '\n' git --git-dir="$git_dir" archive "$commit" -- | tar x -C "$CORPUS/$name.tmp"
  mv "$CORPUS/$name.tmp" "$CORPUS/$name"
  echo "$commit" > "$CORPUS/$name.commit"
  echo "$name at $commit"
done
