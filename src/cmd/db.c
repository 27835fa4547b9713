/* layerscope db import PATH… | db info: the offline advisory database (SQLite). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "vuln/vulndb.h"

static const char *db_help =
	"Usage: layerscope db import [--db FILE] PATH…\n"
	"       layerscope db info [--db FILE] [--json]\n\n"
	"Build and inspect the offline advisory database (default ~/.cache/layerscope/vuln.db).\n"
	"import reads files, directories (recursively) and zip archives of:\n"
	"  OSV records (JSON or YAML), Alpine secdb (JSON or YAML), the Debian security\n"
	"  tracker's JSON, and Debian DSA/DLA lists. The format is told by the content.\n"
	"  All of it lands in one transaction, or none of it; re-importing a record replaces it.\n"
	"info prints the sources, advisory counts per ecosystem and the newest modification.\n";

static int db_import(const char *path, char **paths, size_t n)
{
	struct vulndb *db;
	struct import_stats st;
	ls_error err;
	if (vulndb_open(path, true, &db, &err) < 0) {
		print_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if (vulndb_import_paths(db, paths, n, &st, &err) < 0) {
		print_error("import failed, nothing imported: %s", err.msg);
		vulndb_close(db);
		return EXIT_ERROR;
	}
	printf("imported %zu records from %zu files into %s\n", st.records, st.files, vulndb_path(db));
	vulndb_close(db);
	return EXIT_OK;
}

static int db_info(const char *path, bool json)
{
	struct vulndb *db;
	struct vulndb_stats st;
	ls_error err;
	if (vulndb_open(path, false, &db, &err) < 0 || vulndb_stats(db, &st, &err) < 0) {
		print_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if (json) {
		json_t *root = json_object(), *src = json_object(), *eco = json_object();
		for (size_t i = 0; i < st.n_sources; i++)
			json_object_set_new(src, st.sources[i], json_integer(st.source_counts[i]));
		for (size_t i = 0; i < st.n_ecosystems; i++)
			json_object_set_new(eco, st.ecosystems[i], json_integer(st.ecosystem_counts[i]));
		json_object_set_new(root, "path", json_string(vulndb_path(db)));
		json_object_set_new(root, "advisories", json_integer(st.advisories));
		json_object_set_new(root, "affected", json_integer(st.affected));
		json_object_set_new(root, "sources", src);
		json_object_set_new(root, "ecosystems", eco);
		json_object_set_new(root, "newestModified",
				    st.newest_modified ? json_string(st.newest_modified) : json_null());
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(root);
	} else {
		printf("database: %s\nadvisories: %lld (%lld affected packages)\nnewest modification: %s\n",
		       vulndb_path(db), (long long)st.advisories, (long long)st.affected,
		       st.newest_modified ? st.newest_modified : "-");
		printf("\nSOURCE%26s\n", "ADVISORIES");
		for (size_t i = 0; i < st.n_sources; i++)
			printf("%-24s %8lld\n", st.sources[i], (long long)st.source_counts[i]);
		printf("\nECOSYSTEM%23s\n", "ADVISORIES");
		for (size_t i = 0; i < st.n_ecosystems; i++)
			printf("%-24s %8lld\n", st.ecosystems[i], (long long)st.ecosystem_counts[i]);
	}
	vulndb_stats_release(&st);
	vulndb_close(db);
	return EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path = NULL;
	bool json = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd': path = optarg; break;
		case 'j': json = true; break;
		case 'h': fputs(db_help, stdout); return EXIT_OK;
		default: return usage_error("db", "unknown option");
		}
	}
	if (optind >= argc)
		return usage_error("db", "expected 'import PATH…' or 'info'");
	const char *sub = argv[optind++];
	if (!strcmp(sub, "import")) {
		if (optind >= argc)
			return usage_error("db", "import needs at least one PATH");
		return db_import(path, argv + optind, (size_t)(argc - optind));
	}
	if (!strcmp(sub, "info")) {
		if (optind != argc)
			return usage_error("db", "info takes no arguments");
		return db_info(path, json);
	}
	return usage_error("db", "unknown subcommand '%s'", sub);
}
