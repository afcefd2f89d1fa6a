#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/registry_nginx.bats - the model registry's routes through nginx
# and spawn-fcgi -F 2 (two processes without our master: they notice each
# other's activations through the generation file), with the shipped
# www/conf/nginx.conf (its upload location allows --max-upload).

load lib
load contract
load registry_contract

setup_file() {
	stack_init "$NGINX" "$SPAWN_FCGI"
	local port nginx run model
	port=$(pick_port)
	nginx=$(tool_path "$NGINX")
	run=$(stack_rundir run)
	mkdir -p "$run/tmp"
	[ "$(id -u)" != 0 ] || chown "$(stack_user):$(stack_group)" "$run/tmp"
	model=$(stack_model)
	registry_artifacts
	REG_DIR=$(stack_rundir registry)
	API_KEY=$(stack_admin_key "$REG_DIR")
	export API_KEY REG_DIR
	CONF_PORT=$port CONF_RUNDIR=$run CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$model CONF_WWWDIR=$TEST_WWW \
		render_conf "$top_srcdir/www/conf/nginx.conf" "$STACK_DIR/nginx.conf"
	stack_spawn_fcgi "$run/tagifai.sock" 2 "$STACK_DIR/sbin/tagifai-fcgi" \
		--model "$model" --www "$TEST_WWW" --max-body "$TEST_MAX_BODY" \
		--max-upload "$TEST_MAX_UPLOAD" --registry "$REG_DIR"
	stack_launch nginx "$nginx" -p "$run" -c "$STACK_DIR/nginx.conf" \
		-e "$run/nginx-error.log" -g 'daemon off;'
	wait_ready "http://127.0.0.1:$port/"
	export BASE=http://127.0.0.1:$port
}

teardown_file() {
	stack_stop
}

@test "registry nginx: the seed model is tagifai version 1, active" { registry_seeded "$BASE"; }
@test "registry nginx: users and API keys: every users route, 401 with WWW-Authenticate, 403, revocation" { registry_users "$BASE"; }
@test "registry nginx: POST /models creates (201, Location), 409 on a taken name" { registry_create "$BASE"; }
@test "registry nginx: POST /models answers 422 for bad names and bodies" { registry_create_invalid "$BASE"; }
@test "registry nginx: GET /models?name_contains= filters" { registry_list_filter "$BASE/api"; }
@test "registry nginx: uploads are numbered, 200 for known bytes, never activated" { registry_upload "$BASE"; }
@test "registry nginx: a scikit-learn export uploads as JSON" { registry_upload_sklearn "$BASE/api"; }
@test "registry nginx: bad artifacts 422, other media 415, unknown model 404, too large 413" { registry_upload_refused "$BASE"; }
@test "registry nginx: GET a version has its reports; unknown versions 404" { registry_version_get "$BASE"; }
@test "registry nginx: a model without an active version does not predict" { registry_predict_unknown "$BASE"; }
@test "registry nginx: PUT active-version activates, idempotent, 404, 422" { registry_activate "$BASE"; }
@test "registry nginx: every process answers with the activated version" { registry_predict_named "$BASE"; }
@test "registry nginx: rollback is a PUT of the previous version, in the history" { registry_rollback "$BASE/api"; }
@test "registry nginx: deletions: 409 active or default, 200, then 404 everywhere" { registry_delete "$BASE"; }
@test "registry nginx: /openapi.json describes the registry routes" { registry_openapi "$BASE"; }
