#!/bin/sh
# The browser tests (tests/test_web_browser.py) drive the system's chromium through playwright;
# playwright's own browser downloads are never used. Install Debian's `chromium` where it is
# missing: as root with apt-get, else with passwordless sudo. Where it cannot be had, say so
# (the tests then skip with that reason) — except under CI, where it is an error.
set -eu
have() { command -v "$1" >/dev/null 2>&1; }
if [ -x /usr/bin/chromium ] || have chromium || { [ -n "${STRACK_CHROMIUM:-}" ] && [ -x "$STRACK_CHROMIUM" ]; }; then
  exit 0
fi
run=""
if [ "$(id -u)" != 0 ]; then
  if have sudo && sudo -n true 2>/dev/null; then run="sudo -n"; else run="none"; fi
fi
if [ "$run" != none ] && have apt-get; then
  echo "installing chromium for the browser tests (apt-get install chromium)" >&2
  $run apt-get update -qq && DEBIAN_FRONTEND=noninteractive $run apt-get install -y -qq chromium >/dev/null && exit 0
fi
echo "note: chromium is not installed and could not be installed here; the browser tests will be skipped (apt-get install chromium)" >&2
if [ -n "${CI:-}" ]; then exit 1; fi
exit 0
