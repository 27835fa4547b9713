/* The two documents `serve` trades with other programs: the docker-registry notification
 * envelope it reads (which events ask for a scan, and of what) and the "ECR Image Scan"
 * event it posts (its shape, counts only for the severities present, FAILED without counts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/event.h"
#include "server/notify.h"

#define D1 "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf"
#define D2 "sha256:2b9b9bd8a5a3b7a1f7c0e7a0e3b3a8a3f2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7"

/* Shaped as distribution's notifications (docs/notifications.md): a blob push, a manifest
 * push with a tag, a pull, an index push behind a proxy (no url: request.host is used). */
static const char envelope[] =
	"{\"events\": ["
	"{\"id\": \"1\", \"action\": \"push\", \"target\": {\"mediaType\": \"application/octet-stream\","
	" \"digest\": \"" D2 "\", \"repository\": \"library/app\","
	" \"url\": \"http://reg.example:5000/v2/library/app/blobs/" D2 "\"},"
	" \"request\": {\"host\": \"reg.example:5000\", \"method\": \"PUT\"}},"
	"{\"id\": \"2\", \"action\": \"push\", \"target\": {\"mediaType\":"
	" \"application/vnd.docker.distribution.manifest.v2+json\", \"size\": 708, \"digest\": \"" D1 "\","
	" \"length\": 708, \"repository\": \"library/app\","
	" \"url\": \"http://reg.example:5000/v2/library/app/manifests/" D1 "\", \"tag\": \"v1\"},"
	" \"request\": {\"host\": \"proxy.example\", \"method\": \"PUT\"}},"
	"{\"id\": \"3\", \"action\": \"pull\", \"target\": {\"mediaType\":"
	" \"application/vnd.oci.image.manifest.v1+json\", \"digest\": \"" D1 "\", \"repository\": \"library/app\","
	" \"url\": \"http://reg.example:5000/v2/library/app/manifests/" D1 "\"}},"
	"{\"id\": \"4\", \"action\": \"push\", \"target\": {\"mediaType\":"
	" \"application/vnd.oci.image.index.v1+json\", \"digest\": \"" D2 "\", \"repository\": \"team/multi\"},"
	" \"request\": {\"host\": \"localhost:5000\"}}"
	"]}";

static void parse_ok(const char *body, struct scan_target **t, size_t *n)
{
	ls_error err = {{0}};
	if (notification_parse(body, strlen(body), t, n, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_manifest_pushes_only(void **state)
{
	struct scan_target *t;
	size_t n;
	(void)state;
	parse_ok(envelope, &t, &n);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].registry, "reg.example:5000"); /* target.url, not request.host */
	assert_string_equal(t[0].repository, "library/app");
	assert_string_equal(t[0].digest, D1);
	assert_string_equal(t[0].tag, "v1");
	assert_string_equal(t[1].registry, "localhost:5000"); /* no url: request.host */
	assert_string_equal(t[1].repository, "team/multi");
	assert_string_equal(t[1].digest, D2); /* an index: its own digest */
	assert_null(t[1].tag);
	scan_targets_free(t, n);
}

static void test_bad_envelopes(void **state)
{
	static const char *const bad[] = {"{\"events\": [", "[]", "{\"events\": {}}", "", "null"};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct scan_target *t;
		size_t n;
		ls_error err = {{0}};
		assert_int_equal(notification_parse(bad[i], strlen(bad[i]), &t, &n, &err), -1);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_unusable_events_skipped(void **state)
{
	/* No digest, a malformed repository, a host that would be a Docker Hub namespace, an
	 * unsupported digest algorithm, a schema 1 manifest, a delete. */
	static const char body[] =
		"{\"events\": ["
		"{\"action\": \"push\", \"target\": {\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
		" \"repository\": \"a\", \"url\": \"http://h:1/v2/a/manifests/x\"}},"
		"{\"action\": \"push\", \"target\": {\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
		" \"digest\": \"" D1 "\", \"repository\": \"UPPER/case\", \"url\": \"http://h:1/v2/x\"}},"
		"{\"action\": \"push\", \"target\": {\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
		" \"digest\": \"" D1 "\", \"repository\": \"a\", \"url\": \"http://registry/v2/a\"}},"
		"{\"action\": \"push\", \"target\": {\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
		" \"digest\": \"md5:abc\", \"repository\": \"a\", \"url\": \"http://h:1/v2/a\"}},"
		"{\"action\": \"push\", \"target\": {\"mediaType\": \"application/vnd.docker.distribution.manifest.v1+prettyjws\","
		" \"digest\": \"" D1 "\", \"repository\": \"a\", \"url\": \"http://h:1/v2/a\"}},"
		"{\"action\": \"delete\", \"target\": {\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
		" \"digest\": \"" D1 "\", \"repository\": \"a\", \"url\": \"http://h:1/v2/a\"}},"
		"\"not an object\""
		"]}";
	struct scan_target *t;
	size_t n;
	(void)state;
	parse_ok(body, &t, &n);
	assert_int_equal(n, 0);
	scan_targets_free(t, n);
}

static void test_media_types(void **state)
{
	(void)state;
	assert_true(media_type_is_manifest("application/vnd.docker.distribution.manifest.v2+json"));
	assert_true(media_type_is_manifest("application/vnd.docker.distribution.manifest.list.v2+json"));
	assert_true(media_type_is_manifest("application/vnd.oci.image.manifest.v1+json"));
	assert_true(media_type_is_manifest("application/vnd.oci.image.index.v1+json"));
	assert_false(media_type_is_manifest("application/vnd.oci.image.layer.v1.tar+gzip"));
	assert_false(media_type_is_manifest("application/octet-stream"));
	assert_false(media_type_is_manifest(NULL));
}

static char *event_text(const struct scan_record *r)
{
	json_t *ev = scan_event_json(r, "0f8c3a6e-1111-4222-8333-444455556666", "2026-12-05T01:02:03Z");
	char *s = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(ev);
	return s;
}

static void test_event_complete(void **state)
{
	struct scan_record r = {.repository = "vuln/debian", .digest = D1, .status = SCAN_COMPLETE};
	(void)state;
	r.tags = json_pack("[ss]", "1", "2");
	r.counts = json_pack("{si si si si si si}", "CRITICAL", 0, "HIGH", 1, "MEDIUM", 2, "LOW", 0,
			     "INFORMATIONAL", 0, "UNDEFINED", 1);
	char *s = event_text(&r);
	assert_string_equal(s,
		"{\"version\":\"0\",\"id\":\"0f8c3a6e-1111-4222-8333-444455556666\","
		"\"detail-type\":\"ECR Image Scan\",\"source\":\"layerscope\",\"account\":\"\","
		"\"time\":\"2026-12-05T01:02:03Z\",\"region\":\"\",\"resources\":[\"vuln/debian@" D1 "\"],"
		"\"detail\":{\"scan-status\":\"COMPLETE\",\"repository-name\":\"vuln/debian\","
		"\"image-digest\":\"" D1 "\",\"image-tags\":[\"1\",\"2\"],"
		"\"finding-severity-counts\":{\"HIGH\":1,\"MEDIUM\":2,\"UNDEFINED\":1}}}");
	free(s);
	json_decref(r.tags);
	json_decref(r.counts);
}

static void test_event_clean_image(void **state)
{
	struct scan_record r = {.repository = "a", .digest = D1, .status = SCAN_COMPLETE};
	(void)state;
	r.tags = json_array();
	r.counts = json_pack("{si si}", "CRITICAL", 0, "HIGH", 0);
	char *s = event_text(&r);
	assert_non_null(strstr(s, "\"image-tags\":[],\"finding-severity-counts\":{}}"));
	free(s);
	json_decref(r.tags);
	json_decref(r.counts);
}

static void test_event_failed(void **state)
{
	struct scan_record r = {.repository = "a", .pending_tag = "latest", .status = SCAN_FAILED,
				.description = "manifest unknown"};
	(void)state;
	r.tags = json_array();
	char *s = event_text(&r);
	/* A tag never resolved: no digest, the tag asked for; a failed scan has no counts. */
	assert_non_null(strstr(s, "\"resources\":[\"a:latest\"]"));
	assert_non_null(strstr(s, "\"detail\":{\"scan-status\":\"FAILED\",\"repository-name\":\"a\",\"image-tags\":[\"latest\"]}"));
	free(s);
	json_decref(r.tags);
}

static void test_uuid_and_filters(void **state)
{
	char a[37], b[37];
	(void)state;
	uuid_v4(a);
	uuid_v4(b);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
	assert_string_not_equal(a, b);
	assert_true(subscription_matches(NULL, "any/repo"));
	assert_true(subscription_matches("", "any/repo"));
	assert_true(subscription_matches("team/", "team/app"));
	assert_false(subscription_matches("team/", "other/app"));
	assert_false(subscription_matches("team/app-long", "team/app"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_pushes_only),
		cmocka_unit_test(test_bad_envelopes),
		cmocka_unit_test(test_unusable_events_skipped),
		cmocka_unit_test(test_media_types),
		cmocka_unit_test(test_event_complete),
		cmocka_unit_test(test_event_clean_image),
		cmocka_unit_test(test_event_failed),
		cmocka_unit_test(test_uuid_and_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
