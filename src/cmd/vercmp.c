/* layerscope vercmp ECOSYSTEM A B: how two versions order in an ecosystem, like
 * dpkg --compare-versions; --batch compares A<TAB>B lines from stdin, --valid checks versions. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/buf.h"
#include "vuln/version.h"

static const char *vercmp_help =
	"Usage: layerscope vercmp ECOSYSTEM A B\n"
	"       layerscope vercmp ECOSYSTEM --batch < PAIRS\n"
	"       layerscope vercmp ECOSYSTEM --valid VERSION...\n\n"
	"Print '<', '=' or '>': how version A orders against version B, exactly as the\n"
	"ecosystem's own tool orders them.\n\n"
	"Ecosystems:\n"
	"  deb        Debian/Ubuntu, dpkg: [epoch:]upstream[-revision], '~' before anything\n"
	"  apk        Alpine, apk-tools: 1.2.3a_rc1_p2~hash-r4\n"
	"  rpm        RPM [epoch:]version[-release] (release split at the last '-')\n"
	"  rpmvercmp  one string compared with rpm's rpmvercmp(), no epoch/release split\n"
	"  semver     Semantic Versioning 2.0.0 (npm)\n"
	"  go         Go modules: v-prefixed semver, pseudo-versions, +incompatible\n"
	"  pep440     Python (PyPI), PEP 440 with its normalised spellings\n"
	"  maven      Maven ComparableVersion\n"
	"OSV ecosystem names work too: Debian, Ubuntu, Alpine, Red Hat, Rocky Linux, AlmaLinux,\n"
	"openSUSE, Go, PyPI, npm, crates.io, Maven, ...\n\n"
	"  --batch    read A<TAB>B lines from stdin (further fields are ignored) and print one\n"
	"             result per line; a line that cannot be compared prints 'error' (the reason\n"
	"             goes to stderr) and makes the exit code 2 at the end\n"
	"  --valid    print 'valid' or 'invalid' for each VERSION; exit 1 if any is invalid\n"
	"  --         end of options (for versions that start with '-')\n\n"
	"Exit codes: 0 compared, 1 (--valid) an invalid version, 2 usage or input error.\n";

enum { LINE_LIMIT = 64 * 1024 };

static char cmp_char(int cmp)
{
	return cmp < 0 ? '<' : cmp > 0 ? '>' : '=';
}

/* One line of stdin without its end of line; 1 on success, 0 at the end, -1 past the cap
 * (the rest of the long line is skipped). */
static int read_line(FILE *in, struct buf *line, ls_error *err)
{
	char chunk[4096];
	bool any = false, too_long = false;
	line->len = 0;
	if (line->data)
		line->data[0] = '\0';
	while (fgets(chunk, sizeof(chunk), in)) {
		size_t n = strlen(chunk);
		any = true;
		bool eol = n > 0 && chunk[n - 1] == '\n';
		if (!too_long && buf_append(line, chunk, n, err) < 0)
			too_long = true;
		if (eol)
			break;
	}
	if (too_long)
		return -1;
	if (!any)
		return 0;
	while (line->len > 0 && (line->data[line->len - 1] == '\n' || line->data[line->len - 1] == '\r'))
		line->data[--line->len] = '\0';
	return 1;
}

static int compare_batch(enum ecosystem eco)
{
	struct buf line;
	ls_error err;
	size_t lineno = 0;
	int status = EXIT_OK, r;
	buf_init(&line, LINE_LIMIT);
	while ((r = read_line(stdin, &line, &err)) != 0) {
		lineno++;
		char *a = line.data ? line.data : (char *)"", *b, *tab;
		int cmp;
		if (r < 0) {
			fprintf(stderr, "error: line %zu: longer than %d bytes\n", lineno, LINE_LIMIT);
		} else if (!(tab = strchr(a, '\t'))) {
			fprintf(stderr, "error: line %zu: expected A<TAB>B\n", lineno);
		} else {
			*tab = '\0';
			b = tab + 1;
			if ((tab = strchr(b, '\t')))
				*tab = '\0';
			if (version_compare(eco, a, b, &cmp, &err) == 0) {
				printf("%c\n", cmp_char(cmp));
				continue;
			}
			fprintf(stderr, "error: line %zu: %s\n", lineno, err.msg);
		}
		puts("error");
		status = EXIT_ERROR;
	}
	buf_release(&line);
	if (ferror(stdin)) {
		print_error("vercmp: reading stdin failed");
		status = EXIT_ERROR;
	}
	return status;
}

static int check_valid(enum ecosystem eco, char **versions, int n)
{
	int status = EXIT_OK;
	for (int i = 0; i < n; i++) {
		bool ok = version_valid(eco, versions[i]);
		printf("%s\n", ok ? "valid" : "invalid");
		if (!ok)
			status = EXIT_GATE;
	}
	return status;
}

int cmd_vercmp(int argc, char **argv)
{
	char *pos[3];
	int npos = 0;
	bool batch = false, valid = false, only_positional = false;
	char **rest = NULL;
	int nrest = 0;

	/* Hand-parsed: versions may start with '-' (getopt would take them for options). */
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!only_positional && (!strcmp(arg, "--help") || !strcmp(arg, "-h"))) {
			fputs(vercmp_help, stdout);
			return EXIT_OK;
		}
		if (!only_positional && !strcmp(arg, "--")) {
			only_positional = true;
		} else if (!only_positional && !strcmp(arg, "--batch")) {
			batch = true;
		} else if (!only_positional && !strcmp(arg, "--valid")) {
			valid = true;
			if (npos == 1) { /* everything after ECOSYSTEM --valid is a version */
				rest = argv + i + 1;
				nrest = argc - i - 1;
				if (nrest > 0 && !strcmp(rest[0], "--"))
					rest++, nrest--;
				break;
			}
		} else if (!only_positional && arg[0] == '-' && arg[1] == '-') {
			return usage_error("vercmp", "unknown option '%s'", arg);
		} else if (npos < 3) {
			pos[npos++] = argv[i];
		} else {
			return usage_error("vercmp", "too many arguments");
		}
	}
	if (npos < 1)
		return usage_error("vercmp", "expected ECOSYSTEM");
	enum ecosystem eco;
	if (ecosystem_from_name(pos[0], &eco) < 0)
		return usage_error("vercmp", "unknown ecosystem '%s'", pos[0]);
	if (batch && valid)
		return usage_error("vercmp", "--batch and --valid do not go together");
	if (valid) {
		if (!rest) {
			rest = pos + 1;
			nrest = npos - 1;
		}
		if (nrest < 1)
			return usage_error("vercmp", "--valid expects at least one VERSION");
		return check_valid(eco, rest, nrest);
	}
	if (batch) {
		if (npos != 1)
			return usage_error("vercmp", "--batch reads the versions from stdin");
		return compare_batch(eco);
	}
	if (npos != 3)
		return usage_error("vercmp", "expected ECOSYSTEM A B");
	ls_error err;
	int cmp;
	if (version_compare(eco, pos[1], pos[2], &cmp, &err) < 0) {
		print_error("vercmp: %s", err.msg);
		return EXIT_ERROR;
	}
	printf("%c\n", cmp_char(cmp));
	return EXIT_OK;
}
