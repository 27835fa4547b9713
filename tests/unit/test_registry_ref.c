/* docker:// references normalised as containers/image does (docker.io defaults, host
 * detection, digests, malformed names), WWW-Authenticate challenges, and credentials from
 * auth files (most specific key, Docker's legacy keys, bad base64). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "source/registry_ref.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect_ref(const char *s, const char *domain, const char *host, const char *repo,
		       const char *tag, const char *digest)
{
	struct registry_ref r;
	ls_error err = {{0}};
	if (registry_ref_parse(s, &r, &err) < 0)
		fail_msg("%s: %s", s, err.msg);
	assert_string_equal(r.domain, domain);
	assert_string_equal(r.host, host);
	assert_string_equal(r.repo, repo);
	if (tag)
		assert_string_equal(r.tag, tag);
	else
		assert_null(r.tag);
	if (digest)
		assert_string_equal(r.digest, digest);
	else
		assert_null(r.digest);
	assert_string_equal(registry_ref_reference(&r), digest ? digest : tag);
	registry_ref_release(&r);
}

static void expect_bad_ref(const char *s, const char *msg_part)
{
	struct registry_ref r;
	ls_error err = {{0}};
	assert_int_equal(registry_ref_parse(s, &r, &err), -1);
	if (!strstr(err.msg, msg_part))
		fail_msg("%s: '%s' does not say '%s'", s, err.msg, msg_part);
	assert_null(r.repo);
}

static void docker_hub_defaults(void **state)
{
	(void)state;
	expect_ref("//busybox", "docker.io", "registry-1.docker.io", "library/busybox", "latest", NULL);
	expect_ref("//busybox:1.36", "docker.io", "registry-1.docker.io", "library/busybox", "1.36", NULL);
	expect_ref("//library/busybox", "docker.io", "registry-1.docker.io", "library/busybox", "latest", NULL);
	expect_ref("//bitnami/redis:7", "docker.io", "registry-1.docker.io", "bitnami/redis", "7", NULL);
	expect_ref("//docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", NULL);
	expect_ref("//index.docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", NULL);
	expect_ref("//docker.io/a/b/c:x", "docker.io", "registry-1.docker.io", "a/b/c", "x", NULL);
}

static void host_detection(void **state)
{
	(void)state;
	expect_ref("//quay.io/podman/hello", "quay.io", "quay.io", "podman/hello", "latest", NULL);
	expect_ref("//localhost/x", "localhost", "localhost", "x", "latest", NULL);
	expect_ref("//localhost:5000/x:v1", "localhost:5000", "localhost:5000", "x", "v1", NULL);
	expect_ref("//127.0.0.1:5000/a/b:t", "127.0.0.1:5000", "127.0.0.1:5000", "a/b", "t", NULL);
	expect_ref("//myhost:443/img", "myhost:443", "myhost:443", "img", "latest", NULL);
	/* Upper case cannot be a repository: it is a host. */
	expect_ref("//MyRegistry/img", "MyRegistry", "MyRegistry", "img", "latest", NULL);
	/* No '.', ':' or localhost: a Docker Hub namespace, and no library/ prefix. */
	expect_ref("//myhost/img", "docker.io", "registry-1.docker.io", "myhost/img", "latest", NULL);
	/* A host alone with a port is a Docker Hub name with a tag, as docker reads it. */
	expect_ref("//localhost:5000", "docker.io", "registry-1.docker.io", "library/localhost", "5000", NULL);
}

static void digest_references(void **state)
{
	(void)state;
	expect_ref("//alpine@sha256:" HEX64, "docker.io", "registry-1.docker.io", "library/alpine",
		   NULL, "sha256:" HEX64);
	expect_ref("//localhost:5000/x@sha256:" HEX64, "localhost:5000", "localhost:5000", "x",
		   NULL, "sha256:" HEX64);
}

static void bad_references(void **state)
{
	(void)state;
	expect_bad_ref("busybox", "docker://");
	expect_bad_ref("//", "empty");
	expect_bad_ref("//x:tag@sha256:" HEX64, "both a tag and a digest");
	expect_bad_ref("//x@sha256:abc", "not a sha256 digest");
	expect_bad_ref("//x@md5:" HEX64, "not a sha256 digest");
	expect_bad_ref("//x:", "not a valid tag");
	expect_bad_ref("//x:-bad", "not a valid tag");
	expect_bad_ref("//x:a/b", "not a valid registry host"); /* a colon before the first / */
	expect_bad_ref("//quay.io/Upper", "not a valid repository");
	expect_bad_ref("//quay.io/a//b", "not a valid repository");
	expect_bad_ref("//quay.io/a-", "not a valid repository");
	expect_bad_ref("//quay.io/.a", "not a valid repository");
	expect_bad_ref("//quay.io/a...b", "not a valid repository");
	expect_bad_ref("//quay.io/", "not a valid repository");
	expect_bad_ref("//bad_host.io/x", "not a valid registry host");
	expect_bad_ref("//host.io:99999/x", "not a valid registry host");
	expect_bad_ref("//host.io:/x", "not a valid registry host");
	expect_ref("//quay.io/a__b.c-d---e", "quay.io", "quay.io", "a__b.c-d---e", "latest", NULL);
}

static void bearer_challenge(void **state)
{
	(void)state;
	struct auth_challenge c;
	ls_error err = {{0}};
	assert_int_equal(auth_challenge_parse(
				 "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
				 "scope=\"repository:library/busybox:pull\"", &c, &err), 0);
	assert_string_equal(c.scheme, "Bearer");
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/busybox:pull");
	auth_challenge_release(&c);

	/* Spaces around '=' and ',', case-insensitive names, escapes, unknown params, tokens. */
	assert_int_equal(auth_challenge_parse(" bearer  Realm = \"http://a/t\\\"x\" , error=insufficient_scope,"
					      "SERVICE=reg , scope=\"a:b:pull,push\"", &c, &err), 0);
	assert_string_equal(c.scheme, "bearer");
	assert_string_equal(c.realm, "http://a/t\"x");
	assert_string_equal(c.service, "reg");
	assert_string_equal(c.scope, "a:b:pull,push");
	auth_challenge_release(&c);
}

static void basic_and_odd_challenges(void **state)
{
	(void)state;
	struct auth_challenge c;
	ls_error err = {{0}};
	assert_int_equal(auth_challenge_parse("Basic realm=\"Registry Realm\"", &c, &err), 0);
	assert_string_equal(c.scheme, "Basic");
	assert_string_equal(c.realm, "Registry Realm");
	assert_null(c.service);
	auth_challenge_release(&c);

	/* Only the first of several challenges is read. */
	assert_int_equal(auth_challenge_parse("Basic realm=\"r\", Bearer realm=\"x\"", &c, &err), 0);
	assert_string_equal(c.scheme, "Basic");
	assert_string_equal(c.realm, "r");
	auth_challenge_release(&c);

	assert_int_equal(auth_challenge_parse("Bearer", &c, &err), 0);
	assert_null(c.realm);
	auth_challenge_release(&c);

	assert_int_equal(auth_challenge_parse("", &c, &err), -1);
	assert_int_equal(auth_challenge_parse(NULL, &c, &err), -1);
	assert_int_equal(auth_challenge_parse("Bearer realm=\"unterminated", &c, &err), -1);
	assert_non_null(strstr(err.msg, "malformed"));
	assert_int_equal(auth_challenge_parse("Bearer realm=,", &c, &err), -1);
}

static char *write_temp(const char *content)
{
	char *path = strdup("/tmp/ls-test-auth.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

static int lookup(const char *file_content, const char *ref_str, char **userpwd, ls_error *err)
{
	struct registry_ref r;
	char *path = write_temp(file_content);
	assert_int_equal(registry_ref_parse(ref_str, &r, err), 0);
	int rc = auth_file_lookup(path, false, &r, userpwd, err);
	registry_ref_release(&r);
	unlink(path);
	free(path);
	return rc;
}

/* base64("alice:s3cret") = YWxpY2U6czNjcmV0, base64("bob:pw") = Ym9iOnB3,
 * base64("carol:x") = Y2Fyb2w6eA== */
static void auth_file_keys(void **state)
{
	(void)state;
	const char *file = "{\"auths\": {"
			   "\"localhost:5000\": {\"auth\": \"YWxpY2U6czNjcmV0\"},"
			   "\"localhost:5000/team/app\": {\"auth\": \"Ym9iOnB3\"},"
			   "\"https://index.docker.io/v1/\": {\"auth\": \"Y2Fyb2w6eA==\"}}}";
	char *up = NULL;
	ls_error err = {{0}};
	assert_int_equal(lookup(file, "//localhost:5000/other", &up, &err), 1);
	assert_string_equal(up, "alice:s3cret");
	free(up);
	assert_int_equal(lookup(file, "//localhost:5000/team/app/sub:1", &up, &err), 1);
	assert_string_equal(up, "bob:pw");
	free(up);
	assert_int_equal(lookup(file, "//localhost:5000/team/apple", &up, &err), 1);
	assert_string_equal(up, "alice:s3cret");
	free(up);
	assert_int_equal(lookup(file, "//busybox", &up, &err), 1);
	assert_string_equal(up, "carol:x");
	free(up);
	assert_int_equal(lookup(file, "//localhost:5001/x", &up, &err), 0);
	assert_null(up);
	assert_int_equal(lookup("{}", "//busybox", &up, &err), 0);
}

static void auth_file_errors(void **state)
{
	(void)state;
	char *up = NULL;
	ls_error err = {{0}};
	struct registry_ref r;
	assert_int_equal(lookup("{\"auths\": {\"q.io\": {\"auth\": \"!!!!\"}}}", "//q.io/x", &up, &err), -1);
	assert_non_null(strstr(err.msg, "not base64"));
	assert_int_equal(lookup("{\"auths\": {\"q.io\": {\"auth\": \"bm9jb2xvbg==\"}}}", "//q.io/x", &up, &err), -1);
	assert_non_null(strstr(err.msg, "user:password"));
	assert_int_equal(lookup("{\"auths\": ", "//q.io/x", &up, &err), -1);
	assert_null(up);

	assert_int_equal(registry_ref_parse("//q.io/x", &r, &err), 0);
	assert_int_equal(auth_file_lookup("/nonexistent/auth.json", true, &r, &up, &err), 0);
	assert_int_equal(auth_file_lookup("/nonexistent/auth.json", false, &r, &up, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/auth.json"));
	registry_ref_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_hub_defaults),
		cmocka_unit_test(host_detection),
		cmocka_unit_test(digest_references),
		cmocka_unit_test(bad_references),
		cmocka_unit_test(bearer_challenge),
		cmocka_unit_test(basic_and_odd_challenges),
		cmocka_unit_test(auth_file_keys),
		cmocka_unit_test(auth_file_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
