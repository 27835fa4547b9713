/* Two content visitors as one (layer_read_options holds one): the package collector and the
 * secret scanner both see the file bytes of a single pass over the layers. */
#ifndef LS_VISITOR_TEE_H
#define LS_VISITOR_TEE_H

#include "layer/layer.h"

struct visitor_tee;

/* Either may be NULL. n_layers sizes the per-layer state (layers run on parallel threads). */
struct visitor_tee *visitor_tee_new(const struct content_visitor *a,
				    const struct content_visitor *b, size_t n_layers);
const struct content_visitor *visitor_tee_visitor(struct visitor_tee *t);
void visitor_tee_free(struct visitor_tee *t);

#endif
