#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/metrics.bats - /metrics, the health probes and request ids
# under the pre-fork master (`tagifai-fcgi --workers 4`, fcgi/master.c)
# behind lighttpd in "socket" mode: counters shared by the workers are
# exact whichever worker answers the scrape, and never go down when a
# worker is killed and respawned or a SIGHUP rolls every worker; a failed
# reload makes /health/ready say 503 and why; every log line of a request
# (--log-format json) carries its X-Request-Id; every metric the Grafana
# dashboard (doc/grafana-dashboard.json) queries is in a live scrape.
# The tests run in file order and share one master.

load lib
load contract
load supervise

WORKERS=4

setup_file() {
	stack_init "$LIGHTTPD"
	"$top_builddir/tagifai" import --export "$ARTIFACTS_DIR/export.json" \
		--args "$ARTIFACTS_DIR/args.json" \
		--performance "$ARTIFACTS_DIR/performance.json" \
		--name tagifai --version reloaded -o "$STACK_DIR/model2.tagifai" \
		> "$STACK_DIR/import2.log" 2>&1 || { cat "$STACK_DIR/import2.log" >&2; return 1; }
	sv_master "$WORKERS" --access-log --log-format json
	sv_lighttpd
}

teardown_file() {
	stack_stop
}

swap_model() {
	cp "$1" "$SV_MODEL.new"
	mv -f "$SV_MODEL.new" "$SV_MODEL"
}

# N POST /predict, 4 at a time so that every worker answers some.
predict_n() {
	seq "$1" | xargs -P 4 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST \
		-H 'Content-Type: application/json' -d "$SV_TEXT" "$BASE/predict" |
		grep -c '^200$'
}

# Scrape COUNT times in a row in the background (while workers die or
# roll), each answer kept as $STACK_DIR/series.NAME.I; series_wait waits.
series_start() {
	local name=$1 count=$2
	(
		for ((i = 0; i < count; i++)); do
			# A scrape answered by the worker being killed fails: keep
			# only the answers that came back whole.
			curl -sf -m 10 -o "$STACK_DIR/series.$name.$i" "$BASE/metrics" ||
				rm -f "$STACK_DIR/series.$name.$i"
		done
	) 3>&- &
	SERIES_PID=$!
}

# After series_start: every counter of the series, scrape after scrape,
# never went down (tests/api/prom_check.py --monotonic).
series_check() {
	wait "$SERIES_PID"
	[ "$(ls "$STACK_DIR"/series."$1".* | wc -l)" -ge 30 ]
	"$PYTHON3" "$top_srcdir/tests/api/prom_check.py" --monotonic \
		$(ls "$STACK_DIR"/series."$1".* | sort -t. -k3 -n)
}

# The /predict 200 count of a fresh scrape into FILE.
predict_count() {
	scrape "$BASE" "$1" && metric "$1" 'tagifai_http_requests_total{route="/predict",code="200"}'
}

@test "metrics: GET /metrics is Prometheus text that promtool and the python parser accept" {
	scrape "$BASE" "$STACK_DIR/first.prom"
	[ "$(metric "$STACK_DIR/first.prom" 'tagifai_workers{state="serving"}')" -eq "$WORKERS" ]
	[ "$(metric "$STACK_DIR/first.prom" 'tagifai_model_info{version="reference"}')" -eq 1 ]
	grep -q '^process_cpu_seconds_total ' "$STACK_DIR/first.prom"
	grep -q '^process_resident_memory_bytes [1-9]' "$STACK_DIR/first.prom"
	grep -q '^process_open_fds [1-9]' "$STACK_DIR/first.prom"
	grep -q '^process_start_time_seconds [1-9]' "$STACK_DIR/first.prom"
	grep -q '^# TYPE tagifai_http_request_duration_seconds histogram' "$STACK_DIR/first.prom"
	grep -q '^# TYPE tagifai_http_requests_total counter' "$STACK_DIR/first.prom"
}

@test "metrics: after N requests every scrape shows exactly N more, whichever worker answers" {
	local before after n=200 i ok c
	before=$(predict_count "$STACK_DIR/before.prom")
	ok=$(predict_n "$n")
	[ "$ok" -eq "$n" ]
	# Eight scrapes at once land on several workers: all see the same sum.
	for ((i = 0; i < 8; i++)); do
		curl -s -o "$STACK_DIR/par.$i.prom" "$BASE/metrics" &
	done
	wait
	for ((i = 0; i < 8; i++)); do
		c=$(metric "$STACK_DIR/par.$i.prom" 'tagifai_http_requests_total{route="/predict",code="200"}')
		[ "$((c - before))" -eq "$n" ] || { echo "scrape $i: $before -> $c" >&2; false; }
	done
	after=$(predict_count "$STACK_DIR/after.prom")
	[ "$((after - before))" -eq "$n" ]
	# ... and the texts, by model version and by tag.
	[ "$(( $(metric "$STACK_DIR/after.prom" 'tagifai_texts_predicted_total{version="reference"}') -
	       $(metric "$STACK_DIR/before.prom" 'tagifai_texts_predicted_total{version="reference"}') ))" -eq "$n" ]
	[ "$(( $(metric "$STACK_DIR/after.prom" 'tagifai_predictions_total{version="reference"}') -
	       $(metric "$STACK_DIR/before.prom" 'tagifai_predictions_total{version="reference"}') ))" -eq "$n" ]
	[ "$(( $(metric "$STACK_DIR/after.prom" 'tagifai_http_request_duration_seconds_count{route="/predict"}') -
	       $(metric "$STACK_DIR/before.prom" 'tagifai_http_request_duration_seconds_count{route="/predict"}') ))" -eq "$n" ]
	# Which workers answered: the JSON access log names the process.
	echo "# scrapes answered by $(grep '"route":"/metrics"' "$STACK_DIR/master.out" |
		jq -r .pid | sort -u | wc -l) of $WORKERS workers" >&3
	[ "$(grep -c '"route":"/metrics"' "$STACK_DIR/master.out")" -ge 8 ]
}

@test "metrics: a worker killed with SIGKILL and respawned lowers no counter" {
	local old victim before after r0 r1 cpu0 cpu1
	before=$(predict_count "$STACK_DIR/k0.prom")
	r0=$(metric "$STACK_DIR/k0.prom" tagifai_worker_restarts_total)
	cpu0=$(metric "$STACK_DIR/k0.prom" process_cpu_seconds_total)
	[ "$(predict_n 40)" -eq 40 ]
	old=$(echo $(sv_workers))
	victim=${old%% *}
	series_start kill 40
	kill -KILL "$victim"
	sv_wait_replaced "$WORKERS" "$victim" > /dev/null
	series_check kill
	after=$(predict_count "$STACK_DIR/k1.prom")
	[ "$((after - before))" -eq 40 ]
	r1=$(metric "$STACK_DIR/k1.prom" tagifai_worker_restarts_total)
	[ "$((r1 - r0))" -eq 1 ]
	cpu1=$(metric "$STACK_DIR/k1.prom" process_cpu_seconds_total)
	"$PYTHON3" -c "import sys; sys.exit(0 if $cpu1 >= $cpu0 else 1)"
	[ "$(metric "$STACK_DIR/k1.prom" 'tagifai_workers{state="serving"}')" -eq "$WORKERS" ]
}

@test "metrics: a rolling reload on SIGHUP replaces every worker and lowers no counter" {
	local old before after ok0 ok1
	before=$(predict_count "$STACK_DIR/h0.prom")
	ok0=$(metric "$STACK_DIR/h0.prom" 'tagifai_model_reloads_total{result="success"}')
	old=$(echo $(sv_workers))
	swap_model "$STACK_DIR/model2.tagifai"
	series_start hup 40
	kill -HUP "$SV_MASTER"
	sv_wait_replaced "$WORKERS" "$old" > /dev/null
	series_check hup
	[ "$(predict_n 30)" -eq 30 ]
	after=$(predict_count "$STACK_DIR/h1.prom")
	[ "$((after - before))" -eq 30 ]
	ok1=$(metric "$STACK_DIR/h1.prom" 'tagifai_model_reloads_total{result="success"}')
	[ "$((ok1 - ok0))" -eq 1 ]
	# The old version's counts stay; the new version counts from here.
	[ "$(metric "$STACK_DIR/h1.prom" 'tagifai_texts_predicted_total{version="reference"}')" -eq \
	  "$(metric "$STACK_DIR/h0.prom" 'tagifai_texts_predicted_total{version="reference"}')" ]
	[ "$(metric "$STACK_DIR/h1.prom" 'tagifai_texts_predicted_total{version="reloaded"}')" -eq 30 ]
	[ "$(metric "$STACK_DIR/h1.prom" 'tagifai_model_info{version="reloaded"}')" -eq 1 ]
	[ "$(metric "$STACK_DIR/h1.prom" 'tagifai_model_info{version="reference"}')" -eq 0 ]
}

@test "health: /health/live and /health/ready answer the envelope while the model is current" {
	contract_health "$BASE"
	http GET "$BASE/health/ready"
	expect_jq '.data.model.version == "reloaded"'
}

@test "health: a failed reload makes /health/ready 503 with the reason, until a good one" {
	local i f0 f1
	scrape "$BASE" "$STACK_DIR/f0.prom"
	f0=$(metric "$STACK_DIR/f0.prom" 'tagifai_model_reloads_total{result="failure"}')
	head -c 1000 "$STACK_DIR/model2.tagifai" > "$SV_MODEL.new" && mv -f "$SV_MODEL.new" "$SV_MODEL"
	kill -HUP "$SV_MASTER"
	sv_wait_log 'reload failed'
	# Every worker says so (the reason is in shared memory).
	for ((i = 0; i < 8; i++)); do
		http GET "$BASE/health/ready" && expect_status 503 && expect_json &&
			expect_jq '."status-code" == 503 and .data.status == "not ready"' &&
			expect_jq '.data.reason | test("corrupt|truncated|short|model")'
	done
	# Liveness is not readiness: the process still answers, and serves.
	http GET "$BASE/health/live" && expect_status 200
	[ "$(sv_x_model)" = tagifai/reloaded ]
	scrape "$BASE" "$STACK_DIR/f1.prom"
	f1=$(metric "$STACK_DIR/f1.prom" 'tagifai_model_reloads_total{result="failure"}')
	[ "$((f1 - f0))" -eq 1 ]
	swap_model "$STACK_DIR/model2.tagifai"
	kill -HUP "$SV_MASTER"
	for ((i = 0; i < 50; i++)); do
		http GET "$BASE/health/ready"
		[ "$STATUS" = 200 ] && break
		sleep 0.1
	done
	expect_status 200
}

@test "request ids: a sane X-Request-Id is kept, another is replaced, and the JSON log line carries it" {
	local id=test-$$-abc.1:2 made
	http GET "$BASE/health/live" -H "X-Request-Id: $id"
	[ "$(header X-Request-Id)" = "$id" ]
	http GET "$BASE/health/live" -H 'X-Request-Id: bad id<script>'
	made=$(header X-Request-Id)
	[[ "$made" =~ ^[0-9a-f]{32}$ ]]
	for want in "$id" "$made"; do
		for ((i = 0; i < 50; i++)); do
			grep -q "\"request_id\":\"$want\"" "$STACK_DIR/master.out" && break
			sleep 0.1
		done
		grep "\"request_id\":\"$want\"" "$STACK_DIR/master.out" | tail -n 1 |
			jq -e '.level == "info" and .method == "GET" and .route == "/health/live" and
			       .status == 200 and (.duration_us | type) == "number" and .texts == 0 and
			       (.time | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$"))'
	done
}

@test "request ids: JSON log lines never hold the texts" {
	curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
		-d '{"texts":[{"text":"a very secret sentence 7f3a"}]}' "$BASE/predict"
	sleep 0.3
	grep -q '"route":"/predict","status":200' "$STACK_DIR/master.out"
	! grep -q 'secret sentence 7f3a' "$STACK_DIR/master.out"
	# Every line a worker wrote about a request is one JSON object.
	grep '^{' "$STACK_DIR/master.out" | jq -e -s 'length > 100 and all(has("request_id"))' > /dev/null
}

@test "dashboard: every metric doc/grafana-dashboard.json queries is in a live scrape" {
	local names m missing=
	jq -e '.panels | length >= 4' "$top_srcdir/doc/grafana-dashboard.json"
	scrape "$BASE" "$STACK_DIR/dash.prom"
	names=$("$PYTHON3" "$top_srcdir/tests/api/prom_check.py" "$STACK_DIR/dash.prom" --names)
	for m in $(jq -r '.. | .expr? // empty' "$top_srcdir/doc/grafana-dashboard.json" |
		   grep -oE '\b(tagifai|process)_[a-z_]+' | sort -u); do
		grep -qx "$m" <<< "$names" || missing="$missing $m"
	done
	[ -z "$missing" ] || { echo "not in the scrape:$missing" >&2; false; }
	[ "$(jq -r '.. | .expr? // empty' "$top_srcdir/doc/grafana-dashboard.json" | wc -l)" -ge 8 ]
}

@test "metrics: a --metrics-dir that cannot be used still serves, counts alone and says why" {
	local run sock pid i
	run=$(stack_rundir alone)
	sock=$run/alone.sock
	"$TAGIFAI_FCGI" --listen "unix:$sock" --model "$SV_MODEL" --www "$top_srcdir/www" \
		--metrics-dir "$run/missing/dir" > "$STACK_DIR/alone.out" 2>&1 < /dev/null 3>&- &
	pid=$!
	record_pid "$pid" alone
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && break
		sleep 0.05
	done
	run "$PYTHON3" "$top_srcdir/tests/fcgi_client.py" "unix:$sock" GET /metrics
	[ "$status" -eq 0 ]
	[[ "$output" == *"tagifai_workers{state=\"serving\"} 1"* ]]
	grep -q "metrics: $run/missing/dir/tagifai-metrics.shm: No such file or directory; /metrics counts this process only" \
		"$STACK_DIR/alone.out"
	kill -TERM "$pid"
	wait "$pid"
}
