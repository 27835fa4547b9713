#include "vuln/match.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

enum event_kind { EV_INTRODUCED, EV_FIXED, EV_LAST_AFFECTED, EV_LIMIT };

struct event {
	enum event_kind kind;
	const char *version;
};

static const char *const event_keys[] = {"introduced", "fixed", "last_affected", "limit"};

/* Compare two event versions; "0" (the start of time) sorts before everything. */
static int event_cmp(enum ecosystem eco, const struct event *a, const struct event *b, int *out,
		     ls_error *err)
{
	bool a0 = a->kind == EV_INTRODUCED && !strcmp(a->version, "0");
	bool b0 = b->kind == EV_INTRODUCED && !strcmp(b->version, "0");
	if (a0 || b0) {
		*out = a0 == b0 ? 0 : a0 ? -1 : 1;
		return 0;
	}
	return version_compare(eco, a->version, b->version, out, err);
}

/* Insertion sort: ranges hold a handful of events, and the comparison can fail. */
static int sort_events(enum ecosystem eco, struct event *ev, size_t n, ls_error *err)
{
	for (size_t i = 1; i < n; i++) {
		struct event x = ev[i];
		size_t j = i;
		while (j > 0) {
			int c;
			if (event_cmp(eco, &ev[j - 1], &x, &c, err) < 0)
				return -1;
			if (c <= 0)
				break;
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = x;
	}
	return 0;
}

static int collect_events(const json_t *events, struct event **out, size_t *n, ls_error *err)
{
	size_t i;
	json_t *e;
	*out = xcalloc(json_array_size(events) + 1, sizeof(**out));
	*n = 0;
	json_array_foreach(events, i, e) {
		int k;
		for (k = 0; k < 4; k++) {
			json_t *v = json_object_get(e, event_keys[k]);
			if (json_is_string(v)) {
				(*out)[(*n)++] = (struct event){(enum event_kind)k, json_string_value(v)};
				break;
			}
		}
		if (k == 4) {
			free(*out);
			*out = NULL;
			return ls_fail(err, "range event %zu has no introduced/fixed/last_affected/limit", i);
		}
	}
	return 0;
}

/* One range: is `version` inside it, and which fix ends it? */
static int range_affects(enum ecosystem eco, const json_t *range, const char *version,
			 struct range_verdict *out, ls_error *err)
{
	struct event *ev;
	size_t n, i;
	bool vulnerable = false, limited = false, any_limit = false, passed = false;
	int c;
	const char *fix = NULL;

	if (collect_events(json_object_get(range, "events"), &ev, &n, err) < 0)
		return -1;
	if (sort_events(eco, ev, n, err) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (ev[i].kind == EV_LIMIT) {
			any_limit = true;
			if (version_compare(eco, version, ev[i].version, &c, err) < 0)
				goto fail;
			if (c < 0)
				limited = true;
			continue;
		}
		if (ev[i].kind == EV_INTRODUCED && !strcmp(ev[i].version, "0")) {
			vulnerable = true;
			continue;
		}
		if (version_compare(eco, version, ev[i].version, &c, err) < 0)
			goto fail;
		if (ev[i].kind == EV_INTRODUCED && c >= 0)
			vulnerable = true;
		else if (ev[i].kind == EV_FIXED && c >= 0)
			vulnerable = false;
		else if (ev[i].kind == EV_LAST_AFFECTED && c > 0)
			vulnerable = false;
		/* The first event above the version ends its interval: a fix, or not. */
		if (!passed && (c < 0 || (ev[i].kind == EV_LAST_AFFECTED && c == 0))) {
			passed = true;
			if (ev[i].kind == EV_FIXED && c < 0)
				fix = ev[i].version;
		}
	}
	if (any_limit && !limited)
		vulnerable = false;
	out->affected = vulnerable;
	if (vulnerable && fix)
		out->fixed = xstrdup(fix);
	free(ev);
	return 0;
fail:
	free(ev);
	return -1;
}

int osv_affects(enum ecosystem eco, const json_t *ranges, const json_t *versions,
		const char *version, struct range_verdict *out, ls_error *err)
{
	size_t i;
	json_t *r, *v;
	memset(out, 0, sizeof(*out));
	json_array_foreach(ranges, i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));
		enum ecosystem order = eco;
		struct range_verdict one = {0};
		if (!type || !strcmp(type, "GIT"))
			continue;
		if (!strcmp(type, "SEMVER"))
			order = eco == ECO_GO ? ECO_GO : ECO_SEMVER;
		if (range_affects(order, r, version, &one, err) < 0)
			return ls_wrap(err, "range %zu", i);
		if (one.affected) {
			*out = one;
			return 0;
		}
	}
	json_array_foreach(versions, i, v) {
		int c;
		if (!json_is_string(v))
			continue;
		/* An exact list entry: equal under the ecosystem's order (1.0 == 1.0.0 in PyPI). */
		if (!strcmp(json_string_value(v), version) ||
		    (version_compare(eco, json_string_value(v), version, &c, NULL) == 0 && c == 0)) {
			out->affected = true;
			return 0;
		}
	}
	return 0;
}

void range_verdict_release(struct range_verdict *v)
{
	free(v->fixed);
	v->fixed = NULL;
}
