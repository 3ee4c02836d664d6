#!/bin/bash
# Attack: as root, bulwark refuses a config.json (or bundle directory) that
# a group other than root's or others can write (src/runtime/bundle_trust.c
# reads st_mode only). A POSIX ACL entry user:U:rw gives one other user
# write access while the mode bits show only the ACL mask in the group
# slot (0664, group root): writable_by_others() takes that for "group
# root's members", and the config is accepted without refusal or warning,
# though user U can rewrite what root runs. The same holds for the bundle
# directory (user:U:rwx: U can replace config.json).
# Expected safe outcome: both refused like mode 0666 / 0777 (or a warning
#   naming U at least).
# Observed (2026-12-07): both create silently.
set -u
source "$(dirname "$0")/lib.sh"
# setfacl -m u:UID:PERM FILE, without the acl package: the raw
# system.posix_acl_access xattr (version 2; user_obj, user, group_obj,
# mask, other); the kernel sets the mode's group bits to the mask.
acl_user() { # acl_user FILE UID PERM(octal rwx bits) ; clear with acl_clear
  python3 - "$@" <<'PY'
import os, struct, sys
f, uid, perm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 8)
m = os.stat(f).st_mode
e = [(1, (m >> 6) & 7, 0xffffffff), (2, perm, uid), (4, (m >> 3) & 7, 0xffffffff),
     (0x10, perm | ((m >> 3) & 7), 0xffffffff), (0x20, m & 7, 0xffffffff)]
os.setxattr(f, "system.posix_acl_access", struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *x) for x in e))
PY
}
acl_clear() { python3 -c 'import os,sys; os.removexattr(sys.argv[1], "system.posix_acl_access")' "$1"; chmod go-w "$1"; }
setup_bundle; trap 'teardown_bundle' EXIT
U=65534   # nobody: the other user the ACL lets write
bad=""
acl_user "$BUNDLE/config.json" $U 6 || { echo "SKIP: no ACL support on $BUNDLE"; exit 2; }
ls -l "$BUNDLE/config.json"
"$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" acl1$$ </dev/null >"$BW_ROOT/out" 2>&1 3>&- && out=$(<"$BW_ROOT/out") && bad="config.json writable by uid $U (ACL) accepted${out:+ ($out)}"
"$BULWARK" --root "$BW_ROOT" delete --force acl1$$ >/dev/null 2>&1
# proof that U really can write it
su -s /bin/sh nobody -c "test -w '$BUNDLE/config.json'" 2>/dev/null && echo "uid $U can write $BUNDLE/config.json"
acl_clear "$BUNDLE/config.json"
acl_user "$BUNDLE" $U 7
ls -ld "$BUNDLE"
"$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" acl2$$ </dev/null >"$BW_ROOT/out" 2>&1 3>&- && out=$(<"$BW_ROOT/out") && bad="$bad${bad:+; }bundle dir writable by uid $U (ACL) accepted${out:+ ($out)}"
"$BULWARK" --root "$BW_ROOT" delete --force acl2$$ >/dev/null 2>&1
acl_clear "$BUNDLE"
if [[ -n $bad ]]; then
  verdict BROKEN "$bad"
else
  verdict SAFE "ACL-writable config.json and bundle were refused"
fi
