/* ShellCheck findings (SC codes) for RUN scripts, as hadolint reports them: each shell-form
 * RUN is checked as a script starting with "#!<the SHELL's program>" followed by
 * "export NAME=1" for every ARG / ENV visible in the stage (and hadolint's default proxy
 * variables), so that variables the Dockerfile declares are not reported as unassigned.
 * ONBUILD RUNs run in a later build: they get /bin/sh and the defaults only. SC2187 (ash is
 * checked as dash) and SC1090 (needs a directive) are excluded, as in hadolint, and SC1091
 * (a sourced file lives in the image, not next to the Dockerfile; hadolint's in-process
 * ShellCheck never reads files, so it never reports it). Non-POSIX
 * shells (PowerShell, cmd) are skipped. Every finding is reported at the RUN's line.
 *
 * All the scripts of one Dockerfile go to one `shellcheck --format=json` process (files in a
 * private temporary directory), so the cost is one start-up per Dockerfile. When the program
 * is not installed, nothing is reported. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lint/rules_hadolint.h"
#include "util/buf.h"
#include "util/mem.h"

enum { SHELLCHECK_OUTPUT_LIMIT = 64 * 1024 * 1024 };

static const char *const default_vars[] = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY",
					   "https_proxy", "FTP_PROXY", "ftp_proxy",
					   "NO_PROXY", "no_proxy", NULL};

/* The shellcheck program on PATH, malloc'd, or NULL. */
static char *find_shellcheck(void)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *found = NULL;
	if (!path)
		return NULL;
	copy = xstrdup(path);
	for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/shellcheck", *dir ? dir : ".");
		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

struct names {
	char **v;
	size_t n, cap;
};

static void names_add(struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return;
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(char *));
	s->v[s->n++] = xstrdup(name);
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* Is `name` a shell identifier (safe to write as `export name=1`)? */
static bool is_identifier(const char *name)
{
	if (!*name || (!(*name >= 'A' && *name <= 'Z') && !(*name >= 'a' && *name <= 'z') && *name != '_'))
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'A' && *p <= 'Z') && !(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') &&
		    *p != '_')
			return false;
	return true;
}

/* ARG and ENV names visible at instruction `at`: its stage and the stages it builds on. */
static void visible_vars(const struct hl *h, size_t at, struct names *out)
{
	int stage = h->ins[at].stage;
	size_t before = at;
	for (size_t k = 0; default_vars[k]; k++)
		names_add(out, default_vars[k]);
	if (stage < 0) {
		for (size_t i = 0; i < at; i++)
			if (h->ins[i].in->cmd == DF_ARG || h->ins[i].in->cmd == DF_ENV)
				for (size_t k = 0; k < h->ins[i].in->n_kvs; k++)
					names_add(out, h->ins[i].in->kvs[k].key);
		return;
	}
	for (int depth = 0; stage >= 0 && depth < 64; depth++) {
		const struct hl_stage *s = &h->stages[stage];
		for (size_t i = (size_t)s->first; i < (size_t)s->end && i < before; i++) {
			const struct df_instruction *in = h->ins[i].in;
			if (in->cmd == DF_ARG || in->cmd == DF_ENV)
				for (size_t k = 0; k < in->n_kvs; k++)
					names_add(out, in->kvs[k].key);
		}
		before = (size_t)s->first;
		stage = s->parent;
	}
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;
	if (!f)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* The script as hadolint hands it to ShellCheck. */
static char *script_for(const struct hl *h, size_t at)
{
	const struct hl_ins *r = &h->ins[at];
	struct names vars = {0};
	struct buf b;
	char prog[256];
	const char *shell = r->onbuild ? "/bin/sh" : r->shell;
	size_t n = strcspn(shell, " \t");
	if (n >= sizeof(prog))
		n = sizeof(prog) - 1;
	memcpy(prog, shell, n);
	prog[n] = '\0';
	buf_init(&b, 0);
	buf_append(&b, "#!", 2, NULL);
	buf_append(&b, prog, strlen(prog), NULL);
	buf_append(&b, "\n", 1, NULL);
	if (r->onbuild) {
		for (size_t k = 0; default_vars[k]; k++)
			names_add(&vars, default_vars[k]);
	} else {
		visible_vars(h, at, &vars);
	}
	for (size_t i = 0; i < vars.n; i++) {
		if (!is_identifier(vars.v[i]))
			continue;
		buf_append(&b, "export ", 7, NULL);
		buf_append(&b, vars.v[i], strlen(vars.v[i]), NULL);
		buf_append(&b, "=1\n", 3, NULL);
	}
	names_free(&vars);
	buf_append(&b, r->script, strlen(r->script), NULL);
	buf_append(&b, "\n", 1, NULL);
	return buf_detach(&b, NULL);
}

/* Run shellcheck on the files; its JSON output in *out (malloc'd). */
static int run_shellcheck(const char *prog, char **files, size_t n_files, char **out)
{
	int fds[2];
	pid_t pid;
	struct buf b;
	char chunk[65536];
	ssize_t got;
	int status;
	char **argv = xcalloc(n_files + 5, sizeof(char *));
	argv[0] = (char *)prog;
	argv[1] = (char *)"--format=json";
	argv[2] = (char *)"--exclude=SC2187,SC1090,SC1091";
	for (size_t i = 0; i < n_files; i++)
		argv[3 + i] = files[i];
	if (pipe(fds) != 0) {
		free(argv);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		free(argv);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(fds[1], STDOUT_FILENO);
		if (devnull >= 0) {
			dup2(devnull, STDERR_FILENO);
			dup2(devnull, STDIN_FILENO);
		}
		close(fds[0]);
		close(fds[1]);
		execv(prog, argv);
		_exit(127);
	}
	free(argv);
	close(fds[1]);
	buf_init(&b, SHELLCHECK_OUTPUT_LIMIT);
	while ((got = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || buf_append(&b, chunk, (size_t)got, NULL) < 0)
			break;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* 0: clean, 1: findings; anything else (bad usage, crash) reports nothing */
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		buf_release(&b);
		return -1;
	}
	*out = buf_detach(&b, NULL);
	if (!*out)
		*out = xstrdup("[]");
	return 0;
}

static enum lint_level level_of(const char *s)
{
	if (s && !strcmp(s, "error"))
		return LINT_ERROR;
	if (s && !strcmp(s, "warning"))
		return LINT_WARNING;
	if (s && !strcmp(s, "info"))
		return LINT_INFO;
	return LINT_STYLE;
}

static void report_findings(struct hl *h, const char *json, char **files, size_t *runs,
			    size_t n_files)
{
	json_error_t jerr;
	json_t *root = json_loads(json, 0, &jerr), *item;
	size_t idx;
	if (!json_is_array(root)) {
		json_decref(root);
		return;
	}
	json_array_foreach(root, idx, item) {
		const char *file = json_string_value(json_object_get(item, "file"));
		json_int_t code = json_integer_value(json_object_get(item, "code"));
		const char *msg = json_string_value(json_object_get(item, "message"));
		const char *level = json_string_value(json_object_get(item, "level"));
		char scode[32];
		for (size_t f = 0; file && f < n_files; f++) {
			if (strcmp(files[f], file) != 0)
				continue;
			snprintf(scode, sizeof(scode), "SC%lld", (long long)code);
			lint_report(h->ctx, scode, level_of(level), hl_line(&h->ins[runs[f]]), "%s",
				    msg ? msg : "");
			break;
		}
	}
	json_decref(root);
}

void hl_rules_shellcheck(struct hl *h)
{
	const char *tmpdir = getenv("TMPDIR");
	char *prog, *dir, *out = NULL;
	char **files = NULL;
	size_t *runs = NULL, n_files = 0, cap_f = 0, cap_r = 0;

	if (!h->ctx->config->shellcheck)
		return;
	for (size_t i = 0; i < h->n && !n_files; i++)
		if (h->ins[i].eff->cmd == DF_RUN && h->ins[i].script && h->ins[i].posix)
			n_files = 1;
	if (!n_files || !(prog = find_shellcheck()))
		return;
	n_files = 0;
	dir = xasprintf("%s/layerscope-sc.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir)) {
		free(dir);
		free(prog);
		return;
	}
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		char *script, *path;
		if (r->eff->cmd != DF_RUN || !r->script || !r->posix)
			continue;
		script = script_for(h, i);
		path = xasprintf("%s/run-%zu.sh", dir, i);
		if (write_file(path, script) == 0) {
			files = xgrow(files, &cap_f, n_files + 1, sizeof(char *));
			runs = xgrow(runs, &cap_r, n_files + 1, sizeof(size_t));
			files[n_files] = path;
			runs[n_files++] = i;
		} else {
			free(path);
		}
		free(script);
	}
	if (n_files && run_shellcheck(prog, files, n_files, &out) == 0)
		report_findings(h, out, files, runs, n_files);
	for (size_t f = 0; f < n_files; f++) {
		unlink(files[f]);
		free(files[f]);
	}
	rmdir(dir);
	free(dir);
	free(out);
	free(files);
	free(runs);
	free(prog);
}
