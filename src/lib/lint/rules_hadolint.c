/* hadolint's rules (DL codes) and its ShellCheck integration (SC codes), with hadolint's ids,
 * severities, messages and meaning. This file builds the view the rule groups share (see
 * rules_hadolint.h) and runs them; each rules_hadolint_<topic>.c holds one group. */
#include "lint/rules_hadolint.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"

bool hl_streq_nocase(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

char *hl_unquote(const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		return xstrndup(s + 1, n - 2);
	return xstrdup(s);
}

int hl_stage_by_name(const struct hl *h, const char *name, size_t before)
{
	int count = 0;
	bool numeric = *name != '\0';
	for (const char *p = name; *p; p++)
		numeric = numeric && isdigit((unsigned char)*p);
	for (size_t i = 0; i < h->n_stages; i++) {
		if ((size_t)h->stages[i].first >= before)
			break;
		count++;
		if (h->df->stages[i].name && hl_streq_nocase(h->df->stages[i].name, name))
			return (int)i;
	}
	if (numeric && strlen(name) < 9 && strtol(name, NULL, 10) < count)
		return (int)strtol(name, NULL, 10);
	return -1;
}

static bool kv_has(const struct df_instruction *in, const char *var)
{
	for (size_t k = 0; k < in->n_kvs; k++)
		if (!strcmp(in->kvs[k].key, var))
			return true;
	return false;
}

bool hl_var_declared(const struct hl *h, int stage, size_t before, const char *var)
{
	/* ARGs count wherever they were declared before (as hadolint reads them) */
	for (size_t i = 0; i < before && i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		if (r->eff->cmd == DF_ARG && kv_has(r->eff, var))
			return true;
		/* before the first FROM, ENV counts too (a file without FROM) */
		if (stage < 0 && r->stage < 0 && r->in->cmd == DF_ENV && kv_has(r->in, var))
			return true;
	}
	for (int depth = 0; stage >= 0 && depth < 64; depth++) {
		const struct hl_stage *s = &h->stages[stage];
		for (size_t i = (size_t)s->first; i < (size_t)s->end && i < before; i++)
			if (h->ins[i].eff->cmd == DF_ENV && !h->ins[i].onbuild &&
			    kv_has(h->ins[i].eff, var))
				return true;
		before = (size_t)s->first;
		stage = s->parent;
	}
	return false;
}

/* The value `var` gets from the ENVs among instructions [from, to) of the main sequence. */
static const char *env_in_range(const struct hl *h, size_t from, size_t to, const char *var)
{
	const char *found = NULL;
	for (size_t i = from; i < to && i < h->n; i++) {
		const struct df_instruction *in = h->ins[i].eff;
		if (in->cmd != DF_ENV || h->ins[i].onbuild)
			continue;
		for (size_t k = 0; k < in->n_kvs; k++)
			if (!strcmp(in->kvs[k].key, var))
				found = in->kvs[k].unquoted ? in->kvs[k].unquoted : "";
	}
	return found;
}

const char *hl_env_value(const struct hl *h, int stage, size_t before, const char *var)
{
	if (stage < 0)
		return env_in_range(h, 0, before, var);
	for (int depth = 0; stage >= 0 && depth < 64; depth++) {
		const struct hl_stage *s = &h->stages[stage];
		const char *found = env_in_range(h, (size_t)s->first,
						 before < (size_t)s->end ? before : (size_t)s->end, var);
		if (found)
			return found;
		before = (size_t)s->first;
		stage = s->parent;
	}
	return NULL;
}

/* --mount=type=cache,target=/x: the option value `key` of one mount flag value. */
static bool mount_option(const char *mount, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = mount;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = n - klen - 1;
			if (vlen >= outlen)
				vlen = outlen - 1;
			memcpy(out, p + klen + 1, vlen);
			out[vlen] = '\0';
			return true;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

bool hl_run_mounts(const struct df_instruction *in, const char *target)
{
	for (size_t f = 0; f < in->n_flags; f++) {
		char type[32], tgt[512];
		const struct df_flag *fl = &in->flags[f];
		if (strcmp(fl->name, "mount") != 0 || !fl->value)
			continue;
		if (!mount_option(fl->value, "type", type, sizeof(type)) ||
		    (strcmp(type, "cache") != 0 && strcmp(type, "tmpfs") != 0))
			continue;
		if ((mount_option(fl->value, "target", tgt, sizeof(tgt)) ||
		     mount_option(fl->value, "dst", tgt, sizeof(tgt)) ||
		     mount_option(fl->value, "destination", tgt, sizeof(tgt)))) {
			size_t n = strlen(tgt);
			while (n > 1 && tgt[n - 1] == '/')
				tgt[--n] = '\0';
			if (!strcmp(tgt, target))
				return true;
		}
	}
	return false;
}

/* "# hadolint shell=powershell.exe" (spaces allowed around '='): the shell, else NULL. */
static const char *shell_pragma(const char *comment, char *out, size_t outlen)
{
	const char *p = comment;
	size_t n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "hadolint", 8) != 0 && strncmp(p, "layerscope", 10) != 0)
		return NULL;
	p += *p == 'h' ? 8 : 10;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "shell", 5) != 0)
		return NULL;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t");
	if (n == 0 || n >= outlen)
		return NULL;
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

/* POSIX unless the shell's program is PowerShell or cmd (hadolint's non-POSIX shells). */
static bool shell_is_posix(const char *shell)
{
	char prog[256];
	size_t n = strcspn(shell, " \t");
	const char *base;
	if (n >= sizeof(prog))
		n = sizeof(prog) - 1;
	memcpy(prog, shell, n);
	prog[n] = '\0';
	base = prog;
	for (char *p = prog; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}
	return strncmp(base, "pwsh", 4) != 0 && strncmp(base, "powershell", 10) != 0 &&
	       strncmp(base, "cmd", 3) != 0;
}

static char *shell_of(const struct df_instruction *in)
{
	if (in->json_form) {
		size_t len = 0;
		char *s;
		for (size_t i = 0; i < in->n_args; i++)
			len += strlen(in->args[i]) + 1;
		s = xcalloc(1, len + 1);
		for (size_t i = 0; i < in->n_args; i++) {
			if (i)
				strncat(s, " ", len - strlen(s));
			strncat(s, in->args[i], len - strlen(s));
		}
		return s;
	}
	return xstrdup(in->args_text ? in->args_text : "");
}

/* Is the command line of a heredoc RUN a bare shell (sh, bash, ...) reading the heredoc? */
static bool heredoc_feeds_shell(const char *text)
{
	struct shell_script s;
	bool shell = false;
	shell_parse(text, &s);
	if (s.n_cmds == 1 && s.cmds[0].argc >= 1) {
		const char *base = strrchr(s.cmds[0].argv[0], '/');
		base = base ? base + 1 : s.cmds[0].argv[0];
		shell = (!strcmp(base, "sh") || !strcmp(base, "bash") || !strcmp(base, "ash") ||
			 !strcmp(base, "dash") || !strcmp(base, "zsh")) &&
			(s.cmds[0].argc == 1 || (s.cmds[0].argc == 2 && s.cmds[0].argv[1][0] == '-'));
	}
	shell_script_release(&s);
	return shell;
}

/* The text a POSIX shell runs for a shell-form RUN: heredoc bodies included. */
static char *run_script(const struct df_instruction *in)
{
	const char *text = in->args_text ? in->args_text : "";
	if (in->json_form)
		return NULL;
	if (in->n_heredocs == 0)
		return xstrdup(text);
	{
		/* "RUN <<EOF" alone: the body is the script */
		const char *p = text;
		while (*p == ' ' || *p == '\t')
			p++;
		if (in->n_heredocs == 1 && p[0] == '<' && p[1] == '<' &&
		    strcspn(p, " \t") == strlen(p))
			return xstrdup(in->heredocs[0].content ? in->heredocs[0].content : "");
	}
	if (heredoc_feeds_shell(text)) {
		/* "RUN <<EOF bash" / "RUN bash <<EOF": the bodies are the script */
		char *s = xstrdup("");
		for (size_t i = 0; i < in->n_heredocs; i++) {
			char *t = xasprintf("%s%s", s, in->heredocs[i].content ? in->heredocs[i].content : "");
			free(s);
			s = t;
		}
		return s;
	}
	{
		char *s = xstrdup(text);
		for (size_t i = 0; i < in->n_heredocs; i++) {
			char *t = xasprintf("%s\n%s%s", s, in->heredocs[i].content ? in->heredocs[i].content : "",
					    in->heredocs[i].name ? in->heredocs[i].name : "");
			free(s);
			s = t;
		}
		return s;
	}
}

static void build_stages(struct hl *h)
{
	const struct dockerfile *df = h->df;
	h->n_stages = df->n_stages;
	h->stages = xcalloc(df->n_stages + 1, sizeof(*h->stages));
	for (size_t s = 0; s < df->n_stages; s++) {
		h->stages[s].first = df->stages[s].instruction;
		h->stages[s].end = s + 1 < df->n_stages ? df->stages[s + 1].instruction : (int)h->n;
		h->stages[s].parent = -1;
		for (size_t p = 0; p < s; p++)
			if (df->stages[p].name && hl_streq_nocase(df->stages[p].name, df->stages[s].base_image))
				h->stages[s].parent = (int)p;
		if (h->stages[s].parent >= 0)
			h->stages[h->stages[s].parent].used = true;
	}
	if (df->n_stages)
		h->stages[df->n_stages - 1].used = true;
}

void hl_init(struct hl *h, struct lint_ctx *ctx)
{
	const struct dockerfile *df = ctx->df;
	char pragma[256];
	char *global_shell = xstrdup("/bin/sh -c");
	char **stage_shell;
	char *cur;
	size_t c = 0;

	memset(h, 0, sizeof(*h));
	h->ctx = ctx;
	h->df = df;
	h->n = df->n_ins;
	h->ins = xcalloc(df->n_ins + 1, sizeof(*h->ins));
	build_stages(h);
	stage_shell = xcalloc(h->n_stages + 1, sizeof(char *));
	/* a shell pragma before the first FROM applies to every stage */
	for (size_t k = 0; k < df->n_comments; k++) {
		int first = df->n_ins ? df->ins[0].line_start : 1 << 30;
		for (size_t i = 0; i < df->n_ins; i++)
			if (df->ins[i].cmd == DF_FROM) {
				first = df->ins[i].line_start;
				break;
			}
		if (df->comments[k].line < first &&
		    shell_pragma(df->comments[k].text, pragma, sizeof(pragma))) {
			free(global_shell);
			global_shell = xstrdup(pragma);
		}
	}
	cur = xstrdup(global_shell);
	for (size_t i = 0; i < df->n_ins; i++) {
		struct hl_ins *r = &h->ins[i];
		const struct df_instruction *in = &df->ins[i];
		/* shell pragmas between the previous instruction and this one */
		for (; c < df->n_comments && df->comments[c].line < in->line_start; c++)
			if (shell_pragma(df->comments[c].text, pragma, sizeof(pragma))) {
				free(cur);
				cur = xstrdup(pragma);
			}
		r->in = in;
		r->onbuild = in->cmd == DF_ONBUILD && in->sub;
		r->eff = r->onbuild ? in->sub : in;
		r->stage = in->stage;
		if (in->cmd == DF_FROM) {
			int parent = in->stage >= 0 ? h->stages[in->stage].parent : -1;
			free(cur);
			cur = xstrdup(parent >= 0 && stage_shell[parent] ? stage_shell[parent] : global_shell);
		} else if (in->cmd == DF_SHELL) {
			free(cur);
			cur = shell_of(in);
		}
		if (in->stage >= 0 && (size_t)in->stage < h->n_stages) {
			free(stage_shell[in->stage]);
			stage_shell[in->stage] = xstrdup(cur);
		}
		if (r->eff->cmd == DF_RUN) {
			r->shell = xstrdup(cur);
			r->posix = shell_is_posix(cur);
			r->script = run_script(r->eff);
			if (r->script && r->posix) {
				r->sh = xmalloc(sizeof(*r->sh));
				shell_parse(r->script, r->sh);
			}
		}
	}
	free(cur);
	free(global_shell);
	for (size_t s = 0; s < h->n_stages; s++)
		free(stage_shell[s]);
	free(stage_shell);
}

void hl_release(struct hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		if (h->ins[i].sh) {
			shell_script_release(h->ins[i].sh);
			free(h->ins[i].sh);
		}
		free(h->ins[i].script);
		free(h->ins[i].shell);
	}
	free(h->ins);
	free(h->stages);
}

/* DL1001: inline ignore pragmas (off unless enabled in the configuration). */
static void rule_dl1001(struct hl *h)
{
	for (size_t k = 0; k < h->df->n_comments; k++) {
		const char *p = h->df->comments[k].text;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "hadolint", 8) != 0)
			continue;
		p += 8;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "ignore", 6) && (p[6] == '=' || p[6] == ' ' || p[6] == '\t'))
			lint_report(h->ctx, "DL1001", LINT_NONE, h->df->comments[k].line,
				    "Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.");
	}
}

void rules_hadolint(struct lint_ctx *ctx)
{
	struct hl h;
	hl_init(&h, ctx);
	rule_dl1001(&h);
	hl_rules_from(&h);
	hl_rules_run(&h);
	hl_rules_pkg(&h);
	hl_rules_copy(&h);
	hl_rules_labels(&h);
	hl_rules_shellcheck(&h);
	hl_release(&h);
}
