#!/bin/sh
# Stillroom .deb post-remove: take away what after-install.sh added (the data folder stays).
set -e
rm -f '/usr/bin/${executable}'
if [ -f /etc/apparmor.d/stillroom ]; then
  if command -v apparmor_parser >/dev/null 2>&1; then apparmor_parser --remove /etc/apparmor.d/stillroom 2>/dev/null || true; fi
  rm -f /etc/apparmor.d/stillroom
fi
