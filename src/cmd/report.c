/* layerscope report IMAGE: one self-contained HTML page (or one JSON document) with what
 * `layers`, `analyze`, `sbom` and `scan` find, from one pass over the layers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "report/report.h"
#include "util/mem.h"
#include "util/strutil.h"
#include "vuln/vulndb.h"

static const char *report_help =
	"Usage: layerscope report [--format html|json] [-o FILE] [--db FILE] [--scanners LIST] IMAGE\n\n"
	"One page about the image: its layers (size, files, command), dive's efficiency and the\n"
	"wasted bytes with layerscope's advice, vulnerabilities, secrets (masked) and packages.\n"
	"The HTML is one file with its style and script inline: nothing is loaded from the network.\n\n"
	"  -f, --format FORMAT    html (default) or json (the same data as one JSON document)\n"
	"  -o, --output FILE      write there instead of standard output\n"
	"  --db FILE              advisory database (default ~/.cache/layerscope/vuln.db; without\n"
	"                         one the vulnerability section says how to make it)\n"
	"  --scanners LIST        vuln, secret or vuln,secret (default: vuln,secret)\n"
	"  --top N                rows of the inefficient-files table in the HTML (default 100; 0 = all)\n";

struct report_cli {
	const char *format, *output, *db_path;
	bool vuln, secret;
	uint64_t top;
};

/* Returns -1 to go on, else the exit code. */
static int parse_args(struct report_cli *c, struct image_cli *ic, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'd'},
		{"scanners", required_argument, NULL, 's'},
		{"top", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int opt;
	*c = (struct report_cli){.format = "html", .vuln = true, .secret = true, .top = 100};
	while ((opt = image_cli_getopt(ic, argc, argv, "hf:o:", longopts)) != -1) {
		switch (opt) {
		case IMAGE_CLI_BAD: return EXIT_ERROR;
		case 'f': c->format = optarg; break;
		case 'o': c->output = optarg; break;
		case 'd': c->db_path = optarg; break;
		case 's':
			if (gather_parse_scanners(optarg, &c->vuln, &c->secret) < 0)
				return usage_error("report", "--scanners takes vuln, secret or vuln,secret");
			break;
		case 't':
			if (!parse_u64(optarg, &c->top))
				return usage_error("report", "--top: '%s' is not a whole number", optarg);
			break;
		case 'h': printf("%s\n%s", report_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("report", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("report", "expected one IMAGE");
	if (strcmp(c->format, "html") && strcmp(c->format, "json"))
		return usage_error("report", "unknown format '%s' (html, json)", c->format);
	return -1;
}

/* The database as scan finds it: --db must open; the default may be absent, and then the
 * report says so instead of failing. *note explains a missing database. */
static int open_database(const struct report_cli *c, struct vulndb **db, char **note)
{
	ls_error err;
	*db = NULL;
	*note = NULL;
	if (!c->vuln) {
		*note = xstrdup("Vulnerabilities were not scanned (--scanners left out vuln).");
		return 0;
	}
	if (!c->db_path) {
		char *path = vulndb_default_path();
		bool present = access(path, F_OK) == 0;
		if (!present)
			*note = xasprintf("No advisory database at %s.", path);
		free(path);
		if (!present)
			return 0;
	}
	if (vulndb_open(c->db_path, false, db, &err) < 0) {
		print_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static int write_report(const struct report_cli *c, const struct report *r)
{
	FILE *out = c->output ? fopen(c->output, "w") : stdout;
	ls_error err = {{0}};
	int rc = 0;
	if (!out) {
		print_error("%s: %s", c->output, strerror(errno));
		return -1;
	}
	if (!strcmp(c->format, "json")) {
		json_t *doc = report_json(r);
		json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(doc);
	} else {
		rc = report_html(out, r, &err);
	}
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	if (c->output && fclose(out) != 0)
		rc = -1;
	if (rc < 0)
		print_error("%s: write failed", c->output ? c->output : "stdout");
	return rc;
}

static int analyze_and_write(const struct report_cli *c, struct image *img, struct image_facts *facts,
			     struct vulndb *db, const char *note)
{
	struct dive_analysis d;
	struct waste_report w;
	ls_error err = {{0}};
	if (dive_analyze(facts->model, &d, &err) < 0) {
		print_error("%s: %s", img->reference, err.msg);
		return -1;
	}
	if (waste_analyze(facts->model, &w, &err) < 0) {
		print_error("%s: %s", img->reference, err.msg);
		dive_analysis_release(&d);
		return -1;
	}
	struct report r = {.img = img, .facts = facts, .dive = &d, .waste = &w,
			   .db_path = db ? vulndb_path(db) : NULL, .db_note = note,
			   .max_rows = (size_t)c->top};
	int rc = write_report(c, &r);
	waste_report_release(&w);
	dive_analysis_release(&d);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct report_cli c;
	struct image_cli ic;
	struct image *img = NULL;
	struct vulndb *db = NULL;
	struct secret_scanner *secrets = NULL;
	struct secret_options so = {0};
	struct image_facts facts = {0};
	char *note = NULL;
	int ret = EXIT_ERROR;
	ls_error err;

	image_cli_init(&ic);
	int r = parse_args(&c, &ic, argc, argv);
	if (r >= 0)
		return r;
	if (open_database(&c, &db, &note) < 0)
		return EXIT_ERROR;
	if (image_cli_load(&ic, argv[optind], &img, NULL) < 0)
		goto out;
	if (c.secret && secret_scanner_new(&so, img->n_layers, &secrets, &err) < 0) {
		print_error("%s", err.msg);
		goto out;
	}
	struct gather_options go = {.model = ic.model, .inventory = true, .db = db, .secrets = secrets};
	if (image_facts_gather(img, &go, &facts, &err) < 0) {
		print_error("%s", err.msg);
		goto out;
	}
	if (analyze_and_write(&c, img, &facts, db, note) == 0)
		ret = EXIT_OK;
out:
	image_facts_release(&facts);
	secret_scanner_free(secrets);
	image_free(img);
	vulndb_close(db);
	free(note);
	return ret;
}
