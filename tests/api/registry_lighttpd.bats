#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/registry_lighttpd.bats - the model registry's routes through
# lighttpd with the shipped www/conf/lighttpd.conf: its bin-path starts two
# processes for / and two for /api, all on one registry, none under our
# master.  The management routes are called with an admin's API key made
# by `tagifai users create`.

load lib
load contract
load registry_contract

setup_file() {
	stack_init "$LIGHTTPD"
	local port lighttpd
	port=$(pick_port)
	lighttpd=$(tool_path "$LIGHTTPD")
	registry_artifacts
	REG_DIR=$(stack_rundir registry)
	API_KEY=$(stack_admin_key "$REG_DIR")
	export API_KEY REG_DIR
	CONF_PORT=$port CONF_RUNDIR=$(stack_rundir run) CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$(stack_model) CONF_WWWDIR=$TEST_WWW CONF_REGISTRY=$REG_DIR \
		render_conf "$top_srcdir/www/conf/lighttpd.conf" "$STACK_DIR/lighttpd.conf"
	"$lighttpd" -tt -f "$STACK_DIR/lighttpd.conf"
	stack_launch lighttpd "$lighttpd" -D -f "$STACK_DIR/lighttpd.conf"
	wait_ready "http://127.0.0.1:$port/"
	export BASE=http://127.0.0.1:$port
}

teardown_file() {
	stack_stop
}

@test "registry lighttpd: the seed model is tagifai version 1, active" { registry_seeded "$BASE"; }
@test "registry lighttpd: users and API keys: every users route, 401 with WWW-Authenticate, 403, revocation" { registry_users "$BASE"; }
@test "registry lighttpd: POST /models creates (201, Location), 409 on a taken name" { registry_create "$BASE"; }
@test "registry lighttpd: POST /models answers 422 for bad names and bodies" { registry_create_invalid "$BASE"; }
@test "registry lighttpd: GET /models?name_contains= filters" { registry_list_filter "$BASE/api"; }
@test "registry lighttpd: uploads are numbered, 200 for known bytes, never activated" { registry_upload "$BASE"; }
@test "registry lighttpd: a scikit-learn export uploads as JSON" { registry_upload_sklearn "$BASE/api"; }
@test "registry lighttpd: bad artifacts 422, other media 415, unknown model 404, too large 413" { registry_upload_refused "$BASE"; }
@test "registry lighttpd: GET a version has its reports; unknown versions 404" { registry_version_get "$BASE"; }
@test "registry lighttpd: a model without an active version does not predict" { registry_predict_unknown "$BASE"; }
@test "registry lighttpd: PUT active-version activates, idempotent, 404, 422" { registry_activate "$BASE"; }
@test "registry lighttpd: every process answers with the activated version" { registry_predict_named "$BASE"; }
@test "registry lighttpd: rollback is a PUT of the previous version, in the history" { registry_rollback "$BASE/api"; }
@test "registry lighttpd: deletions: 409 active or default, 200, then 404 everywhere" { registry_delete "$BASE"; }
@test "registry lighttpd: /openapi.json describes the registry routes" { registry_openapi "$BASE"; }
