# Shared by scripts/check and scripts/demo: package install and build setup.
# shellcheck shell=bash

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Installs the Debian packages of scripts/packages.txt that are missing.
# Runs apt-get update once, and nothing at all when every package is there.
install_packages () {
  local missing=() pkg
  while read -r pkg; do
    [ -z "$pkg" ] && continue
    case "$pkg" in \#*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done < "$top/scripts/packages.txt"
  if [ ${#missing[@]} -eq 0 ]; then
    echo "== packages: all present"
    return 0
  fi
  echo "== packages: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  # With recommends, as on the machines where the suites were run.
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
}

# configure_build DIR [meson setup options...]: sets up DIR, or reconfigures
# it when it exists, so that a second run only rebuilds what changed.
configure_build () {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$top" "$@" >/dev/null
  else
    meson setup "$dir" "$top" "$@" >/dev/null
  fi
}
