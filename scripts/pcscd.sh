#!/usr/bin/env bash
# Starts pcscd with the vpcd driver for the tests and the simulator, unless one already
# runs, and waits until vpcd's readers are listed.
#   scripts/pcscd.sh start | stop | status
#
# On a test machine where we are root, loopback routes also get `quickack 1`: vpcd writes
# each frame as two small packets, and a delayed ACK on the card's side stalls every APDU
# by ~48 ms. Node cannot set TCP_QUICKACK on a socket; the route attribute does the same
# for loopback. It changes no behaviour, only the wait (see docs/benchmarks.md).
# Set PINWARDEN_QUICKACK=0 to leave the routes alone.
set -euo pipefail
cmd="${1:-start}"
log="${PCSCD_LOG:-/tmp/pinwarden-pcscd.log}"

readers_listed() {
  # The vpcd readers appear once pcscd has loaded the driver.
  command -v opensc-tool >/dev/null && opensc-tool -l 2>/dev/null | grep -q "Virtual PCD 00 00"
}

quickack() {
  [ "${PINWARDEN_QUICKACK:-1}" = "0" ] && return 0
  [ "$(id -u)" -eq 0 ] || return 0
  for dst in 127.0.0.0/8 127.0.0.1; do
    ip route replace local "$dst" dev lo table local proto kernel scope host src 127.0.0.1 quickack 1 2>/dev/null || true
  done
}

case "$cmd" in
  start)
    quickack
    if pgrep -x pcscd >/dev/null; then
      # A pcscd started before vpcd was installed (e.g. by the package's own start) has no
      # vpcd readers: give it a moment, then restart it so it reads /etc/reader.conf.d.
      for _ in $(seq 1 30); do readers_listed && break; sleep 0.1; done
      if ! readers_listed; then
        "$0" stop
      fi
    fi
    if ! pgrep -x pcscd >/dev/null; then
      # Started under `flock /tmp/pinwarden-pcscd.lock …`, this script has inherited flock's
      # descriptor of the lock file; pcscd would inherit it too and hold the lock for as
      # long as it runs (flock(1) -o is what avoids that). Close it first.
      for fd in /proc/$$/fd/*; do
        if [ "$(readlink "$fd" 2>/dev/null)" = "/tmp/pinwarden-pcscd.lock" ]; then eval "exec ${fd##*/}>&-"; fi
      done
      pcscd --foreground >"$log" 2>&1 &
      disown || true
    fi
    for _ in $(seq 1 100); do
      readers_listed && { echo "pcscd: running with vpcd readers"; exit 0; }
      sleep 0.1
    done
    echo "pcscd: no vpcd readers after 10 s (see $log)" >&2
    exit 1
    ;;
  stop)
    pkill -x pcscd || true
    # Wait until it has gone, so a start right after starts a new one.
    for _ in $(seq 1 100); do
      pgrep -x pcscd >/dev/null || exit 0
      sleep 0.05
    done
    pkill -9 -x pcscd || true
    ;;
  status)
    readers_listed && echo "pcscd: running with vpcd readers" || { echo "pcscd: not running"; exit 1; }
    ;;
  *)
    echo "usage: scripts/pcscd.sh start|stop|status" >&2
    exit 2
    ;;
esac
