#!/usr/bin/env bats
# bulwark audit of Kubernetes manifests and Compose files: golden reports
# (text, json) for a corpus of realistic workloads, each with its exact
# findings, the YAML line:column of each, and the Pod Security Standards
# level of each pod; stdin, directories, JSON manifests, --pss, SARIF
# regions, JUnit, errors.
# BW_UPDATE_GOLDEN=1 rewrites the golden files from the current output.

bats_require_minimum_version 1.5.0

DATA="$BATS_TEST_DIRNAME/data/manifests"

setup() {
  : "${BULWARK:?set BULWARK to the built binary}"
  cd "$DATA"
}

golden() { # golden NAME FORMAT ARGS...
  local name=$1 fmt=$2; shift 2
  local want="golden/$name.$fmt"
  run --separate-stderr "$BULWARK" audit --format "$fmt" "$@"
  [ "$status" -eq 1 ] || [ "$status" -eq 0 ]
  if [[ -n ${BW_UPDATE_GOLDEN:-} ]]; then
    printf '%s\n' "$output" >"$want"
  fi
  diff -u "$want" <(printf '%s\n' "$output")
}

# "NAME LEVEL" for each target.
pss() {
  "$BULWARK" audit --format json "$@" | jq -r '.targets[] | "\(.name) \(.pss.level)"'
}

# "RULE LINE:COL" of one target's findings, sorted, unique.
where() { # where FILE TARGET
  "$BULWARK" audit --format json "$1" |
    jq -r --arg t "$2" '.targets[] | select(.name == $t) | .findings[] | "\(.rule) \(.line):\(.column)"' | sort -u
}

@test "manifests: golden reports for each file of the corpus" {
  for f in k8s/*.yaml k8s/*.json compose/*.yaml; do
    name=$(basename "${f%.*}")
    golden "$name" text "$f"
    golden "$name" json "$f"
  done
}

@test "manifests: the Pod Security Standards level of every pod in the corpus" {
  run pss k8s/
  [ "$status" -eq 0 ]
  diff -u - <(printf '%s\n' "$output") <<'EOF2'
Deployment/ci/ci-runner: container runner privileged
Deployment/shop/web: container web restricted
StatefulSet/default/release-cache: container cache restricted
Pod/default/release-cache-test-connection: container ping baseline
DaemonSet/monitoring/node-exporter: container node-exporter privileged
DaemonSet/logging/fluent-bit: container fluent-bit privileged
CronJob/batch/backup: container backup privileged
Pod/default/debug: container shell privileged
Pod/default/debug: ephemeralContainer debugger privileged
Job/shop/migrate: container migrate restricted
DaemonSet/kube-system/cni-node: initContainer install-cni privileged
DaemonSet/kube-system/cni-node: container cni-node privileged
Pod/dev/json-pod: container app privileged
EOF2
}

@test "manifests: the docker socket of a CI runner, at the hostPath's line and column" {
  run where k8s/ci-runner.yaml "Deployment/ci/ci-runner: container runner"
  [ "$status" -eq 0 ]
  # hostPath.path of the socket (31:17), runAsUser 0 (21:22), runAsGroup 0 (22:23)
  grep -qx 'BW070 31:17' <<<"$output"
  grep -qx 'BW120 31:17' <<<"$output"
  grep -qx 'BW042 21:22' <<<"$output"
  grep -qx 'BW127 22:23' <<<"$output"
  sed -n 31p k8s/ci-runner.yaml | cut -c17- | grep -qx '/var/run/docker.sock'
}

@test "manifests: the hardened Deployment has one finding, the node's missing pids limit" {
  run --separate-stderr "$BULWARK" audit --format json k8s/hardened-deployment.yaml
  [ "$status" -eq 0 ]
  [ "$(jq -r '[.targets[].findings[].rule] | join(" ")' <<<"$output")" = "BW102" ]
  [ "$(jq -r '.targets[0].pss | "\(.level) \(.not_next)"' <<<"$output")" = "restricted null" ]
  # a violation of medium severity: it fails with --fail-on medium
  run --separate-stderr "$BULWARK" audit --fail-on medium k8s/hardened-deployment.yaml
  [ "$status" -eq 1 ]
}

@test "manifests: stdin, as helm template | bulwark audit - reads it" {
  run --separate-stderr "$BULWARK" audit --format json - <k8s/helm-output.yaml
  [ "$status" -eq 1 ]
  [ "$(jq -r '[.targets[] | .name + " " + .source] | join(",")' <<<"$output")" = \
    "StatefulSet/default/release-cache: container cache -,Pod/default/release-cache-test-connection: container ping -" ]
}

@test "manifests: a directory holds every manifest under it, in name order; other files are skipped" {
  dir="$BATS_TEST_TMPDIR/deploy"
  mkdir -p "$dir/sub"
  cp k8s/ci-runner.yaml "$dir/b.yaml"
  cp k8s/pod.json "$dir/sub/a.json"
  printf '{"name": "not a manifest"}\n' >"$dir/package.json"
  printf 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n' >"$dir/a-service.yml"
  printf 'not: [yaml\n' >"$dir/notes.txt"
  run --separate-stderr "$BULWARK" audit --format json "$dir"
  [ "$status" -eq 1 ]
  [ "$(jq -r '[.targets[].name] | join(",")' <<<"$output")" = \
    "Deployment/ci/ci-runner: container runner,Pod/dev/json-pod: container app" ]
  [ "$(jq -r '.targets[1].source' <<<"$output")" = "$dir/sub/a.json" ]
}

@test "manifests: --pss fails on the Pod Security Standards level instead of the profile" {
  run "$BULWARK" audit --pss restricted k8s/hardened-deployment.yaml
  [ "$status" -eq 0 ]
  run "$BULWARK" audit --pss baseline k8s/helm-output.yaml
  [ "$status" -eq 0 ]
  run "$BULWARK" audit --pss restricted k8s/helm-output.yaml
  [ "$status" -eq 1 ]
  run "$BULWARK" audit --pss privileged k8s/networking-daemonset.yaml
  [ "$status" -eq 0 ]
  run "$BULWARK" audit k8s/networking-daemonset.yaml
  [ "$status" -eq 1 ]
  run --separate-stderr "$BULWARK" audit --pss strict k8s/pod.json
  [ "$status" -eq 2 ]
  [ "$stderr" = "bulwark: audit --pss: unknown level 'strict'; use privileged, baseline or restricted" ]
}

@test "manifests: SARIF regions are the YAML line and column" {
  run --separate-stderr "$BULWARK" audit --format sarif k8s/networking-daemonset.yaml
  [ "$status" -eq 1 ]
  [ "$(jq -r '[.runs[0].results[] | select(.ruleId == "BW130") | .locations[0].physicalLocation |
       "\(.artifactLocation.uri):\(.region.startLine):\(.region.startColumn)"] | join(" ")' <<<"$output")" = \
    "k8s/networking-daemonset.yaml:41:29" ]
  [ "$(jq -r '[.runs[0].results[] | select(.ruleId == "BW124") | .properties.podSecurityStandard] | join(" ")' <<<"$output")" = \
    "privileged" ]
}

@test "manifests: a YAML error names the file, line and column" {
  printf 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n   image: b\n' >"$BATS_TEST_TMPDIR/bad.yaml"
  run --separate-stderr "$BULWARK" audit "$BATS_TEST_TMPDIR/bad.yaml"
  [ "$status" -eq 2 ]
  [[ $stderr == "bulwark: $BATS_TEST_TMPDIR/bad.yaml:6:"*" did not find expected key"* ]]
  # what the kubelet would refuse, named at the container
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostIPC: true\n  securityContext:\n    sysctls: [{name: kernel.shm_rmid_forced, value: "1"}]\n  containers:\n  - name: c\n    image: x\n' >"$BATS_TEST_TMPDIR/ipc.yaml"
  run --separate-stderr "$BULWARK" audit "$BATS_TEST_TMPDIR/ipc.yaml"
  [ "$status" -eq 2 ]
  [ "$stderr" = "bulwark: $BATS_TEST_TMPDIR/ipc.yaml:9:11: Pod/default/p: container c: linux.sysctl[\"kernel.shm_rmid_forced\"]: expected an ipc namespace for IPC sysctls in linux.namespaces, found none (it would change the host)" ]
  printf 'kind: Pod\nmetadata: {name: x}\n' >"$BATS_TEST_TMPDIR/nokind.yaml"
  run --separate-stderr "$BULWARK" audit "$BATS_TEST_TMPDIR/nokind.yaml"
  [ "$status" -eq 2 ]
  [ "$stderr" = "bulwark: $BATS_TEST_TMPDIR/nokind.yaml: not a Kubernetes manifest (no apiVersion and kind), a Compose file (no services), an OCI config.json or docker inspect output" ]
}

@test "manifests: what Kubernetes reads is what is judged (YAML 1.1 booleans, anchors, merge keys)" {
  cat >"$BATS_TEST_TMPDIR/tricky.yaml" <<'EOF2'
apiVersion: v1
kind: Pod
metadata: {name: tricky}
x-base: &base
  privileged: yes
spec:
  hostPID: "true"
  containers:
  - name: a
    image: busybox
    securityContext:
      <<: *base
EOF2
  run --separate-stderr "$BULWARK" audit --format json "$BATS_TEST_TMPDIR/tricky.yaml"
  [ "$status" -eq 1 ]
  # privileged: yes through a merge key is privileged, at the anchor's line
  [ "$(jq -r '.targets[0].findings[] | select(.rule == "BW001") | "\(.line):\(.column)"' <<<"$output")" = "5:15" ]
  # a quoted "true" is a string: the API server would refuse it, and no host pid namespace is assumed
  [ "$(jq -r '[.targets[0].findings[] | select(.rule == "BW060")] | length' <<<"$output")" = "0" ]
}

@test "compose: each service as the docker run it amounts to, at the Compose line and column" {
  run where compose/compose.yaml "service proxy"
  [ "$status" -eq 0 ]
  grep -qx 'BW070 41:9' <<<"$output"      # - /var/run/docker.sock:/var/run/docker.sock:ro
  run where compose/compose.yaml "service agent"
  grep -qx 'BW001 44:17' <<<"$output"     # privileged: true
  grep -qx 'BW060 45:10' <<<"$output"     # pid: host
  grep -qx 'BW061 46:19' <<<"$output"     # network_mode: host
  grep -qx 'BW100 54:24' <<<"$output"     # propagation: rshared
  # the hardened service keeps only what Docker itself leaves: no user
  # namespace, the host's cgroup namespace, io_uring in the default seccomp profile
  run --separate-stderr "$BULWARK" audit --format json compose/compose.yaml
  [ "$(jq -r '.targets[] | select(.name == "service web") | [.findings[].rule] | join(" ")' <<<"$output")" = "BW040 BW052 BW064" ]
  # deploy.resources.limits count as mem_limit and pids_limit do
  [ "$(jq -r '.targets[] | select(.name == "service db") | [.findings[].rule | select(. == "BW102" or . == "BW103")] | length' <<<"$output")" = "0" ]
}

@test "compose: docker compose config output (long forms, sizes in bytes)" {
  run where compose/builder.yaml "service builder"
  [ "$status" -eq 0 ]
  grep -qx 'BW010 7:7' <<<"$output"       # cap_add SYS_ADMIN
  grep -qx 'BW050 19:9' <<<"$output"      # seccomp=unconfined
  grep -qx 'BW062 14:10' <<<"$output"     # ipc: host
  grep -qx 'BW040 23:18' <<<"$output"     # userns_mode: host
  grep -qx 'BW081 10:7' <<<"$output"      # /dev/fuse
  ! grep -q '^BW103 ' <<<"$output"        # mem_limit "2147483648"
  # from stdin, as docker compose config | bulwark audit - reads it
  run --separate-stderr "$BULWARK" audit --format json - <compose/builder.yaml
  [ "$status" -eq 1 ]
  [ "$(jq -r '[.targets[] | .name + " " + .source] | join(",")' <<<"$output")" = "service builder -" ]
  [ "$(jq -r '.targets[0].findings[] | select(.rule == "BW050") | "\(.line):\(.column)"' <<<"$output")" = "19:9" ]
}

@test "junit: a suite per container, a failing case per violation, parsed by an XML parser" {
  golden networking-daemonset junit k8s/networking-daemonset.yaml
  run --separate-stderr "$BULWARK" audit --format junit k8s/multi-document.yaml compose/compose.yaml
  [ "$status" -eq 1 ]
  violations=$("$BULWARK" audit --format json k8s/multi-document.yaml compose/compose.yaml | jq '.summary.violations')
  printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/report.xml"
  python3 - "$violations" "$BATS_TEST_TMPDIR/report.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[2]).getroot()
want = int(sys.argv[1])
failures = root.findall("./testsuite/testcase/failure")
assert len(failures) == want == int(root.get("failures")), (len(failures), want, root.get("failures"))
names = [s.get("name") for s in root.findall("./testsuite")]
assert names[0] == "CronJob/batch/backup: container backup", names
assert "service agent" in names, names
pss = root.find("./testsuite/properties/property[@name='pod-security-standard']").get("value")
assert pss == "privileged", pss
PY
  run "$BULWARK" audit --format junit --pss baseline k8s/hardened-deployment.yaml
  [ "$status" -eq 0 ]
}

@test "compose: the Pod Security Standards level of each service, the controls mapped onto Compose options" {
  run pss compose/
  [ "$status" -eq 0 ]
  diff -u - <(printf '%s\n' "$output") <<'EOF2'
service builder privileged
service web privileged
service db privileged
service proxy privileged
service agent privileged
EOF2
  cat >"$BATS_TEST_TMPDIR/compose.yaml" <<'EOF2'
services:
  worker:
    image: example.org/worker:1
    user: "1000"
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    volumes: [cache:/cache]
  api:
    image: example.org/api:1
    user: "1000"
    cap_drop: [ALL]
    cap_add: [CHOWN]
    security_opt: ["no-new-privileges:true"]
volumes:
  cache: {}
EOF2
  run --separate-stderr "$BULWARK" audit --format json "$BATS_TEST_TMPDIR/compose.yaml"
  [ "$(jq -r '[.targets[] | "\(.name) \(.pss.level) \(.pss.not_next)"] | join(",")' <<<"$output")" = \
    "service worker restricted null,service api baseline restricted: Capabilities: cap_add CHOWN" ]
  run "$BULWARK" audit --pss restricted "$BATS_TEST_TMPDIR/compose.yaml"
  [ "$status" -eq 1 ]
  run "$BULWARK" audit --pss baseline "$BATS_TEST_TMPDIR/compose.yaml"
  [ "$status" -eq 0 ]
}

@test "manifests: SARIF of manifests and Compose files validates against the SARIF 2.1.0 schema (subset)" {
  for input in k8s/networking-daemonset.yaml k8s/hardened-deployment.yaml compose/compose.yaml; do
    "$BULWARK" audit --format sarif "$input" >"$BATS_TEST_TMPDIR/out.sarif" || true
    python3 - "$BATS_TEST_DIRNAME/data/audit/sarif-2.1.0-subset.schema.json" "$BATS_TEST_TMPDIR/out.sarif" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
jsonschema.validate(log, schema, cls=jsonschema.Draft7Validator)
for r in log["runs"][0]["results"]:
    region = r["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1, r
PY
  done
}
