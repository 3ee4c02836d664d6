#!/usr/bin/env bats
# OCI hooks: order, where they run, the state on stdin, failures, timeouts.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  setup_bundle
  mkdir -p "$BUNDLE/shared"
  LOG=$BUNDLE/shared/log
  config_edit --arg s "$BUNDLE/shared" '.mounts += [{"destination": "/shared", "type": "bind", "source": $s, "options": ["rbind"]}]'
}
teardown() { teardown_bundle; }

# A host hook that logs its phase, the state's status and id, and its mount namespace.
host_hook() {
  local phase=$1
  jq -n --arg p "$phase" --arg log "$LOG" '{path: "/bin/sh", args: ["sh", "-c",
    "read -r s; printf \"%s %s %s %s\\n\" \"$0\" \"$(echo \"$s\" | jq -r .status)\" \"$(echo \"$s\" | jq -r .id)\" \"$(readlink /proc/self/ns/uts)\" >>\"$1\"", $p, $log]}'
}

@test "hooks run in order, with the state on stdin, in the right namespaces" {
  local hostuts
  hostuts=$(readlink /proc/self/ns/uts)
  config_edit --argjson pre "$(host_hook prestart)" --argjson cr "$(host_hook createRuntime)" \
    --argjson cc "$(host_hook createContainer)" --argjson ps "$(host_hook poststart)" --argjson pst "$(host_hook poststop)" \
    '.hooks = {prestart: [$pre], createRuntime: [$cr], createContainer: [$cc],
               startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer $(hostname) >>/shared/log"]}],
               poststart: [$ps], poststop: [$pst]}
     | .process.args = ["sh", "-c", "echo process >>/shared/log"]'
  bw create --bundle "$BUNDLE" hk </dev/null >/dev/null 2>&1
  bw start hk
  for _ in $(seq 50); do grep -q process "$LOG" && break; sleep 0.1; done
  bw delete hk
  cat "$LOG"
  run cut -d' ' -f1 "$LOG"
  # poststart may land before or after the process's own line.
  [ "$(grep -v '^process$' <<<"$output" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart poststop " ]
  grep -q '^process$' <<<"$output"
  grep -qxF "prestart creating hk $hostuts" "$LOG"
  grep -qxF "createRuntime creating hk $hostuts" "$LOG"
  # createContainer runs in the container's namespaces (its own uts).
  grep -q "^createContainer creating hk " "$LOG"
  ! grep -qF "createContainer creating hk $hostuts" "$LOG"
  # startContainer runs inside the container (its hostname, its /shared).
  grep -q "^startContainer runc$" "$LOG"
  grep -qxF "poststart running hk $hostuts" "$LOG"
  grep -qxF "poststop stopped hk $hostuts" "$LOG"
}

@test "a failing prestart hook fails create with its stderr, and leaves nothing" {
  config_edit '.hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "echo boom-from-hook >&2; exit 3"]}]}'
  run bw create --bundle "$BUNDLE" bad </dev/null
  [ "$status" -ne 0 ]
  [[ $output == *"prestart"* ]]
  [[ $output == *"boom-from-hook"* ]]
  [[ $output == *"status 3"* ]]
  [ ! -e "$BW_ROOT/bad" ]
}

@test "a failing createContainer hook fails create" {
  config_edit '.hooks = {createContainer: [{path: "/bin/false"}]}'
  run bw create --bundle "$BUNDLE" badcc </dev/null
  [ "$status" -ne 0 ]
  [[ $output == *"createContainer"* ]]
  [ ! -e "$BW_ROOT/badcc" ]
}

@test "a hook that outlives its timeout is killed and fails the operation" {
  config_edit '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]}'
  SECONDS=0
  run bw create --bundle "$BUNDLE" slow </dev/null
  [ "$status" -ne 0 ]
  [[ $output == *"timed out after 1 s"* ]]
  [ "$SECONDS" -lt 10 ]
  [ ! -e "$BW_ROOT/slow" ]
}

@test "hook env and args are passed as given" {
  config_edit --arg log "$LOG" '.hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "echo \"$0 $FOO\" >>\"$1\"", "argzero", $log], env: ["FOO=from-env"]}]}'
  bw create --bundle "$BUNDLE" env </dev/null >/dev/null 2>&1
  [ "$(cat "$LOG")" = "argzero from-env" ]
}

@test "a failing poststop hook only warns; delete still removes the container" {
  config_edit '.hooks = {poststop: [{path: "/bin/sh", args: ["sh", "-c", "echo poststop-broke >&2; exit 1"]}]}'
  bw create --bundle "$BUNDLE" ps </dev/null >/dev/null 2>&1
  run bw delete ps
  [ "$status" -eq 0 ]
  [[ $output == *"poststop-broke"* ]]
  [ ! -e "$BW_ROOT/ps" ]
}

@test "a poststart hook can ask the runtime for the container's state" {
  # start must not hold the container's lock while the process starts or its hooks run.
  local hook=$BUNDLE/statehook.sh
  cat >"$hook" <<HOOK
#!/bin/sh
exec "$BULWARK" --root "$BW_ROOT" state sh1 >"$BUNDLE/shared/state.json" 2>&1
HOOK
  chmod +x "$hook"
  config_edit --arg h "$hook" '.hooks = {poststart: [{path: $h, timeout: 5}]} | .process.args = ["sleep", "100"]'
  bw create --bundle "$BUNDLE" sh1 </dev/null >/dev/null 2>&1
  run timeout 20 "$BULWARK" --root "$BW_ROOT" start sh1
  [ "$status" -eq 0 ]
  [ "$(jq -r .status "$BUNDLE/shared/state.json")" = running ]
}

@test "poststart and poststop hooks run from the config as created, even with the bundle's config gone" {
  config_edit --argjson ps "$(host_hook poststart)" --argjson pst "$(host_hook poststop)" \
    '.hooks = {poststart: [$ps], poststop: [$pst]} | .process.args = ["true"]'
  bw create --bundle "$BUNDLE" kept </dev/null >/dev/null 2>&1
  # state.json says which hooks there are: start and delete read the saved
  # config for them, not the bundle's.
  [ "$(jq -c .hooks "$BW_ROOT/kept/state.json")" = '["poststart","poststop"]' ]
  rm "$BUNDLE/config.json"
  bw start kept
  for _ in $(seq 50); do [ "$(bw state kept | jq -r .status)" = stopped ] && break; sleep 0.1; done
  bw delete kept
  grep -q "^poststart running kept " "$LOG"
  grep -q "^poststop stopped kept " "$LOG"
}

@test "without hooks the state says so; a state written before the field still runs them" {
  config_edit '.process.args = ["true"]'
  bw create --bundle "$BUNDLE" none </dev/null >/dev/null 2>&1
  [ "$(jq -c .hooks "$BW_ROOT/none/state.json")" = '[]' ]
  bw delete --force none
  # A state without "hooks" (an older bulwark made it): the saved config decides.
  config_edit --argjson pst "$(host_hook poststop)" '.hooks = {poststop: [$pst]}'
  bw create --bundle "$BUNDLE" old </dev/null >/dev/null 2>&1
  jq 'del(.hooks)' "$BW_ROOT/old/state.json" >"$BUNDLE/s.json"
  cp "$BUNDLE/s.json" "$BW_ROOT/old/state.json"
  bw delete --force old
  grep -q "^poststop stopped old " "$LOG"
}

@test "a failing poststart or poststop hook warns and the remaining hooks of its phase still run" {
  config_edit --arg log "$LOG" '.hooks = {
      poststart: [{path: "/bin/sh", args: ["sh", "-c", "echo poststart-broke >&2; exit 2"]},
                  {path: "/bin/sh", args: ["sh", "-c", "echo poststart-second >>\"$0\"", $log]}],
      poststop: [{path: "/bin/false"},
                 {path: "/bin/sh", args: ["sh", "-c", "echo poststop-second >>\"$0\"", $log]}]}
    | .process.args = ["true"]'
  bw create --bundle "$BUNDLE" pw </dev/null >/dev/null 2>&1
  run bw start pw
  [ "$status" -eq 0 ]
  [[ $output == *"poststart-broke"* ]]
  grep -qx poststart-second "$LOG"
  run bw delete --force pw
  [ "$status" -eq 0 ]
  [[ $output == *"poststop hook #0 (/bin/false) failed with status 1"* ]]
  grep -qx poststop-second "$LOG"
  [ ! -e "$BW_ROOT/pw" ]
}

@test "a failing prestart hook stops its phase: the next one does not run" {
  config_edit --arg log "$LOG" '.hooks = {prestart: [{path: "/bin/false"},
      {path: "/bin/sh", args: ["sh", "-c", "echo second >>\"$0\"", $log]}]}'
  run bw create --bundle "$BUNDLE" pf </dev/null
  [ "$status" -ne 0 ]
  [[ $output == *"prestart hook #0 (/bin/false) failed"* ]]
  [ ! -e "$LOG" ] || ! grep -q second "$LOG"
  [ ! -e "$BW_ROOT/pf" ]
}

@test "host hooks run from the bundle, createContainer hooks from the rootfs" {
  local where='pwd -P >>"$1"; echo "$0" >>"$1"'
  config_edit --arg log "$LOG" --arg w "$where" '.hooks = {
      prestart: [{path: "/bin/sh", args: ["sh", "-c", $w, "prestart", $log]}],
      createRuntime: [{path: "/bin/sh", args: ["sh", "-c", $w, "createRuntime", $log]}],
      createContainer: [{path: "/bin/sh", args: ["sh", "-c", $w, "createContainer", $log]}],
      poststop: [{path: "/bin/sh", args: ["sh", "-c", $w, "poststop", $log]}]}'
  cd /
  bw create --bundle "$BUNDLE" cwd </dev/null >/dev/null 2>&1
  bw delete --force cwd
  cat "$LOG"
  local bundle rootfs
  bundle=$(cd "$BUNDLE" && pwd -P)
  rootfs=$(cd "$BUNDLE/rootfs" && pwd -P)
  [ "$(paste -d' ' - - <"$LOG" | sort)" = "$(printf '%s\n' "$bundle createRuntime" "$bundle poststop" "$bundle prestart" "$rootfs createContainer" | sort)" ]
}
