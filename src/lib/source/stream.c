#include "source/stream.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "source/unpack.h"
#include "util/mem.h"

struct region_stream {
	struct byte_stream base;
	struct region r;
	uint64_t pos;
};

static ssize_t region_read(struct byte_stream *s, void *buf, size_t n, ls_error *err)
{
	struct region_stream *rs = (struct region_stream *)s;
	uint64_t left = rs->r.length - rs->pos;
	if (n > left)
		n = (size_t)left;
	if (n == 0)
		return 0;
	for (;;) {
		ssize_t got = pread(rs->r.fd, buf, n, (off_t)(rs->r.offset + rs->pos));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return ls_fail_errno(err, errno, "read");
		if (got == 0)
			return ls_fail(err, "file ends %llu bytes early (truncated)",
				       (unsigned long long)left);
		rs->pos += (uint64_t)got;
		return got;
	}
}

void region_release(struct region *r)
{
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->own_fd = 0;
}

static void region_close(struct byte_stream *s)
{
	region_release(&((struct region_stream *)s)->r);
	free(s);
}

struct memory_stream {
	struct byte_stream base;
	const unsigned char *data;
	size_t len, pos;
};

static ssize_t memory_read(struct byte_stream *s, void *buf, size_t n, ls_error *err)
{
	struct memory_stream *ms = (struct memory_stream *)s;
	(void)err;
	if (n > ms->len - ms->pos)
		n = ms->len - ms->pos;
	memcpy(buf, ms->data + ms->pos, n);
	ms->pos += n;
	return (ssize_t)n;
}

static void memory_close(struct byte_stream *s)
{
	free(s);
}

struct byte_stream *region_stream_open(struct region r)
{
	if (r.data) {
		struct memory_stream *ms = xcalloc(1, sizeof(*ms));
		ms->base.read = memory_read;
		ms->base.close = memory_close;
		ms->data = r.data;
		ms->len = (size_t)r.length;
		return &ms->base;
	}
	if (r.packed)
		return unpack_stream_open(r.cursor, r.offset, r.length);

	struct region_stream *rs = xcalloc(1, sizeof(*rs));
	rs->base.read = region_read;
	rs->base.close = region_close;
	rs->r = r;
	return &rs->base;
}

int region_read_all(struct region r, size_t limit, char **data, size_t *len, ls_error *err)
{
	if (r.length > limit)
		return ls_fail(err, "%llu bytes is more than the %zu allowed",
			       (unsigned long long)r.length, limit);
	char *p = xmalloc((size_t)r.length + 1);
	size_t done = 0;
	if (r.data || r.packed) {
		struct byte_stream *s = region_stream_open(r);
		ssize_t got = 1;
		while (done < r.length && (got = s->read(s, p + done, (size_t)r.length - done, err)) > 0)
			done += (size_t)got;
		s->close(s);
		if (got < 0) {
			free(p);
			return -1;
		}
	}
	while (done < r.length) {
		ssize_t got = pread(r.fd, p + done, (size_t)r.length - done, (off_t)(r.offset + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			free(p);
			return got < 0 ? ls_fail_errno(err, errno, "read")
				       : ls_fail(err, "file is truncated");
		}
		done += (size_t)got;
	}
	p[done] = '\0';
	*data = p;
	*len = done;
	return 0;
}
