#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/registry_cgi.bats - the model registry without a web server:
# routes closed without an API key (401), without --registry (401: no
# users, so no key is valid),
# a busy database (503 + Retry-After), a CGI process per request reading
# the registry once, and `tagifai models` on the same registry.

load service_helpers

setup_file() {
	MODEL=$(service_model)
	export MODEL
	# A second artifact (other identity, other bytes).
	"$TOOL" import --export "$EXPORT_DIR/export.json" \
		--args "$EXPORT_DIR/args.json" --performance "$EXPORT_DIR/performance.json" \
		--name other --version 2 -o "$BATS_FILE_TMPDIR/v2.tagifai" >/dev/null
	"$TOOL" import --export "$EXPORT_DIR/export.json" \
		--args "$EXPORT_DIR/args.json" --performance "$EXPORT_DIR/performance.json" \
		--name other --version 3 -o "$BATS_FILE_TMPDIR/v3.tagifai" >/dev/null
	export V2=$BATS_FILE_TMPDIR/v2.tagifai V3=$BATS_FILE_TMPDIR/v3.tagifai
}

setup() {
	REG=$BATS_TEST_TMPDIR/registry
	SERVICE_ARGS="--registry $REG"
	admin_key
}

# An admin in $REG, made with the tool; cgi sends its key.
admin_key() {
	CGI_HTTP_AUTHORIZATION="Bearer $("$TOOL" users create admin --role admin \
		--registry "$REG" --quiet)"
	export CGI_HTTP_AUTHORIZATION
}

P='{"texts":[{"text":"Transfer learning with transformers for text classification."}]}'

@test "registry routes answer 401 without an API key, prediction stays public" {
	unset CGI_HTTP_AUTHORIZATION
	local m
	for m in "GET /models" "POST /models" "GET /models/tagifai" \
		"DELETE /models/tagifai" "GET /models/tagifai/versions/1" \
		"DELETE /models/tagifai/versions/1" "PUT /models/tagifai/active-version" \
		"GET /models/tagifai/activations" "POST /models/tagifai/versions"; do
		cgi ${m% *} "${m#* }" '{}'
		[ "$status_code" = 401 ] || { echo "$m: $status_code"; return 1; }
		[ "$(jq_ 'd["detail"]')" = "Not authenticated" ]
		[ "$(header WWW-Authenticate)" = 'Bearer realm="tagifai"' ]
	done
	cgi POST /models/tagifai/predict "$P"
	[ "$status_code" = 200 ]
	[ "$(header X-Model)" = tagifai/1 ]
	cgi POST /predict "$P"
	[ "$status_code" = 200 ]
	[ "$(header X-Model)" = tagifai-test/0.0.1 ]
}

@test "without --registry the registry routes answer 401 (no users) and /predict is the seed's" {
	rm -rf "$REG"
	SERVICE_ARGS=""
	cgi GET /models
	[ "$status_code" = 401 ]
	[ "$(header WWW-Authenticate)" = 'Bearer realm="tagifai"' ]
	cgi POST /models/tagifai/predict "$P"
	[ "$status_code" = 404 ]
	[ ! -e "$REG" ]
}

@test "a database busy beyond the timeout answers 503 with Retry-After, never 500" {
	cgi GET /models
	[ "$status_code" = 200 ]
	"$PYTHON3" - "$REG/registry.db" "$BATS_TEST_TMPDIR/locked" <<'PY' &
import sqlite3, sys, time, pathlib
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
pathlib.Path(sys.argv[2]).touch()
time.sleep(6)
c.execute("ROLLBACK")
PY
	local holder=$! i
	for ((i = 0; i < 50; i++)); do
		[ ! -e "$BATS_TEST_TMPDIR/locked" ] || break
		sleep 0.1
	done
	cgi POST /models '{"name":"busy"}'
	[ "$status_code" = 503 ] || { cat "$body" "$BATS_TEST_TMPDIR/stderr"; return 1; }
	[ "$(header Retry-After)" = 1 ]
	[[ "$(jq_ 'd["detail"]')" == *busy* ]]
	# reads go on while the writer holds the lock (WAL)
	cgi GET /models
	[ "$status_code" = 200 ]
	wait "$holder"
	cgi POST /models '{"name":"busy"}'
	[ "$status_code" = 201 ]
}

@test "tagifai models: create, push, show, activate, rollback, activations, delete" {
	cgi GET /models   # seeds the registry
	"$TOOL" models create small --description "A small one" --registry "$REG"
	run "$TOOL" models push small "$V2" --registry "$REG"
	[ "$status" -eq 0 ]
	[[ "$output" == *"small version 1 created"*"not active"* ]]
	run "$TOOL" models push small "$V2" --registry "$REG"
	[[ "$output" == *"already present"* ]]
	run "$TOOL" models push small "$EXPORT_DIR/export.json" --registry "$REG"
	[[ "$output" == *"small version 2 created"* ]]
	run "$TOOL" models activate small 1 --registry "$REG"
	[ "$status" -eq 0 ]
	"$TOOL" models activate small 2 --registry "$REG"
	# a CGI process reads the registry once, at its start: it sees it
	cgi POST /models/small/predict "$P"
	[ "$status_code" = 200 ]
	[ "$(header X-Model)" = small/2 ]
	run "$TOOL" models rollback small --registry "$REG"
	[ "$status" -eq 0 ]
	[[ "$output" == *"active version 1 (was 2)"* ]]
	cgi POST /models/small/predict "$P"
	[ "$(header X-Model)" = small/1 ]
	run "$TOOL" models activations small --registry "$REG"
	[ "$(echo "$output" | awk 'NR > 1 {print $2 "/" $3}' | tr '\n' ' ')" = "1/2 2/1 1/- " ]
	run "$TOOL" models show small --registry "$REG"
	[[ "$output" == *"version 1 (active)"* ]]
	run "$TOOL" models delete small 1 --registry "$REG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"active version"* ]]
	"$TOOL" models delete small 2 --registry "$REG"
	run "$TOOL" models delete tagifai --registry "$REG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"default model"* ]]
	run "$TOOL" models list --registry "$REG"
	[ "$(echo "$output" | awk 'NR > 1 {print $1 ":" $2 ":" $3}' | tr '\n' ' ')" = "small:1:2 tagifai:1:1 " ]
	run "$TOOL" models activate small 9 --registry "$REG"
	[ "$status" -eq 1 ]
	run "$TOOL" models activate small x --registry "$REG"
	[ "$status" -eq 2 ]
	run "$TOOL" models list
	[ "$status" -eq 2 ]
}

@test "tagifai models push refuses what is not a model, and nothing becomes visible" {
	cgi GET /models
	"$TOOL" models create junk --registry "$REG"
	printf 'not a model' > "$BATS_TEST_TMPDIR/junk"
	run "$TOOL" models push junk "$BATS_TEST_TMPDIR/junk" --registry "$REG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid artifact"* ]]
	run "$TOOL" models show junk --registry "$REG"
	[[ "$output" != *"version 1"* ]]
	[ -z "$(ls "$REG/tmp")" ]
}

@test "a version that does not open at activation is refused (409); the old one keeps serving" {
	cgi GET /models
	"$TOOL" models create fragile --registry "$REG"
	"$TOOL" models push fragile "$V2" --registry "$REG"
	"$TOOL" models push fragile "$V3" --registry "$REG"
	"$TOOL" models activate fragile 1 --registry "$REG"
	# damage version 2's stored artifact behind the registry's back
	local sum
	sum=$(sha256sum < "$V3" | cut -c1-64)
	truncate -s 100000 "$REG/artifacts/$sum.tagifai"
	cgi PUT /models/fragile/active-version '{"version": 2}'
	[ "$status_code" = 409 ] || { cat "$body" "$BATS_TEST_TMPDIR/stderr"; return 1; }
	[[ "$(jq_ 'd["detail"]')" == *"does not open"* ]]
	cgi POST /models/fragile/predict "$P"
	[ "$status_code" = 200 ]
	[ "$(header X-Model)" = fragile/1 ]
	run "$TOOL" models activations fragile --registry "$REG"
	[ "$(echo "$output" | wc -l)" -eq 2 ]
}

@test "a registry the service cannot write: refused at start with a clear message, nothing lost" {
	cgi GET /models
	[ "$status_code" = 200 ]
	local before after
	before=$(cat "$REG/registry.db" "$REG"/artifacts/* | sha256sum)
	local -a as=()
	local d=$REG
	# bats makes its directories 0700: let the other user reach the registry
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod a+rx "$d"
		d=$(dirname "$d")
	done
	chmod -R a+rX "$REG" "$MODEL"
	# the server secret stays its owner's (0600, else refused)
	chmod 600 "$REG/auth.secret"
	if [ "$(id -u)" = 0 ]; then
		# root writes anywhere: ask as nobody
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	else
		chmod -R a-w "$REG"
	fi
	# the other user runs a copy: the checkout may be in a 0700 directory
	cp "$BIN" "$BATS_TEST_TMPDIR/tagifai-fcgi"
	chmod a+rx "$BATS_TEST_TMPDIR/tagifai-fcgi"
	cgi_env_for GET /models ""
	run "${as[@]}" env -i "${cgi_env[@]}" "$BATS_TEST_TMPDIR/tagifai-fcgi" --model "$MODEL" $SERVICE_ARGS
	[ "$status" -eq 1 ]
	[[ "$output" == *"registry $REG"*"readonly"* ]] || { echo "$output"; return 1; }
	chmod -R u+w "$REG"
	after=$(cat "$REG/registry.db" "$REG"/artifacts/* | sha256sum)
	[ "$before" = "$after" ]
	cgi GET /models
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]["models"][0]["active_version"]')" = 1 ]
}

@test "a full disk: an upload answers 503 naming the failure, nothing half-written, nothing lost" {
	# a 6 MiB file system: room for the seeded 4 MB version, not a second
	local fs=$BATS_TEST_TMPDIR/small before after len
	mkdir -p "$fs"
	mount -t tmpfs -o size=6m tmpfs "$fs"
	REG=$fs/registry
	SERVICE_ARGS="--registry $REG"
	admin_key
	cgi GET /models
	[ "$status_code" = 200 ]
	before=$(cat "$REG/registry.db" "$REG"/artifacts/* | sha256sum)
	len=$(wc -c < "$V2")
	cgi_env_for POST /models/tagifai/versions "$len"
	cgi_env+=(CONTENT_TYPE=application/octet-stream)
	env -i "${cgi_env[@]}" "$BIN" --model "$MODEL" $SERVICE_ARGS \
		< "$V2" > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/stderr" || true
	split_answer "$BATS_TEST_TMPDIR/out"
	[ "$status_code" = 503 ] || { cat "$BATS_TEST_TMPDIR/out"; umount "$fs"; return 1; }
	grep -q 'No space left on device' "$BATS_TEST_TMPDIR/stderr"
	# no temporary file left, the stored version and database unchanged
	[ -z "$(ls -A "$REG/tmp")" ]
	after=$(cat "$REG/registry.db" "$REG"/artifacts/* | sha256sum)
	cgi GET /models/tagifai
	umount -l "$fs"
	[ "$before" = "$after" ]
	[ "$status_code" = 200 ]
	[ "$(jq_ 'len(d["data"]["model"]["versions"])')" = 1 ]
}

@test "each artifact is named by the SHA-256 of its bytes (sha256sum agrees)" {
	local f sum
	cgi GET /models
	[ "$status_code" = 200 ]
	"$TOOL" models push tagifai "$V2" --registry "$REG" > /dev/null
	for f in "$REG"/artifacts/*.tagifai; do
		sum=$(sha256sum "$f" | cut -d' ' -f1)
		[ "$(basename "$f" .tagifai)" = "$sum" ] || { echo "$f: $sum" >&2; return 1; }
	done
	[ "$(ls "$REG"/artifacts/*.tagifai | wc -l)" = 2 ]
}
