/* libFuzzer harness for the parsers that read untrusted image content and user files: the
 * first input byte picks the parser, the rest is its input. Build and run: fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint/dockerfile.h"
#include "lint/dockerignore.h"
#include "pkg/pkg.h"
#include "server/notify.h"
#include "source/registry_ref.h"
#include "vuln/cvss.h"
#include "vuln/version.h"

static void parse_packages(uint8_t which, const char *s, size_t n)
{
	struct pkg_list l;
	ls_error err;
	pkg_list_init(&l);
	switch (which) {
	case 0: pkg_parse_dpkg_status(s, n, "status", true, &l, &err); break;
	case 1: pkg_parse_apk(s, n, "installed", &l, &err); break;
	case 2: pkg_parse_rpm_header((const unsigned char *)s, n, "hdr", &l, &err); break;
	case 3: pkg_parse_npm_package_json(s, n, "package.json", &l, &err); break;
	case 4: pkg_parse_npm_lock(s, n, "package-lock.json", &l, &err); break;
	case 5: pkg_parse_python_metadata(s, n, "METADATA", &l, &err); break;
	case 6: pkg_parse_gemspec(s, n, "x.gemspec", &l, &err); break;
	case 7: pkg_parse_go_buildinfo(s, n, "bin", &l, &err); break;
	}
	pkg_list_release(&l);
}

static void extract(uint8_t which, const unsigned char *d, size_t n)
{
	size_t len = 0;
	ls_error err;
	char *out = which == 0 ? pkg_go_extract(d, n, &len, &err)
		  : which == 1 ? pkg_cargo_extract(d, n, &len, &err)
			       : pkg_java_extract(d, n, &len, &err);
	free(out);
}

/* What a registry user or server writes: an image reference, a WWW-Authenticate challenge, a
 * notification envelope (serve). */
static void parse_registry_text(uint8_t which, const char *s, size_t n)
{
	ls_error err;
	if (which % 3 == 2) {
		struct scan_target *t;
		size_t count;
		if (notification_parse(s, n, &t, &count, &err) == 0)
			scan_targets_free(t, count);
	} else if (which % 3 == 0) {
		struct registry_ref r;
		if (registry_ref_parse(s, &r, &err) == 0)
			registry_ref_release(&r);
	} else {
		struct auth_challenge c;
		if (auth_challenge_parse(s, &c, &err) == 0)
			auth_challenge_release(&c);
	}
}

/* Two NUL-separated strings compared in one ecosystem. */
static void compare(uint8_t eco, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	if (!nul)
		return;
	int cmp;
	ls_error err;
	version_compare((enum ecosystem)(eco % (ECO_MAVEN + 1)), s, nul + 1, &cmp, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t op = data[0];
	/* a NUL-terminated copy: some parsers take C strings */
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	size_t n = size - 1;
	ls_error err;
	switch (op % 16) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		parse_packages(op % 16, s, n);
		break;
	case 8: case 9: case 10:
		extract((uint8_t)(op % 16 - 8), (const unsigned char *)s, n);
		break;
	case 11:
		cvss_base_score(s);
		break;
	case 12:
		compare((uint8_t)(op >> 4), s, n);
		break;
	case 13: {
		struct dockerfile *df = NULL;
		if (dockerfile_parse(s, n, "Dockerfile", &df, &err) == 0)
			dockerfile_free(df);
		break;
	}
	case 14: {
		struct dockerignore *di = NULL;
		if (dockerignore_parse(s, n, &di, &err) == 0)
			dockerignore_free(di);
		break;
	}
	case 15:
		parse_registry_text((uint8_t)(op >> 4), s, n);
		break;
	default:
		break;
	}
	free(s);
	return 0;
}
