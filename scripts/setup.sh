#!/usr/bin/env bash
# Installs what Pinwarden needs to RUN on a Debian/Ubuntu machine: the PC/SC service and
# a USB reader driver, what the `pcsclite` binding builds with, and the npm packages.
# The test stack (the vpcd virtual reader, OpenSC, yubico-piv-tool, GnuPG, Chromium) is
# scripts/setup-test.sh's, which runs this first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# apt_install PACKAGE…: installs those not installed yet (root, or through sudo).
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

apt_install \
  pcscd libccid libpcsclite1 \
  libpcsclite-dev g++ make python3 # the pcsclite binding builds against the headers (node-gyp)

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
