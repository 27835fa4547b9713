/* The image's package inventory, built in two steps:
 *  1. while model_load streams the layers, a content_visitor captures (in memory, capped) the
 *     files the parsers need — every copy in every layer;
 *  2. after the model is built, the merged view says which copy a container sees: only those
 *     are parsed for the inventory, and earlier copies of the same path are used to find the
 *     layer that introduced each package's version. */
#ifndef LS_PKG_INVENTORY_H
#define LS_PKG_INVENTORY_H

#include "layer/layer.h"
#include "layer/model.h"
#include "pkg/pkg.h"

struct pkg_collector;

struct inventory {
	struct os_release os;
	struct pkg_list pkgs; /* sorted by type, then name, then version; warnings inside */
};

/* A collector for an image of n_layers layers; its visitor goes into
 * model_options.read.visitor before model_load. */
struct pkg_collector *pkg_collector_new(size_t n_layers);
const struct content_visitor *pkg_collector_visitor(struct pkg_collector *c);
void pkg_collector_free(struct pkg_collector *c);

int inventory_build(struct pkg_collector *c, const struct image_model *m, struct inventory *inv,
		    ls_error *err);
void inventory_release(struct inventory *inv);

#endif
