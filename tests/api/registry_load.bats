#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/registry_load.bats - activations under load (issue 11, point
# 3): `tagifai-fcgi --workers 4` behind lighttpd, 8 concurrent clients,
# 20 activations back and forth; every answer 2xx and every answer to a
# request sent after a PUT returned names the version it activated (the
# generation page: no request may see the old state).  Then the same with
# an activation made by the tool, which the workers see through the
# generation file within REGISTRY_POLL_MS.

load lib
load contract
load registry_contract
load supervise

setup_file() {
	stack_init "$LIGHTTPD"
	registry_artifacts
	REG_DIR=$(stack_rundir registry)
	API_KEY=$(stack_admin_key "$REG_DIR")
	export API_KEY
	sv_master 4 --registry "$REG_DIR" \
		--max-upload "$TEST_MAX_UPLOAD"
	sv_lighttpd
	export REG_DIR
}

teardown_file() {
	stack_stop
}

@test "registry load: a model with two versions, version 1 active" {
	post_json "$BASE/models" '{"name":"large"}' && expect_status 201
	upload "$BASE" large "$REG_V1" && expect_status 201
	upload "$BASE" large "$REG_V2" && expect_status 201
	http PUT "$BASE/models/large/active-version" -H 'Content-Type: application/json' \
		--data-binary '{"version": 1}' && expect_status 200
}

@test "registry load: 4 workers, 8 clients, 20 activations: every answer 2xx and consistent" {
	run "$PYTHON3" "$top_srcdir/tests/api/registry_load.py" "$BASE" large 20 8
	echo "$output"
	grep -i registry "$STACK_DIR/master.out" | tail -n 5
	[ "$status" -eq 0 ]
	# the figures, for the log
	echo "$output" | grep '^# ' >&3
}

@test "registry load: an activation by the tool reaches every worker within 1 s" {
	local i n=0
	"$top_builddir/tagifai" models activate large 1 --registry "$REG_DIR"
	sleep 1
	for ((i = 0; i < 24; i++)); do
		post_json "$BASE/models/large/predict" "$PREDICT_BODY" && expect_status 200 || return 1
		[ "$(header X-Model)" = large/1 ] || { bad "X-Model $(header X-Model)"; return 1; }
	done
	"$top_builddir/tagifai" models activate large 2 --registry "$REG_DIR"
	sleep 1
	for ((i = 0; i < 24; i++)); do
		post_json "$BASE/models/large/predict" "$PREDICT_BODY" &&
		[ "$(header X-Model)" = large/2 ] || { bad "X-Model $(header X-Model)"; return 1; }
	done
}

@test "registry load: a revoked key is refused by every worker once the DELETE has answered" {
	local key id i
	post_json "$BASE/users" '{"name":"loader","roles":["read"]}' && expect_status 201
	post_json "$BASE/users/loader/api-keys" '{}' && expect_status 201
	key=$(jq -r .data.api_key.key "$RESP_BODY")
	id=$(jq -r .data.api_key.id "$RESP_BODY")
	# every worker verifies and remembers the key
	for ((i = 0; i < 40; i++)); do
		API_KEY=$key http GET "$BASE/users/me" && expect_status 200 || return 1
	done
	http DELETE "$BASE/users/loader/api-keys/$id" && expect_status 200
	for ((i = 0; i < 40; i++)); do
		API_KEY=$key http GET "$BASE/users/me" && expect_error 401 || return 1
	done
	# and a deleted user's keys
	post_json "$BASE/users/loader/api-keys" '{}' && expect_status 201
	key=$(jq -r .data.api_key.key "$RESP_BODY")
	for ((i = 0; i < 40; i++)); do
		API_KEY=$key http GET "$BASE/users/me" && expect_status 200 || return 1
	done
	http DELETE "$BASE/users/loader" && expect_status 200
	for ((i = 0; i < 40; i++)); do
		API_KEY=$key http GET "$BASE/users/me" && expect_error 401 || return 1
	done
}
