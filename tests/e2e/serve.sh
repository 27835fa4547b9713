#!/usr/bin/env bash
# `layerscope serve` between real parts started here: a docker-registry whose notifications
# point at it, skopeo pushing a vulnerable fixture image, and a subscriber (a small python
# http.server, serve_subscriber.py) recording the events. The scan on push equals
# `layerscope scan --format ecr` of the same image; one "ECR Image Scan" event per scan; a
# re-push is not scanned again; StartImageScan by tag; a tampered blob ends FAILED; errors
# 400/404/405/413; the store survives a restart and unfinished scans are queued again; SIGTERM
# exits 0 (under ASan: no leak); a token guards the API (the registry's notifications carry
# it) and --allow-registry limits what is scanned.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures

need_tools() { command -v docker-registry && command -v skopeo && command -v jq && command -v curl; } >/dev/null 2>&1
need_tools || "$SRC/scripts/install-deps.sh" test >/dev/null 2>&1
if ! need_tools; then
  skip "serve: docker-registry, skopeo, jq or curl missing and not installable: serve NOT checked"
  done_testing
  exit 0
fi
. "$SRC/tests/e2e/registry_lib.sh"
registry_env

# poll SECONDS CMD...: until CMD succeeds
poll() { local n=$(($1 * 5)); shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.2; done; return 1; }

DB=$TMP/adv.db
"$LS" db import --db "$DB" "$SRC/tests/fixtures/advisories" >/dev/null
STORE_DB=$TMP/findings.db
SPORT=
# start_serve [serve options]: on a free port the first time (sets SPORT and API), then on the
# same one (the registries' notifications point at it)
start_serve() {
  local ok=0
  if [ -z "$SPORT" ]; then
    start_on_free_port "$TMP/serve.log" "$LS" serve --listen "127.0.0.1:@PORT" --db "$DB" \
      --store "$STORE_DB" --registry-insecure "$@" && ok=1
    SPORT=$SERVER_PORT SERVE_PID=$SERVER_PID
  else
    "$LS" serve --listen "127.0.0.1:$SPORT" --db "$DB" --store "$STORE_DB" --registry-insecure "$@" \
      2>>"$TMP/serve.log" &
    SERVE_PID=$!
    wait_listening "$SERVE_PID" "$SPORT" && ok=1
  fi
  API=http://127.0.0.1:$SPORT
  [ $ok = 1 ] || { not_ok "serve starts"; sed 's/^/#   /' "$TMP/serve.log" | tail; }
}
# stop_serve DESC: SIGTERM, which must end it with exit 0
stop_serve() {
  kill -TERM "$SERVE_PID"
  local rc=0
  wait "$SERVE_PID" || rc=$?
  SERVE_PID=
  check_eq "$1" 0 "$rc"
  [ "$rc" = 0 ] || sed 's/^/#   /' "$TMP/serve.log" | tail -30
}
# api METHOD PATH [curl args]: the body on stdout, the status in $TMP/status
api() { curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" "$API$2" "${@:3}" >"$TMP/status"; cat "$TMP/body"; }
status() { cat "$TMP/status"; }
scan_status() { api GET "/v1/scans/$1" | jq -r .imageScanStatus.status; }
is_status() { [ "$(scan_status "$1")" = "$2" ]; }

# The subscriber.
EVENTS=$TMP/events.jsonl
: >"$EVENTS"
start_on_free_port "$TMP/subscriber.log" python3 "$SRC/tests/e2e/serve_subscriber.py" @PORT "$EVENTS" ||
  not_ok "the subscriber starts"
PIDS+=("$SERVER_PID")
SUBPORT=$SERVER_PORT
events_for() { jq -c --arg r "$1" 'select(.resources == [$r])' "$EVENTS"; } # REPO@DIGEST
n_events_for() { events_for "$1" | wc -l; }

start_serve
sub=$(api POST /v1/subscriptions -d "{\"url\": \"http://127.0.0.1:$SUBPORT/events\", \"repositoryFilter\": \"vuln/\"}")
check_eq "POST /v1/subscriptions: 201" 201 "$(status)"
SUB_ID=$(echo "$sub" | jq -r .id)
check_eq "…and it is listed" "[\"$SUB_ID\",\"vuln/\"]" "$(api GET /v1/subscriptions | jq -c '[.subscriptions[0].id, .subscriptions[0].repositoryFilter]')"
api POST /v1/subscriptions -d '{"url": "http://127.0.0.1:1/never"}' >/dev/null
other=$(jq -r .id "$TMP/body")
api DELETE "/v1/subscriptions/$other" >/dev/null
check_eq "DELETE /v1/subscriptions/ID" 200 "$(status)"
api DELETE "/v1/subscriptions/$other" >/dev/null
check_eq "…twice: 404" 404 "$(status)"

digest_of() { "$LS" layers --json --tls-verify=false "$1" | jq -r .image.manifestDigest; }

start_registry notifying "notifications:
  endpoints:
    - name: layerscope
      url: $API/v1/notifications
      timeout: 5s
      threshold: 3
      backoff: 1s"
R=127.0.0.1:$PORT

# --- scan on push ---------------------------------------------------------------------------
push "oci-archive:$FIXTURES/vuln-debian.tar" "docker://$R/vuln/debian:1"
D=$(digest_of "docker://$R/vuln/debian:1")
check "a push is scanned: COMPLETE" poll 60 is_status "vuln/debian/$D" COMPLETE
got=$(api GET "/v1/scans/vuln/debian/$D")
want=$("$LS" scan --db "$DB" --format ecr --tls-verify=false "docker://$R/vuln/debian@$D")
check_eq "findingSeverityCounts and findings equal scan --format ecr" \
  "$(echo "$want" | jq -c '.imageScanFindings | [.findingSeverityCounts, .findings]')" \
  "$(echo "$got" | jq -c '.imageScanFindings | [.findingSeverityCounts, .findings]')"
check_eq "…4 findings, HIGH 1" '[4,1]' "$(echo "$got" | jq -c '.imageScanFindings | [(.findings | length), .findingSeverityCounts.HIGH]')"
check_eq "DescribeImageScanFindings: repository, digest, tag, status" \
  "[\"vuln/debian\",\"$D\",\"1\",\"COMPLETE\",\"The scan was completed successfully.\"]" \
  "$(echo "$got" | jq -c '[.repositoryName, .imageId.imageDigest, .imageId.imageTag, .imageScanStatus.status, .imageScanStatus.description]')"
check_eq "…timestamps" '[true,true]' "$(echo "$got" | jq -c '.imageScanFindings | [(.imageScanCompletedAt | test("^[0-9-]+T[0-9:]+Z$")), (.vulnerabilitySourceUpdatedAt | type == "string")]')"

check "the subscriber gets the event" poll 20 test "$(n_events_for "vuln/debian@$D")" -ge 1
sleep 1
check_eq "…exactly one" 1 "$(n_events_for "vuln/debian@$D")"
ev=$(events_for "vuln/debian@$D" | head -1)
check_eq "…shaped as ECR's \"ECR Image Scan\"" \
  "[\"0\",\"ECR Image Scan\",\"layerscope\",\"COMPLETE\",\"vuln/debian\",\"$D\",[\"1\"],true,true]" \
  "$(echo "$ev" | jq -c '[.version, .["detail-type"], .source, .detail["scan-status"], .detail["repository-name"], .detail["image-digest"], .detail["image-tags"], (.id | test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")), (.time | test("Z$"))]')"
check_eq "…with the scan's counts, only the severities present" \
  "$(echo "$want" | jq -c '.imageScanFindings.findingSeverityCounts | with_entries(select(.value > 0))')" \
  "$(echo "$ev" | jq -c '.detail["finding-severity-counts"]')"

# --- a re-push of the same digest: a tag more, no second scan ---------------------------------
push "docker://$R/vuln/debian:1" "docker://$R/vuln/debian:2"
check "a re-push under another tag adds the tag" poll 30 bash -c "curl -s '$API/v1/scans?repositoryName=vuln/debian' | jq -e '.scans[0].imageTags == [\"1\",\"2\"]' >/dev/null"
check_eq "…one scan of the repository" 1 "$(api GET '/v1/scans?repositoryName=vuln/debian' | jq '.scans | length')"
check_eq "…scanned once (the log)" 1 "$(grep -c "scan docker://$R/vuln/debian@$D COMPLETE" "$TMP/serve.log")"
check_eq "…one event" 1 "$(n_events_for "vuln/debian@$D")"

# --- an index: its own digest is recorded, the host's platform is read ---------------------
push "oci:$FIXTURES/multiarch-oci:v1" "docker://$R/vuln/multi:v1" --all
I=sha256:$(skopeo inspect --raw --tls-verify=false "docker://$R/vuln/multi:v1" | sha256sum | cut -c1-64)
check "an index push is scanned under the index's digest" poll 60 is_status "vuln/multi/$I" COMPLETE
# skopeo --all pushes each platform's manifest by digest first: each push of a manifest is
# an image of its own, as for ECR.
check_eq "…and each platform's manifest pushed by digest, untagged" '[[],[],["v1"]]' \
  "$(api GET '/v1/scans?repositoryName=vuln/multi' | jq -c '[.scans[].imageTags] | sort')"

# --- StartImageScan by tag, on a registry that does not notify; a tampered blob ---------------
start_registry quiet
Q=127.0.0.1:$PORT
QSTORE=$STORE
push "oci-archive:$FIXTURES/vuln-alpine.tar" "docker://$Q/vuln/alpine:3.19"
A=$(digest_of "docker://$Q/vuln/alpine:3.19")
r=$(api POST /v1/scans -d "{\"repositoryName\": \"vuln/alpine\", \"imageId\": {\"imageTag\": \"3.19\"}, \"registry\": \"$Q\"}")
check_eq "POST /v1/scans by tag: 202 IN_PROGRESS" "202 IN_PROGRESS" "$(status) $(echo "$r" | jq -r .imageScanStatus.status)"
check "…resolved and scanned: COMPLETE" poll 60 is_status "vuln/alpine/$A" COMPLETE
want=$("$LS" scan --db "$DB" --format ecr --tls-verify=false "docker://$Q/vuln/alpine@$A")
check_eq "…same findings as scan --format ecr" \
  "$(echo "$want" | jq -c '.imageScanFindings | [.findingSeverityCounts, .findings]')" \
  "$(api GET "/v1/scans/vuln/alpine/$A" | jq -c '.imageScanFindings | [.findingSeverityCounts, .findings]')"
check_eq "…tagged 3.19" '["3.19"]' "$(api GET '/v1/scans?repositoryName=vuln/alpine' | jq -c '.scans[0].imageTags')"

layer=$("$LS" layers --json --tls-verify=false "docker://$Q/vuln/alpine@$A" | jq -r '.layers[0].digest')
f=$(blob_file "$QSTORE" "$layer")
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xFF
open(p, "wb").write(b)
PY
api POST /v1/scans -d "{\"repositoryName\": \"vuln/alpine\", \"imageId\": {\"imageDigest\": \"$A\"}}" >/dev/null
check_eq "a rescan by digest (the registry remembered): 202" 202 "$(status)"
check "a tampered blob: FAILED" poll 60 is_status "vuln/alpine/$A" FAILED
check "…the digest error is the description" bash -c "curl -s '$API/v1/scans/vuln/alpine/$A' | jq -r .imageScanStatus.description | grep -q 'layer 0 .*blob digest mismatch'"
check "…an event with scan-status FAILED" poll 20 bash -c "jq -e --arg r 'vuln/alpine@$A' 'select(.resources == [\$r] and .detail[\"scan-status\"] == \"FAILED\")' '$EVENTS' >/dev/null"
check_eq "…and no counts in it (none were found)" null "$(events_for "vuln/alpine@$A" | jq -c 'select(.detail["scan-status"] == "FAILED") | .detail["finding-severity-counts"]')"

# --- errors -------------------------------------------------------------------------------------
api POST /v1/notifications -d '{"events": [' >/dev/null
check_eq "malformed JSON: 400" 400 "$(status)"
check_eq "…with an error message" true "$(jq '.error | test("malformed JSON")' "$TMP/body")"
api POST /v1/scans -d '{"repositoryName": "x"}' >/dev/null
check_eq "StartImageScan without imageId: 400" 400 "$(status)"
api POST /v1/scans -d '{"repositoryName": "nowhere", "imageId": {"imageTag": "1"}}' >/dev/null
check_eq "StartImageScan for a repository with no known registry: 400" 400 "$(status)"
api GET "/v1/scans/vuln/debian/sha256:$(printf '0%.0s' {1..64})" >/dev/null
check_eq "an unknown scan: 404" 404 "$(status)"
api GET /v2/whatever >/dev/null
check_eq "an unknown path: 404" 404 "$(status)"
api DELETE /v1/scans >/dev/null
check_eq "a wrong method: 405" 405 "$(status)"
check_eq "…with the methods allowed" "Allow: POST, GET" "$(curl -s -i -X DELETE "$API/v1/scans" | tr -d '\r' | grep -i '^Allow:')"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$TMP/big"
api POST /v1/notifications --data-binary @"$TMP/big" >/dev/null
check_eq "a body over 1 MiB: 413" 413 "$(status)"
api POST /v1/notifications -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big" >/dev/null
check_eq "…also sent chunked (no Content-Length): 413" 413 "$(status)"
check_eq "health" '{"status":"ok","queued":0,"scanning":0}' "$(api GET /v1/health | jq -c .)"
check_exit "a second server on the same port: exit 2" 2 "$LS" serve --listen "127.0.0.1:$SPORT" --db "$DB" --store "$TMP/other.db"
check_eq "…one line saying so" "1 yes" "$(wc -l <"$TMP/err") $(grep -q 'already in use' "$TMP/err" && echo yes)"
check_exit "an advisory database that does not open: exit 2" 2 "$LS" serve --listen "127.0.0.1:$(free_port)" --db "$TMP/none.db" --store "$TMP/other.db"
check_exit "a bad option: exit 2" 2 "$LS" serve --workers 0
check_exit "a findings store that does not open: exit 2" 2 "$LS" serve --listen "127.0.0.1:$(free_port)" --db "$DB" --store "$TMP/no/such/dir/f.db"
check "a request per log line" grep -q "GET /v1/scans/vuln/debian/$D 200" "$TMP/serve.log"

# --- restart: the store survives; an unfinished scan is queued again -------------------------
stop_serve "SIGTERM: exit 0"
start_serve
check_eq "after a restart: the scan is still there" "COMPLETE 4" "$(api GET "/v1/scans/vuln/debian/$D" | jq -r '"\(.imageScanStatus.status) \(.imageScanFindings.findings | length)"')"
check_eq "…and the subscription" "$SUB_ID" "$(api GET /v1/subscriptions | jq -r '.subscriptions[0].id')"
stop_serve "SIGTERM again: exit 0"
# As if it had crashed mid-scan.
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE scans SET status = ? WHERE digest = ?", ("IN_PROGRESS", sys.argv[2])); c.commit()' "$STORE_DB" "$D"
start_serve --scanners vuln,secret --workers 2
check "a scan left IN_PROGRESS is queued again at start and ends COMPLETE" poll 60 is_status "vuln/debian/$D" COMPLETE
check "…and publishes its event" poll 20 test "$(n_events_for "vuln/debian@$D")" -eq 2
check_eq "…with --scanners vuln,secret: the same findings, and the secrets scan --format json finds" \
  "$("$LS" scan --db "$DB" --scanners vuln,secret --format json --tls-verify=false "docker://$R/vuln/debian@$D" | jq -c .secrets)" \
  "$(api GET "/v1/scans/vuln/debian/$D" | jq -c .imageScanFindings.secrets)"
stop_serve "SIGTERM after a re-queued scan: exit 0"

# --- access: a token, and the registries this server scans -----------------------------------
TOKEN=s3cret-$RANDOM$RANDOM
SPORT=
STORE_DB=$TMP/guarded.db
# The registry's notifications need the server's port, the server the registry's: a first
# start takes a port, the real one (with --allow-registry) reuses it.
start_serve
stop_serve "a first start to take a port: exit 0"
start_registry guarded "notifications:
  endpoints:
    - name: layerscope
      url: $API/v1/notifications
      headers:
        Authorization: [Bearer $TOKEN]
      timeout: 5s
      threshold: 3
      backoff: 1s"
G=127.0.0.1:$PORT
LAYERSCOPE_SERVE_TOKEN=$TOKEN start_serve --allow-registry "$G"
check_eq "with a token: health needs none" 200 "$(api GET /v1/health >/dev/null; status)"
api GET /v1/subscriptions >/dev/null
check_eq "…anything else without it: 401" 401 "$(status)"
check_eq "…with a challenge" 'WWW-Authenticate: Bearer realm="layerscope"' \
  "$(curl -s -i "$API/v1/subscriptions" | tr -d '\r' | grep -i '^WWW-Authenticate:')"
api GET /v1/subscriptions -H "Authorization: Bearer wrong-$TOKEN" >/dev/null
check_eq "…a wrong token: 401" 401 "$(status)"
api GET /v1/subscriptions -H "Authorization: Bearer $TOKEN" >/dev/null
check_eq "…the right one: 200" 200 "$(status)"
check "the token is not in the log" bash -c "! grep -q '$TOKEN' '$TMP/serve.log'"
push "oci-archive:$FIXTURES/vuln-debian.tar" "docker://$G/vuln/guarded:1"
GD=$(digest_of "docker://$G/vuln/guarded:1")
is_status_auth() { [ "$(api GET "/v1/scans/$1" -H "Authorization: Bearer $TOKEN" | jq -r .imageScanStatus.status)" = "$2" ]; }
check "the registry's notifications carry the token: the push is scanned" poll 60 is_status_auth "vuln/guarded/$GD" COMPLETE
api POST /v1/scans -H "Authorization: Bearer $TOKEN" \
  -d "{\"repositoryName\": \"vuln/alpine\", \"imageId\": {\"imageTag\": \"3.19\"}, \"registry\": \"$Q\"}" >/dev/null
check_eq "StartImageScan of a registry not in --allow-registry: 403" 403 "$(status)"
api POST /v1/notifications -H "Authorization: Bearer $TOKEN" -d "{\"events\": [{\"action\": \"push\",
  \"target\": {\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"repository\": \"x/y\",
  \"digest\": \"$GD\", \"url\": \"http://$Q/v2/x/y/manifests/$GD\"}}]}" >/dev/null
check_eq "a notification naming another registry: not queued" '[200,0,1]' "$(jq -c "[$(status), .queued, .refused]" "$TMP/body")"
stop_serve "SIGTERM with a token: exit 0"
check "no leak or sanitizer report in the log" bash -c "! grep -q 'Sanitizer' '$TMP/serve.log'"
done_testing
