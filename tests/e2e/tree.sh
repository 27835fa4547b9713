#!/usr/bin/env bash
# `layerscope tree`: the merged view and each layer's changes on the basic fixture, whose
# layers add, modify (content and chmod), delete files and directories, and use an opaque dir.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures
img=$FIXTURES/basic-oci

check_eq "layer 0: everything added" "$("$LS" tree --list --layer 0 "$img" | sed 's/^/A /')" "$("$LS" tree --changes --layer 0 "$img")"
check_eq "layer 1 changes" "D /etc/hostname
M /etc/passwd
A /home
A /home/user
A /home/user/notes.txt
D /usr/bin/app" "$("$LS" tree --changes --layer 1 "$img")"
check_eq "layer 2 changes (opaque dir, links, chmod)" "A /bin/ash
A /bin/sh2
D /etc/conf.d/a.conf
D /etc/conf.d/b.conf
A /etc/conf.d/c.conf
M /etc/passwd" "$("$LS" tree --changes --layer 2 "$img")"
check_eq "--since 0: what layers 1 and 2 did together" "A /bin/ash
A /bin/sh2
D /etc/conf.d/a.conf
D /etc/conf.d/b.conf
A /etc/conf.d/c.conf
D /etc/hostname
M /etc/passwd
A /home
A /home/user
A /home/user/notes.txt
D /usr/bin/app" "$("$LS" tree --changes --layer 2 --since 0 "$img")"
check_eq "--since N-1 is the default" "$("$LS" tree --changes --layer 1 "$img")" "$("$LS" tree --changes --layer 1 --since 0 "$img")"
check_exit "--since must be below --layer" 2 "$LS" tree --changes --layer 1 --since 1 "$img"
check_exit "--since past 2^63 is refused, not wrapped" 2 "$LS" tree --changes --layer 1 --since 18446744073709551614 "$img"
check_eq "final filesystem" "/bin
/bin/ash
/bin/sh
/bin/sh2
/etc
/etc/conf.d
/etc/conf.d/c.conf
/etc/passwd
/home
/home/user
/home/user/notes.txt
/usr
/usr/bin
/var
/var/empty" "$("$LS" tree --list "$img")"
check_eq "every transport gives the same final tree" "$("$LS" tree --list "$img")" "$("$LS" tree --list "$FIXTURES/basic-legacy.tar")"
j=$("$LS" tree --json --layer 2 "$img")
check_eq "json: passwd mode after chmod" 384 "$(echo "$j" | jq '.[] | select(.path == "/etc/passwd") | .mode')"
check_eq "json: passwd comes from layer 2" 2 "$(echo "$j" | jq '.[] | select(.path == "/etc/passwd") | .layer')"
check_eq "json: removed files are listed as removed" '["/etc/conf.d/a.conf","/etc/conf.d/b.conf"]' "$(echo "$j" | jq -c '[.[] | select(.status == "removed") | .path]')"
"$LS" tree "$img" >"$TMP/tree"
check "text tree marks and branches" grep -q '^M -rw------- .*└── passwd$' "$TMP/tree"
check "text tree: directory sizes sum their children" grep -q '^  drwxr-xr-x .* 300 B  ├── home$' "$TMP/tree"
check_exit "a layer past the end is an error" 2 "$LS" tree --layer 3 "$img"
check_exit "--layer needs a number" 2 "$LS" tree --layer x "$img"
done_testing
