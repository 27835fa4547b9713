/* hadolint rules about language and distribution package managers other than apt: pip
 * (DL3013 DL3042), npm (DL3016), apk (DL3018 DL3019), gem (DL3028), yum (DL3030 DL3032
 * DL3033), zypper (DL3034-DL3037), dnf / microdnf (DL3038 DL3040 DL3041), yarn (DL3060),
 * go (DL3062). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lint/rules_hadolint.h"
#include "util/mem.h"

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* ---- pip ---- */

static const char *const pip_value_flags[] = {
	"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
	"--extra-index-url", "-f", "--find-links", "--trusted-host", "--root", "--prefix", "-t",
	"--target", "-b", "--build", "--src", "--python", "--root-user-action", "--platform",
	"--python-version", "--implementation", "--abi", "--upgrade-strategy", "--progress-bar",
	"--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert",
	"--cache-dir", "--global-option", "--install-option", "--no-binary", "--only-binary",
	"--pip-args", "--suffix", "--index", NULL};

static bool is_pip_name(const char *n)
{
	if (!strcmp(n, "pipx"))
		return true;
	if (strncmp(n, "pip", 3) != 0)
		return false;
	for (n += 3; *n; n++)
		if (!isdigit((unsigned char)*n) && *n != '.')
			return false;
	return true;
}

/* pip install / pip3 install / pipx install / python -m pip install */
static bool is_pip_install(const struct shell_cmd *c)
{
	if (is_pip_name(c->argv[0]))
		return cmd_is(c, NULL, "install");
	if (!strncmp(c->argv[0], "python", 6)) {
		for (size_t i = 1; i + 1 < c->argc; i++)
			if (!strcmp(c->argv[i], "-m") && !strcmp(c->argv[i + 1], "pip"))
				return cmd_has_arg(c, "install");
	}
	return false;
}

static bool pip_pinned(const char *p)
{
	if (!strncmp(p, "git+", 4)) {
		const char *host = strstr(p, "://");
		const char *path = host ? strchr(host + 3, '/') : NULL;
		return path && strchr(path, '@');
	}
	if (strchr(p, '/') || !strcmp(p, ".") || has_suffix(p, ".whl") || has_suffix(p, ".tar.gz") ||
	    has_suffix(p, ".zip") || has_suffix(p, ".tgz") || has_suffix(p, ".tar.bz2"))
		return true;
	return strpbrk(p, "=<>~!") != NULL || p[0] == '$';
}

static void rule_pip_pin(struct hl *h, const struct hl_ins *r)
{
	hl_for_cmds(r, c) {
		size_t *idx, n;
		bool bad = false;
		if (!is_pip_install(c) || cmd_has_flag(c, "-c", "--constraint"))
			continue;
		n = cmd_args_after(c, "install", pip_value_flags, &idx);
		for (size_t k = 0; k < n; k++)
			if (!pip_pinned(c->argv[idx[k]]))
				bad = true;
		free(idx);
		if (bad) {
			lint_report(h->ctx, "DL3013", LINT_WARNING, hl_line(r),
				    "Pin versions in pip. Instead of `pip install <package>` use `pip "
				    "install <package>==<version>` or `pip install --requirement "
				    "<requirements file>`");
			return;
		}
	}
}

static int truthy(const char *v)
{
	if (!strcasecmp(v, "1") || !strcasecmp(v, "on") || !strcasecmp(v, "yes") || !strcasecmp(v, "true"))
		return 1;
	return 0;
}

/* PIP_NO_CACHE_DIR=value in a list of NAME=value words */
static int assign_value(char *const *words, size_t n, const char *name, int dflt)
{
	size_t l = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(words[i], name, l) && words[i][l] == '=')
			dflt = truthy(words[i] + l + 1);
	return dflt;
}

static void rule_pip_cache(struct hl *h, const struct hl_ins *r, size_t at)
{
	const char *env = r->onbuild ? NULL : hl_env_value(h, r->stage, at, "PIP_NO_CACHE_DIR");
	int no_cache = env ? truthy(env) : 0;
	if (hl_run_mounts(r->eff, "/root/.cache/pip"))
		return;
	hl_for_cmds(r, c) {
		if (!strcmp(c->argv[0], "export"))
			no_cache = assign_value(c->argv + 1, c->argc - 1, "PIP_NO_CACHE_DIR", no_cache);
		if (!is_pip_install(c) || !strcmp(c->argv[0], "pipx"))
			continue;
		if (cmd_has_flag(c, "--no-cache-dir") ||
		    assign_value(c->assigns, c->n_assigns, "PIP_NO_CACHE_DIR", no_cache))
			continue;
		lint_report(h->ctx, "DL3042", LINT_WARNING, hl_line(r),
			    "Avoid use of cache directory with pip. Use `pip install --no-cache-dir "
			    "<package>`");
		return;
	}
}

/* ---- npm ---- */

static bool npm_pinned(const char *p)
{
	if (!strncmp(p, "git", 3) && strstr(p, "://"))
		return strchr(p, '#') != NULL;
	if (p[0] == '/' || !strncmp(p, "./", 2) || !strncmp(p, "../", 3) || !strncmp(p, "~/", 2) ||
	    has_suffix(p, ".tar") || has_suffix(p, ".tar.gz") || has_suffix(p, ".tgz"))
		return true;
	return strchr(p + 1, '@') != NULL || p[0] == '$';
}

static void rule_npm_pin(struct hl *h, const struct hl_ins *r)
{
	static const char *const value_flags[] = {"--loglevel", "--registry", "--prefix", "--cache",
						  "--userconfig", "--tag", "-w", "--workspace", NULL};
	hl_for_cmds(r, c) {
		size_t *idx, n;
		bool bad = false;
		if (strcmp(c->argv[0], "npm") != 0)
			continue;
		n = cmd_args_no_flags(c, value_flags, &idx);
		if (n > 0 && (!strcmp(c->argv[idx[0]], "install") || !strcmp(c->argv[idx[0]], "i") ||
			      !strcmp(c->argv[idx[0]], "add")))
			for (size_t k = 1; k < n; k++)
				if (!npm_pinned(c->argv[idx[k]]))
					bad = true;
		free(idx);
		if (bad) {
			lint_report(h->ctx, "DL3016", LINT_WARNING, hl_line(r),
				    "Pin versions in npm. Instead of `npm install <package>` use `npm "
				    "install <package>@<version>`");
			return;
		}
	}
}

/* ---- apk ---- */

static void rule_apk(struct hl *h, const struct hl_ins *r)
{
	static const char *const value_flags[] = {"-t", "--virtual", "-X", "--repository", "-p",
						  "--root", "--keys-dir", "--arch", "--cache-dir",
						  "--repositories-file", NULL};
	bool unpinned = false, cache = false;
	hl_for_cmds(r, c) {
		size_t *idx, n;
		if (!cmd_is(c, "apk", "add"))
			continue;
		n = cmd_args_after(c, "add", value_flags, &idx);
		for (size_t k = 0; k < n; k++) {
			const char *p = c->argv[idx[k]];
			if (!strpbrk(p, "=~<>") && !has_suffix(p, ".apk"))
				unpinned = true;
		}
		free(idx);
		if (!cmd_has_flag(c, "--no-cache") && !hl_run_mounts(r->eff, "/var/cache/apk"))
			cache = true;
	}
	if (unpinned)
		lint_report(h->ctx, "DL3018", LINT_WARNING, hl_line(r),
			    "Pin versions in apk add. Instead of `apk add <package>` use `apk add "
			    "<package>=<version>`");
	if (cache)
		lint_report(h->ctx, "DL3019", LINT_INFO, hl_line(r),
			    "Use the `--no-cache` switch to avoid the need to use `--update` and "
			    "remove `/var/cache/apk/*` when done installing packages");
}

/* ---- gem ---- */

static void rule_gem(struct hl *h, const struct hl_ins *r)
{
	static const char *const booleans[] = {
		"--no-document", "--no-ri", "--no-rdoc", "--user-install", "--no-user-install",
		"--conservative", "--minimal-deps", "--force", "--local", "--remote", "--both",
		"--development", "--prerelease", "--pre", "--ignore-dependencies", "--default",
		"--quiet", "--silent", "--verbose", "--no-verbose", "--env-shebang", "--no-env-shebang",
		"--wrappers", "--no-wrappers", "--lock", "--no-lock", "--suggestions",
		"--no-suggestions", "--clear-sources", "--explain", "--norc", "--backtrace", "--debug",
		NULL};
	hl_for_cmds(r, c) {
		bool bad = false, sub = false;
		if (strcmp(c->argv[0], "gem") != 0 || !(cmd_is(c, NULL, "install") || cmd_is(c, NULL, "i")))
			continue;
		if (cmd_has_flag(c, "-v", "--version"))
			continue;
		for (size_t i = 1; i < c->argc; i++) {
			const char *w = c->argv[i];
			if (!strcmp(w, "--"))
				break; /* build options follow */
			if (shell_word_is_flag(w)) {
				bool boolean = strchr(w, '=') != NULL || w[1] != '-';
				for (size_t k = 0; booleans[k] && !boolean; k++)
					boolean = !strcmp(w, booleans[k]);
				if (!boolean)
					i++; /* "--source URL": the next word is the value */
				continue;
			}
			if (!sub) {
				sub = !strcmp(w, "install") || !strcmp(w, "i");
				continue;
			}
			if (!strchr(w, ':'))
				bad = true;
		}
		if (bad) {
			lint_report(h->ctx, "DL3028", LINT_WARNING, hl_line(r),
				    "Pin versions in gem install. Instead of `gem install <gem>` use `gem "
				    "install <gem>:<version>`");
			return;
		}
	}
}

/* ---- rpm family: yum, dnf, microdnf, zypper ---- */

static bool is_dnf(const char *n)
{
	return !strcmp(n, "dnf") || !strcmp(n, "microdnf");
}

/* The subcommand: first non-flag argument; "module install" / "group install" give the
 * second word through *second. */
static const char *subcommand(const struct shell_cmd *c, const char **second)
{
	static const char *const value_flags[] = {"--setopt", "--releasever", "--installroot",
						  "-c", "--config", "--enablerepo", "--disablerepo",
						  "-x", "--exclude", NULL};
	size_t *idx, n = cmd_args_no_flags(c, value_flags, &idx);
	const char *s = n ? c->argv[idx[0]] : "";
	*second = n > 1 ? c->argv[idx[1]] : "";
	free(idx);
	return s;
}

static bool one_of(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static const char *const rpm_install_subs[] = {"install", "in", "groupinstall", "localinstall",
					       "reinstall", "rei", "upgrade", "up", "update",
					       "upgrade-minimal", "up-min", NULL};

static bool rpm_installs(const struct shell_cmd *c, const char *tool)
{
	const char *second, *sub;
	if (tool ? strcmp(c->argv[0], tool) != 0 : !is_dnf(c->argv[0]))
		return false;
	sub = subcommand(c, &second);
	if ((!strcmp(sub, "module") || !strcmp(sub, "group")) && !strcmp(second, "install"))
		return true;
	return one_of(sub, rpm_install_subs);
}

/* Packages of "install" / "module install": pinned with -<digit> (or a declared variable),
 * ':' for modules, or an .rpm file. */
static bool rpm_unpinned(struct hl *h, const struct hl_ins *r, size_t at, const struct shell_cmd *c)
{
	const char *second, *sub = subcommand(c, &second);
	bool module = !strcmp(sub, "module"), bad = false;
	size_t *idx, n;
	if (!strcmp(sub, "group") || !strcmp(sub, "groupinstall"))
		return false;
	if (!module && strcmp(sub, "install") != 0 && strcmp(sub, "in") != 0)
		return false;
	if (module && strcmp(second, "install") != 0)
		return false;
	n = cmd_args_after(c, "install", NULL, &idx);
	if (n == 0 && !module && !strcmp(sub, "in")) {
		free(idx);
		n = cmd_args_after(c, "in", NULL, &idx);
	}
	for (size_t k = 0; k < n; k++) {
		const char *p = c->argv[idx[k]];
		bool pinned = false;
		if (module) {
			pinned = strchr(p, ':') != NULL;
		} else if (has_suffix(p, ".rpm")) {
			pinned = true;
		} else {
			for (const char *d = strchr(p, '-'); d && !pinned; d = strchr(d + 1, '-')) {
				if (isdigit((unsigned char)d[1]))
					pinned = true;
				else if (d[1] == '$') {
					char var[128];
					const char *v = d + 2 + (d[2] == '{');
					size_t vl = strcspn(v, "}:-");
					if (vl < sizeof(var)) {
						memcpy(var, v, vl);
						var[vl] = '\0';
						pinned = !r->onbuild ? hl_var_declared(h, r->stage, at, var) : true;
					}
				}
			}
		}
		if (!pinned)
			bad = true;
	}
	free(idx);
	return bad;
}

/* Is the tool's cache cleaned after command index k (clean all / rm -rf the cache dir)? */
static bool rpm_cleaned_after(const struct hl_ins *r, size_t k, const char *tool,
			      const char *const *dirs)
{
	for (size_t j = k + 1; j < r->sh->n_cmds; j++) {
		const struct shell_cmd *c = &r->sh->cmds[j];
		if (!strcmp(c->argv[0], tool) && cmd_is(c, NULL, "clean") &&
		    (cmd_has_arg(c, "all") || !strcmp(tool, "zypper")))
			return true;
		if (!strcmp(tool, "zypper") && cmd_is(c, "zypper", "cc"))
			return true;
		if (!strcmp(c->argv[0], "rm"))
			for (size_t d = 0; dirs[d]; d++)
				for (size_t i = 1; i < c->argc; i++)
					if (!strncmp(c->argv[i], dirs[d], strlen(dirs[d])))
						return true;
	}
	return false;
}

static bool mounts_any(const struct hl_ins *r, const char *const *dirs)
{
	for (size_t d = 0; dirs[d]; d++)
		if (hl_run_mounts(r->eff, dirs[d]))
			return true;
	return false;
}

static void rule_yum(struct hl *h, const struct hl_ins *r, size_t at)
{
	static const char *const dirs[] = {"/var/cache/yum", NULL};
	bool no_yes = false, no_clean = false, unpinned = false;
	for (size_t k = 0; k < r->sh->n_cmds; k++) {
		const struct shell_cmd *c = &r->sh->cmds[k];
		if (!rpm_installs(c, "yum"))
			continue;
		if (!cmd_has_flag(c, "-y", "--assumeyes"))
			no_yes = true;
		if (!rpm_cleaned_after(r, k, "yum", dirs) && !mounts_any(r, dirs))
			no_clean = true;
		if (rpm_unpinned(h, r, at, c))
			unpinned = true;
	}
	if (no_yes)
		lint_report(h->ctx, "DL3030", LINT_WARNING, hl_line(r),
			    "Use the -y switch to avoid manual input `yum install -y <package`");
	if (no_clean)
		lint_report(h->ctx, "DL3032", LINT_WARNING, hl_line(r),
			    "`yum clean all` missing after yum command.");
	if (unpinned)
		lint_report(h->ctx, "DL3033", LINT_WARNING, hl_line(r),
			    "Specify version with `yum install -y <package>-<version>`.");
}

static void rule_dnf(struct hl *h, const struct hl_ins *r, size_t at)
{
	static const char *const dirs[] = {"/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5",
					   NULL};
	bool no_yes = false, no_clean = false, unpinned = false;
	for (size_t k = 0; k < r->sh->n_cmds; k++) {
		const struct shell_cmd *c = &r->sh->cmds[k];
		if (!rpm_installs(c, NULL))
			continue;
		if (!cmd_has_flag(c, "-y", "--assumeyes"))
			no_yes = true;
		if (!rpm_cleaned_after(r, k, c->argv[0], dirs) && !mounts_any(r, dirs))
			no_clean = true;
		if (rpm_unpinned(h, r, at, c))
			unpinned = true;
	}
	if (no_yes)
		lint_report(h->ctx, "DL3038", LINT_WARNING, hl_line(r),
			    "Use the -y switch to avoid manual input `dnf install -y <package`");
	if (no_clean)
		lint_report(h->ctx, "DL3040", LINT_WARNING, hl_line(r),
			    "`dnf clean all` missing after dnf command.");
	if (unpinned)
		lint_report(h->ctx, "DL3041", LINT_WARNING, hl_line(r),
			    "Specify version with `dnf install -y <package>-<version>`.");
}

static void rule_zypper(struct hl *h, const struct hl_ins *r)
{
	static const char *const dirs[] = {"/var/cache/zypp", NULL};
	static const char *const installs[] = {"install", "in", "source-install", "si", NULL};
	static const char *const interactive[] = {"install", "in", "remove", "rm", "source-install",
						  "si", "patch", "update", "up", "dist-upgrade",
						  "dup", NULL};
	bool no_yes = false, dup = false, no_clean = false, unpinned = false;
	for (size_t k = 0; k < r->sh->n_cmds; k++) {
		const struct shell_cmd *c = &r->sh->cmds[k];
		const char *second, *sub;
		if (strcmp(c->argv[0], "zypper") != 0)
			continue;
		sub = subcommand(c, &second);
		if (one_of(sub, interactive) &&
		    !cmd_has_flag(c, "-n", "--non-interactive", "-y", "--no-confirm"))
			no_yes = true;
		if (!strcmp(sub, "dist-upgrade") || !strcmp(sub, "dup"))
			dup = true;
		if (!one_of(sub, installs))
			continue;
		if (!rpm_cleaned_after(r, k, "zypper", dirs) && !mounts_any(r, dirs))
			no_clean = true;
		{
			size_t *idx, n = cmd_args_after(c, sub, NULL, &idx);
			for (size_t i = 0; i < n; i++) {
				const char *p = c->argv[idx[i]];
				if (!strpbrk(p, "=<>") && !has_suffix(p, ".rpm"))
					unpinned = true;
			}
			free(idx);
		}
	}
	if (no_yes)
		lint_report(h->ctx, "DL3034", LINT_WARNING, hl_line(r),
			    "Non-interactive switch missing from `zypper` command: `zypper install -y`");
	if (dup)
		lint_report(h->ctx, "DL3035", LINT_WARNING, hl_line(r),
			    "Do not use `zypper dist-upgrade`.");
	if (no_clean)
		lint_report(h->ctx, "DL3036", LINT_WARNING, hl_line(r),
			    "`zypper clean` missing after zypper use.");
	if (unpinned)
		lint_report(h->ctx, "DL3037", LINT_WARNING, hl_line(r),
			    "Specify version with `zypper install -y <package>=<version>`.");
}

/* ---- yarn ---- */

static bool yarn_cache_left(const struct hl_ins *r)
{
	bool pending = false;
	if (hl_run_mounts(r->eff, "/root/.cache/yarn") ||
	    hl_run_mounts(r->eff, "/usr/local/share/.cache/yarn"))
		return false;
	hl_for_cmds(r, c) {
		if (cmd_is(c, "yarn", "install"))
			pending = true;
		else if (cmd_is(c, "yarn", "cache") && cmd_has_arg(c, "clean"))
			pending = false;
	}
	return pending;
}

static void rule_yarn(struct hl *h, const struct hl_ins *r)
{
	if (!r->onbuild && r->stage >= 0 && !h->stages[r->stage].used)
		return;
	if (yarn_cache_left(r))
		lint_report(h->ctx, "DL3060", LINT_INFO, hl_line(r),
			    "`yarn cache clean` missing after `yarn install` was run.");
}

/* ---- go ---- */

static bool go_pinned(const char *p)
{
	const char *at = strrchr(p, '@');
	if (p[0] == '/' || p[0] == '.' || p[0] == '$')
		return true;
	return at && strcmp(at + 1, "latest") != 0;
}

static void rule_go(struct hl *h, const struct hl_ins *r)
{
	hl_for_cmds(r, c) {
		size_t *idx, n;
		bool bad = false;
		if (strcmp(c->argv[0], "go") != 0)
			continue;
		n = cmd_args_no_flags(c, NULL, &idx);
		if (n >= 2 && (!strcmp(c->argv[idx[0]], "install") || !strcmp(c->argv[idx[0]], "get")))
			for (size_t k = 1; k < n; k++)
				bad = bad || !go_pinned(c->argv[idx[k]]);
		else if (n >= 2 && !strcmp(c->argv[idx[0]], "run"))
			bad = !go_pinned(c->argv[idx[1]]); /* the rest are the program's arguments */
		free(idx);
		if (bad) {
			lint_report(h->ctx, "DL3062", LINT_WARNING, hl_line(r),
				    "Pin versions in go install. Instead of `go install <package>` use "
				    "`go install <package>@<version>`");
			return;
		}
	}
}

void hl_rules_pkg(struct hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		if (r->eff->cmd != DF_RUN || !r->sh)
			continue;
		rule_pip_pin(h, r);
		rule_pip_cache(h, r, i);
		rule_npm_pin(h, r);
		rule_apk(h, r);
		rule_gem(h, r);
		rule_yum(h, r, i);
		rule_dnf(h, r, i);
		rule_zypper(h, r);
		rule_yarn(h, r);
		rule_go(h, r);
	}
}
