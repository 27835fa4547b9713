# TAP helpers for shell tests. Source it; it sets LS (the binary), SRC, BUILD, ORACLE, and
# makes the fixtures (tests/fixtures/mkfixtures.py) once per build directory.
set -u
LS=${LAYERSCOPE:?run through meson test}
SRC=${SRCDIR:?}
BUILD=${BUILDDIR:?}
ORACLE=${ORACLE:-$SRC/../shared/oracle}
FIXTURES=$BUILD/fixtures
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ls-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
_n=0
_failed=0

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $* # SKIP"; }
diag() { echo "# $*"; }
done_testing() { echo "1..$_n"; [ $_failed -eq 0 ]; }

# check DESC CMD...: passes when CMD exits 0.
check() { local d=$1; shift; if "$@" >"$TMP/out" 2>"$TMP/err"; then ok "$d"; else not_ok "$d"; sed 's/^/#   /' "$TMP/err" | head -20; fi; }
# check_eq DESC EXPECTED ACTUAL
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "expected: $2"; diag "actual:   $3"; fi; }
# check_exit DESC CODE CMD...: CMD must exit with CODE; its stderr is kept in $TMP/err.
check_exit() {
  local d=$1 want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; local got=$?
  if [ "$got" = "$want" ]; then ok "$d"; else not_ok "$d (exit $got, want $want)"; sed 's/^/#   /' "$TMP/err" | head -10; fi
}

# Made once per build directory, and again whenever the generator changes.
ensure_fixtures() {
  mkdir -p "$FIXTURES"
  local want
  want=$(sha256sum "$SRC/tests/fixtures/mkfixtures.py" | cut -c1-64)
  ( flock 9
    if [ "$(cat "$FIXTURES/.done" 2>/dev/null)" != "$want" ]; then
      find "$FIXTURES" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
      python3 "$SRC/tests/fixtures/mkfixtures.py" "$FIXTURES" >&2 && echo "$want" >"$FIXTURES/.done"
    fi
  ) 9>"$FIXTURES/.lock"
}

# For tests that start servers: a TCP port free now on loopback; wait_http URL waits (10 s at
# most) until the URL answers with any status.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 100); do curl -k -s -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }
# wait_listening PID PORT: until process PID listens on PORT (10 s at most); fails at once when
# it has died. A free port can be taken by a test running alongside between free_port and the
# server's bind: then the server dies and the caller tries another port.
wait_listening() {
  for _ in $(seq 100); do
    ss -ltnpH "sport = :$2" 2>/dev/null | grep -q "pid=$1," && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
# start_on_free_port LOG CMD...: run CMD in the background, every "@PORT" in its words
# replaced by a free port, until it owns that port (5 tries); sets SERVER_PID, SERVER_PORT.
start_on_free_port() {
  local log=$1 try port arg args; shift
  for try in 1 2 3 4 5; do
    port=$(free_port)
    args=()
    for arg in "$@"; do args+=("${arg//@PORT/$port}"); done
    "${args[@]}" >>"$log" 2>&1 &
    SERVER_PID=$!
    if wait_listening "$SERVER_PID" "$port"; then
      SERVER_PORT=$port
      return 0
    fi
    kill "$SERVER_PID" 2>/dev/null
  done
  return 1
}
