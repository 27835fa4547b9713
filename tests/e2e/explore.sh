#!/usr/bin/env bash
# `layerscope explore` driven in a real terminal (tmux): what the screen shows at start, after
# moving to a layer, with filters, collapsed directories, the help; that q quits with 0; that a
# file name carrying terminal escape sequences is drawn as text; and that it refuses to run
# without a terminal.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures
img=$FIXTURES/basic-oci

if ! command -v tmux >/dev/null; then
	skip "EXPLORE TESTS SKIPPED: tmux is not installed (scripts/install-deps.sh test)"
	done_testing
	exit
fi

check_exit "no terminal: exit 2" 2 "$LS" explore "$img"
check_eq "no terminal: says why" 1 "$(grep -c 'needs a terminal' "$TMP/err")"
check_exit "--help" 0 "$LS" explore --help
check_exit "a bad image: exit 2" 2 env TERM=xterm script -qec "$LS explore $TMP/missing.tar" /dev/null

export TMUX_TMPDIR=$TMP # a private tmux server
S=ls-explore
screen_text() { tmux capture-pane -t "$S" -p; }
# wait_for TEXT: up to 5 s for the screen to show TEXT (a fixed string).
wait_for() {
	for _ in $(seq 50); do
		screen_text | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# expect DESC TEXT: the screen shows TEXT.
expect() {
	if wait_for "$2"; then ok "$1"; else not_ok "$1"; screen_text | sed 's/^/#   /'; fi
}
# expect_not DESC TEXT: after the screen settles, it does not show TEXT.
expect_not() {
	sleep 0.3
	if screen_text | grep -qF -- "$2"; then not_ok "$1"; screen_text | sed 's/^/#   /'; else ok "$1"; fi
}
start() { # IMAGE [ARGS]: a 150x40 terminal running explore; its exit code goes to $TMP/rc
	tmux kill-session -t "$S" 2>/dev/null
	rm -f "$TMP/rc"
	tmux new-session -d -s "$S" -x 150 -y 40 \
		"LANG=C.UTF-8 TERM=xterm-256color '$LS' explore ${2:-} '$1'; echo \$? >'$TMP/rc'; sleep 30"
}
exit_code() {
	for _ in $(seq 50); do [ -s "$TMP/rc" ] && break; sleep 0.1; done
	cat "$TMP/rc" 2>/dev/null
}

start "$img"
expect "layers pane lists the commands" "useradd user"
expect "image details: efficiency" "Image efficiency score:"
expect "the base layer's files are added" "A -rw-r--r--"
tmux send-keys -t "$S" Down
expect "layer 1 chosen" "Current layer contents (layer 1)"
expect "layer 1 removed /etc/hostname" "D -rw-r--r--       0:0             8 B  │   ├── hostname"
expect "layer 1 modified /etc/passwd" "M -rw-r--r--"
expect "layer 1 added /home/user" "A drwxr-xr-x    1000:1000"
tmux send-keys -t "$S" u
expect "unchanged paths hidden" "hidden: unchanged"
expect_not "no unchanged file left" "      └── sh"
tmux send-keys -t "$S" u Tab / n o t e s Enter
expect "the path filter" "filter: notes"
expect "the filter keeps notes.txt" "notes.txt"
expect_not "and hides the rest" "── passwd"
tmux send-keys -t "$S" / Escape
expect "Esc clears the filter" "── passwd"
tmux send-keys -t "$S" Home Space
expect "a collapsed directory" "⊕ bin"
expect_not "its children hidden" "└── sh"
tmux send-keys -t "$S" ?
expect "help" "collapse or expand the directory"
tmux send-keys -t "$S" x
expect_not "any key closes the help" "collapse or expand the directory"
tmux send-keys -t "$S" q
check_eq "q quits with 0" 0 "$(exit_code)"

start "$img" "--layer 2"
expect "--layer 2 starts there" "Current layer contents (layer 2)"
expect_not "layer 2 alone: /etc/hostname (removed by layer 1) is not there" "── hostname"
tmux send-keys -t "$S" C-a
expect "Ctrl-A: aggregated" "Current layer contents (layers 1-2 on the base)"
expect "aggregated: layer 1's removal of /etc/hostname shows" "D -rw-r--r--       0:0             8 B  │   ├── hostname"
tmux send-keys -t "$S" C-l
expect "Ctrl-L: this layer again" "Current layer contents (layer 2)"
tmux send-keys -t "$S" C-c
check_eq "Ctrl-C quits with 0" 0 "$(exit_code)"

# A file name with terminal escapes (set the title, clear the screen, colour) and a newline:
# shown as '?', the screen intact.
python3 - "$TMP/evil.tar" <<'EOF'
import hashlib, io, json, sys, tarfile
def member(t, name, data):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    member(t, "evil\x1b]0;pwned\x07\x1b[2J\x1b[31mname\nnext", b"x")
    member(t, "plain.txt", b"y")
layer = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                     "history": [{"created_by": "COPY evil /"}]}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
with tarfile.open(sys.argv[1], "w") as t:
    member(t, "l/layer.tar", layer)
    member(t, config_name, config)
    member(t, "manifest.json", json.dumps([{"Config": config_name, "RepoTags": ["evil:1"],
                                             "Layers": ["l/layer.tar"]}]).encode())
EOF
start "$TMP/evil.tar"
expect "an escape-laden name is drawn as text" "evil?]0;pwned??[2J?[31mname?next"
expect "the screen is intact" "plain.txt"
check_eq "no title set by the name" "" "$(tmux display -p -t "$S" '#{pane_title}' | grep pwned)"
tmux send-keys -t "$S" q
check_eq "q quits" 0 "$(exit_code)"
tmux kill-server 2>/dev/null
done_testing
