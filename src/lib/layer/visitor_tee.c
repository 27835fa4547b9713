#include "layer/visitor_tee.h"

#include "util/mem.h"

struct visitor_tee {
	const struct content_visitor *a, *b;
	bool (*wants)[2]; /* per layer: did a / b ask for the current file */
	struct content_visitor self;
};

static bool tee_want(void *ctx, size_t layer, const struct layer_entry *e)
{
	struct visitor_tee *t = ctx;
	bool *w = t->wants[layer];
	w[0] = t->a && t->a->want(t->a->ctx, layer, e);
	w[1] = t->b && t->b->want(t->b->ctx, layer, e);
	return w[0] || w[1];
}

static void tee_data(void *ctx, size_t layer, const struct layer_entry *e, const void *buf,
		     size_t n)
{
	struct visitor_tee *t = ctx;
	if (t->wants[layer][0])
		t->a->data(t->a->ctx, layer, e, buf, n);
	if (t->wants[layer][1])
		t->b->data(t->b->ctx, layer, e, buf, n);
}

static void tee_end(void *ctx, size_t layer, const struct layer_entry *e)
{
	struct visitor_tee *t = ctx;
	if (t->wants[layer][0] && t->a->end)
		t->a->end(t->a->ctx, layer, e);
	if (t->wants[layer][1] && t->b->end)
		t->b->end(t->b->ctx, layer, e);
}

struct visitor_tee *visitor_tee_new(const struct content_visitor *a,
				    const struct content_visitor *b, size_t n_layers)
{
	struct visitor_tee *t = xcalloc(1, sizeof(*t));
	t->a = a;
	t->b = b;
	t->wants = xcalloc(n_layers ? n_layers : 1, sizeof(*t->wants));
	t->self = (struct content_visitor){.ctx = t, .want = tee_want, .data = tee_data, .end = tee_end};
	return t;
}

const struct content_visitor *visitor_tee_visitor(struct visitor_tee *t)
{
	return &t->self;
}

void visitor_tee_free(struct visitor_tee *t)
{
	if (!t)
		return;
	free(t->wants);
	free(t);
}
