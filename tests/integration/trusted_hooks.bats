#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2034 # jq filters use their own $variables; bw (helpers.bash) reads BW_POLICY
# Hooks the policy file trusts (trustedHooks): the file judged at create is
# the file that runs, at create, start and delete; the config cannot hand
# it code through its env. attacks4.bats holds the attacks themselves.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  setup_bundle
  SCRATCH=$(mktemp -d /tmp/bulwark-th.XXXXXX)
  chmod 755 "$SCRATCH"
  # writes "<phase> <uid> <PATH of its env>" into the file named by its first argument
  printf '#!/bin/sh\necho "$2 $(id -u) $(printenv PATH || echo unset)" >> "$1"\n' >"$SCRATCH/trusted-hook"
  chmod 755 "$SCRATCH/trusted-hook"
  ln -s "$SCRATCH/trusted-hook" "$SCRATCH/link"
  echo '{"trustedHooks": ["'"$SCRATCH/trusted-hook"'"]}' >"$SCRATCH/policy.json"
  BW_POLICY="--policy $SCRATCH/policy.json --profile restricted"
}

teardown() {
  teardown_bundle
  rm -rf "$SCRATCH"
}

@test "an unchanged trusted hook runs at create, start and delete, through its symlink, with the env it is given (and the system PATH when it has none)" {
  local proof=$SCRATCH/proof id=k$BATS_TEST_NUMBER
  config_edit --arg h "$SCRATCH/link" --arg p "$proof" '.process.args=["sleep","30"] | .hooks = {
    "createRuntime":[{"path":$h,"args":["hook",$p,"createRuntime"],"env":["PATH=/usr/bin:/bin"]}],
    "poststart":[{"path":$h,"args":["hook",$p,"poststart"]}],
    "poststop":[{"path":$h,"args":["hook",$p,"poststop"]}]}'
  bw create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&-
  run bw start "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  run bw delete --force "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  # the hooks' own env only, plus the system PATH where none was given
  # (a shell's built-in one would search the bundle)
  cat "$proof"
  [ "$(cat "$proof")" = "createRuntime 0 /usr/bin:/bin
poststart 0 /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
poststop 0 /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ]
}

@test "a trusted program replaced after create does not run at delete; delete warns with both identities" {
  local proof=$SCRATCH/proof id=r$BATS_TEST_NUMBER
  config_edit --arg h "$SCRATCH/link" --arg p "$proof" \
    '.process.args=["sleep","30"] | .hooks = {"poststop":[{"path":$h,"args":["hook",$p,"poststop"]}]}'
  bw create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&-
  # the operator's program is replaced (a new file under the same name)
  printf '#!/bin/sh\necho replaced >> "$1"\n' >"$SCRATCH/new"
  chmod 755 "$SCRATCH/new"
  mv "$SCRATCH/new" "$SCRATCH/trusted-hook"
  run bw delete --force "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"poststop hook #0 ($SCRATCH/link) not run: $SCRATCH/link was trusted at create (trustedHooks) as the file with device "*" but names device "*" now"* ]]
  [ ! -e "$proof" ]
  run bw state "$id"
  [ "$status" -ne 0 ]
}

@test "a trusted hook's env with a loader, shell or search-path variable is BW110, naming it" {
  local proof=$SCRATCH/proof var
  for var in LD_LIBRARY_PATH=/tmp GCONV_PATH=/tmp BASH_ENV=/tmp/x PYTHONPATH=/tmp PATH=/tmp:/usr/bin PATH=/usr/bin: ; do
    config_edit --arg h "$SCRATCH/link" --arg p "$proof" --arg v "$var" \
      '.hooks = {"createRuntime":[{"path":$h,"args":["hook",$p,"createRuntime"],"env":["HOME=/",$v]}]}'
    run bw run --bundle "$BUNDLE" "v$BATS_TEST_NUMBER"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ $output == *"BW110 "*"createRuntime hook $SCRATCH/link (trusted) with env ${var%%=*}, which makes it run other code"* ]]
    [[ $output != *"with env HOME"* ]]
    [ ! -e "$proof" ]
  done
}

@test "a hook through /proc/self/root is not trusted: BW110" {
  local proof=$SCRATCH/proof
  config_edit --arg h "/proc/self/root$SCRATCH/trusted-hook" --arg p "$proof" \
    '.hooks = {"createRuntime":[{"path":$h,"args":["hook",$p,"createRuntime"]}]}'
  run bw run --bundle "$BUNDLE" "p$BATS_TEST_NUMBER"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW110 [medium] Hook runs a host binary: createRuntime hook /proc/self/root$SCRATCH/trusted-hook"$'\n'* ]]
  [ ! -e "$proof" ]
}
