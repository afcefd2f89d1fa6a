#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/users_cgi.bats - users and API keys (issue 12) as plain CGI:
# every route, every 401/403 case, a table test over every protected row
# of /openapi.json (its x-role) and /metrics, --require-auth, hostile
# Authorization headers, revocation, and keys absent from the logs and
# from the database file.

load service_helpers

setup() {
	MODEL=$(service_model)
	REG=$BATS_TEST_TMPDIR/registry
	SERVICE_ARGS="--registry $REG --access-log"
	ADMIN=$("$TOOL" users create root --role admin --registry "$REG" --quiet)
	unset CGI_HTTP_AUTHORIZATION
}

# as KEY METHOD URI [BODY]: one request with that key ("" for none)
as() {
	local key=$1
	shift
	if [ -n "$key" ]; then
		CGI_HTTP_AUTHORIZATION="Bearer $key" cgi "$@"
	else
		cgi "$@"
	fi
}

expect_401() {
	[ "$status_code" = 401 ] || { echo "want 401, got $status_code: $(cat "$body")"; return 1; }
	[ "$(header WWW-Authenticate)" = 'Bearer realm="tagifai"' ]
	[ "$(jq_ 'd["detail"]')" = "Not authenticated" ]
}

P='{"texts":[{"text":"Transfer learning with transformers for text classification."}]}'

@test "users: GET /users/me names the key's user; no key, a bad key: 401" {
	as "$ADMIN" GET /users/me
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]["user"]["name"]')" = root ]
	[ "$(jq_ 'd["data"]["user"]["roles"]')" = '["admin"]' ]
	[ "$(jq_ 'd["status-code"]')" = 200 ]
	as "" GET /users/me
	expect_401
	as "${ADMIN}0" GET /users/me
	expect_401
}

@test "users: admin creates (201, Location), 409 on a taken name, 422 on an unknown role or bad name" {
	as "$ADMIN" POST /users '{"name":"alice.b_c-1","roles":["read","deploy"]}'
	[ "$status_code" = 201 ]
	[ "$(jq_ 'd["data"]["user"]["roles"]')" = '["read", "deploy"]' ]
	[ "$(header Location)" = /users/alice.b_c-1 ]
	as "$ADMIN" POST /users '{"name":"alice.b_c-1","roles":["read"]}'
	[ "$status_code" = 409 ]
	[[ "$(jq_ 'd["detail"]')" == *"already exists"* ]]
	as "$ADMIN" POST /users '{"name":"bob","roles":["root"]}'
	[ "$status_code" = 422 ]
	[ "$(jq_ 'd["detail"][0]["loc"]')" = '["body", "roles"]' ]
	as "$ADMIN" POST /users '{"name":"Bob","roles":["read"]}'
	[ "$status_code" = 422 ]
	as "$ADMIN" POST /users '{"name":"bob"}'
	[ "$status_code" = 422 ]
	as "$ADMIN" POST /users '{"name":"bob","roles":[]}'
	[ "$status_code" = 422 ]
	as "$ADMIN" POST /users 'not json'
	[ "$status_code" = 422 ]
	as "$ADMIN" GET /users
	[ "$(jq_ '[u["name"] for u in d["data"]["users"]]')" = '["alice.b_c-1", "root"]' ]
	as "$ADMIN" GET /users/alice.b_c-1
	[ "$status_code" = 200 ]
	as "$ADMIN" GET /users/nobody
	[ "$status_code" = 404 ]
}

@test "users: keys are issued once, listed without secrets, revoked; a deleted user's keys die" {
	as "$ADMIN" POST /users '{"name":"carol","roles":["read"]}'
	[ "$status_code" = 201 ]
	as "$ADMIN" POST /users/carol/api-keys '{"expires_in_days": 30}'
	[ "$status_code" = 201 ]
	local key id
	key=$(jq_ 'd["data"]["api_key"]["key"]')
	id=$(jq_ 'd["data"]["api_key"]["id"]')
	[[ "$key" =~ ^tgf_[0-9a-f]{16}_[0-9a-f]{64}$ ]]
	[ "${key:4:16}" = "$id" ]
	[ "$(jq_ 'd["data"]["api_key"]["expires_at"] is not None')" = true ]
	# carol reads, and reaches her own keys
	as "$key" GET /models
	[ "$status_code" = 200 ]
	as "$key" GET /users/carol/api-keys
	[ "$status_code" = 200 ]
	[ "$(jq_ '[k["id"] for k in d["data"]["api_keys"]]')" = "[\"$id\"]" ]
	[ "$(jq_ 'd["data"]["api_keys"][0]["last_used_at"] is not None')" = true ]
	! grep -q "${key:21}" "$body"
	# not another's, nor admin routes
	as "$key" GET /users/root/api-keys
	[ "$status_code" = 403 ]
	as "$key" GET /users/nobody/api-keys
	[ "$status_code" = 403 ]
	as "$key" GET /users
	[ "$status_code" = 403 ]
	[ "$(jq_ 'd["detail"]')" = "Not enough permissions" ]
	# her own new key, without a body: no expiry
	as "$key" POST /users/carol/api-keys
	[ "$status_code" = 201 ]
	[ "$(jq_ 'd["data"]["api_key"]["expires_at"]')" = null ]
	local key2; key2=$(jq_ 'd["data"]["api_key"]["key"]')
	as "$key" POST /users/carol/api-keys '{"expires_in_days": 0}'
	[ "$status_code" = 422 ]
	as "$key" POST /users/carol/api-keys '{"expires_in_days": "x"}'
	[ "$status_code" = 422 ]
	# revocation: the next request is refused
	as "$key" DELETE "/users/carol/api-keys/$id"
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]["revoked"]')" = "$id" ]
	as "$key" GET /users/me
	expect_401
	as "$key2" GET /users/me
	[ "$status_code" = 200 ]
	as "$ADMIN" DELETE "/users/carol/api-keys/$id"
	[ "$status_code" = 404 ]
	as "$ADMIN" DELETE /users/carol
	[ "$status_code" = 200 ]
	as "$key2" GET /users/me
	expect_401
	as "$ADMIN" DELETE /users/carol
	[ "$status_code" = 404 ]
}

@test "users: an expired key is 401 like any other" {
	as "$ADMIN" POST /users/root/api-keys '{"expires_in_days": 1}'
	local key; key=$(jq_ 'd["data"]["api_key"]["key"]')
	as "$key" GET /users/me
	[ "$status_code" = 200 ]
	"$PYTHON3" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE api_keys SET expires_at=? WHERE id=?", ("2000-01-01T00:00:00Z", sys.argv[2])); c.commit()' \
		"$REG/registry.db" "${key:4:16}"
	as "$key" GET /users/me
	expect_401
}

@test "users: every protected route of the table is 401 without a key and 403 without its role" {
	cgi GET /openapi.json
	# [method, path, role] of every operation that needs one
	"$PYTHON3" -c '
import json, sys, re
d = json.load(open(sys.argv[1]))
for path, ops in d["paths"].items():
    for m, op in ops.items():
        if "x-role" in op:
            assert op["security"] == [{"APIKey": []}], (path, m)
            print(m.upper(), re.sub(r"\{[^}]*\}", "x", path), op["x-role"])
' "$body" > "$BATS_TEST_TMPDIR/rows"
	echo "GET /metrics read" >> "$BATS_TEST_TMPDIR/rows"
	[ "$(jq_ 'd["components"]["securitySchemes"]["APIKey"]["scheme"]')" = bearer ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/rows")" -ge 17 ]
	# a user with every role but admin; then one per role
	local r keys=() n=0
	for r in read predict deploy; do
		keys+=("$r=$("$TOOL" users create "only-$r" --role "$r" --registry "$REG" --quiet)")
	done
	local m p role k
	while read -r m p role; do
		n=$((n + 1))
		SERVICE_ARGS="--registry $REG --require-auth predict,metrics"
		as "" "$m" "$p" '{}'
		expect_401 || { echo "$m $p"; return 1; }
		as "${ADMIN:0:40}" "$m" "$p" '{}'
		expect_401 || { echo "$m $p (malformed)"; return 1; }
		[ "$role" = any ] && continue
		for k in "${keys[@]}"; do
			[ "${k%%=*}" = "$role" ] && continue
			as "${k#*=}" "$m" "$p" '{}'
			[ "$status_code" = 403 ] || { echo "$m $p as ${k%%=*}: $status_code"; return 1; }
		done
		# with the role (or admin) it is never refused for want of a key
		for k in "${keys[@]}" "admin=$ADMIN"; do
			[ "${k%%=*}" = "$role" ] || [ "${k%%=*}" = admin ] || continue
			as "${k#*=}" "$m" "$p" '{}'
			[ "$status_code" != 401 ] && [ "$status_code" != 403 ] ||
				{ echo "$m $p as ${k%%=*}: $status_code"; return 1; }
		done
	done < "$BATS_TEST_TMPDIR/rows"
	[ "$n" -ge 18 ]
}

@test "users: prediction is public by default; --require-auth predict closes it to the predict role" {
	local pk rk
	pk=$("$TOOL" users create p --role predict --registry "$REG" --quiet)
	rk=$("$TOOL" users create r --role read --registry "$REG" --quiet)
	as "" POST /predict "$P"
	[ "$status_code" = 200 ]
	SERVICE_ARGS="--registry $REG --require-auth predict"
	as "" POST /predict "$P"
	expect_401
	as "" POST /models/tagifai/predict "$P"
	expect_401
	as "$rk" POST /predict "$P"
	[ "$status_code" = 403 ]
	as "$pk" POST /predict "$P"
	[ "$status_code" = 200 ]
	as "$pk" POST /models/tagifai/versions/1/predict "$P"
	[ "$status_code" = 200 ]
	# the seed's read routes and the pages stay public
	as "" GET /
	[ "$status_code" = 200 ]
	as "" GET /args
	[ "$status_code" = 200 ]
	as "" GET /openapi.json
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["paths"]["/predict"]["post"]["x-role"]')" = predict ]
	TAGIFAI_REQUIRE_AUTH=predict SERVICE_ARGS="--registry $REG" CGI_TAGIFAI_REQUIRE_AUTH=predict \
		as "" POST /predict "$P"
	expect_401
}

@test "users: GET /predictions/{item-id} is gated like /predict; the batch routes need read or deploy" {
	local pk rk dk
	pk=$("$TOOL" users create p2 --role predict --registry "$REG" --quiet)
	rk=$("$TOOL" users create r2 --role read --registry "$REG" --quiet)
	dk=$("$TOOL" users create d2 --role deploy --registry "$REG" --quiet)
	as "" GET /predictions/nothing-stored
	[ "$status_code" = 404 ]
	SERVICE_ARGS="--registry $REG --require-auth predict"
	as "" GET /predictions/nothing-stored
	expect_401
	as "$rk" GET /predictions/nothing-stored
	[ "$status_code" = 403 ]
	as "$pk" GET /predictions/nothing-stored
	[ "$status_code" = 404 ]
	SERVICE_ARGS="--registry $REG"
	as "$dk" POST /batch-jobs '{"items":[{"id":"1","text":"x"}]}'
	[ "$status_code" = 202 ]
	as "$rk" POST /batch-jobs '{"items":[{"id":"1","text":"x"}]}'
	[ "$status_code" = 403 ]
	as "$rk" GET /batch-jobs
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]["jobs"][0]["submitted_by"]')" = d2 ]
}

@test "users: hostile Authorization headers are 401, never 500" {
	local big bin
	big="Bearer $(head -c 100000 /dev/zero | tr '\0' a)"
	bin=$(printf 'Bearer tgf_\001\002\377\376_%s' "$(head -c 64 /dev/zero | tr '\0' f)")
	local h
	for h in "$big" "$bin" "Basic cm9vdDpyb290" "Bearer" "Bearer " "bearer ${ADMIN}x" \
		"Bearer $ADMIN, Bearer $ADMIN" "Bearer ${ADMIN^^}" "Token $ADMIN" \
		"Bearer tgf_${ADMIN:4:16}_$(head -c 64 /dev/zero | tr '\0' 0)" \
		"Bearer tgf_0000000000000000_${ADMIN:21}" "Bearer ${ADMIN:0:20}"; do
		CGI_HTTP_AUTHORIZATION=$h cgi GET /users/me
		expect_401 || { echo "header: ${h:0:80}"; return 1; }
	done
	# the scheme is case-insensitive (RFC 9110), the key is not
	CGI_HTTP_AUTHORIZATION="bearer $ADMIN" cgi GET /users/me
	[ "$status_code" = 200 ]
}

@test "users: keys are absent from the logs and from the database file" {
	as "$ADMIN" POST /users/root/api-keys '{}'
	local key; key=$(jq_ 'd["data"]["api_key"]["key"]')
	as "$key" GET /users/me
	[ "$status_code" = 200 ]
	as "${key}x" GET /users/me
	expect_401
	grep -q 'GET /users/me' "$BATS_TEST_TMPDIR/stderr"
	! grep -q "${key:21}" "$BATS_TEST_TMPDIR/stderr"
	! grep -q "${ADMIN:21}" "$BATS_TEST_TMPDIR/stderr"
	local f
	for f in "$REG"/registry.db*; do
		! grep -qa "${key:21}" "$f"
		! grep -qa "${ADMIN:21}" "$f"
		! grep -qa "$key" "$f"
	done
	[ "$(stat -c %a "$REG/auth.secret")" = 600 ]
}

@test "tagifai users: create, list, keys, key-create, key-delete, delete" {
	run "$TOOL" users create dave --role read,deploy --registry "$REG"
	[ "$status" -eq 0 ]
	[[ "$output" == *"shown once"* ]]
	run "$TOOL" users list --registry "$REG"
	[[ "$output" == *dave*read,deploy* ]]
	run "$TOOL" users create dave --role read --registry "$REG"
	[ "$status" -eq 1 ]
	run "$TOOL" users create eve --role root --registry "$REG"
	[ "$status" -eq 2 ]
	run "$TOOL" users create eve --registry "$REG"
	[ "$status" -eq 2 ]
	local key; key=$("$TOOL" users key-create dave --expires-in-days 7 --registry "$REG" --quiet)
	run "$TOOL" users keys dave --registry "$REG"
	[[ "$output" == *"${key:4:16}"* ]]
	[[ "$output" != *"${key:21}"* ]]
	run "$TOOL" users key-delete dave "${key:4:16}" --registry "$REG"
	[ "$status" -eq 0 ]
	as "$key" GET /users/me
	expect_401
	run "$TOOL" users delete dave --registry "$REG"
	[ "$status" -eq 0 ]
	run "$TOOL" users delete dave --registry "$REG"
	[ "$status" -eq 1 ]
}
