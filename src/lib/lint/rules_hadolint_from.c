/* hadolint rules about FROM and stages, USER, instruction order, HEALTHCHECK / CMD /
 * ENTRYPOINT counts and ARG/ENV names: DL3002 DL3006 DL3007 DL3012 DL3024 DL3026 DL3029
 * DL3043 DL3057 DL3061 DL3063 DL3064 DL3065 DL3066 DL4000 DL4003 DL4004. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint/rules_hadolint.h"
#include "util/mem.h"

/* An image reference split as hadolint's parser does: registry (NULL for Docker Hub), tag
 * and digest (NULL when absent). Pointers into `buf`. */
struct image_ref {
	char buf[1024];
	const char *registry, *name, *tag, *digest;
};

static void split_image(const char *image, struct image_ref *r)
{
	char *at, *slash, *colon;
	snprintf(r->buf, sizeof(r->buf), "%s", image);
	r->registry = r->tag = r->digest = NULL;
	at = strchr(r->buf, '@');
	if (at) {
		*at = '\0';
		r->digest = at + 1;
	}
	slash = strchr(r->buf, '/');
	r->name = r->buf;
	if (slash) {
		size_t n = (size_t)(slash - r->buf);
		if (memchr(r->buf, '.', n) || memchr(r->buf, ':', n) ||
		    (n == 9 && !strncmp(r->buf, "localhost", 9))) {
			*slash = '\0';
			r->registry = r->buf;
			r->name = slash + 1;
		}
	}
	slash = strrchr((char *)r->name, '/');
	colon = strchr(slash ? slash : (char *)r->name, ':');
	if (colon) {
		*colon = '\0';
		r->tag = colon + 1;
	}
}

static bool is_variable(const char *s)
{
	return strchr(s, '$') != NULL;
}

static bool is_docker_hub(const char *registry)
{
	return !registry || !strcmp(registry, "docker.io") || !strcmp(registry, "index.docker.io") ||
	       !strcmp(registry, "registry-1.docker.io") || !strcmp(registry, "hub.docker.com");
}

static bool registry_trusted(const struct lint_config *cfg, const char *registry)
{
	for (size_t i = 0; i < cfg->n_trusted_registries; i++) {
		const char *t = cfg->trusted_registries[i];
		if (!strcmp(t, "*"))
			return true;
		if (is_docker_hub(registry) && is_docker_hub(t))
			return true;
		if (registry && !strcmp(t, registry))
			return true;
		if (registry && t[0] == '*' && t[1] == '.') {
			size_t tl = strlen(t + 1), rl = strlen(registry);
			if (rl > tl && !strcmp(registry + rl - tl, t + 1))
				return true;
		}
	}
	return false;
}

/* DL3026 for one image reference (FROM, COPY --from, RUN --mount from=). */
static void check_registry(struct hl *h, const char *image, size_t at, int line)
{
	struct image_ref r;
	if (h->ctx->config->n_trusted_registries == 0 || !strcasecmp(image, "scratch") ||
	    is_variable(image) || hl_stage_by_name(h, image, at) >= 0)
		return;
	split_image(image, &r);
	if (!registry_trusted(h->ctx->config, r.registry))
		lint_report(h->ctx, "DL3026", LINT_ERROR, line,
			    "Use only an allowed registry in the FROM image");
}

static void check_from(struct hl *h, size_t i)
{
	const struct df_instruction *in = h->ins[i].in;
	const struct df_stage *st = in->stage >= 0 ? &h->df->stages[in->stage] : NULL;
	const char *image = st ? st->base_image : (in->n_args ? in->args[0] : "");
	const char *platform = df_flag_get(in, "platform");
	struct image_ref r;
	int line = in->line_start;

	if (!image)
		return;
	split_image(image, &r);
	if (strcasecmp(image, "scratch") != 0 && !is_variable(image) &&
	    hl_stage_by_name(h, image, i) < 0) {
		if (!r.tag && !r.digest)
			lint_report(h->ctx, "DL3006", LINT_WARNING, line,
				    "Always tag the version of an image explicitly");
		if (r.tag && !r.digest && !strcmp(r.tag, "latest"))
			lint_report(h->ctx, "DL3007", LINT_WARNING, line,
				    "Using latest is prone to errors if the image will ever update. "
				    "Pin the version explicitly to a release tag");
	}
	check_registry(h, image, i, line);
	if (platform && !strstr(platform, "BUILDPLATFORM") && !strstr(platform, "TARGETPLATFORM"))
		lint_report(h->ctx, "DL3029", LINT_WARNING, line, "Do not use --platform flag with FROM");
	if (platform && (!strcmp(platform, "$TARGETPLATFORM") || !strcmp(platform, "${TARGETPLATFORM}")))
		lint_report(h->ctx, "DL3065", LINT_WARNING, line,
			    "Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as "
			    "this is the default behavior");
	if (st && st->name) {
		if (!strcasecmp(st->name, "scratch") || !strcasecmp(st->name, "context"))
			lint_report(h->ctx, "DL3063", LINT_WARNING, line,
				    "Stage name `%s` is a reserved word and should not be used as a stage name",
				    st->name);
		for (int p = 0; p < in->stage; p++)
			if (h->df->stages[p].name && !strcasecmp(h->df->stages[p].name, st->name)) {
				lint_report(h->ctx, "DL3024", LINT_ERROR, line,
					    "FROM aliases (stage names) must be unique");
				break;
			}
	}
}

static bool is_root_user(const char *user)
{
	size_t n = strcspn(user, ":");
	return (n == 4 && !strncmp(user, "root", 4)) || (n == 1 && user[0] == '0');
}

static const char *user_of(const struct df_instruction *in)
{
	return in->n_args ? in->args[0] : (in->args_text ? in->args_text : "");
}

/* DL3066: a USER uid that is neither numeric nor a declared ARG/ENV. */
static void check_user_numeric(struct hl *h, size_t i, const char *user)
{
	char *u = hl_unquote(user);
	size_t n = strcspn(u, ":");
	bool numeric = n > 0;
	u[n] = '\0';
	for (size_t k = 0; k < n; k++)
		numeric = numeric && isdigit((unsigned char)u[k]);
	if (!numeric && u[0] == '$') {
		char var[256];
		const char *v = u + 1 + (u[1] == '{');
		size_t vl = strcspn(v, "}:-");
		if (vl < sizeof(var)) {
			memcpy(var, v, vl);
			var[vl] = '\0';
			numeric = hl_var_declared(h, h->ins[i].stage, i, var);
		}
	}
	if (!numeric)
		lint_report(h->ctx, "DL3066", LINT_INFO, h->ins[i].in->line_start,
			    "Non-numeric user-id may not be resolvable by host system");
	free(u);
}

/* DL3002: a stage whose last USER is root. */
static void rule_last_user(struct hl *h)
{
	for (size_t s = 0; s < h->n_stages; s++) {
		const struct df_instruction *last = NULL;
		for (int i = h->stages[s].first; i < h->stages[s].end; i++)
			if (h->ins[i].in->cmd == DF_USER)
				last = h->ins[i].in;
		if (last && is_root_user(user_of(last)))
			lint_report(h->ctx, "DL3002", LINT_WARNING, last->line_start,
				    "Last USER should not be root");
	}
}

/* DL3057: a stage nothing builds on, with no HEALTHCHECK in it or in what it inherits. */
static void rule_healthcheck_missing(struct hl *h)
{
	for (size_t s = 0; s < h->n_stages; s++) {
		bool leaf = true, found = false;
		for (size_t t = s + 1; t < h->n_stages; t++)
			leaf = leaf && h->stages[t].parent != (int)s;
		if (!leaf)
			continue;
		for (int st = (int)s, depth = 0; st >= 0 && !found && depth < 64; depth++) {
			for (int i = h->stages[st].first; i < h->stages[st].end; i++)
				found = found || h->ins[i].in->cmd == DF_HEALTHCHECK;
			st = h->stages[st].parent;
		}
		if (!found)
			lint_report(h->ctx, "DL3057", LINT_NONE, h->df->stages[s].line,
				    "`HEALTHCHECK` instruction missing.");
	}
}

/* DL3012 / DL4003 / DL4004: one HEALTHCHECK, CMD, ENTRYPOINT per stage. */
static void rule_repeated(struct hl *h, enum df_cmd cmd, const char *code, enum lint_level level,
			  const char *msg)
{
	int seen = 0, stage = -2;
	for (size_t i = 0; i < h->n; i++) {
		const struct df_instruction *in = h->ins[i].in;
		if (in->stage != stage) {
			stage = in->stage;
			seen = 0;
		}
		if (in->cmd == cmd && seen++)
			lint_report(h->ctx, code, level, in->line_start, "%s", msg);
	}
}

static const char *const sensitive_names[] = {
	"ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY", "BITTREX_API_KEY", "BITTREX_API_SECRET", "CF_PASSWORD",
	"CF_USERNAME", "CIRCLE_TOKEN", "CI_DEPLOY_PASSWORD", "CI_DEPLOY_USER", "DOCKERHUB_PASSWORD",
	"DOCKER_EMAIL", "DOCKER_PASSWORD", "DOCKER_USERNAME", "FACEBOOK_ACCESS_TOKEN",
	"FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET", "FIREBASE_API_TOKEN", "FIREBASE_TOKEN",
	"FOSSA_API_KEY", "GH_ENTERPRISE_TOKEN", "GH_TOKEN", "GITHUB_ENTERPRISE_TOKEN",
	"GITHUB_TOKEN", "HEROKU_API_KEY", "HEROKU_API_USER", "NPM_AUTH_TOKEN", "NPM_TOKEN",
	"OKTA_AUTHN_GROUPID", "OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN", "OKTA_OAUTH2_CLIENTID",
	"OKTA_OAUTH2_CLIENTSECRET", "OPENAI_API_KEY", "OS_PASSWORD", "OS_USERNAME",
	"POSTGRES_PASSWORD", "SLACK_TOKEN", "STRIPE_API_KEY", "STRIPE_DEVICE_NAME",
	"TRAVIS_OS_NAME", "TRAVIS_SECURE_ENV_VARS", "TRAVIS_SUDO", "VAULT_CLIENT_KEY",
	"VAULT_TOKEN", NULL};
static const char *const sensitive_parts[] = {"api_key", "client_key", "password", "private",
					      "secret",  "token",      "username", NULL};

static bool is_sensitive_name(const char *name)
{
	char lower[256];
	size_t n = strlen(name);
	if (n >= sizeof(lower))
		n = sizeof(lower) - 1;
	for (size_t i = 0; i < n; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[n] = '\0';
	for (size_t i = 0; sensitive_names[i]; i++)
		if (!strcasecmp(name, sensitive_names[i]))
			return true;
	for (size_t i = 0; sensitive_parts[i]; i++)
		if (strstr(lower, sensitive_parts[i]))
			return true;
	return false;
}

/* DL3064: secrets passed through ARG or ENV end up in the image history. */
static void check_sensitive(struct hl *h, const struct hl_ins *r)
{
	const struct df_instruction *in = r->eff;
	if (in->cmd != DF_ARG && in->cmd != DF_ENV)
		return;
	for (size_t k = 0; k < in->n_kvs; k++)
		if (is_sensitive_name(in->kvs[k].key)) {
			lint_report(h->ctx, "DL3064", LINT_WARNING, r->in->line_start,
				    "Potentially sensitive data should not be used in the `ARG` or "
				    "`ENV` commands");
			return;
		}
}

void hl_rules_from(struct hl *h)
{
	bool seen_from = false;
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		const struct df_instruction *in = r->in;
		switch (in->cmd) {
		case DF_FROM:
			seen_from = true;
			check_from(h, i);
			break;
		case DF_MAINTAINER:
			lint_report(h->ctx, "DL4000", LINT_ERROR, in->line_start, "MAINTAINER is deprecated");
			break;
		case DF_USER:
			check_user_numeric(h, i, user_of(in));
			break;
		case DF_ONBUILD:
			if (in->sub && (in->sub->cmd == DF_FROM || in->sub->cmd == DF_ONBUILD ||
					in->sub->cmd == DF_MAINTAINER))
				lint_report(h->ctx, "DL3043", LINT_ERROR, in->line_start,
					    "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within "
					    "`ONBUILD` instruction.");
			break;
		default:
			break;
		}
		if (!seen_from && in->cmd != DF_FROM && in->cmd != DF_ARG)
			lint_report(h->ctx, "DL3061", LINT_ERROR, in->line_start,
				    "Invalid instruction order. Dockerfile must begin with `FROM`, "
				    "`ARG` or comment.");
		check_sensitive(h, r);
		if (r->eff->cmd == DF_COPY) {
			const char *from = df_flag_get(r->eff, "from");
			if (from)
				check_registry(h, from, i, in->line_start);
		}
		if (r->eff->cmd == DF_RUN) {
			for (size_t f = 0; f < r->eff->n_flags; f++) {
				const char *v = r->eff->flags[f].value, *p;
				if (strcmp(r->eff->flags[f].name, "mount") != 0 || !v)
					continue;
				for (p = v; (p = strstr(p, "from=")) != NULL; p += 5)
					if (p == v || p[-1] == ',') {
						char img[512];
						size_t n = strcspn(p + 5, ",");
						if (n >= sizeof(img))
							n = sizeof(img) - 1;
						memcpy(img, p + 5, n);
						img[n] = '\0';
						check_registry(h, img, i, in->line_start);
					}
			}
		}
	}
	rule_last_user(h);
	rule_healthcheck_missing(h);
	rule_repeated(h, DF_HEALTHCHECK, "DL3012", LINT_ERROR, "Multiple `HEALTHCHECK` instructions");
	rule_repeated(h, DF_CMD, "DL4003", LINT_WARNING,
		      "Multiple `CMD` instructions found. If you list more than one `CMD` then only "
		      "the last `CMD` will take effect");
	rule_repeated(h, DF_ENTRYPOINT, "DL4004", LINT_ERROR,
		      "Multiple `ENTRYPOINT` instructions found. If you list more than one "
		      "`ENTRYPOINT` then only the last `ENTRYPOINT` will take effect");
}
