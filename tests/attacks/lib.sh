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
