#include "util/buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/mem.h"

void buf_init(struct buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

int buf_append(struct buf *b, const void *data, size_t n, ls_error *err)
{
	if (b->limit && (b->len + n > b->limit || b->len + n < b->len))
		return ls_fail(err, "more than %zu bytes", b->limit);
	b->data = xgrow(b->data, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int buf_read_file(struct buf *b, const char *path, size_t limit, ls_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	buf_init(b, limit);
	if (!f)
		return ls_fail_errno(err, errno, "%s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(b, chunk, n, err) < 0) {
			fclose(f);
			buf_release(b);
			return ls_wrap(err, "%s", path);
		}
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		buf_release(b);
		return ls_fail(err, "%s: read error", path);
	}
	return b->data ? 0 : buf_append(b, "", 0, err);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data ? b->data : xstrdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
