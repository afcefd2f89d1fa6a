#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/batch_lighttpd.bats - the batch jobs' routes (issue 13) through
# lighttpd with the shipped www/conf/lighttpd.conf (its bin-path starts two
# processes for / and two for /api on one registry, none under our master;
# POST /batch-jobs has --max-upload as its body limit there), with
# `tagifai batch-runner` beside them as the runner.  The checks are
# tests/api/batch_contract.bash.

load lib
load contract
load registry_contract
load batch_contract

setup_file() {
	stack_init "$LIGHTTPD"
	local port lighttpd
	port=$(pick_port)
	lighttpd=$(tool_path "$LIGHTTPD")
	registry_artifacts
	REG_DIR=$(stack_rundir registry)
	API_KEY=$(stack_admin_key "$REG_DIR")
	READ_KEY=$(stack_admin_key "$REG_DIR" reader read)
	DEPLOY_KEY=$(stack_admin_key "$REG_DIR" deployer deploy)
	MAX_BATCH_ITEMS=1000
	export API_KEY READ_KEY DEPLOY_KEY REG_DIR MAX_BATCH_ITEMS
	CONF_PORT=$port CONF_RUNDIR=$(stack_rundir run) CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$(stack_model) CONF_WWWDIR=$TEST_WWW CONF_REGISTRY=$REG_DIR \
		render_conf "$top_srcdir/www/conf/lighttpd.conf" "$STACK_DIR/lighttpd.conf"
	# the shipped command line, with a small --max-batch-items to test
	sed -i "s|--max-upload [0-9]*|& --max-batch-items $MAX_BATCH_ITEMS|" "$STACK_DIR/lighttpd.conf"
	grep -q -- "--max-batch-items $MAX_BATCH_ITEMS" "$STACK_DIR/lighttpd.conf"
	"$lighttpd" -tt -f "$STACK_DIR/lighttpd.conf"
	stack_launch lighttpd "$lighttpd" -D -f "$STACK_DIR/lighttpd.conf"
	wait_ready "http://127.0.0.1:$port/"
	runner_start
	export BASE=http://127.0.0.1:$port
}

teardown_file() {
	runner_resume
	stack_stop
}

@test "batch lighttpd: POST /batch-jobs answers 202, Location and data.job; the runner completes it" { batch_submit "$BASE"; }
@test "batch lighttpd: GET /batch-jobs and /batch-jobs/{job-id} with a read key" { batch_list_get "$BASE/api"; }
@test "batch lighttpd: predictions pages in input order; offset and limit checked, every problem listed" { batch_pages "$BASE"; }
@test "batch lighttpd: GET /predictions/{item-id} answers byte for byte what the version predicts live" { batch_by_id "$BASE"; }
@test "batch lighttpd: an NDJSON body, the model and version in the query" { batch_ndjson "$BASE/api"; }
@test "batch lighttpd: every project of projects.csv as one job: stored answers equal live ones, by page and by id" { batch_projects "$BASE"; }
@test "batch lighttpd: every problem of a body in one 422, JSON and NDJSON; --max-batch-items" { batch_invalid "$BASE"; }
@test "batch lighttpd: 401, 403, 404, 405, 409, 413, 415; a body above --max-body is accepted" { batch_refused "$BASE"; }
@test "batch lighttpd: a stored answer is stale after an activation; the newest job wins" { batch_stale "$BASE"; }
@test "batch lighttpd: DELETE cancels a queued job; nothing becomes visible" { batch_cancel "$BASE"; }
@test "batch lighttpd: a locked database answers 503 with Retry-After, never 500" { batch_busy "$BASE"; }
@test "batch lighttpd: /openapi.json describes the batch routes" { batch_openapi "$BASE"; }
