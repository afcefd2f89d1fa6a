# SPDX-License-Identifier: MIT
# tests/api/registry_contract.bash - the model registry's routes (issue 11,
# doc/API.md), checked the same way through every stack.  Each registry_*
# function takes a base URL, returns 0 when the contract holds, else prints
# what differs (contract.bash's bad) and returns 1.  The stacks run with a
# fresh registry (seeded with the stack's model as tagifai v1) and an
# admin's API key in API_KEY (stack_admin_key).  Functions build on each other's state in file order, as
# the @test lines call them.
# Needs: contract.bash loaded; REG_V1 REG_V2 (two artifacts with different
# identities), ARTIFACTS_DIR (the scikit-learn export).

PREDICT_BODY='{"texts":[{"text":"Transfer learning with BERT for text classification"}]}'

# Two more artifacts of the same model with other identities (other
# bytes), made once per suite in $STACK_DIR.
registry_artifacts() {
	local v
	for v in 1 2; do
		[ -s "$STACK_DIR/reg-v$v.tagifai" ] && continue
		"$top_builddir/tagifai" import --export "$ARTIFACTS_DIR/export.json" \
			--args "$ARTIFACTS_DIR/args.json" \
			--performance "$ARTIFACTS_DIR/performance.json" \
			--name tagifai-large --version "v$v" -o "$STACK_DIR/reg-v$v.tagifai" \
			>/dev/null || return 1
	done
	export REG_V1=$STACK_DIR/reg-v1.tagifai REG_V2=$STACK_DIR/reg-v2.tagifai
}

upload() {
	http POST "$1/models/$2/versions" -H 'Content-Type: application/octet-stream' \
		--data-binary "@$3"
}

registry_seeded() {
	http GET "$1/models" && expect_envelope GET "$1/models" &&
	expect_jq '.data.models | length == 1' &&
	expect_jq '.data.models[0] | .name == "tagifai" and .active_version == 1 and .latest_version == 1' &&
	expect_jq '.data.models[0] | (.created_at | test("^[0-9-]{10}T[0-9:]{8}Z$")) and has("updated_at") and has("description")'
}

registry_create() {
	post_json "$1/models" '{"name":"large","description":"More n-grams"}' &&
	expect_status 201 && expect_json &&
	expect_jq '.message == "Created" and ."status-code" == 201' &&
	expect_jq '.data.model | .name == "large" and .description == "More n-grams" and .active_version == null and .latest_version == null' || return 1
	local loc; loc=$(header Location)
	case $loc in
	*/models/large) ;;
	*) bad "Location '$loc'"; return 1 ;;
	esac
	post_json "$1/models" '{"name":"large"}' && expect_error 409 &&
	expect_jq '.detail | test("already exists")'
}

registry_create_invalid() {
	post_json "$1/models" '{"name":"Bad_Name"}' &&
	expect_422 '["body","name"]' value_error.str.regex || return 1
	post_json "$1/models" '{"description":"x"}' &&
	expect_422 '["body","name"]' value_error.missing || return 1
	post_json "$1/models" '{"name": "' && expect_status 422 || return 1
	post_json "$1/models" '{"name":"-x"}' && expect_status 422
}

registry_list_filter() {
	http GET "$1/models?name_contains=arg" && expect_status 200 &&
	expect_jq '[.data.models[].name] == ["large"]' || return 1
	http GET "$1/models?name_contains=zzz" && expect_status 200 &&
	expect_jq '.data.models == []'
}

registry_upload() {
	upload "$1" large "$REG_V1" && expect_status 201 && expect_json &&
	expect_jq '.data.model == "large" and .data.version.version == 1' &&
	expect_jq '.data.version.checksum == $c' --arg c "$(sha256sum < "$REG_V1" | cut -c1-64)" &&
	expect_jq '.data.version.size == $s' --argjson s "$(stat -c %s "$REG_V1")" &&
	expect_jq '.data.version.classes == '"$TAGS" || return 1
	case $(header Location) in
	*/models/large/versions/1) ;;
	*) bad "Location"; return 1 ;;
	esac
	upload "$1" large "$REG_V2" && expect_status 201 &&
	expect_jq '.data.version.version == 2' || return 1
	# the same bytes again: 200 with the existing version
	upload "$1" large "$REG_V1" && expect_status 200 &&
	expect_jq '.data.version.version == 1' || return 1
	# uploading never activates
	http GET "$1/models/large" && expect_status 200 &&
	expect_jq '.data.model.active_version == null and .data.model.latest_version == 2' &&
	expect_jq '[.data.model.versions[].version] == [2,1]'
}

registry_upload_sklearn() {
	http POST "$1/models/large/versions" -H 'Content-Type: application/json' \
		--data-binary "@$ARTIFACTS_DIR/export.json" &&
	expect_status 201 && expect_jq '.data.version.version == 3 and .data.version.n_features > 0'
}

registry_upload_refused() {
	printf 'TGFI not a model at all' > "$BATS_TEST_TMPDIR/junk"
	upload "$1" large "$BATS_TEST_TMPDIR/junk" &&
	expect_422 '["body"]' value_error.model &&
	expect_jq '.detail[0].msg | test("invalid artifact")' || return 1
	# a truncated artifact
	head -c 100000 "$REG_V1" > "$BATS_TEST_TMPDIR/short"
	upload "$1" large "$BATS_TEST_TMPDIR/short" && expect_422 '["body"]' value_error.model || return 1
	http POST "$1/models/large/versions" -H 'Content-Type: application/json' \
		--data-binary '{"classes": 3}' && expect_422 '["body"]' value_error.model || return 1
	http POST "$1/models/large/versions" -H 'Content-Type: text/plain' \
		--data-binary 'x' && expect_error 415 || return 1
	upload "$1" nope "$REG_V1" && expect_error 404 || return 1
	# over --max-upload: refused by the web server or the application, JSON either way
	head -c $((TEST_MAX_UPLOAD + 1024)) /dev/zero > "$BATS_TEST_TMPDIR/big"
	upload "$1" large "$BATS_TEST_TMPDIR/big" && expect_error 413 || return 1
	# nothing of it became a version
	http GET "$1/models/large" && expect_jq '.data.model.latest_version == 3'
}

registry_version_get() {
	http GET "$1/models/large/versions/1" && expect_status 200 &&
	expect_jq '.data.version.version == 1 and (.data.version.performance.overall.f1 | type) == "number"' &&
	expect_jq '.data.version.args.threshold != null' || return 1
	http GET "$1/models/large/versions/9" && expect_error 404 || return 1
	http GET "$1/models/large/versions/abc" && expect_error 404 || return 1
	http GET "$1/models/nope/versions/1" && expect_error 404
}

registry_predict_unknown() {
	post_json "$1/models/large/predict" "$PREDICT_BODY" && expect_error 404 || return 1
	post_json "$1/models/nope/predict" "$PREDICT_BODY" && expect_error 404 || return 1
	post_json "$1/models/large/versions/7/predict" "$PREDICT_BODY" && expect_error 404
}

registry_activate() {
	http PUT "$1/models/large/active-version" -H 'Content-Type: application/json' \
		--data-binary '{"version": 2}' && expect_status 200 &&
	expect_jq '.data == {"model":"large","active_version":2,"previous_version":null}' || return 1
	http PUT "$1/models/large/active-version" -H 'Content-Type: application/json' \
		--data-binary '{"version": 2}' && expect_status 200 &&
	expect_jq '.data.previous_version == 2' || return 1
	http PUT "$1/models/large/active-version" -H 'Content-Type: application/json' \
		--data-binary '{"version": 42}' && expect_error 404 || return 1
	http PUT "$1/models/large/active-version" -H 'Content-Type: application/json' \
		--data-binary '{"version": "two"}' && expect_422 '["body","version"]' type_error.integer || return 1
	http PUT "$1/models/large/active-version" -H 'Content-Type: application/json' \
		--data-binary '{}' && expect_422 '["body","version"]' value_error.missing
}

# After an activation returns, every answer names the new version (the
# stacks without our master converge within REGISTRY_POLL_MS: wait 0.3 s).
registry_predict_named() {
	local i
	sleep 0.3
	for ((i = 0; i < 12; i++)); do
		post_json "$1/models/large/predict" "$PREDICT_BODY" && expect_status 200 &&
		[ "$(header X-Model)" = large/2 ] || { bad "X-Model $(header X-Model)"; return 1; }
	done
	expect_jq '.data.model.name == "large" and .data.model.version == 2' &&
	expect_jq '.data.predictions[0].predicted_tag == "natural-language-processing"' || return 1
	post_json "$1/models/large/versions/1/predict" "$PREDICT_BODY" && expect_status 200 &&
	[ "$(header X-Model)" = large/1 ] && expect_jq '.data.model.version == 1' || return 1
	# the same numbers as /predict serves (same coefficients)
	local p1; p1=$(jq -c .data.predictions "$RESP_BODY")
	post_json "$1/predict" "$PREDICT_BODY" && expect_status 200 &&
	[ "$(jq -c .data.predictions "$RESP_BODY")" = "$p1" ] || { bad "probabilities differ"; return 1; }
	[ "$(header X-Model)" = tagifai/reference ] || bad "/predict X-Model $(header X-Model)"
}

registry_rollback() {
	http PUT "$1/models/large/active-version" -H 'Content-Type: application/json' \
		--data-binary '{"version": 1}' && expect_status 200 &&
	expect_jq '.data.previous_version == 2' || return 1
	sleep 0.3
	local i
	for ((i = 0; i < 12; i++)); do
		post_json "$1/models/large/predict" "$PREDICT_BODY" &&
		[ "$(header X-Model)" = large/1 ] || { bad "X-Model $(header X-Model) after rollback"; return 1; }
	done
	http GET "$1/models/large/activations" && expect_status 200 &&
	expect_jq '[.data.activations[] | [.version, .previous_version]] == [[1,2],[2,null]]' &&
	expect_jq '.data.activations[0].activated_at | test("Z$")' &&
	expect_jq '.data.activations[0] | has("activated_by")'
}

registry_delete() {
	http DELETE "$1/models/large/versions/1" && expect_error 409 || return 1
	http DELETE "$1/models/large/versions/2" && expect_status 200 || return 1
	http DELETE "$1/models/large/versions/2" && expect_error 404 || return 1
	sleep 0.3
	post_json "$1/models/large/versions/2/predict" "$PREDICT_BODY" && expect_error 404 || return 1
	http DELETE "$1/models/tagifai" && expect_error 409 || return 1
	http DELETE "$1/models/large" && expect_status 200 || return 1
	http GET "$1/models/large" && expect_error 404 || return 1
	sleep 0.3
	post_json "$1/models/large/predict" "$PREDICT_BODY" && expect_error 404 || return 1
	# the seed API is untouched
	post_json "$1/predict" "$PREDICT_BODY" && expect_status 200
}

registry_openapi() {
	http GET "$1/openapi.json" && expect_status 200 &&
	expect_jq '.paths["/models"].get != null and .paths["/models"].post.responses["201"] != null' &&
	expect_jq '.paths["/models/{model-name}/versions"].post.requestBody.content["application/octet-stream"].schema.format == "binary"' &&
	expect_jq '.paths["/models/{model-name}/active-version"].put != null' &&
	expect_jq '.paths["/models/{model-name}/versions/{version}/predict"].post != null' &&
	expect_jq '.components.schemas.ModelCreate != null and .components.schemas.ActiveVersion != null'
}

# Users and API keys (issue 12) through the stack: the header reaches the
# application, every users route, 401 and 403.  Needs API_KEY (an admin).
registry_users() {
	local base=$1 key id
	API_KEY= http GET "$base/users/me" && expect_error 401 || return 1
	[ "$(header WWW-Authenticate)" = 'Bearer realm="tagifai"' ] || { bad "WWW-Authenticate"; return 1; }
	API_KEY="${API_KEY}0" http GET "$base/users/me" && expect_error 401 || return 1
	http GET "$base/users/me" && expect_status 200 &&
	expect_jq '.data.user.roles == ["admin"]' || return 1
	post_json "$base/users" '{"name":"reader","roles":["read"]}' && expect_status 201 || return 1
	post_json "$base/users" '{"name":"reader","roles":["read"]}' && expect_error 409 || return 1
	post_json "$base/users" '{"name":"x","roles":["root"]}' && expect_status 422 || return 1
	http GET "$base/users" && expect_status 200 &&
	expect_jq '[.data.users[].name] | index("reader") != null' || return 1
	http GET "$base/users/reader" && expect_status 200 || return 1
	post_json "$base/users/reader/api-keys" '{"expires_in_days": 1}' && expect_status 201 || return 1
	key=$(jq -r .data.api_key.key "$RESP_BODY")
	id=$(jq -r .data.api_key.id "$RESP_BODY")
	API_KEY=$key http GET "$base/models" && expect_status 200 || return 1
	API_KEY=$key post_json "$base/models" '{"name":"nope"}' && expect_error 403 || return 1
	API_KEY=$key http GET "$base/users" && expect_error 403 || return 1
	API_KEY=$key http GET "$base/users/reader/api-keys" && expect_status 200 &&
	expect_jq "[.data.api_keys[].id] == [\"$id\"]" || return 1
	grep -q "${key:21}" "$RESP_BODY" && { bad "a listing shows the secret"; return 1; }
	http DELETE "$base/users/reader/api-keys/$id" && expect_status 200 || return 1
	# these stacks run no master of ours: the other processes forget the
	# key through the generation file, within REGISTRY_POLL_MS (1 s at most;
	# under the master, before the DELETE answers: registry_load.bats)
	sleep 1
	local i
	for ((i = 0; i < 8; i++)); do
		API_KEY=$key http GET "$base/users/me" && expect_error 401 || return 1
	done
	http DELETE "$base/users/reader" && expect_status 200 || return 1
	http GET "$base/users/reader" && expect_error 404
}
