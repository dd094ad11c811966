#!/bin/sh
# Stillroom .deb post-install: put the command on the PATH, and make Chromium's sandbox work.
#
# Chromium sandboxes its renderers with unprivileged user namespaces. Ubuntu 23.10 and later
# allow those only to programs an AppArmor profile names ("SUID sandbox helper … not configured
# correctly" otherwise, electron#42510), so a profile for Stillroom's binary is installed where
# the system has AppArmor 4. Where user namespaces are off altogether, Chromium falls back to
# its setuid helper, chrome-sandbox, which must be owned by root with mode 4755.
set -e

APP_DIR='/opt/${sanitizedProductName}'
BIN="$APP_DIR/${executable}"

ln -sf "$BIN" '/usr/bin/${executable}'

if [ -f "$APP_DIR/chrome-sandbox" ]; then
  chown root:root "$APP_DIR/chrome-sandbox"
  chmod 4755 "$APP_DIR/chrome-sandbox"
fi

if [ -d /etc/apparmor.d ] && [ -f /etc/apparmor.d/abi/4.0 ] && command -v apparmor_parser >/dev/null 2>&1; then
  cat > /etc/apparmor.d/stillroom <<PROFILE
# Installed by the Stillroom package: lets Chromium's sandbox create user namespaces.
abi <abi/4.0>,
include <tunables/global>

profile stillroom "$BIN" flags=(unconfined) {
  userns,
  include if exists <local/stillroom>
}
PROFILE
  apparmor_parser --replace --write-cache --skip-read-cache /etc/apparmor.d/stillroom || true
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database /usr/share/applications || true
fi
