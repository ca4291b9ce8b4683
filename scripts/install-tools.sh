#!/usr/bin/env bash
# Installs the linters this project runs that no Debian or npm package brings, each pinned, into
# $PGTV_CACHE_DIR/tools (default ~/.cache/pgtv-runbooks/tools), never into the clone or the
# system; prints each binary's path. Idempotent: an installed version is reused as it is.
#
#   scripts/install-tools.sh [squawk] [actionlint]     (default: both)
#
#   squawk      `runbooks lint` runs it over every SQL snippet (lock and migration hazards). From
#               PyPI: the squawk-cli wheel carries the binary (the npm package would download it
#               from GitHub at install time), fetched with pip and checked against its sha256.
#   actionlint  the test suite checks .github/workflows with it. Built from its Go module with
#               `go install` (needs Go ≥ 1.24; the Go module proxy is the only source it uses).
#
# `runbooks setup` runs it (actionlint only where Go is installed). Environment: PGTV_CACHE_DIR.
set -euo pipefail

SQUAWK_VERSION=2.70.0
SQUAWK_WHEEL=squawk_cli-2.70.0-py3-none-manylinux_2_28_x86_64.whl
SQUAWK_SHA256=e67651bb984b01276752ca685f870b281cf493d5d7bd318607148b657c359b52
ACTIONLINT_VERSION=1.7.12

cache=${PGTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pgtv-runbooks}
tools="$cache/tools"

fail() {
  printf 'install-tools: %s: %s\n' "$1" "$2" >&2
  exit 2
}

# A fresh folder next to the final one, renamed into place when complete: a run that is
# interrupted, or two runs at once, never leave a half-installed tool behind.
leftovers=()
trap 'rm -rf "${leftovers[@]}"' EXIT
staging() {
  mkdir -p "$tools"
  mktemp -d "$tools/.install-$1.XXXXXX"
}

install_squawk() {
  local dir="$tools/squawk-$SQUAWK_VERSION"
  if [[ -x "$dir/squawk" ]]; then
    echo "$dir/squawk"
    return
  fi
  command -v python3 >/dev/null || fail squawk 'python3 with pip is needed to fetch squawk-cli from PyPI (apt-get install python3-pip)'
  local tmp
  tmp=$(staging squawk)
  leftovers+=("$tmp")
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "squawk-cli==$SQUAWK_VERSION" >&2 ||
    fail squawk "pip could not download squawk-cli==$SQUAWK_VERSION from PyPI"
  [[ -f "$tmp/$SQUAWK_WHEEL" ]] || fail squawk "pip fetched $(ls "$tmp"), not $SQUAWK_WHEEL (the pinned build is for x86_64 Linux)"
  local sum
  sum=$(sha256sum "$tmp/$SQUAWK_WHEEL" | cut -d' ' -f1)
  [[ "$sum" == "$SQUAWK_SHA256" ]] || fail squawk "$SQUAWK_WHEEL has sha256 $sum, expected $SQUAWK_SHA256"
  python3 - "$tmp/$SQUAWK_WHEEL" "$tmp/squawk" "squawk_cli-$SQUAWK_VERSION.data/scripts/squawk" <<'PY'
import sys, zipfile
wheel, out, member = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY
  chmod 755 "$tmp/squawk"
  "$tmp/squawk" --version >/dev/null || fail squawk "the squawk binary from $SQUAWK_WHEEL does not run on this machine"
  rm -f "$tmp/$SQUAWK_WHEEL"
  mv -T "$tmp" "$dir" 2>/dev/null || [[ -x "$dir/squawk" ]] || fail squawk "cannot move it into $dir"
  echo "$dir/squawk"
}

install_actionlint() {
  local dir="$tools/actionlint-$ACTIONLINT_VERSION"
  if [[ -x "$dir/actionlint" ]]; then
    echo "$dir/actionlint"
    return
  fi
  command -v go >/dev/null || fail actionlint 'Go (≥ 1.24) is needed to build actionlint from its module: install it from go.dev or your distribution'
  local tmp
  tmp=$(staging actionlint)
  leftovers+=("$tmp")
  GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" >&2 ||
    fail actionlint "go install github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION failed"
  "$tmp/actionlint" --version >/dev/null || fail actionlint 'the built binary does not run'
  mv -T "$tmp" "$dir" 2>/dev/null || [[ -x "$dir/actionlint" ]] || fail actionlint "cannot move it into $dir"
  echo "$dir/actionlint"
}

wanted=("$@")
[[ ${#wanted[@]} -gt 0 ]] || wanted=(squawk actionlint)
for tool in "${wanted[@]}"; do
  case "$tool" in
    squawk) install_squawk ;;
    actionlint) install_actionlint ;;
    *) echo "usage: $0 [squawk] [actionlint]" >&2; exit 2 ;;
  esac
done
