#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/registry_crash.bats - kill -9 at random instants of uploads and
# activations, 100 trials, through the tool (the store's code is the
# service's): the registry is consistent after each (registry_crash.py).

load lib
load registry_contract

setup_file() {
	stack_init
	registry_artifacts
}

@test "registry crash: 100 kill -9 during uploads and activations leave the registry consistent" {
	run "$PYTHON3" "$top_srcdir/tests/api/registry_crash.py" "$top_builddir/tagifai" \
		"$BATS_TEST_TMPDIR/registry" "$REG_V1" "$REG_V2" 100
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep '^# ' >&3
}
