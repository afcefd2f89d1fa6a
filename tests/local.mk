# tests/: every suite speaks TAP; each part appends its own.
EXTRA_DIST += tests/unit/tap.h
include tests/unit/local.mk
include tests/clean.mk
include tests/infer.mk
include tests/train.mk
include tests/service.mk
include tests/deploy.mk
include tests/browser.mk
include tests/fuzz.mk
include tests/hostile.mk
include tests/supervise.mk
