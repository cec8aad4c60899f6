#!/usr/bin/env bash
# Install the Debian packages the kit needs when they are missing; say what to run when we cannot.
# Usage: scripts/ensure_system.sh [test]   ("test" adds what only the tests need: chromium, LibreOffice)
set -euo pipefail

need=()
# Read the font list once: piping fc-list into `grep -q` can fail under pipefail when grep exits early.
fonts=$(fc-list 2>/dev/null || true)
grep -q 'Noto Serif CJK SC' <<<"$fonts" || need+=(fonts-noto-cjk)
grep -qi 'LXGW WenKai' <<<"$fonts" || need+=(fonts-lxgw-wenkai)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# Fillable PDFs name Adobe's STSong for typed Chinese without embedding it; Poppler viewers (Evince,
# Okular) need this CMap from poppler-data to draw it, else the fields stay blank.
[ -e /usr/share/poppler/cMap/Adobe-GB1/UniGB-UCS2-H ] || need+=(poppler-data)
# WeasyPrint subsets fonts with the system's HarfBuzz subsetter (the kit's own compaction uses the copy
# inside the uharfbuzz wheel). Without it WeasyPrint falls back to fontTools: the 2025 forms took 159 s
# instead of 2.5 s, and WeasyPrint announces that later versions require the library.
libs=$( { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)
grep -q 'libharfbuzz-subset\.so\.0' <<<"$libs" || need+=(libharfbuzz-subset0)
if [ "${1:-}" = "test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # The office tests open every .docx and .xlsx in LibreOffice Writer and Calc (headless).
  [ -e /usr/lib/libreoffice/program/libswlo.so ] || need+=(libreoffice-writer-nogui)
  [ -e /usr/lib/libreoffice/program/libsclo.so ] || need+=(libreoffice-calc-nogui)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${need[*]}"
if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "error: missing Debian packages and no root rights. Run this, then try again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"; }; then
  echo "error: apt-get could not install: ${need[*]}. Run this by hand, then try again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
fc-cache -f >/dev/null 2>&1 || true
