/* Registry image references in skopeo's docker:// syntax, normalised as containers/image
 * does, and the parts of the registry protocol that are pure parsing: WWW-Authenticate
 * challenges and the credentials of auth files. Kept apart from registry.c so the unit tests
 * reach them without a network. */
#ifndef LS_REGISTRY_REF_H
#define LS_REGISTRY_REF_H

#include <stdbool.h>

#include "util/error.h"

struct registry_ref {
	char *domain; /* as normalised: "docker.io", "quay.io", "localhost:5000" */
	char *host;   /* where the API is: the domain, or registry-1.docker.io for docker.io */
	char *repo;   /* "library/busybox" */
	char *tag;    /* "latest" when neither a tag nor a digest is given; NULL with a digest */
	char *digest; /* "sha256:<hex>" or NULL */
};

/* Parse what follows "docker:" ("//[HOST[:PORT]/]REPO[:TAG|@sha256:HEX]"). */
int registry_ref_parse(const char *s, struct registry_ref *out, ls_error *err);
void registry_ref_release(struct registry_ref *r);
/* The tag or digest the manifest is fetched by. */
const char *registry_ref_reference(const struct registry_ref *r);

/* One challenge of a WWW-Authenticate header (RFC 7235): `Bearer realm="…",service="…",
 * scope="…"` or `Basic realm="…"`. Unknown parameters are skipped. */
struct auth_challenge {
	char *scheme; /* "Bearer", "Basic", … as sent */
	char *realm, *service, *scope;
};

int auth_challenge_parse(const char *header, struct auth_challenge *out, ls_error *err);
void auth_challenge_release(struct auth_challenge *c);

/* The "user:password" an auth file (containers' auth.json or Docker's config.json: `auths`
 * → key → base64 `auth`) holds for this image, the most specific key first (domain/repo,
 * then its parents, then the domain; Docker's "https://index.docker.io/v1/" is docker.io).
 * Returns 1 and sets *userpwd when found, 0 when the file has none for it, -1 on an error
 * (an unreadable or malformed file). A missing file is 0 when `optional`. */
int auth_file_lookup(const char *path, bool optional, const struct registry_ref *ref,
		     char **userpwd, ls_error *err);

#endif
