#!/usr/bin/env bash
# Sign Gvia.app (hardened runtime) or a .dmg, and notarize a .dmg, when the secrets exist.
#
#   packaging/macos/sign_and_notarize.sh sign   dist/Gvia.app
#   packaging/macos/sign_and_notarize.sh sign   dist/Gvia-<version>-macos-<arch>.dmg
#   packaging/macos/sign_and_notarize.sh notarize dist/Gvia-<version>-macos-<arch>.dmg
#
# Environment (GitHub secrets in .github/workflows/installers.yml):
#   MACOS_CERTIFICATE_P12       base64 of the "Developer ID Application" certificate (.p12)
#   MACOS_CERTIFICATE_PASSWORD  its password
#   MACOS_SIGN_IDENTITY         e.g. "Developer ID Application: Name (TEAMID)"
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   for notarytool (an app-specific password)
# Without them each step says so and does nothing, exit 0: an unsigned build is still
# built and smoke-tested (PyInstaller signs it ad hoc, which Apple silicon requires).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
entitlements="$here/entitlements.plist"
action="${1:?sign or notarize}"
target="${2:?the .app or .dmg}"

have_signing() { [ -n "${MACOS_CERTIFICATE_P12:-}" ] && [ -n "${MACOS_SIGN_IDENTITY:-}" ]; }
have_notary() { [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; }

import_certificate() {
  # A throw-away keychain holding only the signing certificate.
  keychain="${RUNNER_TEMP:-/tmp}/gvia-signing.keychain-db"
  [ -f "$keychain" ] && return 0
  password="$(uuidgen)"
  p12="${RUNNER_TEMP:-/tmp}/gvia-signing.p12"
  echo "$MACOS_CERTIFICATE_P12" | base64 --decode > "$p12"
  security create-keychain -p "$password" "$keychain"
  security set-keychain-settings -lut 21600 "$keychain"
  security unlock-keychain -p "$password" "$keychain"
  security import "$p12" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" \
    -T /usr/bin/codesign -T /usr/bin/security
  security set-key-partition-list -S apple-tool:,apple: -s -k "$password" "$keychain" >/dev/null
  security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
  rm -f "$p12"
}

sign_one() {
  codesign --force --timestamp --options runtime --entitlements "$entitlements" \
    --sign "$MACOS_SIGN_IDENTITY" "$1"
}

sign_app() {
  local app="$1"
  # Inside out: every Mach-O file (libraries, Python extensions, the two programs), then
  # the Qt frameworks, then the bundle itself. No --deep: it would sign in the wrong order.
  while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q "Mach-O"; then sign_one "$file"; fi
  done < <(find "$app/Contents" -type f -print0)
  while IFS= read -r -d '' framework; do
    sign_one "$framework"
  done < <(find "$app/Contents" -type d -name "*.framework" -print0 | sort -rz)
  sign_one "$app"
  codesign --verify --strict --verbose=2 "$app"
}

case "$action" in
  sign)
    if ! have_signing; then
      echo "sign: no signing certificate in the environment; $target stays ad-hoc signed"
      exit 0
    fi
    import_certificate
    case "$target" in
      *.app) sign_app "$target" ;;
      *.dmg) codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$target"
             codesign --verify --verbose=2 "$target" ;;
      *) echo "sign: $target is neither a .app nor a .dmg" >&2; exit 2 ;;
    esac
    ;;
  notarize)
    if ! have_signing || ! have_notary; then
      echo "notarize: no signing certificate or notary credentials; $target is not notarized"
      exit 0
    fi
    # The disk image is submitted whole: Apple checks the app inside it, and the ticket
    # stapled to the image lets Gatekeeper accept it offline.
    xcrun notarytool submit "$target" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
      --password "$APPLE_APP_PASSWORD" --wait
    xcrun stapler staple "$target"
    xcrun stapler validate "$target"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$target"
    ;;
  *) echo "usage: $0 sign|notarize PATH" >&2; exit 2 ;;
esac
