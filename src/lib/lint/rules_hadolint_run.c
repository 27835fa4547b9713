/* hadolint rules about RUN scripts in general and apt: DL3001 DL3003 DL3004 DL3008 DL3009
 * DL3010 DL3014 DL3015 DL3027 DL3046 DL3047 DL3059 DL4001 DL4005 DL4006. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/rules_hadolint.h"
#include "util/mem.h"

static bool is_apt_get_install(const struct shell_cmd *c)
{
	return cmd_is(c, "apt-get", "install");
}

/* apt-get flags that take a value (their value is not a package). */
static const char *const apt_value_flags[] = {"-o", "--option", "-t", "--target-release",
					      "--default-release", "-c", "--config-file", NULL};

/* DL3001 */
static void rule_pointless_commands(struct hl *h, const struct hl_ins *r)
{
	static const char *const names[] = {"ssh",  "vim",   "shutdown", "service", "ps",
					    "free", "top",   "kill",     "mount",   "ifconfig", NULL};
	hl_for_cmds(r, c)
		for (size_t k = 0; names[k]; k++)
			if (!strcmp(c->argv[0], names[k])) {
				lint_report(h->ctx, "DL3001", LINT_INFO, hl_line(r),
					    "For some bash commands it makes no sense running them in a "
					    "Docker container like `ssh`, `vim`, `shutdown`, `service`, "
					    "`ps`, `free`, `top`, `kill`, `mount`, `ifconfig`");
				return;
			}
}

static bool any_cmd(const struct hl_ins *r, const char *name, const char *sub)
{
	hl_for_cmds(r, c)
		if (cmd_is(c, name, sub))
			return true;
	return false;
}

/* DL3008: every apt-get install package carries =version (or is a local .deb / path). */
static void rule_apt_pin(struct hl *h, const struct hl_ins *r)
{
	hl_for_cmds(r, c) {
		size_t *idx, n;
		bool bad = false;
		if (!is_apt_get_install(c))
			continue;
		n = cmd_args_after(c, "install", apt_value_flags, &idx);
		for (size_t k = 0; k < n; k++) {
			const char *p = c->argv[idx[k]];
			size_t len = strlen(p);
			if (!strchr(p, '=') && !strchr(p, '/') && !(len > 4 && !strcmp(p + len - 4, ".deb")))
				bad = true;
		}
		free(idx);
		if (bad) {
			lint_report(h->ctx, "DL3008", LINT_WARNING, hl_line(r),
				    "Pin versions in apt get install. Instead of `apt-get install "
				    "<package>` use `apt-get install <package>=<version>`");
			return;
		}
	}
}

/* apt-get install -y, or quiet twice (-qq, -q -q, -q=2, --quiet --quiet) */
static bool apt_assumes_yes(const struct shell_cmd *c)
{
	int quiet = 0;
	if (cmd_has_flag(c, "-y", "--yes", "--assume-yes"))
		return true;
	for (size_t i = 1; i < c->argc; i++) {
		const char *w = c->argv[i];
		if (!shell_word_is_flag(w))
			continue;
		if (!strncmp(w, "--quiet", 7))
			quiet += w[7] == '=' ? (w[8] >= '2' && w[8] <= '9' ? 2 : 1) : 1;
		else if (!strncmp(w, "-q=", 3))
			quiet += w[3] >= '2' && w[3] <= '9' ? 2 : 1;
		else if (w[1] != '-')
			for (const char *p = w + 1; *p; p++)
				quiet += *p == 'q';
	}
	return quiet >= 2;
}

static void rule_apt_flags(struct hl *h, const struct hl_ins *r)
{
	bool yes_missing = false, recommends = false;
	hl_for_cmds(r, c) {
		if (!is_apt_get_install(c))
			continue;
		if (!apt_assumes_yes(c))
			yes_missing = true;
		if (!cmd_has_flag(c, "--no-install-recommends") &&
		    !cmd_has_arg(c, "APT::Install-Recommends=false"))
			recommends = true;
	}
	if (yes_missing)
		lint_report(h->ctx, "DL3014", LINT_WARNING, hl_line(r),
			    "Use the `-y` switch to avoid manual input `apt-get -y install <package>`");
	if (recommends)
		lint_report(h->ctx, "DL3015", LINT_INFO, hl_line(r),
			    "Avoid additional packages by specifying `--no-install-recommends`");
	if (any_cmd(r, "apt", NULL))
		lint_report(h->ctx, "DL3027", LINT_WARNING, hl_line(r),
			    "Do not use apt as it is meant to be a end-user tool, use apt-get or "
			    "apt-cache instead");
}

/* DL3009: `apt-get update` without removing /var/lib/apt/lists in the same RUN (or a cache
 * mount holding them). */
static bool apt_lists_left(const struct hl_ins *r)
{
	bool update = false, cleanup = false;
	hl_for_cmds(r, c) {
		if (cmd_is(c, "apt-get", "update") || cmd_is(c, "apt", "update") ||
		    cmd_is(c, "aptitude", "update"))
			update = true;
		if (!strcmp(c->argv[0], "rm"))
			for (size_t i = 1; i < c->argc; i++)
				if (!strncmp(c->argv[i], "/var/lib/apt/lists", 18))
					cleanup = true;
	}
	if (!update || cleanup)
		return false;
	if (hl_run_mounts(r->eff, "/var/lib/apt/lists"))
		return false;
	if (hl_run_mounts(r->eff, "/var/lib/apt") && hl_run_mounts(r->eff, "/var/cache/apt"))
		return false;
	return true;
}

static void rule_apt_lists(struct hl *h, const struct hl_ins *r)
{
	/* a stage nothing builds on is thrown away: its lists do not matter (not for ONBUILD) */
	if (!r->onbuild && r->stage >= 0 && !h->stages[r->stage].used)
		return;
	if (apt_lists_left(r))
		lint_report(h->ctx, "DL3009", LINT_INFO, hl_line(r),
			    "Delete the apt-get lists after installing something");
}

static void rule_misc_cmds(struct hl *h, const struct hl_ins *r)
{
	bool cd = false, sudo = false, ln_sh = false, useradd = false, wget = false;
	hl_for_cmds(r, c) {
		const char *n = c->argv[0];
		if (!strcmp(n, "cd"))
			cd = true;
		else if (!strcmp(n, "sudo"))
			sudo = true;
		else if (!strcmp(n, "ln") && cmd_has_arg(c, "/bin/sh"))
			ln_sh = true;
		else if (!strcmp(n, "useradd")) {
			const char *uid = cmd_flag_value(c, "-u", "--uid");
			if (uid && strlen(uid) > 5 && !cmd_has_flag(c, "-l", "--no-log-init"))
				useradd = true;
		} else if (!strcmp(n, "wget")) {
			if (!cmd_has_flag(c, "--progress", "-q", "--quiet", "--no-verbose", "-o",
					  "--output-file", "-a", "--append-output") &&
			    !cmd_has_arg(c, "-nv"))
				wget = true;
		}
	}
	if (cd)
		lint_report(h->ctx, "DL3003", LINT_WARNING, hl_line(r),
			    "Use WORKDIR to switch to a directory");
	if (sudo)
		lint_report(h->ctx, "DL3004", LINT_ERROR, hl_line(r),
			    "Do not use sudo as it leads to unpredictable behavior. Use a tool like "
			    "gosu to enforce root");
	if (ln_sh)
		lint_report(h->ctx, "DL4005", LINT_WARNING, hl_line(r),
			    "Use SHELL to change the default shell");
	if (useradd)
		lint_report(h->ctx, "DL3046", LINT_WARNING, hl_line(r),
			    "`useradd` without flag `-l` and high UID will result in excessively "
			    "large Image.");
	if (wget)
		lint_report(h->ctx, "DL3047", LINT_INFO, hl_line(r),
			    "Avoid use of wget without progress bar. Use `wget --progress=dot:giga "
			    "<url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or "
			    "`--no-verbose`).");
}

/* DL4001: wget and curl in the same stage; reported on each RUN using one once both seen. */
static void rule_wget_curl(struct hl *h)
{
	bool wget = false, curl = false;
	int stage = -2;
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		bool uses = false;
		if (r->stage != stage) {
			stage = r->stage;
			wget = curl = false;
		}
		hl_for_cmds(r, c) {
			if (!strcmp(c->argv[0], "wget"))
				wget = uses = true;
			if (!strcmp(c->argv[0], "curl"))
				curl = uses = true;
		}
		if (uses && wget && curl)
			lint_report(h->ctx, "DL4001", LINT_WARNING, hl_line(r),
				    "Either use Wget or Curl but not both");
	}
}

/* SHELL [..., "-o", "pipefail", ...] with bash, zsh or ash. */
static bool shell_has_pipefail(const char *shell)
{
	struct shell_script s;
	bool found = false;
	shell_parse(shell, &s);
	for (size_t i = 0; i < s.n_cmds && !found; i++) {
		const struct shell_cmd *c = &s.cmds[i];
		const char *base = strrchr(c->argv[0], '/');
		base = base ? base + 1 : c->argv[0];
		if ((!strcmp(base, "bash") || !strcmp(base, "zsh") || !strcmp(base, "ash")) &&
		    cmd_has_flag(c, "-o") && cmd_has_arg(c, "pipefail"))
			found = true;
	}
	shell_script_release(&s);
	return found;
}

/* DL4006: a pipe in RUN while pipefail is off (SHELL, or `set -o pipefail` earlier in the
 * same script, which hadolint itself does not look at). */
static void rule_pipefail(struct hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		bool bad = false;
		if (r->eff->cmd != DF_RUN || !r->sh || !r->posix || shell_has_pipefail(r->shell))
			continue;
		hl_for_cmds(r, c)
			if (c->op_after == SHELL_OP_PIPE && !c->pipefail)
				bad = true;
		if (bad)
			lint_report(h->ctx, "DL4006", LINT_WARNING, hl_line(r),
				    "Set the SHELL option -o pipefail before RUN with a pipe in it. If "
				    "you are using /bin/sh in an alpine image or if your shell is "
				    "symlinked to busybox then consider explicitly setting your SHELL to "
				    "/bin/ash, or disable this check");
	}
}

static size_t count_cmds(const struct hl_ins *r)
{
	return r->sh ? r->sh->n_cmds : 1;
}

static bool same_flags(const struct df_instruction *a, const struct df_instruction *b)
{
	if (a->n_flags != b->n_flags)
		return false;
	for (size_t f = 0; f < a->n_flags; f++) {
		const char *va = a->flags[f].value ? a->flags[f].value : "";
		const char *vb = b->flags[f].value ? b->flags[f].value : "";
		if (strcmp(a->flags[f].name, b->flags[f].name) != 0 || strcmp(va, vb) != 0)
			return false;
	}
	return true;
}

/* DL3059: consecutive single-command RUNs with the same flags. */
static void rule_consecutive_runs(struct hl *h)
{
	for (size_t i = 1; i < h->n; i++) {
		const struct hl_ins *a = &h->ins[i - 1], *b = &h->ins[i];
		if (a->in->cmd != DF_RUN || b->in->cmd != DF_RUN || !same_flags(a->in, b->in))
			continue;
		if (count_cmds(a) > 1 || count_cmds(b) > 1)
			continue;
		lint_report(h->ctx, "DL3059", LINT_INFO, hl_line(b),
			    "Multiple consecutive `RUN` instructions. Consider consolidation.");
	}
}

/* ---- DL3010: COPY of an archive that a later RUN extracts ---- */

static const char *const archive_exts[] = {".tar", ".Z",   ".bz2", ".gz",  ".lz",  ".lzma",
					   ".tZ",  ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
					   ".tpz", ".txz", ".xz",  NULL};

bool hl_is_archive(const char *path)
{
	size_t n = strlen(path);
	while (n && (path[n - 1] == '"' || path[n - 1] == '\''))
		n--;
	for (size_t i = 0; archive_exts[i]; i++) {
		size_t e = strlen(archive_exts[i]);
		if (n >= e && !strncmp(path + n - e, archive_exts[i], e))
			return true;
	}
	return false;
}

/* The file name of a path (after the last / or \), quotes dropped; malloc'd. */
static char *base_name(const char *path)
{
	const char *s = path, *e = path + strlen(path);
	while (*s == '"' || *s == '\'')
		s++;
	while (e > s && (e[-1] == '"' || e[-1] == '\''))
		e--;
	for (const char *p = s; p < e; p++)
		if (*p == '/' || *p == '\\')
			s = p + 1;
	return xstrndup(s, (size_t)(e - s));
}

struct archive_seen {
	char *name;
	int line;
	bool reported;
};

static bool extracts(const struct shell_cmd *c)
{
	static const char *const unzips[] = {"unzip", "gunzip", "bunzip2", "unlzma", "unxz",
					     "zgz",   "uncompress", "zcat", "gzcat", NULL};
	if (!strcmp(c->argv[0], "tar")) {
		for (size_t i = 1; i < c->argc; i++) {
			const char *a = c->argv[i];
			if (!strcmp(a, "--extract") || !strcmp(a, "--get") ||
			    (a[0] == '-' && a[1] != '-' && strchr(a, 'x')))
				return true;
		}
		return false;
	}
	for (size_t k = 0; unzips[k]; k++)
		if (!strcmp(c->argv[0], unzips[k]))
			return true;
	return false;
}

static void rule_copy_then_extract(struct hl *h)
{
	struct archive_seen *seen = NULL;
	size_t n_seen = 0, cap = 0;
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		const struct df_instruction *in = r->in;
		if (in->cmd == DF_FROM) {
			for (size_t k = 0; k < n_seen; k++)
				free(seen[k].name);
			n_seen = 0;
		} else if (in->cmd == DF_COPY && !df_flag_get(in, "from") && in->n_args >= 2) {
			const char *target = in->args[in->n_args - 1];
			size_t from = hl_is_archive(target) ? in->n_args - 1 : 0;
			size_t to = hl_is_archive(target) ? in->n_args : in->n_args - 1;
			for (size_t a = from; a < to; a++) {
				if (!hl_is_archive(in->args[a]))
					continue;
				seen = xgrow(seen, &cap, n_seen + 1, sizeof(*seen));
				seen[n_seen++] = (struct archive_seen){base_name(in->args[a]), in->line_start, false};
			}
		} else if (in->cmd == DF_RUN) {
			hl_for_cmds(r, c) {
				size_t *idx, n;
				if (!extracts(c))
					continue;
				n = cmd_args_no_flags(c, NULL, &idx);
				for (size_t k = 0; k < n; k++) {
					char *b = base_name(c->argv[idx[k]]);
					for (size_t s = 0; s < n_seen; s++)
						if (!seen[s].reported && !strcmp(seen[s].name, b)) {
							seen[s].reported = true;
							lint_report(h->ctx, "DL3010", LINT_INFO, seen[s].line,
								    "Use ADD for extracting archives into an image");
						}
					free(b);
				}
				free(idx);
			}
		}
	}
	for (size_t k = 0; k < n_seen; k++)
		free(seen[k].name);
	free(seen);
}

void hl_rules_run(struct hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		if (r->eff->cmd != DF_RUN || !r->sh)
			continue;
		rule_pointless_commands(h, r);
		rule_apt_pin(h, r);
		rule_apt_flags(h, r);
		rule_apt_lists(h, r);
		rule_misc_cmds(h, r);
	}
	rule_wget_curl(h);
	rule_pipefail(h);
	rule_consecutive_runs(h);
	rule_copy_then_extract(h);
}
