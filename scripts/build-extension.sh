#!/usr/bin/env bash
# Builds pg_tviews from its crates.io release and installs it into a PostgreSQL server.
#
#   scripts/build-extension.sh build     build (or reuse) the cached artifacts; print their folder
#   scripts/build-extension.sh install   build, then copy the artifacts into the server (needs root)
#   scripts/build-extension.sh status    say whether the build is cached and installed
#
# The version comes from versions.env (the only place it is pinned); cargo-pgrx is installed
# at exactly the pgrx version the crate pins. Everything heavy is cached under
# $PGTV_CACHE_DIR (default ~/.cache/pgtv-runbooks), keyed by those versions and the build
# profile, so a machine pays the build once. The Dockerfile runs this same script.
#
# Environment: PG_CONFIG (default: Debian's pg_config for PG_MAJOR), PGTV_CACHE_DIR,
# PGTV_BUILD_PROFILE (release | debug, default release), PG_TVIEWS_VERSION / PG_MAJOR
# (override versions.env, used by the Docker build).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
versions_file="$here/../versions.env"
if [[ -z "${PG_TVIEWS_VERSION:-}" || -z "${PG_MAJOR:-}" ]]; then
  [[ -f "$versions_file" ]] || { echo "build-extension: $versions_file not found" >&2; exit 2; }
  # shellcheck source=/dev/null
  source "$versions_file"
fi

profile=${PGTV_BUILD_PROFILE:-release}
case "$profile" in release | debug) ;; *)
  echo "build-extension: PGTV_BUILD_PROFILE must be release or debug, not '$profile'" >&2
  exit 2
  ;;
esac
pg_config=${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}
cache=${PGTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pgtv-runbooks}
crate="pg_tviews-$PG_TVIEWS_VERSION"
artifacts="$cache/extension/$crate-pg$PG_MAJOR-$profile"

log() { printf 'build-extension: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

require_pg_config() {
  [[ -x "$pg_config" ]] || die "no pg_config at $pg_config. Install postgresql-server-dev-$PG_MAJOR (apt-get install postgresql-server-dev-$PG_MAJOR) or set PG_CONFIG."
}

# The crate is fetched from crates.io's static host and checked against the sha256 the
# registry index publishes for that exact version.
fetch_crate() {
  local archive="$cache/crates/$crate.crate" index_line expected actual
  mkdir -p "$cache/crates" "$cache/src"
  if [[ ! -f "$archive" ]]; then
    index_line=$(curl -fsSL "https://index.crates.io/pg/_t/pg_tviews" | grep -E "\"vers\": ?\"${PG_TVIEWS_VERSION//./\\.}\"") ||
      die "pg_tviews $PG_TVIEWS_VERSION is not in the crates.io index; check PG_TVIEWS_VERSION in versions.env"
    expected=$(sed -E 's/.*"cksum": ?"([0-9a-f]{64})".*/\1/' <<<"$index_line")
    curl -fsSL -o "$archive.part" "https://static.crates.io/crates/pg_tviews/$crate.crate"
    actual=$(sha256sum "$archive.part" | cut -d' ' -f1)
    [[ "$actual" == "$expected" ]] || { rm -f "$archive.part"; die "checksum mismatch for $crate.crate"; }
    mv "$archive.part" "$archive"
  fi
  if [[ ! -f "$cache/src/$crate/Cargo.toml" ]]; then
    rm -rf "$cache/src/$crate"
    tar -xzf "$archive" -C "$cache/src"
    # The crate names a toolchain (rust-toolchain.toml) that rustup would try to download;
    # build with the toolchain the machine has instead.
    rm -f "$cache/src/$crate/rust-toolchain.toml"
  fi
}

pinned_pgrx_version() {
  # Cargo.toml (as normalized by crates.io) has a [dependencies.pgrx] table with version = "=X".
  awk '/^\[dependencies\.pgrx\]/{found=1; next} /^\[/{found=0} found && /^version/ {gsub(/[" =]/, "", $0); sub(/^version/, "", $0); print; exit}' \
    "$cache/src/$crate/Cargo.toml"
}

ensure_cargo_pgrx() {
  local version=$1 root="$cache/tools/cargo-pgrx-$1"
  if [[ ! -x "$root/bin/cargo-pgrx" ]]; then
    log "installing cargo-pgrx $version (once per machine)"
    cargo install cargo-pgrx --version "$version" --locked --root "$root" >&2
  fi
  export PATH="$root/bin:$PATH"
  export PGRX_HOME="$cache/pgrx-$version"
  if [[ ! -f "$PGRX_HOME/config.toml" ]]; then
    mkdir -p "$PGRX_HOME"
    cargo pgrx init "--pg$PG_MAJOR" "$pg_config" >&2
  fi
}

# Debian's packaged Rust is too old for pgrx, so a machine without cargo gets a private
# toolchain from rustup, kept in the cache (nothing is written to the user's dotfiles).
ensure_rust() {
  command -v cargo >/dev/null && return
  export RUSTUP_HOME="$cache/rust/rustup" CARGO_HOME="$cache/rust/cargo"
  export PATH="$CARGO_HOME/bin:$PATH"
  command -v cargo >/dev/null && return
  log "cargo not found: installing a Rust toolchain with rustup into $cache/rust"
  curl -fsSL https://sh.rustup.rs | sh -s -- -y --profile minimal --no-modify-path >&2 ||
    die "could not install Rust from https://sh.rustup.rs; install it yourself (https://rustup.rs) or use the docker provider"
}

build() {
  if [[ -f "$artifacts/.complete" ]]; then
    echo "$artifacts"
    return
  fi
  require_pg_config
  ensure_rust
  fetch_crate
  local pgrx profile_flag=() staging
  pgrx=$(pinned_pgrx_version)
  [[ -n "$pgrx" ]] || die "could not read the pgrx version from $cache/src/$crate/Cargo.toml"
  ensure_cargo_pgrx "$pgrx"
  [[ "$profile" == debug ]] && profile_flag=(--debug)
  log "building $crate for PostgreSQL $PG_MAJOR with pgrx $pgrx ($profile)"
  export CARGO_TARGET_DIR="$cache/target/$crate-pg$PG_MAJOR"
  (cd "$cache/src/$crate" &&
    cargo pgrx package --pg-config "$pg_config" --no-default-features --features "pg$PG_MAJOR" "${profile_flag[@]}" >&2)
  staging="$CARGO_TARGET_DIR/$profile/pg_tviews-pg$PG_MAJOR"
  [[ -d "$staging" ]] || die "cargo pgrx package produced no $staging"
  rm -rf "$artifacts.part"
  mkdir -p "$artifacts.part/lib" "$artifacts.part/extension"
  cp "$staging$("$pg_config" --pkglibdir)"/pg_tviews.so "$artifacts.part/lib/"
  cp "$staging$("$pg_config" --sharedir)"/extension/pg_tviews* "$artifacts.part/extension/"
  printf 'pg_tviews=%s\npgrx=%s\npg_major=%s\nprofile=%s\n' "$PG_TVIEWS_VERSION" "$pgrx" "$PG_MAJOR" "$profile" >"$artifacts.part/.complete"
  rm -rf "$artifacts"
  mv "$artifacts.part" "$artifacts"
  echo "$artifacts"
}

# Copies only what differs, so a second install is a no-op and a running server keeps
# its already loaded library.
install_artifacts() {
  local from=$1 libdir extdir file
  require_pg_config
  libdir=$("$pg_config" --pkglibdir)
  extdir="$("$pg_config" --sharedir)/extension"
  for file in "$from"/lib/* "$from"/extension/*; do
    local target
    case "$file" in */lib/*) target="$libdir/$(basename "$file")" ;; *) target="$extdir/$(basename "$file")" ;; esac
    if ! cmp -s "$file" "$target"; then
      [[ -w "$(dirname "$target")" ]] || die "cannot write $target: run as root (sudo $0 install)"
      install -m 0644 "$file" "$target.pgtv-new"
      mv "$target.pgtv-new" "$target"
      log "installed $target"
    fi
  done
}

status() {
  if [[ -f "$artifacts/.complete" ]]; then echo "built: $artifacts"; else echo "not built: $artifacts"; fi
  require_pg_config
  if cmp -s "$artifacts/lib/pg_tviews.so" "$("$pg_config" --pkglibdir)/pg_tviews.so" 2>/dev/null; then
    echo "installed: $("$pg_config" --pkglibdir)/pg_tviews.so"
  else
    echo "not installed in $("$pg_config" --pkglibdir)"
  fi
}

with_lock() {
  # Two runs building at once would race on the same target folder.
  mkdir -p "$cache"
  exec 9>"$cache/.build.lock"
  flock 9
  "$@"
}

case "${1:-}" in
  build) with_lock build ;;
  install) with_lock install_artifacts "$(with_lock build)" ;;
  status) status ;;
  *)
    echo "usage: $0 build | install | status" >&2
    exit 2
    ;;
esac
