/* layerscope lint [FILE...]: hadolint's DL rules, ShellCheck, BuildKit's checks and
 * layerscope's LS rules over Dockerfiles, in hadolint's output formats. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lint/dockerfile.h"
#include "lint/lint.h"
#include "lint/lint_format.h"
#include "util/buf.h"
#include "util/mem.h"

#define DOCKERFILE_MAX_BYTES (16u << 20)

static const char *lint_help =
	"Usage: layerscope lint [options] [FILE...]\n\n"
	"Lint Dockerfiles: hadolint's DL rules, ShellCheck findings (SC codes) on RUN scripts,\n"
	"BuildKit's build checks (StageNameCasing, UndefinedVar, ...) and layerscope's LS rules.\n"
	"FILE defaults to ./Dockerfile, then ./Containerfile; '-' reads standard input.\n"
	"ShellCheck findings need the 'shellcheck' program (Debian package shellcheck); without\n"
	"it they are skipped quietly.\n\n"
	"  -f, --format FMT            tty (default), json, sarif, checkstyle, gitlab_codeclimate,\n"
	"                              gnu\n"
	"  -t, --failure-threshold L   exit 1 when a finding is at least L: error, warning, info\n"
	"                              (default), style, none\n"
	"      --no-fail               always exit 0 when linting worked\n"
	"      --ignore CODE           do not report CODE (repeatable)\n"
	"      --error|--warning|--info|--style CODE   change CODE's severity (repeatable)\n"
	"  -c, --config FILE           config file (default: ./.layerscope.yaml, ./.hadolint.yaml,\n"
	"                              ./.hadolint.yml, $XDG_CONFIG_HOME/hadolint.yaml,\n"
	"                              ~/.config/hadolint.yaml, ...)\n"
	"      --trusted-registry REG  registry allowed in FROM (DL3026; repeatable)\n"
	"      --require-label L:TYPE  label schema entry (DL3049-DL3058; repeatable)\n"
	"      --strict-labels         labels outside the schema are reported (DL3050)\n"
	"      --disable-ignore-pragma ignore '# hadolint ignore=' comments\n"
	"      --context DIR           build context for .dockerignore rules (default: the\n"
	"                              Dockerfile's directory)\n"
	"      --no-shellcheck         do not run ShellCheck\n"
	"      --file-path-in-report P name to print for the file (useful with '-')\n"
	"      --buildkit-check SPEC   BuildKit check options as the BUILDKIT_DOCKERFILE_CHECK\n"
	"                              build arg (e.g. 'skip=all'); replaces '# check='\n"
	"      --no-color              plain tty output\n\n"
	"Pragmas: '# hadolint ignore=DL3006,DL3008' (next instruction), '# hadolint global\n"
	"ignore=...', the same with '# layerscope'; '# check=skip=...;error=true' for BuildKit\n"
	"checks. Environment: HADOLINT_IGNORE, HADOLINT_FAILURE_THRESHOLD, HADOLINT_NOFAIL,\n"
	"HADOLINT_OVERRIDE_{ERROR,WARNING,INFO,STYLE}, HADOLINT_TRUSTED_REGISTRIES,\n"
	"HADOLINT_REQUIRE_LABELS, HADOLINT_STRICT_LABELS, HADOLINT_DISABLE_IGNORE_PRAGMA.\n"
	"Exit codes: 0 clean, 1 a finding reached the threshold, 2 usage or input error.\n";

enum {
	OPT_IGNORE = 2000,
	OPT_NO_FAIL,
	OPT_ERROR,
	OPT_WARNING,
	OPT_INFO,
	OPT_STYLE,
	OPT_TRUSTED,
	OPT_LABEL,
	OPT_STRICT_LABELS,
	OPT_DISABLE_PRAGMA,
	OPT_CONTEXT,
	OPT_NO_SHELLCHECK,
	OPT_FILE_PATH,
	OPT_NO_COLOR,
	OPT_BUILDKIT_CHECK,
	OPT_DUMP_AST,
	OPT_DUMP_HEREDOCS,
	OPT_DUMP_LINES,
	OPT_DEBUG_EXPAND,
};

/* Command-line settings, applied over the config file and the environment. */
struct lint_cli {
	enum lint_format format;
	const char *config_path;
	const char *threshold;
	bool no_fail, strict_labels, disable_pragma, no_shellcheck, no_color;
	const char *context_dir, *file_path, *buildkit_check;
	struct lint_config extra; /* ignores, overrides, registries, labels from the CLI */
	int debug;                /* one of the hidden OPT_DUMP_* / OPT_DEBUG_EXPAND, or 0 */
};

static int read_all(const char *path, char **data, size_t *len, ls_error *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return ls_fail_errno(err, errno, "%s", path);
	struct buf b;
	buf_init(&b, DOCKERFILE_MAX_BYTES);
	char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((rc = buf_append(&b, chunk, n, err)) < 0)
			break;
	if (rc == 0 && ferror(f))
		rc = ls_fail_errno(err, errno, "%s", path);
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		buf_release(&b);
		return ls_wrap(err, "%s", path);
	}
	*data = buf_detach(&b, len);
	return 0;
}

static void strv_append(char ***v, size_t *n, const char *s)
{
	size_t cap = *n;
	*v = xgrow(*v, &cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static void merge_cli(struct lint_config *cfg, const struct lint_cli *cli)
{
	const struct lint_config *x = &cli->extra;
	for (size_t i = 0; i < x->n_ignored; i++)
		strv_append(&cfg->ignored, &cfg->n_ignored, x->ignored[i]);
	for (size_t i = 0; i < x->n_trusted_registries; i++)
		strv_append(&cfg->trusted_registries, &cfg->n_trusted_registries,
			    x->trusted_registries[i]);
	for (size_t i = 0; i < x->n_overrides; i++) {
		size_t cap = cfg->n_overrides;
		cfg->overrides = xgrow(cfg->overrides, &cap, cfg->n_overrides + 1,
				       sizeof(*cfg->overrides));
		cfg->overrides[cfg->n_overrides++] = (struct lint_level_override){
			xstrdup(x->overrides[i].code), x->overrides[i].level};
	}
	for (size_t i = 0; i < x->n_label_schema; i++) {
		size_t cap = cfg->n_label_schema;
		cfg->label_schema = xgrow(cfg->label_schema, &cap, cfg->n_label_schema + 1,
					  sizeof(*cfg->label_schema));
		cfg->label_schema[cfg->n_label_schema++] = (struct lint_label_rule){
			xstrdup(x->label_schema[i].name), xstrdup(x->label_schema[i].type)};
	}
	if (cli->no_fail)
		cfg->no_fail = true;
	if (cli->strict_labels)
		cfg->strict_labels = true;
	if (cli->disable_pragma)
		cfg->disable_ignore_pragma = true;
	if (cli->no_shellcheck)
		cfg->shellcheck = false;
	if (cli->context_dir)
		cfg->context_dir = xstrdup(cli->context_dir);
	const char *check = cli->buildkit_check ? cli->buildkit_check
						: getenv("BUILDKIT_DOCKERFILE_CHECK");
	if (check)
		cfg->buildkit_check = xstrdup(check);
}

static int build_config(struct lint_cli *cli, struct lint_config *cfg)
{
	ls_error err = {{0}};
	lint_config_init(cfg);
	char *path = cli->config_path ? xstrdup(cli->config_path) : lint_config_find();
	if (path && lint_config_load_file(cfg, path, &err) < 0) {
		print_error("lint: config: %s", err.msg);
		free(path);
		return -1;
	}
	free(path);
	if (lint_config_from_env(cfg, &err) < 0) {
		print_error("lint: %s", err.msg);
		return -1;
	}
	merge_cli(cfg, cli);
	if (cli->threshold && lint_level_parse(cli->threshold, &cfg->failure_threshold) < 0) {
		print_error("lint: --failure-threshold: '%s' is not error, warning, info, style or "
			    "none",
			    cli->threshold);
		return -1;
	}
	return 0;
}

static int add_override_opt(struct lint_cli *cli, enum lint_level level, const char *code)
{
	size_t cap = cli->extra.n_overrides;
	cli->extra.overrides = xgrow(cli->extra.overrides, &cap, cli->extra.n_overrides + 1,
				     sizeof(*cli->extra.overrides));
	cli->extra.overrides[cli->extra.n_overrides++] = (struct lint_level_override){
		xstrdup(code), level};
	return 0;
}

static void add_label_opt(struct lint_cli *cli, const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t cap = cli->extra.n_label_schema;
	cli->extra.label_schema = xgrow(cli->extra.label_schema, &cap, cli->extra.n_label_schema + 1,
					sizeof(*cli->extra.label_schema));
	cli->extra.label_schema[cli->extra.n_label_schema++] = (struct lint_label_rule){
		colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec),
		xstrdup(colon ? colon + 1 : "text")};
}

static int parse_options(int argc, char **argv, struct lint_cli *cli)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"format", required_argument, NULL, 'f'},
		{"failure-threshold", required_argument, NULL, 't'},
		{"config", required_argument, NULL, 'c'},
		{"ignore", required_argument, NULL, OPT_IGNORE},
		{"no-fail", no_argument, NULL, OPT_NO_FAIL},
		{"error", required_argument, NULL, OPT_ERROR},
		{"warning", required_argument, NULL, OPT_WARNING},
		{"info", required_argument, NULL, OPT_INFO},
		{"style", required_argument, NULL, OPT_STYLE},
		{"trusted-registry", required_argument, NULL, OPT_TRUSTED},
		{"require-label", required_argument, NULL, OPT_LABEL},
		{"strict-labels", no_argument, NULL, OPT_STRICT_LABELS},
		{"disable-ignore-pragma", no_argument, NULL, OPT_DISABLE_PRAGMA},
		{"context", required_argument, NULL, OPT_CONTEXT},
		{"no-shellcheck", no_argument, NULL, OPT_NO_SHELLCHECK},
		{"file-path-in-report", required_argument, NULL, OPT_FILE_PATH},
		{"no-color", no_argument, NULL, OPT_NO_COLOR},
		{"buildkit-check", required_argument, NULL, OPT_BUILDKIT_CHECK},
		/* hidden: conformance helpers */
		{"dump-ast", no_argument, NULL, OPT_DUMP_AST},
		{"dump-heredocs", no_argument, NULL, OPT_DUMP_HEREDOCS},
		{"dump-lines", no_argument, NULL, OPT_DUMP_LINES},
		{"debug-expand", no_argument, NULL, OPT_DEBUG_EXPAND},
		{NULL, 0, NULL, 0},
	};
	int opt;
	optind = 1;
	opterr = 0; /* one message of our own instead of getopt's */
	while ((opt = getopt_long(argc, argv, "hf:t:c:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': fputs(lint_help, stdout); return 1;
		case 'f':
			if (lint_format_parse(optarg, &cli->format) < 0)
				return usage_error("lint", "unknown format '%s'", optarg), -1;
			break;
		case 't': cli->threshold = optarg; break;
		case 'c': cli->config_path = optarg; break;
		case OPT_IGNORE:
			strv_append(&cli->extra.ignored, &cli->extra.n_ignored, optarg);
			break;
		case OPT_NO_FAIL: cli->no_fail = true; break;
		case OPT_ERROR: add_override_opt(cli, LINT_ERROR, optarg); break;
		case OPT_WARNING: add_override_opt(cli, LINT_WARNING, optarg); break;
		case OPT_INFO: add_override_opt(cli, LINT_INFO, optarg); break;
		case OPT_STYLE: add_override_opt(cli, LINT_STYLE, optarg); break;
		case OPT_TRUSTED:
			strv_append(&cli->extra.trusted_registries, &cli->extra.n_trusted_registries,
				    optarg);
			break;
		case OPT_LABEL: add_label_opt(cli, optarg); break;
		case OPT_STRICT_LABELS: cli->strict_labels = true; break;
		case OPT_DISABLE_PRAGMA: cli->disable_pragma = true; break;
		case OPT_CONTEXT: cli->context_dir = optarg; break;
		case OPT_NO_SHELLCHECK: cli->no_shellcheck = true; break;
		case OPT_FILE_PATH: cli->file_path = optarg; break;
		case OPT_NO_COLOR: cli->no_color = true; break;
		case OPT_BUILDKIT_CHECK: cli->buildkit_check = optarg; break;
		case OPT_DUMP_AST:
		case OPT_DUMP_HEREDOCS:
		case OPT_DUMP_LINES:
		case OPT_DEBUG_EXPAND: cli->debug = opt; break;
		default:
			return usage_error("lint", "unknown option or missing value: %s",
					   argv[optind - 1]), -1;
		}
	}
	return 0;
}

static void dump_heredocs(const struct dockerfile *df)
{
	for (size_t i = 0; i < df->n_ins; i++) {
		const struct df_instruction *in = &df->ins[i];
		for (size_t k = 0; k < in->n_heredocs; k++) {
			const struct df_heredoc *h = &in->heredocs[k];
			json_t *j = json_pack("{s:i, s:s, s:s, s:b, s:b, s:i, s:s}", "line",
					      in->line_start, "instruction", in->keyword, "name",
					      h->name, "expand", h->expand, "chomp", h->chomp, "fd",
					      h->fd, "content", h->content);
			json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(j);
		}
	}
}

/* Reads lines "env K=V", "word TEXT", "words TEXT" from stdin; prints one result line each
 * ("error" when expansion fails; words joined by ','). For the lexer conformance test. */
static int debug_expand(void)
{
	struct shell_env env = {0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		ls_error err;
		if (!strcmp(line, "reset")) {
			shell_env_release(&env);
			puts("");
		} else if (!strncmp(line, "env ", 4)) {
			char *eq = strchr(line + 4, '=');
			if (eq) {
				*eq = '\0';
				shell_env_set(&env, line + 4, eq + 1);
			}
			puts("ok");
		} else if (!strncmp(line, "word ", 5)) {
			char *out;
			if (shell_expand_word(line + 5, &env, '\\', 0, &out, NULL, NULL, &err) < 0) {
				puts("error");
			} else {
				puts(out);
				free(out);
			}
		} else if (!strncmp(line, "words ", 6)) {
			char **w;
			size_t nw;
			if (shell_split_words(line + 6, &env, '\\', 0, &w, &nw, &err) < 0) {
				puts("error");
				continue;
			}
			for (size_t i = 0; i < nw; i++)
				printf("%s%s", i ? "," : "", w[i]);
			putchar('\n');
			shell_strv_free(w, nw);
		}
		fflush(stdout);
	}
	free(line);
	shell_env_release(&env);
	return EXIT_OK;
}

static const char *default_file(void)
{
	if (access("Dockerfile", F_OK) == 0)
		return "Dockerfile";
	if (access("Containerfile", F_OK) == 0)
		return "Containerfile";
	return NULL;
}

static char *context_of(const struct lint_config *cfg, const char *path)
{
	if (cfg->context_dir)
		return xstrdup(cfg->context_dir);
	if (!strcmp(path, "-"))
		return xstrdup(".");
	char *copy = xstrdup(path);
	char *dir = xstrdup(dirname(copy));
	free(copy);
	return dir;
}

struct lint_run {
	struct lint_ctx *ctxs;
	struct dockerfile **dfs;
	char **names;
	char **contexts;
	size_t n;
};

static int lint_one(struct lint_run *run, const struct lint_config *cfg, const struct lint_cli *cli,
		    const char *path)
{
	ls_error err = {{0}};
	char *text;
	size_t len;
	if (read_all(path, &text, &len, &err) < 0) {
		print_error("lint: %s", err.msg);
		return -1;
	}
	const char *name = cli->file_path ? cli->file_path : path;
	struct dockerfile *df;
	/* an empty or comments-only file has nothing to lint (hadolint), but is not a Dockerfile
	 * BuildKit would parse (--dump-ast) */
	unsigned flags = cli->debug ? 0 : DF_PARSE_ALLOW_EMPTY;
	int rc = dockerfile_parse_ex(text, len, name, flags, &df, &err);
	free(text);
	if (rc < 0) {
		print_error("lint: %s: %s", name, err.msg);
		return -1;
	}
	if (cli->debug == OPT_DUMP_AST) {
		dockerfile_dump(df, stdout);
		dockerfile_free(df);
		return 0;
	}
	if (cli->debug == OPT_DUMP_LINES) {
		for (size_t k = 0; k < df->n_ins; k++)
			printf("%d-%d\n", df->ins[k].line_start, df->ins[k].line_end);
		dockerfile_free(df);
		return 0;
	}
	if (cli->debug == OPT_DUMP_HEREDOCS) {
		dump_heredocs(df);
		dockerfile_free(df);
		return 0;
	}
	size_t i = run->n++;
	run->ctxs = xrealloc(run->ctxs, run->n * sizeof(*run->ctxs));
	run->dfs = xrealloc(run->dfs, run->n * sizeof(*run->dfs));
	run->names = xrealloc(run->names, run->n * sizeof(*run->names));
	run->contexts = xrealloc(run->contexts, run->n * sizeof(*run->contexts));
	run->dfs[i] = df;
	run->names[i] = xstrdup(name);
	run->contexts[i] = context_of(cfg, path);
	lint_ctx_init(&run->ctxs[i], df, cfg, run->names[i], run->contexts[i]);
	lint_run(&run->ctxs[i]);
	return 0;
}

static void run_release(struct lint_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		lint_ctx_release(&run->ctxs[i]);
		dockerfile_free(run->dfs[i]);
		free(run->names[i]);
		free(run->contexts[i]);
	}
	free(run->ctxs);
	free(run->dfs);
	free(run->names);
	free(run->contexts);
}

static int report(const struct lint_run *run, const struct lint_config *cfg,
		  const struct lint_cli *cli)
{
	size_t total = 0;
	for (size_t i = 0; i < run->n; i++)
		total += run->ctxs[i].n_findings;
	const struct lint_finding **all = xcalloc(total ? total : 1, sizeof(*all));
	size_t k = 0;
	bool failed = false;
	for (size_t i = 0; i < run->n; i++) {
		for (size_t j = 0; j < run->ctxs[i].n_findings; j++) {
			all[k] = &run->ctxs[i].findings[j];
			failed |= lint_level_reaches(all[k]->level, cfg->failure_threshold);
			k++;
		}
	}
	bool color = !cli->no_color && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	lint_print(stdout, cli->format, all, total, run->names, run->n, color, LS_VERSION);
	free(all);
	fflush(stdout);
	return failed && !cfg->no_fail ? EXIT_GATE : EXIT_OK;
}

static void cli_release(struct lint_cli *cli)
{
	lint_config_release(&cli->extra);
}

int cmd_lint(int argc, char **argv)
{
	struct lint_cli cli = {0};
	lint_config_init(&cli.extra);
	int rc = parse_options(argc, argv, &cli);
	if (rc != 0) {
		cli_release(&cli);
		return rc > 0 ? EXIT_OK : EXIT_ERROR;
	}
	if (cli.debug == OPT_DEBUG_EXPAND) {
		cli_release(&cli);
		return debug_expand();
	}
	struct lint_config cfg;
	if (build_config(&cli, &cfg) < 0) {
		lint_config_release(&cfg);
		cli_release(&cli);
		return EXIT_ERROR;
	}
	struct lint_run run = {0};
	int status = EXIT_OK;
	if (optind >= argc) {
		const char *def = default_file();
		if (!def) {
			print_error("lint: no Dockerfile or Containerfile in the current directory");
			status = EXIT_ERROR;
		} else if (lint_one(&run, &cfg, &cli, def) < 0) {
			status = EXIT_ERROR;
		}
	}
	for (int i = optind; i < argc && status == EXIT_OK; i++)
		if (lint_one(&run, &cfg, &cli, argv[i]) < 0)
			status = EXIT_ERROR;
	if (status == EXIT_OK && !cli.debug)
		status = report(&run, &cfg, &cli);
	run_release(&run);
	lint_config_release(&cfg);
	cli_release(&cli);
	return status;
}
