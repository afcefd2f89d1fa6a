#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/batch_nginx.bats - the batch jobs' routes (issue 13) through
# nginx and spawn-fcgi -F 2 (two processes without our master), with the
# shipped www/conf/nginx.conf (POST /batch-jobs has --max-upload as its
# body limit there) and `tagifai batch-runner` beside them as the runner.
# The checks are tests/api/batch_contract.bash.

load lib
load contract
load registry_contract
load batch_contract

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
	READ_KEY=$(stack_admin_key "$REG_DIR" reader read)
	DEPLOY_KEY=$(stack_admin_key "$REG_DIR" deployer deploy)
	MAX_BATCH_ITEMS=1000
	export API_KEY READ_KEY DEPLOY_KEY REG_DIR MAX_BATCH_ITEMS
	CONF_PORT=$port CONF_RUNDIR=$run CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$model CONF_WWWDIR=$TEST_WWW \
		render_conf "$top_srcdir/www/conf/nginx.conf" "$STACK_DIR/nginx.conf"
	stack_spawn_fcgi "$run/tagifai.sock" 2 "$STACK_DIR/sbin/tagifai-fcgi" \
		--model "$model" --www "$TEST_WWW" --max-body "$TEST_MAX_BODY" \
		--max-upload "$TEST_MAX_UPLOAD" --registry "$REG_DIR" \
		--max-batch-items "$MAX_BATCH_ITEMS"
	stack_launch nginx "$nginx" -p "$run" -c "$STACK_DIR/nginx.conf" \
		-e "$run/nginx-error.log" -g 'daemon off;'
	wait_ready "http://127.0.0.1:$port/"
	runner_start
	export BASE=http://127.0.0.1:$port
}

teardown_file() {
	runner_resume
	stack_stop
}

@test "batch nginx: POST /batch-jobs answers 202, Location and data.job; the runner completes it" { batch_submit "$BASE"; }
@test "batch nginx: GET /batch-jobs and /batch-jobs/{job-id} with a read key" { batch_list_get "$BASE/api"; }
@test "batch nginx: predictions pages in input order; offset and limit checked, every problem listed" { batch_pages "$BASE"; }
@test "batch nginx: GET /predictions/{item-id} answers byte for byte what the version predicts live" { batch_by_id "$BASE"; }
@test "batch nginx: an NDJSON body, the model and version in the query" { batch_ndjson "$BASE/api"; }
@test "batch nginx: every project of projects.csv as one job: stored answers equal live ones, by page and by id" { batch_projects "$BASE"; }
@test "batch nginx: every problem of a body in one 422, JSON and NDJSON; --max-batch-items" { batch_invalid "$BASE"; }
@test "batch nginx: 401, 403, 404, 405, 409, 413, 415; a body above --max-body is accepted" { batch_refused "$BASE"; }
@test "batch nginx: a stored answer is stale after an activation; the newest job wins" { batch_stale "$BASE"; }
@test "batch nginx: DELETE cancels a queued job; nothing becomes visible" { batch_cancel "$BASE"; }
@test "batch nginx: a locked database answers 503 with Retry-After, never 500" { batch_busy "$BASE"; }
@test "batch nginx: /openapi.json describes the batch routes" { batch_openapi "$BASE"; }
