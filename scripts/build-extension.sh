#!/usr/bin/env bash
# Builds pg_tviews from its crates.io release for one PostgreSQL, and prints the folder that
# holds the result (lib/pg_tviews.so and extension/pg_tviews*).
#
#   PG_TVIEWS_VERSION=0.1.0-beta.34 PG_MAJOR=18 PG_CONFIG=/path/to/pg_config scripts/build-extension.sh
#
# Used by scripts/provision-target.sh (the local provider, one call per target) and by
# docker/Dockerfile, so both paths build the same crate the same way. cargo-pgrx is installed
# at exactly the pgrx version the crate pins. Everything heavy is cached under
# $PGTV_CACHE_DIR (default ~/.cache/pgtv-runbooks), keyed by crate version × PostgreSQL major ×
# server build × profile, so a machine pays each build once. It installs nothing anywhere.
#
# Environment: PG_TVIEWS_VERSION, PG_MAJOR and PG_CONFIG (required), PGTV_CACHE_DIR,
# PGTV_BUILD_PROFILE (release | debug, default release).
set -euo pipefail

log() { printf 'build-extension: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for required in PG_TVIEWS_VERSION PG_MAJOR PG_CONFIG; do
  [[ -n "${!required:-}" ]] || { log "$required is not set (see the usage at the top of $0)"; exit 2; }
done
profile=${PGTV_BUILD_PROFILE:-release}
case "$profile" in release | debug) ;; *)
  log "PGTV_BUILD_PROFILE must be release or debug, not '$profile'"
  exit 2
  ;;
esac
# shellcheck disable=SC2153 # checked above, with the other required variables
pg_config=$PG_CONFIG
cache=${PGTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pgtv-runbooks}
crate="pg_tviews-$PG_TVIEWS_VERSION"

[[ -x "$pg_config" ]] || die "no pg_config at $pg_config"
built_major=$("$pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
[[ "$built_major" == "$PG_MAJOR" ]] || die "$pg_config is PostgreSQL $built_major, not $PG_MAJOR"
# Builds against different PostgreSQL builds of one major (another minor, other configure
# options) are kept apart: the headers they compile against may differ.
server_build=$({ "$pg_config" --version; "$pg_config" --configure; } | sha256sum | cut -c1-8)
artifacts="$cache/extension/$crate-pg$PG_MAJOR-$server_build-$profile"

# The crate is fetched from crates.io's static host and checked against the sha256 the
# registry index publishes for that exact version.
fetch_crate() {
  local archive="$cache/crates/$crate.crate" index_line expected actual
  mkdir -p "$cache/crates" "$cache/src"
  if [[ ! -f "$archive" ]]; then
    index_line=$(curl -fsSL "https://index.crates.io/pg/_t/pg_tviews" | grep -E "\"vers\": ?\"${PG_TVIEWS_VERSION//./\\.}\"") ||
      die "pg_tviews $PG_TVIEWS_VERSION is not in the crates.io index; check the version in targets.env"
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
  # One pgrx home per major: `cargo pgrx init` writes a config naming only the pg_config it is
  # given, so another server build of the major (a new package) initializes it again.
  export PGRX_HOME="$cache/pgrx-$version-pg$PG_MAJOR"
  if ! grep -qF "\"$pg_config\"" "$PGRX_HOME/config.toml" 2>/dev/null; then
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

# Two runs building at once would race on the same target folder.
mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9
build
