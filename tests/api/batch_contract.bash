# SPDX-License-Identifier: MIT
# tests/api/batch_contract.bash - the batch jobs' routes (issue 13,
# doc/API.md "Batch jobs"), checked the same way through every stack.  Each
# batch_* function takes a base URL, returns 0 when the contract holds, else
# prints what differs (contract.bash's bad) and returns 1.  The functions
# build on each other's state in file order, as the @test lines call them.
# Needs: contract.bash and registry_contract.bash loaded; a fresh registry
# seeded with the stack's model as tagifai v1; API_KEY (an admin),
# READ_KEY, DEPLOY_KEY (users with one role); a runner
# (`tagifai batch-runner`) on the registry that runner_pause / runner_resume
# (the suite's) stop and continue; REG_V1 (registry_artifacts);
# MAX_BATCH_ITEMS, the stack's --max-batch-items.

BATCH_JSON='{"items":[
{"id":"p-1","text":"Transfer learning with BERT for text classification"},
{"id":"p/2 x","text":"Generative adversarial networks for image synthesis"},
{"id":"p-3","text":"MLOps: monitoring models in production with Prometheus"}]}'

# Wait until job $2 has ended (30 s at most); it must be ${3:-succeeded}.
batch_wait() {
	local i s=
	for ((i = 0; i < 150; i++)); do
		http GET "$1/batch-jobs/$2" && expect_status 200 || return 1
		s=$(jq -r .data.job.status "$RESP_BODY")
		case $s in succeeded|failed|cancelled) break ;; esac
		sleep 0.2
	done
	[ "$s" = "${3:-succeeded}" ] || bad "job $2 is '$s', not ${3:-succeeded}"
}

# POST an NDJSON body (string) to URL.  Usage: post_ndjson URL TEXT
post_ndjson() {
	printf '%s' "$2" > "$BATS_TEST_TMPDIR/req.ndjson"
	http POST "$1" -H 'Content-Type: application/x-ndjson' \
		--data-binary "@$BATS_TEST_TMPDIR/req.ndjson"
}

# The raw text of "predicted_tag":...,"probabilities":{...} of the first
# prediction in the body (bytes, not what jq would print).
raw_answer() {
	"$PYTHON3" -c '
import re, sys
m = re.search(rb"\"predicted_tag\":\"[^\"]*\",\"probabilities\":\{[^}]*\}", open(sys.argv[1], "rb").read())
sys.stdout.buffer.write(m.group(0) if m else b"none")' "$RESP_BODY"
}

batch_submit() {
	post_json "$1/batch-jobs" "$BATCH_JSON" && expect_status 202 && expect_json &&
	expect_jq '.message == "Accepted" and ."status-code" == 202 and .method == "POST"' &&
	expect_jq '.data.job | .model == "tagifai" and .version == 1 and .items_total == 3 and .submitted_by == "admin"' &&
	expect_jq '.data.job | (.status | IN("queued","running","succeeded")) and .error == null' &&
	expect_jq '.data.job | (.id | test("^job-[0-9a-f]{32}$")) and (.created_at | test("Z$"))' &&
	expect_jq '.data.job | keys_unsorted == ["id","status","model","version","items_total","items_done","created_at","started_at","finished_at","submitted_by","error"]' || return 1
	JOB1=$(jq -r .data.job.id "$RESP_BODY")
	case $(header Location) in
	*/batch-jobs/"$JOB1") ;;
	*) bad "Location '$(header Location)'"; return 1 ;;
	esac
	printf '%s\n' "$JOB1" > "$STACK_DIR/job1"
	batch_wait "$1" "$JOB1" &&
	expect_jq '.data.job | .items_done == 3 and (.started_at | test("Z$")) and (.finished_at | test("Z$"))'
}

batch_list_get() {
	local job; job=$(cat "$STACK_DIR/job1")
	API_KEY=$READ_KEY http GET "$1/batch-jobs" && expect_envelope GET "$1/batch-jobs" &&
	expect_jq '.data.jobs[0].id == $j and .data.jobs[0].status == "succeeded"' --arg j "$job" || return 1
	API_KEY=$READ_KEY http GET "$1/batch-jobs/$job" && expect_envelope GET "$1/batch-jobs/$job" &&
	expect_jq '.data.job.id == $j' --arg j "$job" || return 1
	API_KEY=$READ_KEY http HEAD "$1/batch-jobs/$job" && expect_status 200 &&
	[ "$(header Content-Length)" -gt 0 ] || bad "HEAD"
}

batch_pages() {
	local job u; job=$(cat "$STACK_DIR/job1")
	u="$1/batch-jobs/$job/predictions"
	API_KEY=$READ_KEY http GET "$u" && expect_envelope GET "$u" &&
	expect_jq '.data | .job_id == $j and .offset == 0 and .limit == 100 and .items_total == 3' --arg j "$job" &&
	expect_jq '[.data.predictions[].id] == ["p-1","p/2 x","p-3"]' &&
	expect_jq '.data.predictions[0] | keys_unsorted == ["id","input_text","predicted_tag","probabilities"]' &&
	expect_jq '.data.predictions[0].input_text == "Transfer learning with BERT for text classification"' &&
	expect_jq '.data.predictions[0].predicted_tag == "natural-language-processing"' &&
	expect_jq '[.data.predictions[].probabilities | keys_unsorted] | all(. == $t)' --argjson t "$TAGS" || return 1
	API_KEY=$READ_KEY http GET "$u?offset=1&limit=1" && expect_status 200 &&
	expect_jq '[.data.predictions[].id] == ["p/2 x"] and .data.offset == 1 and .data.limit == 1' || return 1
	API_KEY=$READ_KEY http GET "$u?offset=3" && expect_status 200 &&
	expect_jq '.data.predictions == []' || return 1
	API_KEY=$READ_KEY http GET "$u?limit=1000" && expect_status 200 || return 1
	# every bad value listed in one 422
	API_KEY=$READ_KEY http GET "$u?offset=-1&limit=1001" && expect_422 '["query","offset"]' value_error.number.not_ge &&
	expect_jq '.detail[1].loc == ["query","limit"] and .detail[1].type == "value_error.number.not_le" and (.detail | length) == 2' || return 1
	API_KEY=$READ_KEY http GET "$u?offset=x&limit=0" && expect_422 '["query","offset"]' type_error.integer &&
	expect_jq '.detail[1].type == "value_error.number.not_ge" and .detail[1].ctx.limit_value == 1' || return 1
	API_KEY=$READ_KEY http GET "$1/batch-jobs/job-0/predictions" && expect_error 404
}

# GET /predictions/{item-id}: the stored answer, byte for byte what the
# version that computed it answers live.
batch_by_id() {
	local stored live
	http GET "$1/predictions/p-1" && expect_envelope GET "$1/predictions/p-1" &&
	[ "$(header X-Prediction-Source)" = batch ] || { bad "X-Prediction-Source"; return 1; }
	expect_jq '.data.prediction | keys_unsorted == ["id","input_text","predicted_tag","probabilities","model","version","job_id","computed_at","stale"]' &&
	expect_jq '.data.prediction | .id == "p-1" and .model == "tagifai" and .version == 1 and .stale == false' &&
	expect_jq '.data.prediction | .job_id == $j and (.computed_at | test("Z$"))' --arg j "$(cat "$STACK_DIR/job1")" || return 1
	stored=$(raw_answer)
	post_json "$1/models/tagifai/versions/1/predict" \
		'{"texts":[{"text":"Transfer learning with BERT for text classification"}]}' &&
	expect_status 200 || return 1
	live=$(raw_answer)
	[ "$stored" = "$live" ] && [ "$stored" != none ] ||
		{ bad "stored '$stored' differs from live '$live'"; return 1; }
	# an id with a slash and a space, percent-encoded
	http GET "$1/predictions/p%2F2%20x" && expect_status 200 &&
	expect_jq '.data.prediction.id == "p/2 x" and .data.prediction.predicted_tag == "computer-vision"' || return 1
	http HEAD "$1/predictions/p-3" && expect_status 200 &&
	[ "$(header X-Prediction-Source)" = batch ] || { bad "HEAD"; return 1; }
	http GET "$1/predictions/never-seen" && expect_error 404 || return 1
	[ -z "$(header X-Prediction-Source)" ] || bad "a 404 is not a prediction"
}

batch_ndjson() {
	local job
	post_ndjson "$1/batch-jobs?model=tagifai&version=1" \
		$'{"id":"n-1","text":"Object detection with YOLO"}\r\n\n{"id":"n-2","text":"Serving models with Kubernetes"}\n' &&
	expect_status 202 && expect_jq '.data.job.items_total == 2 and .data.job.version == 1' || return 1
	job=$(jq -r .data.job.id "$RESP_BODY")
	batch_wait "$1" "$job" || return 1
	http GET "$1/batch-jobs/$job/predictions" && expect_status 200 &&
	expect_jq '[.data.predictions[].id] == ["n-1","n-2"]' || return 1
	http GET "$1/predictions/n-2" && expect_status 200 &&
	expect_jq '.data.prediction.job_id == $j' --arg j "$job"
}

# Every project of projects.csv (the issue's example: id, title +
# description) as one NDJSON job; every stored answer, page by page and
# by id, is byte for byte what version 1 answers live for the same text.
batch_projects() {
	local job
	"$PYTHON3" - "$SHARED_DIR/data/tagifai/projects.csv" > "$BATS_TEST_TMPDIR/projects.ndjson" <<'PY' || return 1
import csv, json, sys
for row in csv.DictReader(open(sys.argv[1], newline="")):
    print(json.dumps({"id": row["id"], "text": row["title"] + " " + row["description"]}))
PY
	http POST "$1/batch-jobs?model=tagifai&version=1" -H 'Content-Type: application/x-ndjson' \
		--data-binary "@$BATS_TEST_TMPDIR/projects.ndjson" && expect_status 202 || return 1
	job=$(jq -r .data.job.id "$RESP_BODY")
	expect_jq '.data.job.items_total == $n' --argjson n "$(wc -l < "$BATS_TEST_TMPDIR/projects.ndjson")" &&
	batch_wait "$1" "$job" || return 1
	"$PYTHON3" - "$1" "$job" "$BATS_TEST_TMPDIR/projects.ndjson" <<'PY' || { bad "stored answers differ"; return 1; }
import json, re, sys, urllib.parse, urllib.request
base, job, path = sys.argv[1:4]
items = [json.loads(line) for line in open(path)]
key = {"Authorization": "Bearer " + __import__("os").environ["API_KEY"]}
pat = re.compile(rb'"predicted_tag":"[^"]*","probabilities":\{[^}]*\}')
def get(url, body=None):
    h = dict(key)
    if body is not None:
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=body, headers=h)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read(), r.headers
stored, ids = [], []
for off in range(0, len(items), 1000):
    raw, _ = get("%s/batch-jobs/%s/predictions?offset=%d&limit=1000" % (base, job, off))
    stored += pat.findall(raw)
    ids += [p["id"] for p in json.loads(raw)["data"]["predictions"]]
assert ids == [i["id"] for i in items], "the pages are not in input order"
live = []
for k in range(0, len(items), 50):
    body = json.dumps({"texts": [{"text": i["text"]} for i in items[k:k + 50]]}).encode()
    raw, _ = get(base + "/models/tagifai/versions/1/predict", body)
    live += pat.findall(raw)
assert len(stored) == len(live) == len(items), (len(stored), len(live))
bad = [items[n]["id"] for n in range(len(items)) if stored[n] != live[n]]
assert not bad, "items %s differ" % bad[:5]
for n in range(0, len(items), 97):
    raw, h = get(base + "/predictions/" + urllib.parse.quote(items[n]["id"], safe=""))
    assert h["X-Prediction-Source"] == "batch"
    assert pat.findall(raw) == [live[n]], items[n]["id"]
print("%d stored answers equal the live ones" % len(items))
PY
}

# Every problem of a body in one 422, FastAPI's shape.
batch_invalid() {
	post_json "$1/batch-jobs" '{"version":"one","items":[
		{"text":"no id"},
		{"id":"a","text":""},
		{"id":"tab\there","text":"x"},
		{"id":"a","text":"again"}]}' &&
	expect_422 '["body","version"]' type_error.integer &&
	expect_jq '[.detail[] | [.loc, .type]] == [
		[["body","version"],"type_error.integer"],
		[["body","items",0,"id"],"value_error.missing"],
		[["body","items",1,"text"],"value_error.any_str.min_length"],
		[["body","items",2,"id"],"value_error.str.regex"],
		[["body","items",3,"id"],"value_error.duplicate"]]' || return 1
	post_ndjson "$1/batch-jobs" $'{"id":"a","text":"ok"}\n{"id":"b"\n{"text":"x"}\n{"id":"a","text":"dup"}\n' &&
	expect_422 '["body",2]' value_error.jsondecode &&
	expect_jq '[.detail[] | [.loc, .type]] == [
		[["body",2],"value_error.jsondecode"],
		[["body",3,"id"],"value_error.missing"],
		[["body",4,"id"],"value_error.duplicate"]]' || return 1
	post_json "$1/batch-jobs" '{"items":[]}' && expect_422 '["body","items"]' value_error.list.min_items || return 1
	post_json "$1/batch-jobs" '{"items":' && expect_422 '["body",9]' value_error.jsondecode || return 1
	# --max-batch-items: one problem, not one per item
	"$PYTHON3" -c 'import json, sys; n = int(sys.argv[1]) + 1
print(json.dumps({"items": [{"id": str(i), "text": "t"} for i in range(n)]}))' "$MAX_BATCH_ITEMS" > "$BATS_TEST_TMPDIR/many.json"
	http POST "$1/batch-jobs" -H 'Content-Type: application/json' --data-binary "@$BATS_TEST_TMPDIR/many.json" &&
	expect_422 '["body","items"]' value_error.list.max_items &&
	expect_jq '(.detail | length) == 1 and .detail[0].ctx.limit_value == ($m | tonumber)' --arg m "$MAX_BATCH_ITEMS" || return 1
	jq -c '.items[]' "$BATS_TEST_TMPDIR/many.json" > "$BATS_TEST_TMPDIR/many.ndjson"
	http POST "$1/batch-jobs" -H 'Content-Type: application/x-ndjson' --data-binary "@$BATS_TEST_TMPDIR/many.ndjson" &&
	expect_422 '["body"]' value_error.list.max_items
}

batch_refused() {
	local job; job=$(cat "$STACK_DIR/job1")
	API_KEY= post_json "$1/batch-jobs" "$BATCH_JSON" && expect_error 401 &&
	[ "$(header WWW-Authenticate)" = 'Bearer realm="tagifai"' ] || { bad "401"; return 1; }
	API_KEY= http GET "$1/batch-jobs" && expect_error 401 || return 1
	API_KEY=$READ_KEY post_json "$1/batch-jobs" "$BATCH_JSON" && expect_error 403 || return 1
	API_KEY=$READ_KEY http DELETE "$1/batch-jobs/$job" && expect_error 403 || return 1
	API_KEY=$DEPLOY_KEY http GET "$1/batch-jobs" && expect_error 403 || return 1
	API_KEY=$DEPLOY_KEY post_json "$1/batch-jobs" '{"items":[{"id":"d","text":"by a deployer"}]}' &&
	expect_status 202 && expect_jq '.data.job.submitted_by == "deployer"' || return 1
	http GET "$1/batch-jobs/job-00000000000000000000000000000000" && expect_error 404 || return 1
	http DELETE "$1/batch-jobs/nope" && expect_error 404 || return 1
	post_json "$1/batch-jobs" '{"model":"nope","items":[{"id":"a","text":"b"}]}' && expect_error 404 || return 1
	post_json "$1/batch-jobs" '{"version":42,"items":[{"id":"a","text":"b"}]}' && expect_error 404 || return 1
	http PUT "$1/batch-jobs" -H 'Content-Type: application/json' \
		--data-binary '{}' && expect_error 405 &&
	[ "$(header Allow)" = "GET, HEAD, POST" ] || { bad "Allow '$(header Allow)'"; return 1; }
	http POST "$1/predictions/p-1" -H 'Content-Type: application/json' \
		--data-binary '{}' && expect_error 405 || return 1
	http DELETE "$1/batch-jobs/$job" && expect_error 409 &&
	expect_jq '.detail | test("finished")' || return 1
	http POST "$1/batch-jobs" -H 'Content-Type: text/csv' --data-binary 'id,text' &&
	expect_error 415 || return 1
	# over --max-upload: refused by the web server or the application, JSON either way
	head -c $((TEST_MAX_UPLOAD + 1024)) /dev/zero | tr '\0' ' ' > "$BATS_TEST_TMPDIR/big"
	http POST "$1/batch-jobs" -H 'Content-Type: application/json' \
		--data-binary "@$BATS_TEST_TMPDIR/big" && expect_error 413 || return 1
	# above --max-body (a /predict body) and below --max-upload: accepted
	"$PYTHON3" -c 'import json, sys
print(json.dumps({"items": [{"id": "big-%d" % i, "text": "x" * 4000} for i in range(int(sys.argv[1]) // 4000 + 2)]}))' \
		"$TEST_MAX_BODY" > "$BATS_TEST_TMPDIR/large.json"
	http POST "$1/batch-jobs" -H 'Content-Type: application/json' \
		--data-binary "@$BATS_TEST_TMPDIR/large.json" && expect_status 202
}

# A later job covering an id answers for it; after an activation the
# stored answer is stale (its version no longer active), not recomputed.
batch_stale() {
	local job
	post_json "$1/batch-jobs" '{"items":[{"id":"p-3","text":"Image classification with ResNet"}]}' &&
	expect_status 202 || return 1
	job=$(jq -r .data.job.id "$RESP_BODY")
	batch_wait "$1" "$job" || return 1
	http GET "$1/predictions/p-3" && expect_status 200 &&
	expect_jq '.data.prediction | .job_id == $j and .input_text == "Image classification with ResNet" and .stale == false' --arg j "$job" || return 1
	upload "$1" tagifai "$REG_V1" && expect_status 201 &&
	expect_jq '.data.version.version == 2' || return 1
	http PUT "$1/models/tagifai/active-version" -H 'Content-Type: application/json' \
		--data-binary '{"version": 2}' && expect_status 200 || return 1
	http GET "$1/predictions/p-3" && expect_status 200 &&
	expect_jq '.data.prediction | .stale == true and .version == 1 and .job_id == $j' --arg j "$job" || return 1
	# a job of the new active version is not stale
	post_json "$1/batch-jobs" '{"items":[{"id":"p-3","text":"Image classification with ResNet"}]}' &&
	expect_status 202 && expect_jq '.data.job.version == 2' || return 1
	job=$(jq -r .data.job.id "$RESP_BODY")
	batch_wait "$1" "$job" || return 1
	http GET "$1/predictions/p-3" && expect_status 200 &&
	expect_jq '.data.prediction | .stale == false and .version == 2' || return 1
	# rollback: the version-1 answers are current again, the newest wins
	http PUT "$1/models/tagifai/active-version" -H 'Content-Type: application/json' \
		--data-binary '{"version": 1}' && expect_status 200 || return 1
	http GET "$1/predictions/p-3" && expect_status 200 &&
	expect_jq '.data.prediction | .stale == true and .version == 2' || return 1
	http GET "$1/predictions/p-1" && expect_status 200 &&
	expect_jq '.data.prediction.stale == false'
}

# A queued job cancelled (the runner paused): 200 with the job, nothing
# visible, 409 once finished; the runner skips it when it resumes.
batch_cancel() {
	local job
	runner_pause || return 1
	post_json "$1/batch-jobs" '{"items":[{"id":"c-1","text":"never tagged"}]}' &&
	expect_status 202 || { runner_resume; return 1; }
	job=$(jq -r .data.job.id "$RESP_BODY")
	http DELETE "$1/batch-jobs/$job" && expect_status 200 &&
	expect_jq '.data.job | .status == "cancelled" and .id == $j and (.finished_at | test("Z$"))' --arg j "$job" ||
		{ runner_resume; return 1; }
	runner_resume || return 1
	http DELETE "$1/batch-jobs/$job" && expect_error 409 || return 1
	http GET "$1/batch-jobs/$job/predictions" && expect_error 409 || return 1
	sleep 0.5
	http GET "$1/batch-jobs/$job" && expect_jq '.data.job.status == "cancelled"' || return 1
	http GET "$1/predictions/c-1" && expect_error 404
}

# The database locked by another writer beyond the busy timeout: 503 with
# Retry-After, never 500; reads go on (WAL).  Needs REG_DIR.
batch_busy() {
	local holder i flag
	local -a as=()
	flag=$(stack_rundir lock)/locked
	[ "$(id -u)" != 0 ] || as=(setpriv --reuid="$(stack_user)" --regid="$(stack_group)" --init-groups)
	"${as[@]}" "$PYTHON3" - "$REG_DIR/registry.db" "$flag" <<'PY' &
import sqlite3, sys, time, pathlib
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
pathlib.Path(sys.argv[2]).touch()
time.sleep(5)
c.execute("ROLLBACK")
PY
	holder=$!
	for ((i = 0; i < 50; i++)); do
		[ ! -e "$flag" ] || break
		sleep 0.1
	done
	post_json "$1/batch-jobs" '{"items":[{"id":"busy","text":"x"}]}' &&
	expect_error 503 && [ "$(header Retry-After)" = 1 ] || { bad "503 Retry-After"; wait "$holder"; return 1; }
	http GET "$1/predictions/p-1" && expect_status 200 || { wait "$holder"; return 1; }
	wait "$holder"
	rm -f "$flag"
	post_json "$1/batch-jobs" '{"items":[{"id":"busy","text":"x"}]}' && expect_status 202
}

batch_openapi() {
	http GET "$1/openapi.json" && expect_status 200 &&
	expect_jq '.paths["/batch-jobs"].post.responses["202"] != null and .paths["/batch-jobs"].get != null' &&
	expect_jq '.paths["/batch-jobs"].post.requestBody.content | has("application/json") and has("application/x-ndjson")' &&
	expect_jq '.paths["/batch-jobs/{job-id}"].delete["x-role"] == "deploy" and .paths["/batch-jobs/{job-id}"].get["x-role"] == "read"' &&
	expect_jq '.paths["/batch-jobs/{job-id}/predictions"].get != null' &&
	expect_jq '.paths["/predictions/{item-id}"].get | has("x-role") | not' &&
	expect_jq '.components.schemas.BatchJobRequest.properties.items.maxItems == ($m | tonumber)' --arg m "$MAX_BATCH_ITEMS"
}

# The runner beside the stack: `tagifai batch-runner --registry REG_DIR`
# as the servers' user (the registry's files are theirs), recorded for
# stack_stop.  runner_pause and runner_resume stop and continue it.
runner_start() {
	local -a as=()
	cp "$top_builddir/tagifai" "$STACK_DIR/sbin/tagifai" &&
	chmod 755 "$STACK_DIR/sbin/tagifai" || return 1
	[ "$(id -u)" != 0 ] ||
		as=(setpriv --reuid="$(stack_user)" --regid="$(stack_group)" --init-groups)
	stack_launch runner "${as[@]}" "$STACK_DIR/sbin/tagifai" batch-runner \
		--registry "$REG_DIR" || return 1
	awk '$3 == "runner" { p = $1 } END { print p }' "$STACK_DIR/pids" > "$STACK_DIR/runner.pid"
}

runner_pause() {
	kill -STOP "$(cat "$STACK_DIR/runner.pid")"
}

runner_resume() {
	[ -s "$STACK_DIR/runner.pid" ] || return 0
	kill -CONT "$(cat "$STACK_DIR/runner.pid")" 2>/dev/null || true
}
