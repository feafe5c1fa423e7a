#!/usr/bin/env bash
# What the browser test needs from the system: Debian's chromium (playwright-core drives it; `npx playwright
# install` cannot download browsers here) and a font for the figures (fonts-dejavu-core; resvg's PNGs and
# chromium both use it). Installs them with apt-get when missing (CI runs as root on Debian/Ubuntu).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then
  echo "chromium and fonts present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing ${missing[*]}: install them (Debian/Ubuntu: apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
/usr/bin/chromium --version
