# Real docker-registry instances for the e2e tests (sourced after tests/lib.sh): registry.sh
# and serve.sh. Each registry has its own storage under $TMP and a free loopback port.

# The person running the tests' credentials must not leak in, nor ours out.
registry_env() {
  export HOME=$TMP/home XDG_RUNTIME_DIR=$TMP/run
  unset REGISTRY_AUTH_FILE DOCKER_CONFIG
  mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
  PIDS=()
  trap registry_stop_all EXIT
}
# Everything the test started ($PIDS, and $SERVE_PID when set), then the scratch dir.
registry_stop_all() {
  local p
  for p in "${PIDS[@]}" ${SERVE_PID:-}; do kill "$p" 2>/dev/null; done
  rm -rf "$TMP"
}

# start_registry NAME [top-level YAML] [tls YAML]: a registry with its own storage; sets
# PORT and STORE
start_registry() {
  local name=$1 top=${2:-} tls=${3:-} port store pid try
  store=$TMP/$name-store
  mkdir -p "$store"
  for try in 1 2 3 4 5; do
    port=$(free_port)
    write_registry_config "$TMP/$name.yml" "$store" "$port" "$top" "$tls"
    docker-registry serve "$TMP/$name.yml" >"$TMP/$name.log" 2>&1 &
    pid=$!
    if wait_listening "$pid" "$port"; then
      PIDS+=("$pid")
      PORT=$port STORE=$store
      return 0
    fi
    kill "$pid" 2>/dev/null
  done
  not_ok "registry $name starts"
  sed 's/^/#   /' "$TMP/$name.log" | head
}
write_registry_config() { # FILE STORE PORT TOP-LEVEL-YAML TLS-YAML
  local store=$2 port=$3 top=$4 tls=$5
  cat >"$1" <<YML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $store}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
  $tls
$top
YML
}
# push SRC DEST [skopeo options]: copy an image (registries on plain HTTP)
push() {
  local src=$1 dest=$2; shift 2
  skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "$@" "$src" "$dest" >"$TMP/push.out" 2>&1 ||
    { not_ok "push $src"; sed 's/^/#   /' "$TMP/push.out" | head -5; }
}
blob_file() { echo "$1/docker/registry/v2/blobs/sha256/${2:7:2}/${2:7}/data"; } # STORE DIGEST
