/* docker:// references (as containers/image's docker/reference normalises them),
 * WWW-Authenticate challenges and auth-file credentials. */
#include "source/registry_ref.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strutil.h"

#define DEFAULT_DOMAIN "docker.io"
#define DEFAULT_API_HOST "registry-1.docker.io"
enum { NAME_MAX_LEN = 255, TAG_MAX_LEN = 128, AUTH_FILE_LIMIT = 4 * 1024 * 1024 };

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+ joined by ".", "_", "__" or runs of "-". */
static bool valid_path_component(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (!is_lower_alnum(s[i]))
			return false;
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		size_t sep = i;
		while (i < n && s[i] == '-')
			i++;
		if (i == sep) { /* not dashes: ".", "_" or "__" */
			i++;
			if (s[sep] == '_' && i < n && s[i] == '_')
				i++;
			else if (s[sep] != '.' && s[sep] != '_')
				return false;
		}
		if (i == n)
			return false; /* a separator must be followed by a component */
	}
	return n > 0;
}

static bool valid_repo(const char *repo)
{
	const char *p = repo;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!valid_path_component(p, n))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/* host[:port], each label [A-Za-z0-9] with inner "-". */
static bool valid_domain(const char *d)
{
	const char *colon = strchr(d, ':');
	size_t n = colon ? (size_t)(colon - d) : strlen(d);
	size_t label = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (d[i] == '.') {
			if (label == 0 || d[i - 1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)d[i]) || (d[i] == '-' && label > 0)) {
			label++;
		} else {
			return false;
		}
	}
	if (label == 0 || d[n - 1] == '-')
		return false;
	if (colon) {
		uint64_t port;
		return parse_u64(colon + 1, &port) && port > 0 && port < 65536;
	}
	return true;
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > TAG_MAX_LEN || t[0] == '.' || t[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return false;
	return true;
}

/* The first component is a host when it has a '.' or ':', is "localhost", or has upper case
 * (a repository never does): containers/image's splitDockerDomain. */
static bool names_a_host(const char *name, size_t n)
{
	if (memchr(name, '.', n) || memchr(name, ':', n) || (n == 9 && !memcmp(name, "localhost", 9)))
		return true;
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)name[i]))
			return true;
	return false;
}

static void split_domain(const char *name, struct registry_ref *r)
{
	const char *slash = strchr(name, '/');
	const char *remainder = name;
	if (slash && names_a_host(name, (size_t)(slash - name))) {
		r->domain = xstrndup(name, (size_t)(slash - name));
		remainder = slash + 1;
	} else {
		r->domain = xstrdup(DEFAULT_DOMAIN);
	}
	if (!strcmp(r->domain, "index.docker.io")) {
		free(r->domain);
		r->domain = xstrdup(DEFAULT_DOMAIN);
	}
	bool hub = !strcmp(r->domain, DEFAULT_DOMAIN);
	r->repo = hub && !strchr(remainder, '/') ? xasprintf("library/%s", remainder)
						 : xstrdup(remainder);
	r->host = xstrdup(hub ? DEFAULT_API_HOST : r->domain);
}

static int parse_name_and_ref(const char *s, struct registry_ref *r, char **name, ls_error *err)
{
	const char *at = strchr(s, '@');
	size_t name_len = at ? (size_t)(at - s) : strlen(s);
	const char *last_slash = memrchr(s, '/', name_len);
	const char *colon = memrchr(last_slash ? last_slash : s, ':',
				    name_len - (size_t)((last_slash ? last_slash : s) - s));
	if (at) {
		if (colon)
			return ls_fail(err, "a reference with both a tag and a digest is not supported");
		if (!digest_is_sha256(at + 1))
			return ls_fail(err, "'%s' is not a sha256 digest (sha256:<64 lower-case hex>)",
				       at + 1);
		r->digest = xstrdup(at + 1);
	} else if (colon) {
		r->tag = xstrdup(colon + 1);
		if (!valid_tag(r->tag))
			return ls_fail(err, "'%s' is not a valid tag", r->tag);
		name_len = (size_t)(colon - s);
	} else {
		r->tag = xstrdup("latest");
	}
	*name = xstrndup(s, name_len);
	return 0;
}

int registry_ref_parse(const char *s, struct registry_ref *out, ls_error *err)
{
	cleanup_free char *name = NULL;
	memset(out, 0, sizeof(*out));
	if (!str_starts_with(s, "//"))
		return ls_fail(err, "a registry reference is docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST]");
	s += 2;
	if (parse_name_and_ref(s, out, &name, err) < 0)
		goto bad;
	if (!*name || strlen(name) > NAME_MAX_LEN) {
		ls_fail(err, "the repository name is empty or longer than %d characters", NAME_MAX_LEN);
		goto bad;
	}
	split_domain(name, out);
	if (!valid_domain(out->domain)) {
		ls_fail(err, "'%s' is not a valid registry host", out->domain);
		goto bad;
	}
	if (!valid_repo(out->repo)) {
		ls_fail(err, "'%s' is not a valid repository name (lower case letters, digits, "
			     "separators . _ __ -, components joined by /)", out->repo);
		goto bad;
	}
	return 0;
bad:
	registry_ref_release(out);
	return -1;
}

void registry_ref_release(struct registry_ref *r)
{
	free(r->domain);
	free(r->host);
	free(r->repo);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

const char *registry_ref_reference(const struct registry_ref *r)
{
	return r->digest ? r->digest : r->tag;
}

/* ---- WWW-Authenticate ---- */

static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A token or a quoted-string (backslash escapes) at p; NULL when there is neither. */
static char *parse_value(const char **pp)
{
	const char *p = *pp;
	struct buf b;
	if (*p != '"') {
		const char *start = p;
		while (is_tchar(*p) || *p == '/')
			p++;
		*pp = p;
		return p > start ? xstrndup(start, (size_t)(p - start)) : NULL;
	}
	buf_init(&b, 0);
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		buf_append(&b, p, 1, NULL);
	}
	if (*p != '"') {
		buf_release(&b);
		return NULL;
	}
	*pp = p + 1;
	return b.data ? buf_detach(&b, NULL) : xstrdup("");
}

static void set_param(struct auth_challenge *c, const char *name, size_t n, char *value)
{
	char **slot = NULL;
	if (n == 5 && !strncasecmp(name, "realm", 5))
		slot = &c->realm;
	else if (n == 7 && !strncasecmp(name, "service", 7))
		slot = &c->service;
	else if (n == 5 && !strncasecmp(name, "scope", 5))
		slot = &c->scope;
	if (!slot) {
		free(value);
		return;
	}
	free(*slot);
	*slot = value;
}

int auth_challenge_parse(const char *header, struct auth_challenge *out, ls_error *err)
{
	const char *p = skip_space(header ? header : ""), *start = p;
	memset(out, 0, sizeof(*out));
	while (is_tchar(*p))
		p++;
	if (p == start)
		return ls_fail(err, "WWW-Authenticate: no scheme in '%.100s'", header ? header : "");
	out->scheme = xstrndup(start, (size_t)(p - start));
	for (;;) {
		p = skip_space(p);
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		const char *name = p;
		while (is_tchar(*p))
			p++;
		size_t name_len = (size_t)(p - name);
		p = skip_space(p);
		if (name_len == 0 || *p != '=')
			return 0; /* the next challenge (or a token68): we use the first one only */
		p = skip_space(p + 1);
		char *value = parse_value(&p);
		if (!value) {
			auth_challenge_release(out);
			return ls_fail(err, "WWW-Authenticate: malformed parameter '%.*s'",
				       (int)name_len, name);
		}
		set_param(out, name, name_len, value);
	}
}

void auth_challenge_release(struct auth_challenge *c)
{
	free(c->scheme);
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof(*c));
}

/* ---- auth files ---- */

/* An auth-file key as the domain[/path] it stands for: "https://index.docker.io/v1/" and
 * "registry-1.docker.io" are docker.io; a URL key keeps only its host. */
static char *normalise_auth_key(const char *key)
{
	const char *k = key;
	bool url = false;
	if (str_starts_with(k, "https://"))
		k += 8, url = true;
	else if (str_starts_with(k, "http://"))
		k += 7, url = true;
	size_t host_len = strcspn(k, "/");
	const char *path = url ? "" : k + host_len;
	if ((host_len == 15 && !strncmp(k, "index.docker.io", 15)) ||
	    (host_len == 20 && !strncmp(k, "registry-1.docker.io", 20)))
		return xasprintf(DEFAULT_DOMAIN "%s", path);
	return xasprintf("%.*s%s", (int)host_len, k, path);
}

/* How specific a normalised key is for ref: its length when it is the domain, or
 * domain/repo or one of repo's parents; 0 when it does not apply. */
static size_t key_match(const char *key, const struct registry_ref *ref)
{
	size_t dn = strlen(ref->domain), kn = strlen(key);
	if (strncmp(key, ref->domain, dn) != 0)
		return 0;
	if (kn == dn)
		return kn;
	if (key[dn] != '/')
		return 0;
	const char *path = key + dn + 1;
	size_t pn = strlen(path), rn = strlen(ref->repo);
	if (pn <= rn && !strncmp(ref->repo, path, pn) && (pn == rn || ref->repo[pn] == '/'))
		return kn;
	return 0;
}

static int decode_auth(const char *b64, const char *path, char **userpwd, ls_error *err)
{
	size_t n = strlen(b64), pad = 0;
	unsigned char *out = xmalloc(n / 4 * 3 + 4);
	int got = n % 4 == 0 ? EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n) : -1;
	if (got < 0) {
		free(out);
		return ls_fail(err, "%s: an \"auth\" value is not base64", path);
	}
	while (pad < 2 && n > pad && b64[n - 1 - pad] == '=')
		pad++;
	got -= (int)pad;
	out[got] = '\0';
	if (!memchr(out, ':', (size_t)got) || strlen((char *)out) != (size_t)got) {
		OPENSSL_cleanse(out, (size_t)got);
		free(out);
		return ls_fail(err, "%s: an \"auth\" value is not base64 of user:password", path);
	}
	*userpwd = (char *)out;
	return 0;
}

int auth_file_lookup(const char *path, bool optional, const struct registry_ref *ref,
		     char **userpwd, ls_error *err)
{
	struct buf b;
	struct stat st;
	json_t *doc = NULL, *entry, *best = NULL;
	const char *key;
	size_t best_len = 0;
	int ret = -1;

	*userpwd = NULL;
	if (optional && stat(path, &st) < 0 && errno == ENOENT)
		return 0;
	buf_init(&b, AUTH_FILE_LIMIT);
	if (buf_read_file(&b, path, AUTH_FILE_LIMIT, err) < 0)
		return ls_wrap(err, "auth file");
	if (json_parse_bytes(b.data, b.len, path, &doc, err) < 0)
		goto out;
	json_object_foreach(json_object_get(doc, "auths"), key, entry) {
		cleanup_free char *norm = normalise_auth_key(key);
		size_t m = key_match(norm, ref);
		if (m > best_len && json_str(entry, "auth")) {
			best = entry;
			best_len = m;
		}
	}
	ret = 0;
	if (best) {
		if (decode_auth(json_str(best, "auth"), path, userpwd, err) < 0)
			ret = -1;
		else
			ret = 1;
	}
out:
	json_decref(doc);
	OPENSSL_cleanse(b.data, b.len);
	buf_release(&b);
	return ret;
}
