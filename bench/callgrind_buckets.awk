# SPDX-License-Identifier: MIT
# bench/callgrind_buckets.awk - share of instructions per pipeline stage from
# a callgrind.out file (read by bench/profile.sh; POSIX awk, mawk works).
#
# Every cost line of the profile is a chunk: (source file, function, Ir),
# where the file is the one of inlined code (fi=/fe=) when there is one, so
# vocab.h's lookup inlined into vectorizer_transform counts as a lookup.
# A chunk goes to the first bucket whose regular expression matches
# "file:function" (the RULES below, overridable with -v RULES_FILE=path, one
# "bucket<TAB>regex" a line).  A chunk of an unmatched function (libc,
# libcjson internals, printf, malloc ...) is split among the buckets of its
# callers in proportion to the inclusive cost of each call edge, walking up
# through unmatched callers (cycles and chains deeper than 30 go to "other").
# Prints "bucket Ir share%" lines, biggest first, then the total.
#
# Usage: awk -f callgrind_buckets.awk [-v RULES_FILE=F] callgrind.out.PID

function rule_add(b, re) { nrules++; rb[nrules] = b; rre[nrules] = re }
function default_rules() {
    rule_add("metrics", "fcgi/(stats|prom|observe)\\.[ch]:|:stats_|:prom_|:observe_")
    rule_add("lookups", "vocab\\.h:|:vocab_")
    rule_add("n-grams", "ngram\\.c:|:ngram_|:word_ngrams")
    rule_add("tf-idf+l2", "vectorizer\\.c:|:vectorizer_|:count_key|:count_long_word")
    rule_add("clean", "clean[a-z_]*\\.[ch]:|:clean_|:cleaner_|utf8proc|:sb_stemmer|:SN_|stem")
    rule_add("dot products", "classifier\\.c:|:classifier_score")
    rule_add("JSON out", ":pyjson_dump|:float_repr|float_repr\\.c:|shortest|:pyjson_number_str|pyjson\\.c:(dump|put_utf8)|:envelope_|:handlers_envelope|:respond_")
    rule_add("JSON parse", "schemas/(pyjson|validate|predict_schema)\\.c:|util/(utf8|hex)\\.c:|fcgi/predict\\.c:collect|:cJSON_Parse|:cJSON_Delete|:cJSON_Get|:cJSON_Is|:prepare$")
    rule_add("JSON out", "fcgi/(envelope|respond|url)\\.c:|util/(buf|json)\\.c:|:util_buf_|:util_json_str|:add_prediction|jsonw\\.c:|:jsonw_|cli/out\\.c:|:cli_json_string|:print_classes|:emit$|:cJSON_Print")
    rule_add("transport", "fcgi/(request|server|main|route|routes|serve|transport|listen)\\.c:|:FCGX_|:FCGI_|:OS_|fcgiapp|os_unix|util/clock\\.c:|cli/predict\\.c:cli_predict$|:read_line$|:getc$|:_IO_getc|:fgetc|getline|getdelim|:fgets|:fread|:_IO_file_underflow|:_IO_file_read|:_IO_file_write|:_IO_new_file_write|:_IO_do_write|:__read|:__write|:read$|:write$|:accept|:poll|:recv|:send")
    rule_add("model glue", "model\\.c:|:model_predict|fcgi/(predict|handlers|app|app_model)\\.c:")
    rule_add("model load + start-up", "artifact_[a-z_]*\\.c:|:artifact_|:model_open|:model_close|:_dl_|ld-linux|:dl_main|:_dl_start|:mmap|:__libc_start|:_init$|:init_cacheinfo|:cpu_features")
}

function bucket_of(key,    i) {
    for (i = 1; i <= nrules; i++) if (key ~ rre[i]) return rb[i]
    return "?"
}

# "(id) name" or "(id)" -> name, with a per-kind dictionary
function name_of(kind, s,    id, rest) {
    if (substr(s, 1, 1) != "(") return s
    id = substr(s, 2, index(s, ")") - 2)
    rest = substr(s, index(s, ")") + 1)
    sub(/^ /, "", rest)
    if (rest != "") names[kind, id] = rest
    return names[kind, id]
}

# distribution of an unmatched function's cost over buckets (memoised)
function resolve(f, depth,    c, w, tot, n, i, b, parts) {
    if (f in done) return
    if (depth > 30 || (f in busy)) return
    busy[f] = 1
    tot = 0
    n = split(callers[f], parts, SUBSEP)
    for (i = 1; i <= n; i++) { c = parts[i]; if (c != "") tot += edge[c, f] }
    if (tot > 0) {
        for (i = 1; i <= n; i++) {
            c = parts[i]; if (c == "") continue
            w = edge[c, f] / tot
            if (fbucket[c] != "?") { dist[f, fbucket[c]] += w; continue }
            resolve(c, depth + 1)
            if (c in done) { for (b in bucketset) if ((c, b) in dist) dist[f, b] += w * dist[c, b] }
            else dist[f, "other"] += w
        }
    } else {
        dist[f, "other"] = 1
    }
    delete busy[f]
    done[f] = 1
}

BEGIN {
    if (RULES_FILE != "") {
        while ((getline line < RULES_FILE) > 0) {
            if (line ~ /^#/ || line !~ /\t/) continue
            split(line, kv, "\t"); rule_add(kv[1], kv[2])
        }
    } else default_rules()
    for (i = 1; i <= nrules; i++) bucketset[rb[i]] = 1
    bucketset["other"] = 1
    fl = "???"; fi = ""; fn = "???"; incall = 0
}

/^fl=/ { fl = name_of("file", substr($0, 4)); fi = ""; next }
/^(fi|fe)=/ { fi = name_of("file", substr($0, 4)); if (fi == fl) fi = ""; next }
/^fn=/ {
    fn = name_of("fn", substr($0, 4)); fi = ""
    if (!(fn in fbucket)) fbucket[fn] = bucket_of(fl ":" fn)
    next
}
/^cfn=/ { cfn = name_of("fn", substr($0, 5)); next }
/^(cfi|cfl)=/ { name_of("file", substr($0, 5)); next }
/^(ob|cob)=/ { name_of("obj", substr($0, 4)); next }
/^calls=/ { incall = 1; next }
/^[0-9+*-]/ {
    ir = $2 + 0
    if (incall) {
        incall = 0
        if (cfn == fn) next   # self recursion adds nothing
        if (!((fn, cfn) in edge)) callers[cfn] = callers[cfn] SUBSEP fn
        edge[fn, cfn] += ir
        next
    }
    key = (fi != "" ? fi : fl) ":" fn
    chunk[key] += ir; chunkfn[key] = fn
    total += ir
    next
}

END {
    for (key in chunk) {
        b = bucket_of(key)
        if (b != "?") { sum[b] += chunk[key]; continue }
        f = chunkfn[key]
        if (fbucket[f] != "?" && fbucket[f] != "") { sum[fbucket[f]] += chunk[key]; continue }
        resolve(f, 0)
        if (!(f in done)) { sum["other"] += chunk[key]; continue }
        for (b in bucketset) if ((f, b) in dist) sum[b] += chunk[key] * dist[f, b]
    }
    if (total == 0) { print "no cost lines found"; exit 1 }
    for (b in sum) printf "%s\t%.0f\t%.1f\n", b, sum[b], 100 * sum[b] / total | "sort -t '\t' -k2,2nr"
    close("sort -t '\t' -k2,2nr")
    printf "total\t%.0f\t100.0\n", total
}
