/* The CLI: one file per verb (src/cmd/<verb>.c, cmd_<verb>()), a table in main.c.
 * Exit codes are a contract: 0 ok, 1 a gate failed, 2 usage or input error. */
#ifndef LS_CMD_H
#define LS_CMD_H

#include <getopt.h>
#include <stdbool.h>

#include "layer/model.h"
#include "source/image.h"

enum { EXIT_OK = 0, EXIT_GATE = 1, EXIT_ERROR = 2 };

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

extern const struct command commands[];

/* Options every verb that reads an image takes. */
struct image_cli {
	struct image_options image;
	struct model_options model;
};

#define IMAGE_CLI_OPTION_BASE 1000
#define IMAGE_CLI_LONG_OPTIONS                                                   \
	{"platform", required_argument, NULL, IMAGE_CLI_OPTION_BASE + 0},        \
	{"threads", required_argument, NULL, IMAGE_CLI_OPTION_BASE + 1},         \
	{"max-layer-bytes", required_argument, NULL, IMAGE_CLI_OPTION_BASE + 2}, \
	{"max-ratio", required_argument, NULL, IMAGE_CLI_OPTION_BASE + 3},       \
	{"max-entries", required_argument, NULL, IMAGE_CLI_OPTION_BASE + 4},     \
	{"creds", required_argument, NULL, IMAGE_CLI_OPTION_BASE + 5},           \
	{"authfile", required_argument, NULL, IMAGE_CLI_OPTION_BASE + 6},        \
	{"tls-verify", optional_argument, NULL, IMAGE_CLI_OPTION_BASE + 7}

#define IMAGE_CLI_HELP                                                                      \
	"Image references: docker-archive:PATH[:TAG|:@N], oci-archive:PATH[:REF], oci:DIR[:REF],\n" \
	"docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST], docker-daemon:NAME[:TAG] ($DOCKER_HOST),\n" \
	"or a bare path (detected by content).\n"                                           \
	"  --platform OS/ARCH[/VARIANT]  pick from a multi-platform index (default: the host's)\n" \
	"  --threads N            layers read in parallel (default: one per core)\n"          \
	"  --max-layer-bytes N    refuse a layer larger than N bytes uncompressed (64 GiB)\n" \
	"  --max-ratio N          refuse a layer inflating more than N times (500; 0 = off)\n" \
	"  --max-entries N        refuse a layer with more than N entries (50,000,000)\n" \
	"  --creds USER[:PASS]    registry credentials (default: auth files, as skopeo)\n" \
	"  --authfile FILE        registry credentials from this auth.json / config.json\n" \
	"  --tls-verify=false     allow plain HTTP and unverified TLS for a registry\n"

void image_cli_init(struct image_cli *c);
/* Handle one of the IMAGE_CLI options; returns 1 if handled, 0 if not ours, -1 on a bad value. */
int image_cli_option(struct image_cli *c, int opt, const char *arg);
/* getopt_long that handles the IMAGE_CLI options itself: returns the next option of the verb,
 * -1 at the end, or IMAGE_CLI_BAD after printing why a value was refused. */
#define IMAGE_CLI_BAD (IMAGE_CLI_OPTION_BASE - 1)
int image_cli_getopt(struct image_cli *c, int argc, char **argv, const char *shortopts,
		     const struct option *longopts);
/* Open and read the whole image; prints the error and returns NULL on failure. */
int image_cli_load(struct image_cli *c, const char *ref, struct image **img,
		   struct image_model **model);

void print_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the verb's usage to stderr and return EXIT_ERROR. */
int usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cmd_layers(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_ci(int argc, char **argv);
int cmd_context(int argc, char **argv);
int cmd_tree(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_vercmp(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
