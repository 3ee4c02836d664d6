#!/usr/bin/env bats
# Global flags every command shares: --log, --log-format, --debug, and the
# usage errors for unknown commands and flags.

load helpers

setup() {
  TMP=$(mktemp -d /tmp/bulwark-globals.XXXXXX)
}

teardown() {
  rm -rf "$TMP"
}

@test "--log-format json writes one JSON object per line with level, msg and time" {
  echo '{"ociVersion": "1.2.0", "process": {"user": {"uid": "root", "gid": 0}, "args": ["sh"], "cwd": "/"}}' >"$TMP/bad.json"
  run "$BULWARK" --log "$TMP/log" --log-format json validate "$TMP/bad.json"
  [ "$status" -eq 1 ]
  [[ $output == *'process.user.uid: expected a non-negative integer, found "root"'* ]]
  # Every line is a JSON object with the three fields containerd's shim reads.
  [ "$(wc -l <"$TMP/log")" -ge 1 ]
  jq -e -s 'all(.[]; (.level | type == "string") and (.msg | type == "string") and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")))' "$TMP/log"
  jq -e -s 'any(.[]; .level == "error" and (.msg | contains("process.user.uid")))' "$TMP/log"
}

@test "--log-format text writes readable lines to the log file" {
  echo 'not json' >"$TMP/bad.json"
  run "$BULWARK" --log "$TMP/log" validate "$TMP/bad.json"
  [ "$status" -eq 1 ]
  grep -q 'error: .*bad.json' "$TMP/log"
  ! jq -e . "$TMP/log" >/dev/null 2>&1
}

@test "--debug adds debug lines to the log (the sealed-copy cost of run); without it there are none" {
  setup_bundle
  run "$BULWARK" --root "$BW_ROOT" --debug --log "$TMP/log" --log-format json run --bundle "$BUNDLE" dbg
  teardown_bundle
  [ "$status" -eq 0 ]
  jq -e -s 'any(.[]; .level == "debug")' "$TMP/log"
  setup_bundle
  run "$BULWARK" --root "$BW_ROOT" --log "$TMP/log2" --log-format json run --bundle "$BUNDLE" nodbg
  teardown_bundle
  [ "$status" -eq 0 ]
  ! jq -e -s 'any(.[]; .level == "debug")' "$TMP/log2"
}

@test "an unknown command, global flag or log format is a usage error (exit 2)" {
  run "$BULWARK" frobnicate
  [ "$status" -eq 2 ]
  [[ $output == *"unknown command 'frobnicate'"* ]]
  run "$BULWARK" --no-such-flag list
  [ "$status" -eq 2 ]
  [[ $output == *"--no-such-flag"* ]]
  run "$BULWARK" --log-format xml list
  [ "$status" -eq 2 ]
  [[ $output == *"use text or json"* ]]
}

@test "--version names the version, commit, OCI spec and libseccomp" {
  run "$BULWARK" --version
  [ "$status" -eq 0 ]
  [[ $output == *"bulwark version "* ]]
  [[ $output == *"spec: 1.2.0"* ]]
  [[ $output =~ libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+ ]]
  [[ $output =~ commit:\ [0-9a-f]{12}|commit:\ unknown ]]
}
