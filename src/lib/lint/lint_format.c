/* Lint output in hadolint's formats: tty, json, checkstyle, gitlab_codeclimate, gnu, and
 * SARIF 2.1.0 (what GitHub code scanning ingests). */
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "lint/lint_format.h"
#include "util/digest.h"
#include "util/mem.h"

static const char *format_names[] = {"tty", "json", "sarif", "checkstyle", "gitlab_codeclimate",
				     "gnu"};

int lint_format_parse(const char *s, enum lint_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(*format_names); i++) {
		if (!strcmp(s, format_names[i])) {
			*out = (enum lint_format)i;
			return 0;
		}
	}
	if (!strcmp(s, "codeclimate")) {
		*out = LINT_FORMAT_CODECLIMATE;
		return 0;
	}
	return -1;
}

static void print_tty(FILE *out, const struct lint_finding *const *f, size_t n, bool color)
{
	static const char *colors[] = {"\033[31m", "\033[33m", "\033[32m", "\033[36m", ""};
	for (size_t i = 0; i < n; i++) {
		const char *lv = lint_level_name(f[i]->level);
		if (color)
			fprintf(out, "%s:%d \033[1m%s\033[0m %s%s\033[0m: %s\n", f[i]->file, f[i]->line,
				f[i]->code, colors[f[i]->level], lv, f[i]->message);
		else
			fprintf(out, "%s:%d %s %s: %s\n", f[i]->file, f[i]->line, f[i]->code, lv,
				f[i]->message);
	}
}

static void print_gnu(FILE *out, const struct lint_finding *const *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s:%d:%d: %s %s: %s\n", f[i]->file, f[i]->line, f[i]->column, f[i]->code,
			lint_level_name(f[i]->level), f[i]->message);
}

static void dump_json(FILE *out, json_t *j)
{
	json_dumpf(j, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(j);
}

static void print_json(FILE *out, const struct lint_finding *const *f, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "file", json_string(f[i]->file));
		json_object_set_new(o, "line", json_integer(f[i]->line));
		json_object_set_new(o, "column", json_integer(f[i]->column));
		json_object_set_new(o, "level", json_string(lint_level_name(f[i]->level)));
		json_object_set_new(o, "code", json_string(f[i]->code));
		json_object_set_new(o, "message", json_string(f[i]->message));
		json_array_append_new(arr, o);
	}
	dump_json(out, arr);
}

static void xml_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '\'': fputs("&apos;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				fprintf(out, "&#%d;", *s);
			else
				fputc(*s, out);
		}
	}
}

static void print_checkstyle(FILE *out, const struct lint_finding *const *f, size_t n,
			     char *const *files, size_t n_files)
{
	fputs("<?xml version='1.0' encoding='UTF-8'?><checkstyle version='4.3'>", out);
	for (size_t k = 0; k < n_files; k++) {
		fputs("<file name='", out);
		xml_escaped(out, files[k]);
		fputs("' >", out);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(f[i]->file, files[k]))
				continue;
			fprintf(out, "<error line='%d' column='%d' severity='%s' message='", f[i]->line,
				f[i]->column, lint_level_name(f[i]->level));
			xml_escaped(out, f[i]->message);
			fputs("' source='", out);
			xml_escaped(out, f[i]->code);
			fputs("' />", out);
		}
		fputs("</file>", out);
	}
	fputs("</checkstyle>\n", out);
}

static const char *codeclimate_severity(enum lint_level level)
{
	switch (level) {
	case LINT_ERROR: return "blocker";
	case LINT_WARNING: return "major";
	case LINT_INFO: return "info";
	default: return "minor";
	}
}

static void print_codeclimate(FILE *out, const struct lint_finding *const *f, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char *key = xasprintf("%s:%d:%s:%s", f[i]->file, f[i]->line, f[i]->code,
				      f[i]->message);
		char digest[DIGEST_STR_MAX];
		sha256_digest(key, strlen(key), digest);
		free(key);
		json_t *o = json_object(), *loc = json_object(), *lines = json_object();
		json_object_set_new(o, "type", json_string("issue"));
		json_object_set_new(o, "check_name", json_string(f[i]->code));
		json_object_set_new(o, "description", json_string(f[i]->message));
		json_object_set_new(o, "categories", json_pack("[s]", "Bug Risk"));
		json_object_set_new(o, "severity", json_string(codeclimate_severity(f[i]->level)));
		json_object_set_new(o, "fingerprint", json_string(digest + 7));
		json_object_set_new(lines, "begin", json_integer(f[i]->line));
		json_object_set_new(lines, "end", json_integer(f[i]->line));
		json_object_set_new(loc, "path", json_string(f[i]->file));
		json_object_set_new(loc, "lines", lines);
		json_object_set_new(o, "location", loc);
		json_array_append_new(arr, o);
	}
	dump_json(out, arr);
}

static const char *sarif_level(enum lint_level level)
{
	switch (level) {
	case LINT_ERROR: return "error";
	case LINT_WARNING: return "warning";
	default: return "note";
	}
}

static const char *help_uri(const char *code, char *buf, size_t n)
{
	if (!strncmp(code, "DL", 2))
		snprintf(buf, n, "https://github.com/hadolint/hadolint/wiki/%s", code);
	else if (!strncmp(code, "SC", 2))
		snprintf(buf, n, "https://www.shellcheck.net/wiki/%s", code);
	else if (!strncmp(code, "LS", 2))
		snprintf(buf, n, "https://github.com/layerscope/layerscope/blob/main/docs/"
				 "lint-rules.md#%s", code);
	else {
		/* BuildKit's pages are kebab-case: JSONArgsRecommended -> json-args-recommended */
		size_t o = (size_t)snprintf(buf, n, "https://docs.docker.com/go/dockerfile/rule/");
		for (size_t i = 0; code[i] && o + 3 < n; i++) {
			bool up = isupper((unsigned char)code[i]);
			bool prev_lower = i > 0 && !isupper((unsigned char)code[i - 1]);
			bool next_lower = code[i + 1] && islower((unsigned char)code[i + 1]);
			if (i > 0 && up && (prev_lower || (next_lower && isupper((unsigned char)code[i - 1]))))
				buf[o++] = '-';
			buf[o++] = (char)tolower((unsigned char)code[i]);
		}
		if (o + 1 < n)
			buf[o++] = '/';
		buf[o] = '\0';
	}
	return buf;
}

/* SARIF 2.1.0: one run, a rules entry per code seen, results pointing at file regions. */
static void print_sarif(FILE *out, const struct lint_finding *const *f, size_t n,
			const char *version)
{
	json_t *rules = json_array(), *results = json_array(), *index = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *idx = json_object_get(index, f[i]->code);
		if (!idx) {
			char uri[256];
			idx = json_integer((json_int_t)json_array_size(rules));
			json_object_set_new(index, f[i]->code, idx);
			json_array_append_new(rules,
					      json_pack("{s:s, s:{s:s}, s:s, s:{s:s}}", "id", f[i]->code,
							"shortDescription", "text", f[i]->code, "helpUri",
							help_uri(f[i]->code, uri, sizeof(uri)),
							"defaultConfiguration", "level",
							sarif_level(f[i]->level)));
		}
		json_t *region = json_pack("{s:i, s:i, s:i, s:i}", "startLine", f[i]->line,
					   "startColumn", f[i]->column, "endLine", f[i]->line,
					   "endColumn", f[i]->column);
		json_t *loc = json_pack("{s:{s:{s:s}, s:o}}", "physicalLocation", "artifactLocation",
					"uri", f[i]->file, "region", region);
		json_array_append_new(
			results, json_pack("{s:s, s:I, s:s, s:{s:s}, s:[o]}", "ruleId", f[i]->code,
					   "ruleIndex", json_integer_value(idx), "level",
					   sarif_level(f[i]->level), "message", "text", f[i]->message,
					   "locations", loc));
	}
	json_decref(index);
	json_t *driver = json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", "layerscope", "fullName",
				   "layerscope lint (hadolint, BuildKit and layerscope rules)",
				   "informationUri", "https://github.com/layerscope/layerscope",
				   "version", version, "rules", rules);
	json_t *run = json_pack("{s:{s:o}, s:o, s:s}", "tool", "driver", driver, "results", results,
				"columnKind", "utf16CodeUnits");
	json_t *root = json_pack("{s:s, s:s, s:[o]}", "$schema",
				 "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
				 "runs", run);
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}

void lint_print(FILE *out, enum lint_format format, const struct lint_finding *const *findings,
		size_t n, char *const *files, size_t n_files, bool color, const char *version)
{
	switch (format) {
	case LINT_FORMAT_TTY: print_tty(out, findings, n, color); break;
	case LINT_FORMAT_JSON: print_json(out, findings, n); break;
	case LINT_FORMAT_SARIF: print_sarif(out, findings, n, version); break;
	case LINT_FORMAT_CHECKSTYLE: print_checkstyle(out, findings, n, files, n_files); break;
	case LINT_FORMAT_CODECLIMATE: print_codeclimate(out, findings, n); break;
	case LINT_FORMAT_GNU: print_gnu(out, findings, n); break;
	}
}
