# Sourced by the build scripts that compile from Debian's source packages
# (scripts/build-python, scripts/build-lua). Needs: $cache, $tmp, SUDO, and
# the functions say and die.
#
#   fetch_orig PACKAGE FILE SHA256   a file of a Debian source package (its
#                                    upstream tarball, or its debian/ one),
#                                    checked against its pinned hash and kept
#                                    in $cache/sources.

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
sha_ok() { [ -f "$1" ] && [ "$(sha_of "$1")" = "$2" ]; }

debian_apt_updated=0
debian_apt_update() {
  if [ "$debian_apt_updated" = 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -qq >&2
    debian_apt_updated=1
  fi
}

# ensure_deb_src PACKAGE FILE: deb-src enabled, and the index lists FILE.
ensure_deb_src() {
  local list=/etc/apt/sources.list.d/debian.sources old=/etc/apt/sources.list listed
  if [ -f "$list" ]; then
    if ! grep -q '^Types:.*deb-src' "$list"; then
      say "enabling deb-src in $list"
      $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' "$list"
      debian_apt_updated=0
    fi
  elif [ -f "$old" ] && ! grep -q '^deb-src ' "$old"; then
    say "adding deb-src lines to $old"
    sed -n 's/^deb /deb-src /p' "$old" | $SUDO tee -a "$old" >/dev/null
    debian_apt_updated=0
  fi
  listed=$(apt-cache showsrc "$1" 2>/dev/null || true)
  case $listed in *"$2"*) ;; *) debian_apt_update ;; esac
}

fetch_orig() {
  local pkg=$1 file=$2 sha=$3 dl sources=$cache/sources
  mkdir -p "$sources"
  if sha_ok "$sources/$file" "$sha"; then
    return
  fi
  ensure_deb_src "${pkg%%=*}" "$file"
  dl=$(mktemp -d "$tmp/download.XXXXXX")
  say "apt-get source --download-only $pkg"
  # The Debian packaging files of the newest security update may 404; the
  # file wanted may still download, and it is all the build needs.
  (cd "$dl" && apt-get source --download-only "$pkg") >"$tmp/log-download-${pkg%%=*}.txt" 2>&1 || true
  if ! sha_ok "$dl/$file" "$sha"; then
    tail -n 20 "$tmp/log-download-${pkg%%=*}.txt" >&2
    if [ -f "$dl/$file" ]; then say "$file has sha256 $(sha_of "$dl/$file"), expected $sha"; fi
    die "could not fetch $file from Debian's source package $pkg"
  fi
  mv "$dl/$file" "$sources/$file.part.$$"
  mv "$sources/$file.part.$$" "$sources/$file"
  rm -rf "$dl"
}
