#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/strutil.h"

void print_error(const char *fmt, ...)
{
	va_list ap;
	fputs("layerscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "layerscope %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'layerscope %s --help'.\n", verb);
	return EXIT_ERROR;
}

void image_cli_init(struct image_cli *c)
{
	c->image = (struct image_options){0};
	model_options_default(&c->model);
}

/* --creds, --authfile, --tls-verify[=BOOL] (skopeo's spellings). */
static int registry_option(struct image_options *o, int which, const char *arg)
{
	if (which == 5)
		o->creds = arg;
	else if (which == 6)
		o->authfile = arg;
	else if (!arg || !strcmp(arg, "true"))
		o->insecure = false;
	else if (!strcmp(arg, "false"))
		o->insecure = true;
	else {
		print_error("--tls-verify takes true or false, not '%s'", arg);
		return -1;
	}
	return 1;
}

int image_cli_option(struct image_cli *c, int opt, const char *arg)
{
	uint64_t v;
	if (opt < IMAGE_CLI_OPTION_BASE || opt > IMAGE_CLI_OPTION_BASE + 7)
		return 0;
	if (opt == IMAGE_CLI_OPTION_BASE) {
		c->image.platform = arg;
		return 1;
	}
	if (opt >= IMAGE_CLI_OPTION_BASE + 5)
		return registry_option(&c->image, opt - IMAGE_CLI_OPTION_BASE, arg);
	if (!parse_u64(arg, &v)) {
		print_error("'%s' is not a whole number", arg);
		return -1;
	}
	switch (opt - IMAGE_CLI_OPTION_BASE) {
	case 1: c->model.threads = (unsigned)(v > 256 ? 256 : v); break;
	case 2: c->model.read.limits.max_bytes = v; break;
	case 3: c->model.read.limits.max_ratio = v; break;
	case 4: c->model.read.max_entries = v; break;
	}
	return 1;
}

int image_cli_getopt(struct image_cli *c, int argc, char **argv, const char *shortopts,
		     const struct option *longopts)
{
	int opt;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int r = image_cli_option(c, opt, optarg);
		if (r < 0)
			return IMAGE_CLI_BAD;
		if (r == 0)
			return opt;
	}
	return -1;
}

int image_cli_load(struct image_cli *c, const char *ref, struct image **img,
		   struct image_model **model)
{
	ls_error err = {{0}};
	if (image_open(ref, &c->image, img, &err) < 0) {
		print_error("%s", err.msg);
		return -1;
	}
	if (model && model_load(*img, &c->model, model, &err) < 0) {
		print_error("%s: %s", ref, err.msg);
		image_free(*img);
		*img = NULL;
		return -1;
	}
	return 0;
}
