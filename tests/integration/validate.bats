#!/usr/bin/env bats
# bulwark validate: exit 0 for a valid config, 1 with a precise message for
# an invalid one, 2 for a usage error.

setup() {
  : "${BULWARK:?set BULWARK to the built binary}"
  DIR=$(mktemp -d)
  cd "$DIR"
}

teardown() {
  cd /
  rm -rf "$DIR"
}

write_valid() {
  cat >"${1:-config.json}" <<'JSON'
{
  "ociVersion": "1.2.0",
  "root": { "path": "rootfs", "readonly": true },
  "process": {
    "cwd": "/",
    "args": ["sh"],
    "user": { "uid": 0, "gid": 0 },
    "capabilities": { "bounding": ["CAP_KILL"] }
  },
  "linux": { "namespaces": [{ "type": "pid" }, { "type": "mount" }] }
}
JSON
}

@test "validate: ./config.json by default, valid -> exit 0" {
  write_valid
  run "$BULWARK" validate
  [ "$status" -eq 0 ]
  [ "$output" = "config.json: valid" ]
}

@test "validate --bundle DIR reads DIR/config.json" {
  mkdir b
  write_valid b/config.json
  run "$BULWARK" validate --bundle b
  [ "$status" -eq 0 ]
  [ "$output" = "b/config.json: valid" ]
}

@test "validate FILE" {
  write_valid other.json
  run "$BULWARK" validate other.json
  [ "$status" -eq 0 ]
  [ "$output" = "other.json: valid" ]
}

@test "validate: the issue's example message, exit 1" {
  write_valid
  sed -i 's/"uid": 0/"uid": "root"/' config.json
  run "$BULWARK" validate
  [ "$status" -eq 1 ]
  [ "$output" = 'bulwark: config.json:7:22: process.user.uid: expected a non-negative integer, found "root"' ]
}

@test "validate: unknown capability, exit 1" {
  write_valid
  sed -i 's/CAP_KILL/CAP_KILLALL/' config.json
  run "$BULWARK" validate
  [ "$status" -eq 1 ]
  [ "$output" = 'bulwark: config.json:8:36: process.capabilities.bounding[0]: expected a capability name such as "CAP_CHOWN", found "CAP_KILLALL"' ]
}

@test "validate: duplicate namespace, exit 1" {
  write_valid
  sed -i 's/"type": "mount"/"type": "pid"/' config.json
  run "$BULWARK" validate
  [ "$status" -eq 1 ]
  [ "$output" = 'bulwark: config.json:10:58: linux.namespaces[1].type: expected each namespace type once, found "pid" again (first at linux.namespaces[0])' ]
}

@test "validate: empty file, not JSON, exit 1" {
  : >config.json
  run "$BULWARK" validate
  [ "$status" -eq 1 ]
  [ "$output" = "bulwark: config.json:1:1: expected a JSON object, found an empty file" ]
  echo 'not json' >config.json
  run "$BULWARK" validate
  [ "$status" -eq 1 ]
  [[ $output == "bulwark: config.json:1:"*": invalid JSON: "* ]]
}

@test "validate: a directory instead of a file, exit 1" {
  mkdir d
  run "$BULWARK" validate d
  [ "$status" -eq 1 ]
  [ "$output" = "bulwark: d: expected a JSON file, found a directory (for a bundle, pass --bundle d)" ]
}

@test "validate: a missing file, exit 1" {
  run "$BULWARK" validate --bundle nowhere
  [ "$status" -eq 1 ]
  [ "$output" = "bulwark: opening config nowhere/config.json: No such file or directory" ]
}

@test "validate: usage errors exit 2" {
  run "$BULWARK" validate a.json b.json
  [ "$status" -eq 2 ]
  [[ $output == *"expected at most one FILE, found 2"* ]]
  run "$BULWARK" validate --bundle b a.json
  [ "$status" -eq 2 ]
  [[ $output == *"give either --bundle DIR or FILE, not both"* ]]
  run "$BULWARK" validate --frobnicate
  [ "$status" -eq 2 ]
  [[ $output == *"--frobnicate"* ]]
  run "$BULWARK" validate --bundle
  [ "$status" -eq 2 ]
}

@test "validate --help prints usage and exits 0" {
  run "$BULWARK" validate --help
  [ "$status" -eq 0 ]
  [[ $output == *"validate [--bundle DIR | FILE]"* ]]
}
