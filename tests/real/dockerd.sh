# A private, throwaway Docker engine for the real tier (sourced). Overlay2 storage, no
# networking of its own, everything under fresh temp dirs, a socket nobody else uses.
#   dockerd_start LOG    starts it; sets DOCKERD_SOCK, DOCKERD_PID and DOCKER (the client,
#                        with -H); returns 1 with the reason on stdout when it cannot start
#   dockerd_stop         stops it and removes its dirs (and any mount it left)

DOCKERD_SOCK= DOCKERD_PID= DOCKER= _DOCKERD_DATA= _DOCKERD_EXEC=

dockerd_start() {
	local log=$1 dockerd client
	dockerd=$(command -v dockerd || echo /usr/sbin/dockerd)
	[ -x "$dockerd" ] || { echo "no dockerd (package docker.io)"; return 1; }
	# The engine's own client speaks its API version and still has the legacy builder.
	client=/usr/bin/docker
	[ -x "$client" ] || client=$(command -v docker) || { echo "no docker client"; return 1; }
	_DOCKERD_DATA=$(mktemp -d /tmp/lsd.XXXXXX) && _DOCKERD_EXEC=$(mktemp -d /tmp/lsx.XXXXXX) ||
		return 1
	DOCKERD_SOCK=$_DOCKERD_EXEC/docker.sock
	DOCKER="$client -H unix://$DOCKERD_SOCK"
	"$dockerd" --storage-driver overlay2 --iptables=false --ip6tables=false --bridge=none \
		--host "unix://$DOCKERD_SOCK" --data-root "$_DOCKERD_DATA" --exec-root "$_DOCKERD_EXEC/e" \
		--pidfile "$_DOCKERD_EXEC/dockerd.pid" >"$log" 2>&1 &
	DOCKERD_PID=$!
	for _ in $(seq 60); do
		$DOCKER version >/dev/null 2>&1 && return 0
		kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.5
	done
	echo "dockerd did not start: $(tail -n1 "$log")"
	dockerd_stop
	return 1
}

dockerd_stop() {
	[ -n "$DOCKERD_PID" ] || return 0
	kill "$DOCKERD_PID" 2>/dev/null
	for _ in $(seq 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
	kill -9 "$DOCKERD_PID" 2>/dev/null
	wait "$DOCKERD_PID" 2>/dev/null
	# dockerd unmounts on a clean stop; a leftover overlay mount would make rm fail.
	grep -F " $_DOCKERD_DATA/" /proc/mounts | awk '{ print $2 }' | sort -r | xargs -r umount -l 2>/dev/null
	rm -rf "$_DOCKERD_DATA" "$_DOCKERD_EXEC"
	DOCKERD_PID=
}
