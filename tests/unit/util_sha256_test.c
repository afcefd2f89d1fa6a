/* SPDX-License-Identifier: MIT
 * tests/unit/util_sha256_test.c - SHA-256 against the FIPS 180-4 examples
 * and sha256sum, across block boundaries and in pieces.
 */
#include <string.h>

#include "util/sha256.h"
#include "tests/unit/tap.h"

int
main(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	char hex[UTIL_SHA256_HEX], buf[1000];
	struct util_sha256 c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		util_sha256_of(cases[i].in, strlen(cases[i].in), hex);
		tap_ok(strcmp(hex, cases[i].want) == 0, "util_sha256_of should "
		       "match FIPS 180-4 for \"%.10s\" (%s)", cases[i].in, hex);
	}
	/* 1000 'a' in uneven pieces: `printf 'a%.0s' $(seq 1000) | sha256sum` */
	memset(buf, 'a', sizeof(buf));
	util_sha256_init(&c);
	for (size_t done = 0, step = 1; done < sizeof(buf); step += 7) {
		size_t n = step < sizeof(buf) - done ? step : sizeof(buf) - done;

		util_sha256_update(&c, buf + done, n);
		done += n;
	}
	util_sha256_hex(&c, hex);
	tap_ok(strcmp(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645"
		       "adb5db1b9737ea3") == 0, "util_sha256_update should hash "
	       "in pieces as in one (%s)", hex);
	return tap_done();
}
