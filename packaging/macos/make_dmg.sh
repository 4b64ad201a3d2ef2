#!/usr/bin/env bash
# Pack dist/Gvia.app into dist/Gvia-<version>-macos-<arch>.dmg: a window with Gvia and a
# link to /Applications, to drag it onto. hdiutil only (it ships with macOS).
#
#   packaging/macos/make_dmg.sh            (after python packaging/build.py)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
app="$root/dist/Gvia.app"
[ -d "$app" ] || { echo "make_dmg: $app is missing; run packaging/build.py first" >&2; exit 1; }
version="$(python3 "$root/packaging/build.py" --print-version)"
arch="${GVIA_TARGET_ARCH:-$(uname -m)}"
dmg="$root/dist/Gvia-$version-macos-$arch.dmg"

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
ditto "$app" "$staging/Gvia.app"          # ditto keeps the signatures and the symlinks
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "Gvia" -srcfolder "$staging" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"
echo "make_dmg: $dmg ($(du -h "$dmg" | cut -f1))"
