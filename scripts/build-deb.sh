#!/usr/bin/env bash
# `make deb`: build-deb/openbits_<version>_<arch>.deb, built by Debian's own tools
# (dpkg-buildpackage, debhelper) from a copy of this tree with packaging/debian as its
# debian/ folder, so the tree itself never gains build output or a changelog. The version
# is CMake's project version; the changelog entry is written from it. ccache, when
# installed, is shared with the other builds (debhelper gives the build its own HOME).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${DEB_OUT:-build-deb}

version=$(sed -n 's/^project(openbits VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "build-deb: no project version in CMakeLists.txt" >&2; exit 1; }
maintainer=$(sed -n 's/^Maintainer: //p' packaging/debian/control)

src=$out/openbits-$version
rm -rf "$src"
mkdir -p "$src"
# The tree as git sees it: tracked and new files, without ignored build output.
git ls-files -z --cached --others --exclude-standard --deduplicate |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$src"
cp -r packaging/debian "$src/debian"
cat >"$src/debian/changelog" <<CHANGELOG
openbits ($version) unstable; urgency=medium

  * Built from commit $(git rev-parse --short HEAD) of the OpenBITS sources.

 -- $maintainer  $(git log -1 --format=%aD)
CHANGELOG

if command -v ccache >/dev/null; then
  CCACHE_DIR=${CCACHE_DIR:-$(ccache --get-config cache_dir)}
  export CCACHE_DIR
fi
(cd "$src" && dpkg-buildpackage --build=binary --no-sign -jauto)

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
echo "build-deb: $out/openbits_${version}_${arch}.deb"
