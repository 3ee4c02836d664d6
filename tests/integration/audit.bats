#!/usr/bin/env bats
# bulwark audit: golden reports (text, json, sarif), the exact rule ids for
# docker inspect fixtures of common `docker run` flags, SARIF checked
# against a schema, exit codes and error messages.
# BW_UPDATE_GOLDEN=1 rewrites the golden files from the current output.

bats_require_minimum_version 1.5.0

DATA="$BATS_TEST_DIRNAME/data/audit"

setup() {
  : "${BULWARK:?set BULWARK to the built binary}"
  cd "$DATA"
}

teardown() {
  if [[ -n ${server:-} ]]; then kill "$server" 2>/dev/null || true; fi
}

# SARIF's tool version changes with every release: compare without it.
normalize() {
  case $1 in
    sarif) jq '.runs[0].tool.driver.version = "VERSION"' ;;
    *) cat ;;
  esac
}

golden() { # golden NAME FORMAT ARGS...
  local name=$1 fmt=$2; shift 2
  local want="golden/$name.$fmt"
  run --separate-stderr "$BULWARK" audit --format "$fmt" "$@"
  [ "$status" -eq 1 ] || [ "$status" -eq 0 ]
  local got
  got=$(normalize "$fmt" <<<"$output")
  if [[ -n ${BW_UPDATE_GOLDEN:-} ]]; then
    printf '%s\n' "$got" >"$want"
  fi
  diff -u "$want" <(printf '%s\n' "$got")
}

# The sorted, unique rule ids audit reports for a file.
ids() {
  "$BULWARK" audit --format json "$@" | jq -r '[.targets[].findings[].rule] | unique | join(" ")'
}

@test "audit: golden text report for an OCI config" {
  golden risky text oci/risky.json
}

@test "audit: golden json report for an OCI config" {
  golden risky json oci/risky.json
}

@test "audit: golden sarif report for an OCI config" {
  golden risky sarif oci/risky.json
}

@test "audit: golden reports for docker inspect output" {
  golden docker text docker/privileged.json docker/docker-sock.json docker/clean.json
  golden docker json docker/privileged.json docker/docker-sock.json docker/clean.json
  golden docker sarif docker/privileged.json docker/docker-sock.json docker/clean.json
}

@test "audit: SARIF validates against the SARIF 2.1.0 schema (subset)" {
  for input in oci/risky.json docker/privileged.json docker/clean.json; do
    "$BULWARK" audit --format sarif "$input" >"$BATS_TEST_TMPDIR/out.sarif" || true
    python3 - "$DATA/sarif-2.1.0-subset.schema.json" "$BATS_TEST_TMPDIR/out.sarif" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(log, schema, cls=jsonschema.Draft7Validator)
PY
  done
  # And a broken log is rejected: the check can fail.
  "$BULWARK" audit --format sarif oci/risky.json | jq '.runs[0].results[0].level = "fatal"' >"$BATS_TEST_TMPDIR/bad.sarif" || true
  run python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
    "$DATA/sarif-2.1.0-subset.schema.json" "$BATS_TEST_TMPDIR/bad.sarif"
  [ "$status" -ne 0 ]
}

@test "audit: SARIF carries what GitHub code scanning needs" {
  run "$BULWARK" audit --format sarif oci/risky.json
  [ "$status" -eq 1 ]
  # every rule: help text and markdown, a numeric security-severity, tags
  jq -e '.runs[0].tool.driver.rules | length > 40 and all(.help.text and .help.markdown and
         (.properties["security-severity"] | tonumber >= 0) and (.properties.tags | index("security")))' <<<"$output"
  # every result: a rule that exists at ruleIndex, a location, a fingerprint
  jq -e '.runs[0] as $r | $r.results | length == 13 and all(.ruleId == $r.tool.driver.rules[.ruleIndex].id and
         .locations[0].physicalLocation.artifactLocation.uri == "oci/risky.json" and
         (.partialFingerprints["bulwarkFinding/v1"] | test("^[0-9a-f]{16}$")))' <<<"$output"
  # the docker.sock finding points at the line of the mount
  line=$(grep -n '"source": "/var/run/docker.sock"' oci/risky.json | cut -d: -f1)
  jq -e --argjson l "$line" '.runs[0].results[] | select(.ruleId == "BW070") | .locations[0].physicalLocation.region.startLine == $l' <<<"$output"
}

@test "audit: docker inspect of docker run --privileged" {
  run ids docker/privileged.json
  [ "$output" = "BW001 BW010 BW011 BW012 BW013 BW014 BW015 BW016 BW017 BW018 BW019 BW020 BW021 BW022 BW023 BW024 BW025 BW026 BW027 BW028 BW030 BW040 BW042 BW050 BW053 BW064 BW082 BW090 BW091 BW092 BW093 BW101 BW102 BW103" ]
}

@test "audit: docker inspect of -v /var/run/docker.sock:/var/run/docker.sock" {
  run ids docker/docker-sock.json
  [ "$output" = "BW015 BW016 BW017 BW018 BW019 BW028 BW040 BW042 BW052 BW053 BW064 BW070 BW101 BW102 BW103" ]
}

@test "audit: docker inspect of --cap-add SYS_ADMIN" {
  # SYS_ADMIN also makes Docker's default seccomp profile allow mount, unshare, setns ...
  run ids docker/cap-sys-admin.json
  [ "$output" = "BW010 BW015 BW016 BW017 BW018 BW019 BW028 BW040 BW042 BW052 BW053 BW064 BW101 BW102 BW103" ]
}

@test "audit: docker inspect of --pid host" {
  run ids docker/pid-host.json
  [ "$output" = "BW015 BW016 BW017 BW018 BW019 BW028 BW040 BW042 BW052 BW053 BW060 BW064 BW101 BW102 BW103" ]
}

@test "audit: docker inspect of --uts host reports BW063 (it was refused as bad input: a hostname without a UTS namespace)" {
  # moby leaves the spec's hostname empty with --uts host; the inspect still
  # shows Config.Hostname.
  jq '.[0].HostConfig.UTSMode = "host" | .[0].Config.Hostname = "buildhost"' docker/cap-net-raw.json \
    >"$BATS_TEST_TMPDIR/uts-host.json"
  run --separate-stderr "$BULWARK" audit --profile restricted "$BATS_TEST_TMPDIR/uts-host.json"
  echo "$output$stderr"
  [ "$status" -eq 1 ]
  [ -z "$stderr" ]
  run ids --profile restricted "$BATS_TEST_TMPDIR/uts-host.json"
  [[ " $output " == *" BW063 "* ]]
}

@test "audit: docker inspect of --cap-add NET_RAW (already in Docker's default set)" {
  run ids docker/cap-net-raw.json
  [ "$output" = "BW015 BW016 BW017 BW018 BW019 BW028 BW040 BW042 BW052 BW053 BW064 BW101 BW102 BW103" ]
}

@test "audit: docker inspect of a locked-down container under userns-remap is clean" {
  run ids docker/clean.json
  [ "$output" = "" ]
  run "$BULWARK" audit --profile restricted docker/clean.json
  [ "$status" -eq 0 ]
  # The same container with Docker's default seccomp profile: Docker 20.10's
  # allows io_uring (BW052), and inspect does not say which engine wrote it.
  jq '.[0].HostConfig.SecurityOpt = ["no-new-privileges"]' docker/clean.json >"$BATS_TEST_TMPDIR/default-seccomp.json"
  run ids "$BATS_TEST_TMPDIR/default-seccomp.json"
  [ "$output" = "BW052" ]
}

@test "audit: exit status follows --fail-on and --profile" {
  run "$BULWARK" audit docker/docker-sock.json
  [ "$status" -eq 1 ]
  run "$BULWARK" audit --fail-on critical docker/pid-host.json
  [ "$status" -eq 0 ]   # its worst violation is high
  run "$BULWARK" audit --fail-on critical docker/docker-sock.json
  [ "$status" -eq 1 ]
  run "$BULWARK" audit --profile privileged docker/privileged.json
  [ "$status" -eq 0 ]   # privileged enforces nothing
  run "$BULWARK" --profile privileged audit docker/privileged.json
  [ "$status" -eq 0 ]   # the global flag too
  run "$BULWARK" audit --fail-on medium docker/cap-net-raw.json
  [ "$status" -eq 1 ]
}

@test "audit: a bundle directory, stdin, and several inputs" {
  run "$BULWARK" audit bundle
  [ "$status" -eq 0 ]
  [[ "$output" == *"bundle/config.json"*"0 findings"* ]]
  run bash -c "'$BULWARK' audit --format json - <oci/risky.json"
  [ "$status" -eq 1 ]
  jq -e '.targets[0].name == "<stdin>" and .targets[0].violations == 10' <<<"$output"
  run "$BULWARK" audit --format json bundle docker/privileged.json docker/clean.json
  [ "$status" -eq 1 ]
  jq -e '[.targets[].name] == ["bundle/config.json", "priv (a1f0c2d3e4b5)", "clean (f6f0c2d3e4b5)"]' <<<"$output"
}

@test "audit: text output has colour on a terminal only, and never with NO_COLOR" {
  run "$BULWARK" audit oci/risky.json
  [[ "$output" != *$'\033'* ]]
  command -v script >/dev/null || skip "script(1) is not installed"
  run script -qec "'$BULWARK' audit oci/risky.json" /dev/null
  [[ "$output" == *$'\033[1;31mCRITICAL'* ]]
  NO_COLOR=1 run script -qec "'$BULWARK' audit oci/risky.json" /dev/null
  [[ "$output" != *$'\033'* ]]
}

@test "audit: a policy file waives one finding by exception" {
  cat >"$BATS_TEST_TMPDIR/policy.json" <<'JSON'
{"profile": "baseline", "exceptions": [{"rule": "BW019", "reason": "ping"}]}
JSON
  run "$BULWARK" --policy "$BATS_TEST_TMPDIR/policy.json" audit --format json docker/cap-net-raw.json
  [ "$status" -eq 1 ]
  jq -e '.targets[0].findings[] | select(.rule == "BW019") | .excepted and (.violation | not)' <<<"$output"
  echo '{"profile": "baseline", "exeptions": []}' >"$BATS_TEST_TMPDIR/typo.json"
  run "$BULWARK" --policy "$BATS_TEST_TMPDIR/typo.json" audit docker/clean.json
  [ "$status" -eq 1 ]
  [[ "$output" == *"typo.json:1:38: \"exeptions\": unknown key"* ]]
}

@test "audit: bad input names the file and position, exit 2" {
  printf '{\n  "ociVersion": "1.2.0",\n  "root": {"path": "rootfs",}\n}\n' >"$BATS_TEST_TMPDIR/broken.json"
  run "$BULWARK" audit "$BATS_TEST_TMPDIR/broken.json"
  [ "$status" -eq 2 ]
  [[ "$output" == *"broken.json:3:"* ]]
  printf '{"ociVersion": "1.2.0", "process": {"user": {"uid": "root", "gid": 0}, "cwd": "/"}}' >"$BATS_TEST_TMPDIR/typed.json"
  run "$BULWARK" audit "$BATS_TEST_TMPDIR/typed.json"
  [ "$status" -eq 2 ]
  [[ "$output" == *"typed.json:1:"*"process.user.uid"* ]]
  run "$BULWARK" audit "$BATS_TEST_TMPDIR/missing.json"
  [ "$status" -eq 2 ]
  [[ "$output" == *"missing.json"*"No such file"* ]]
  echo '[{"Id": "x"}]' >"$BATS_TEST_TMPDIR/notinspect.json"
  run "$BULWARK" audit "$BATS_TEST_TMPDIR/notinspect.json"
  [ "$status" -eq 2 ]
  [[ "$output" == *"notinspect.json[0]: expected a docker inspect object"* ]]
}

@test "audit: usage errors exit 2" {
  run "$BULWARK" audit --format xml oci/risky.json
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown format 'xml'"* ]]
  run "$BULWARK" audit --fail-on severe oci/risky.json
  [ "$status" -eq 2 ]
  run "$BULWARK" audit
  [ "$status" -eq 2 ]
  run "$BULWARK" audit --profile strict oci/risky.json
  [ "$status" -eq 2 ]
}

@test "audit --docker: an engine that cannot be reached exits 3" {
  DOCKER_HOST=unix://$BATS_TEST_TMPDIR/none.sock run "$BULWARK" audit --docker
  [ "$status" -eq 3 ]
  [[ "$output" == *"cannot reach the Docker engine at $BATS_TEST_TMPDIR/none.sock"* ]]
  DOCKER_HOST=tcp://127.0.0.1:2375 run "$BULWARK" audit --docker
  [ "$status" -eq 2 ]
}

@test "audit --docker: talks HTTP/1.1 to a fake engine on a unix socket" {
  # A stand-in engine serving fixtures, with a chunked body as dockerd sends.
  sock=$BATS_TEST_TMPDIR/docker.sock
  # fd 3 closed: bats must not wait for the server if the test fails
  cat >"$BATS_TEST_TMPDIR/engine.py" <<'PY'
import json, os, socket, sys
sock, data = sys.argv[1], sys.argv[2]
fixtures = {}
for f in ("privileged", "clean"):
    obj = json.load(open(os.path.join(data, f + ".json")))[0]
    fixtures[obj["Id"]] = obj
s = socket.socket(socket.AF_UNIX)
s.bind(sock); s.listen(8)
while True:
    c, _ = s.accept()
    req = b""
    while b"\r\n\r\n" not in req:
        req += c.recv(4096)
    path = req.split(b" ")[1].decode()
    if path == "/info":
        opts = ["name=seccomp,profile=builtin"] + (["name=rootless"] if os.environ.get("ROOTLESS") else [])
        body = json.dumps({"SecurityOptions": opts}).encode()
    elif path == "/containers/json":
        body = json.dumps([{"Id": i} for i in fixtures]).encode()
    elif path.split("/")[2] in fixtures:
        body = json.dumps(fixtures[path.split("/")[2]]).encode()
    else:
        name = path.split("/")[2]
        body = json.dumps({"message": "No such container: " + name}).encode()
        status = b"404 Not Found" if name != "boom" else b"500 Internal Server Error"
        c.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        c.close()
        continue
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i+700]), body[i:i+700]) for i in range(0, len(body), 700))
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")
    c.close()
PY
  python3 "$BATS_TEST_TMPDIR/engine.py" "$sock" "$DATA/docker" >/dev/null 2>&1 3>&- &
  server=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  DOCKER_HOST=unix://$sock run -0 "$BULWARK" audit --docker f6f0c2d3e4b5a6978812345678901234567890abcdef1234567890abcdef0006
  DOCKER_HOST=unix://$sock run -2 "$BULWARK" audit --docker nope
  [[ "$output" == *"GET /containers/nope/json: HTTP 404: No such container: nope"* ]]
  DOCKER_HOST=unix://$sock run -3 "$BULWARK" audit --docker boom
  DOCKER_HOST=unix://$sock run "$BULWARK" audit --format json --docker
  kill "$server" 2>/dev/null || true
  [ "$status" -eq 1 ]
  jq -e '[.targets[].source] == ["docker://a1f0c2d3e4b5a6978812345678901234567890abcdef1234567890abcdef0001", "docker://f6f0c2d3e4b5a6978812345678901234567890abcdef1234567890abcdef0006"]' <<<"$output"
  jq -e '.targets[0].findings | map(.rule) | index("BW001")' <<<"$output"
  jq -e '.targets[1].findings == []' <<<"$output"

  # A rootless engine (SecurityOptions name=rootless) whose socket uid 1000
  # owns: the privileged container is judged inside that user's user
  # namespace: no BW040, BW042; BW043 names uid 1000.
  local rsock=$BATS_TEST_TMPDIR/rootless.sock
  ROOTLESS=1 python3 "$BATS_TEST_TMPDIR/engine.py" "$rsock" "$DATA/docker" >/dev/null 2>&1 3>&- &
  server=$!
  for _ in $(seq 50); do [ -S "$rsock" ] && break; sleep 0.1; done
  chown 1000:1000 "$rsock"
  DOCKER_HOST=unix://$rsock run --separate-stderr "$BULWARK" audit --format json --docker a1f0c2d3e4b5a6978812345678901234567890abcdef1234567890abcdef0001
  kill "$server" 2>/dev/null || true
  [[ "$stderr" == *"Docker engine at $rsock runs rootless, as uid 1000: its containers' root is uid 1000 on the host"* ]]
  jq -e '.targets[0].findings | map(.rule) | (index("BW001") and (index("BW040") | not) and (index("BW042") | not) and index("BW043"))' <<<"$output"
}

@test "docs/policy.md's rule reference matches the rule table" {
  top=$BATS_TEST_DIRNAME/../..
  diff -u <(sed -n '/<!-- rules:begin -->/,/<!-- rules:end -->/p' "$top/docs/policy.md" | sed '1d;$d') \
          <("$top/scripts/gen-rule-doc" "$BULWARK")
}
