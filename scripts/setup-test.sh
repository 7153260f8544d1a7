#!/usr/bin/env bash
# Installs what the TESTS need on top of scripts/setup.sh: the vpcd virtual reader driver
# (virtual cards in the real pcscd), the independent card clients the virtual cards are
# held against, what scripts/pcscd.sh uses, and Chromium for the browser tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

apt_install \
  vsmartcard-vpcd pcsc-tools \
  opensc yubico-piv-tool gnupg scdaemon \
  iproute2 procps \
  chromium
