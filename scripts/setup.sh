#!/usr/bin/env bash
# Installs what Pinwarden needs on a Debian/Ubuntu machine: the PC/SC service with the
# vpcd virtual reader driver, the build headers for the pcsclite binding, the
# independent card clients the tests hold the virtual cards against, and npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pcscd vsmartcard-vpcd libpcsclite-dev pcsc-tools # PC/SC service, virtual reader, headers
  opensc yubico-piv-tool gnupg scdaemon            # independent clients for the virtual cards
  iproute2 procps                                  # scripts/pcscd.sh
  chromium                                         # browser tests (playwright-core drives it)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
