/* layerscope: container images, small and secure. One verb per file under src/cmd/. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

const struct command commands[] = {
	{"layers", cmd_layers, "list an image's layers: digest, size, entries, command"},
	{"analyze", cmd_analyze, "efficiency: dive's figures, reclaimable bytes, blame and advice"},
	{"ci", cmd_ci, "the efficiency gate: .dive-ci rules, exit 1 when one fails"},
	{"tree", cmd_tree, "the filesystem after a layer, with what that layer changed"},
	{"explore", cmd_explore, "browse layers and their files interactively on the terminal, as dive"},
	{"db", cmd_db, "the offline advisory database: import OSV, Alpine secdb, Debian data; info"},
	{"scan", cmd_scan, "vulnerabilities (offline advisories) and secrets in every layer, deleted ones too"},
	{"sbom", cmd_sbom, "package inventory and SBOM: CycloneDX, SPDX, JSON, table"},
	{"context", cmd_context, "the build context Docker would send: size, savings, secrets"},
	{"vercmp", cmd_vercmp, "compare two versions as an ecosystem orders them: <, = or >"},
	{"lint", cmd_lint, "lint Dockerfiles: hadolint, ShellCheck, BuildKit checks, LS rules"},
	{"report", cmd_report, "one HTML page (or JSON) of layers, waste, vulnerabilities, secrets"},
	{"serve", cmd_serve, "scan on push: registry notifications, ECR-shaped findings, events"},
	{NULL, NULL, NULL},
};

static void print_help(FILE *out)
{
	fprintf(out, "Usage: layerscope <command> [options] IMAGE\n\n"
		     "Make container images small and secure.\n\nCommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\nRun 'layerscope <command> --help' for a command's options.\n"
		     "Exit codes: 0 ok, 1 a gate failed, 2 usage or input error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_help(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("layerscope %s\n", LS_VERSION);
		return EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "layerscope: unknown command '%s'\n\n", argv[1]);
	print_help(stderr);
	return EXIT_ERROR;
}
