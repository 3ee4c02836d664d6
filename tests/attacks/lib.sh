# shellcheck shell=bash
# Shared by the attack reproductions in this directory: a busybox bundle
# and the built binary, as the integration tests make them. Each script is
# self-contained: run it as root from anywhere, it cleans up after itself
# and ends with "SAFE" or "BROKEN: ...".
ATTACKS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../integration/helpers.bash
source "$ATTACKS_DIR/../integration/helpers.bash"
BW_POLICY=${BW_POLICY_OVERRIDE-}   # the defaults (baseline, harden) unless told

verdict() { # verdict SAFE|BROKEN text
  echo "$1${2:+: $2}"
  [[ $1 == SAFE ]]
}

# Run the calling script again in a private mount namespace with a tmpfs
# over /var/lib/bulwark (the id-range store every --root shares), so an
# attack on the store never touches the host's records. Call it first,
# with the script's arguments.
private_store() {
  if [[ -z ${ATK_PRIVATE_NS-} ]]; then
    exec env ATK_PRIVATE_NS=1 unshare -m --propagation private bash "$0" "$@"
  fi
  mount -t tmpfs -o mode=0755 tmpfs /var/lib/bulwark
}
