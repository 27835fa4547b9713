/* Allocation helpers: x* functions abort on out-of-memory (there is no sane recovery in a CLI),
 * cleanup attributes for locals (as crun's utils.h), and an arena for many small objects
 * freed at once (as git's mem-pool): a layer's entries and path names live in arenas. */
#ifndef LS_MEM_H
#define LS_MEM_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array to hold at least `need` elements of `size` bytes; updates *cap. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define cleanup_free __attribute__((cleanup(freep)))

struct arena_block;
struct arena {
	struct arena_block *head;
	size_t used;  /* bytes used in head */
	size_t total; /* bytes allocated from the system, all blocks */
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t n); /* 8-byte aligned, never NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_release(struct arena *a);

#endif
