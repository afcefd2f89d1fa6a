/* SPDX-License-Identifier: MIT
 * tests/unit/csv_test.c - core/csv_reader.c and core/dataset.c: RFC 4180
 * quoting, line breaks, UTF-8, and errors that name the file and line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/csv_reader.h"
#include "core/dataset.h"
#include "tests/unit/tap.h"

/* Parses text; returns the table or NULL (err filled). */
static struct csv_table *
parse(const char *text, enum core_status *st, struct core_error *err)
{
	struct csv_table *t = NULL;

	*st = csv_reader_parse("t.csv", text, strlen(text), &t, err);
	return *st == CORE_OK ? t : NULL;
}

static void
csv_reader_parse_should_read_quoted_fields(void)
{
	struct core_error err = { { 0 } };
	enum core_status st;
	struct csv_table *t = parse(
		"id,title\n"
		"1,\"Hello, world\"\n"
		"2,\"He said \"\"hi\"\"\"\n"
		"3,plain text\n", &st, &err);

	tap_ok(t != NULL && t->n_rows == 3 && t->n_cols == 2,
	       "csv_reader_parse_should_read_quoted_fields (3 rows, 2 cols)");
	if (t == NULL)
		return;
	tap_str_eq(csv_reader_cell(t, 0, 1), "Hello, world",
		   "csv_reader_parse_should_keep_embedded_commas");
	tap_str_eq(csv_reader_cell(t, 1, 1), "He said \"hi\"",
		   "csv_reader_parse_should_undouble_quotes");
	tap_str_eq(csv_reader_cell(t, 2, 1), "plain text",
		   "csv_reader_parse_should_read_unquoted_fields");
	tap_ok(csv_reader_column(t, "title") == 1 &&
	       csv_reader_column(t, "tag") == -1,
	       "csv_reader_column_should_map_names_and_miss_unknown");
	csv_reader_free(t);
}

static void
csv_reader_parse_should_keep_newlines_and_count_lines(void)
{
	struct core_error err = { { 0 } };
	enum core_status st;
	struct csv_table *t = parse(
		"a,b\n"
		"x,\"line one\nline two\n\"\n"
		"y,z\n", &st, &err);

	tap_ok(t != NULL && t->n_rows == 2,
	       "csv_reader_parse_should_read_multiline_fields");
	if (t == NULL)
		return;
	tap_str_eq(csv_reader_cell(t, 0, 1), "line one\nline two\n",
		   "csv_reader_parse_should_keep_embedded_newlines");
	tap_ok(t->lines[0] == 2 && t->lines[1] == 5,
	       "csv_reader_parse_should_record_start_lines (got %zu, %zu)",
	       t->lines[0], t->lines[1]);
	csv_reader_free(t);
}

static void
csv_reader_parse_should_accept_crlf_bom_and_utf8(void)
{
	struct core_error err = { { 0 } };
	enum core_status st;
	struct csv_table *t = parse(
		"\xef\xbb\xbf" "id,text\r\n"
		"1,na\xc3\xafve \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x9a\x80\r\n"
		"2,\"  spaced  \"\r\n"
		"3,  kept  ", &st, &err);

	tap_ok(t != NULL && t->n_rows == 3,
	       "csv_reader_parse_should_accept_crlf (%s)",
	       t ? "ok" : err.msg);
	if (t == NULL)
		return;
	tap_str_eq(t->header[0], "id", "csv_reader_parse_should_drop_bom");
	tap_str_eq(t->header[1], "text",
		   "csv_reader_parse_should_strip_crlf_from_header");
	tap_str_eq(csv_reader_cell(t, 0, 1),
		   "na\xc3\xafve \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x9a\x80",
		   "csv_reader_parse_should_keep_utf8");
	tap_str_eq(csv_reader_cell(t, 1, 1), "  spaced  ",
		   "csv_reader_parse_should_keep_quoted_spaces");
	tap_str_eq(csv_reader_cell(t, 2, 1), "  kept  ",
		   "csv_reader_parse_should_keep_unquoted_spaces_at_eof");
	csv_reader_free(t);
}

struct bad_case {
	const char *name;
	const char *text;
	enum core_status st;
	const char *msg_part;   /* must occur in the message */
};

static const struct bad_case bad_cases[] = {
	{ "unterminated quote", "a,b\n1,2\n3,\"open\nstill open\n",
	  CORE_ERR_INPUT, "t.csv:3: unterminated quoted field" },
	{ "stray quote in unquoted field", "a,b\n1,x\"y\n",
	  CORE_ERR_INPUT, "t.csv:2: malformed quoting" },
	{ "text after closing quote", "a,b\n1,2\n3,\"q\"x\n",
	  CORE_ERR_INPUT, "t.csv:3: malformed quoting" },
	{ "too few fields", "a,b,c\n1,2,3\n4,5\n",
	  CORE_ERR_INPUT, "t.csv:3: record has 2 fields, the header has 3" },
	{ "too many fields", "a,b\n1,2,3\n",
	  CORE_ERR_INPUT, "t.csv:2: record has 3 fields" },
	{ "invalid UTF-8", "a,b\n1,ok\n2,bad \xc3\x28 byte\n",
	  CORE_ERR_INPUT, "t.csv:3: field 2 is not valid UTF-8" },
	{ "overlong UTF-8", "a\n\xc0\xaf\n",
	  CORE_ERR_INPUT, "t.csv:2: field 1 is not valid UTF-8" },
	{ "empty file", "", CORE_ERR_INPUT, "t.csv:1: no header row" },
};

static void
csv_reader_parse_should_reject_bad_input(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]);
	     i++) {
		const struct bad_case *c = &bad_cases[i];
		struct core_error err = { { 0 } };
		enum core_status st;
		struct csv_table *t = parse(c->text, &st, &err);

		if (!tap_ok(t == NULL && st == c->st &&
			    strstr(err.msg, c->msg_part) != NULL,
			    "csv_reader_parse_should_reject %s", c->name))
			printf("#   status %d, message '%s'\n", (int)st,
			       err.msg);
		csv_reader_free(t);
	}
}

/* Writes text to a temporary file; returns its path (static buffer). */
static const char *
temp_csv(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/csv_test.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}

static void
dataset_load_should_join_title_and_description(void)
{
	struct core_error err = { { 0 } };
	struct dataset *d = NULL;
	const char *path = temp_csv(
		"id,created_on,title,description,tag\n"
		"6,2020-02-20,YOLO vs RCNN,\"Bringing theory, to \"\"practice\"\"\n"
		"\",computer-vision\n"
		"7,2020-02-21,BERT,Transformers for text,"
		"natural-language-processing\n"
		"8,2020-02-22,Other thing,Misc,other\n");
	const char **classes = NULL;
	size_t nk = 0;
	unsigned y[3];
	enum core_status st;

	st = path ? dataset_load(path, &d, &err) : CORE_ERR_IO;
	tap_ok(st == CORE_OK && d != NULL && d->n == 3,
	       "dataset_load_should_read_rows (%s)", err.msg);
	if (d == NULL) {
		if (path)
			unlink(path);
		return;
	}
	tap_str_eq(d->text[0],
		   "YOLO vs RCNN Bringing theory, to \"practice\"\n",
		   "dataset_load_should_join_title_and_description");
	tap_ok(d->line[2] == 5, "dataset_load_should_keep_line_numbers");
	st = dataset_classes(d, NULL, 0, 16, &classes, &nk, &err);
	tap_ok(st == CORE_OK && nk == 3 &&
	       strcmp(classes[0], "computer-vision") == 0 &&
	       strcmp(classes[1], "natural-language-processing") == 0 &&
	       strcmp(classes[2], "other") == 0,
	       "dataset_classes_should_sort_unique_tags");
	st = dataset_encode(d, classes, nk, y, &err);
	tap_ok(st == CORE_OK && y[0] == 0 && y[1] == 1 && y[2] == 2,
	       "dataset_encode_should_index_sorted_classes");
	st = dataset_encode(d, classes, 2, y, &err);
	tap_ok(st == CORE_ERR_INPUT && strstr(err.msg, ":5: unknown tag "
					      "'other'") != NULL,
	       "dataset_encode_should_name_line_of_unknown_tag (%s)",
	       err.msg);
	free(classes);
	dataset_free(d);
	unlink(path);
}

static void
dataset_load_should_name_missing_column(void)
{
	struct core_error err = { { 0 } };
	struct dataset *d = NULL;
	const char *path = temp_csv("id,title,tag\n1,x,other\n");
	enum core_status st;

	st = path ? dataset_load(path, &d, &err) : CORE_ERR_IO;
	tap_ok(st == CORE_ERR_INPUT && d == NULL &&
	       strstr(err.msg, ":1: missing column 'description'") != NULL,
	       "dataset_load_should_name_missing_column (%s)", err.msg);
	if (path)
		unlink(path);
	st = dataset_load("/nonexistent/x.csv", &d, &err);
	tap_ok(st == CORE_ERR_IO && strstr(err.msg, "/nonexistent/x.csv"),
	       "dataset_load_should_fail_on_missing_file");
}

static void
dataset_join_should_join_with_one_space(void)
{
	static const struct {
		const char *f[3];
		size_t n;
		const char *want;
	} cases[] = {
		{ { "Title", "Description", NULL }, 2, "Title Description" },
		{ { "Title", NULL, NULL }, 1, "Title" },
		{ { "", "", NULL }, 2, " " },
		{ { "a", "", "c" }, 3, "a  c" },
		{ { NULL, NULL, NULL }, 0, "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = dataset_join(cases[i].f, cases[i].n);

		tap_str_eq(s ? s : "(null)", cases[i].want,
			   "dataset_join_should_join_with_one_space (%zu)", i);
		free(s);
	}
}

int
main(void)
{
	csv_reader_parse_should_read_quoted_fields();
	csv_reader_parse_should_keep_newlines_and_count_lines();
	csv_reader_parse_should_accept_crlf_bom_and_utf8();
	csv_reader_parse_should_reject_bad_input();
	dataset_load_should_join_title_and_description();
	dataset_load_should_name_missing_column();
	dataset_join_should_join_with_one_space();
	return tap_done();
}
