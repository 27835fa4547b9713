#include "util/digest.h"

#include <openssl/evp.h>
#include <string.h>

#include "util/mem.h"

void sha256_init(struct sha256 *h)
{
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL))
		abort();
}

void sha256_update(struct sha256 *h, const void *data, size_t n)
{
	if (n)
		EVP_DigestUpdate(h->ctx, data, n);
}

void sha256_final(struct sha256 *h, char out[DIGEST_STR_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int len = 0;
	EVP_DigestFinal_ex(h->ctx, md, &len);
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[71] = '\0';
	sha256_release(h);
}

void sha256_release(struct sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void sha256_digest(const void *data, size_t n, char out[DIGEST_STR_MAX])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, data, n);
	sha256_final(&h, out);
}

bool digest_is_sha256(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (int i = 7; i < 71; i++)
		if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
			return false;
	return true;
}

int digest_check(const char *digest, ls_error *err)
{
	if (!digest)
		return ls_fail(err, "missing digest");
	if (!digest_is_sha256(digest))
		return ls_fail(err, "unsupported or malformed digest '%.80s' (need sha256:<64 hex>)",
			       digest);
	return 0;
}
