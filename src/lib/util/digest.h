/* SHA-256 over streams (OpenSSL libcrypto) and OCI digest strings ("sha256:<64 hex>"). */
#ifndef LS_DIGEST_H
#define LS_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define DIGEST_STR_MAX 72 /* "sha256:" + 64 hex + NUL, rounded */

struct sha256 {
	void *ctx; /* EVP_MD_CTX */
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t n);
/* Writes "sha256:<hex>" into out and releases the context. */
void sha256_final(struct sha256 *h, char out[DIGEST_STR_MAX]);
void sha256_release(struct sha256 *h);
void sha256_digest(const void *data, size_t n, char out[DIGEST_STR_MAX]);

/* A digest we can verify: "sha256:" followed by exactly 64 lower-case hex digits. */
bool digest_is_sha256(const char *digest);
/* Validate a digest string from a manifest; other algorithms are an error (we cannot verify). */
int digest_check(const char *digest, ls_error *err);

#endif
