/* layerscope's own Dockerfile rules (LS1xxx): the size-and-security practices hadolint and
 * BuildKit do not check — small final bases, no compilers in the final image, a
 * cache-friendly instruction order, package caches cleaned in the same layer, a
 * .dockerignore that keeps .git, dependencies, build output and secrets out of the context,
 * pinned bases and a non-root user. Every message says what to do and why; docs/lint-rules.md
 * has an example and the fix for each.
 *
 *   LS1001 final stage on a large base image that has a smaller official variant
 *   LS1002 build tools / dev packages / dev dependencies installed in the final stage
 *   LS1003 `COPY . .` before a dependency install that only needs the manifest files
 *   LS1004 package manager cache left in the layer (not cleaned in the same RUN)
 *   LS1005 no .dockerignore in the build context
 *   LS1006 .dockerignore lets .git, dependencies, build output, .env or keys in
 *   LS1007 base image unpinned (no tag, `latest` or another moving tag)
 *   LS1008 the final stage runs as root */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lint/dockerignore.h"
#include "lint/rules_hadolint.h"
#include "util/mem.h"

/* ---- image references ---- */

struct ref {
	char repo[512]; /* last path component: "node" for docker.io/library/node:20 */
	char tag[512];  /* "" when absent */
	bool digest;
	bool hub_official; /* Docker Hub, no namespace or library/ */
};

static void parse_ref(const char *image, struct ref *r)
{
	char buf[512];
	char *at, *last, *colon, *first_slash;
	memset(r, 0, sizeof(*r));
	snprintf(buf, sizeof(buf), "%s", image);
	at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		r->digest = true;
	}
	last = strrchr(buf, '/');
	colon = strchr(last ? last : buf, ':');
	if (colon) {
		snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
		*colon = '\0';
	}
	snprintf(r->repo, sizeof(r->repo), "%s", last ? last + 1 : buf);
	first_slash = strchr(buf, '/');
	r->hub_official = !first_slash || !strncmp(buf, "library/", 8) ||
			  !strncmp(buf, "docker.io/library/", 18) ||
			  !strncmp(buf, "index.docker.io/library/", 24);
}

/* The external image a stage ultimately builds on (through `FROM <stage>`), or NULL. */
static const char *external_base(const struct hl *h, int stage)
{
	for (int depth = 0; stage >= 0 && depth < 64; depth++) {
		if (h->stages[stage].parent < 0)
			return h->df->stages[stage].base_image;
		stage = h->stages[stage].parent;
	}
	return NULL;
}

static int final_stage(const struct hl *h)
{
	return h->n_stages ? (int)h->n_stages - 1 : -1;
}

/* Is instruction index i in the final stage or a stage the final stage builds on? */
static bool in_final_image(const struct hl *h, size_t i)
{
	int st = final_stage(h);
	for (int depth = 0; st >= 0 && depth < 64; depth++) {
		if (h->ins[i].stage == st)
			return true;
		st = h->stages[st].parent;
	}
	return false;
}

/* ---- LS1001 ---- */

struct variant {
	const char *repo;
	const char *advice;
};

static const struct variant large_bases[] = {
	{"node", "use `node:<version>-slim` or `node:<version>-alpine` (the full image is ~1 GB "
		 "with compilers and docs; -slim is ~200 MB)"},
	{"python", "use `python:<version>-slim` (~150 MB instead of ~1 GB) or -alpine"},
	{"golang", "build in a `golang` stage and copy the binary onto `gcr.io/distroless/static` or "
		   "`scratch` (the Go toolchain is ~800 MB and not needed at run time)"},
	{"openjdk", "run on a JRE image such as `eclipse-temurin:<version>-jre` or "
		    "-jre-alpine (openjdk images are deprecated and ship a full JDK)"},
	{"maven", "build with maven in a builder stage and run on `eclipse-temurin:<version>-jre`"},
	{"gradle", "build with gradle in a builder stage and run on `eclipse-temurin:<version>-jre`"},
	{"rust", "build in a `rust` stage and copy the binary onto `debian:<release>-slim` or "
		 "`gcr.io/distroless/cc` (the toolchain is ~1.5 GB)"},
	{"ruby", "use `ruby:<version>-slim` or -alpine (the full image carries a compiler "
		 "toolchain)"},
	{"php", "use `php:<version>-fpm-alpine` or `php:<version>-cli-alpine`"},
	{"debian", "use `debian:<release>-slim` (about half the size: no docs, man pages, locales)"},
	{"ubuntu", "use `debian:<release>-slim`, alpine or a distroless image when the app does "
		   "not need Ubuntu"},
	{NULL, NULL},
};

static bool small_tag(const char *tag)
{
	static const char *const words[] = {"slim", "alpine", "distroless", "minimal", "busybox",
					    "jre", "nanoserver", "chiseled", "micro", NULL};
	for (size_t i = 0; words[i]; i++)
		if (strstr(tag, words[i]))
			return true;
	return false;
}

static void rule_large_base(struct hl *h)
{
	int st = final_stage(h);
	const char *image = st >= 0 ? external_base(h, st) : NULL;
	struct ref r;
	if (!image || strchr(image, '$'))
		return;
	parse_ref(image, &r);
	if (!r.hub_official || small_tag(r.tag))
		return;
	for (size_t i = 0; large_bases[i].repo; i++)
		if (!strcmp(r.repo, large_bases[i].repo)) {
			lint_report(h->ctx, "LS1001", LINT_WARNING, h->df->stages[st].line,
				    "final image is based on `%s`, a large image: %s; a smaller base "
				    "means faster pulls and fewer packages to patch",
				    image, large_bases[i].advice);
			return;
		}
}

/* ---- LS1002 ---- */

static void add_item(char *list, size_t cap, const char *item);

static bool is_build_package(const char *p)
{
	static const char *const tools[] = {"gcc", "g++", "make", "cmake", "build-essential",
					    "build-base", "autoconf", "automake", "libtool", "clang",
					    "llvm", "musl-dev", "libc6-dev", "libc-dev", "gcc-c++",
					    "pkg-config", "pkgconf", "golang", "rustc", "cargo",
					    "default-jdk", "maven", "gradle", NULL};
	char name[256];
	size_t n = strcspn(p, "=<>~:");
	size_t len;
	if (n >= sizeof(name))
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	for (size_t i = 0; tools[i]; i++)
		if (!strcmp(name, tools[i]))
			return true;
	len = strlen(name);
	return (len > 4 && !strcmp(name + len - 4, "-dev")) ||
	       (len > 6 && !strcmp(name + len - 6, "-devel"));
}

static bool removes_packages(const struct hl_ins *r)
{
	hl_for_cmds(r, c) {
		if (cmd_is(c, "apk", "del") || cmd_is(c, "apt-get", "purge") ||
		    cmd_is(c, "apt-get", "remove") || cmd_is(c, "apt", "purge") ||
		    cmd_is(c, "apt", "remove") || cmd_is(c, "yum", "remove") ||
		    cmd_is(c, "dnf", "remove") || cmd_is(c, "apt-get", "autoremove"))
			return true;
	}
	return false;
}

static const char *install_sub(const struct shell_cmd *c)
{
	if (!strcmp(c->argv[0], "apt-get") || !strcmp(c->argv[0], "apt") ||
	    !strcmp(c->argv[0], "yum") || !strcmp(c->argv[0], "dnf") ||
	    !strcmp(c->argv[0], "microdnf") || !strcmp(c->argv[0], "zypper"))
		return "install";
	if (!strcmp(c->argv[0], "apk"))
		return "add";
	return NULL;
}

static bool npm_installs_dev(const struct hl *h, const struct hl_ins *r, size_t at,
			     const struct shell_cmd *c)
{
	const char *env = hl_env_value(h, r->stage, at, "NODE_ENV");
	if (strcmp(c->argv[0], "npm") != 0 || !(cmd_is(c, NULL, "install") || cmd_is(c, NULL, "ci") ||
						cmd_is(c, NULL, "i")))
		return false;
	/* `npm install pkg` adds one package; only whole-project installs pull devDependencies */
	{
		size_t *idx, n = cmd_args_no_flags(c, NULL, &idx);
		free(idx);
		if (n > 1)
			return false;
	}
	if (env && !strcmp(env, "production"))
		return false;
	for (size_t i = 0; i < c->n_assigns; i++)
		if (!strcmp(c->assigns[i], "NODE_ENV=production"))
			return false;
	return !cmd_has_flag(c, "--omit", "--production", "--only");
}

static void rule_build_tools(struct hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		char found[256] = "";
		if (r->in->cmd != DF_RUN || !r->sh || !in_final_image(h, i) || removes_packages(r))
			continue;
		hl_for_cmds(r, c) {
			const char *sub = install_sub(c);
			if (npm_installs_dev(h, r, i, c) && !strstr(found, "npm devDependencies"))
				snprintf(found + strlen(found), sizeof(found) - strlen(found), "%snpm devDependencies",
					 *found ? ", " : "");
			if (sub && cmd_is(c, NULL, sub)) {
				size_t *idx, n = cmd_args_after(c, sub, NULL, &idx);
				for (size_t k = 0; k < n; k++) {
					const char *p = c->argv[idx[k]];
					char name[128];
					size_t nl = strcspn(p, "=<>~:");
					if (nl >= sizeof(name))
						nl = sizeof(name) - 1;
					memcpy(name, p, nl);
					name[nl] = '\0';
					if (is_build_package(p))
						add_item(found, sizeof(found), name);
				}
				free(idx);
			}
		}
		if (*found)
			lint_report(h->ctx, "LS1002", LINT_WARNING, hl_line(r),
				    "build tools or development packages in the final image (%s): "
				    "install and use them in a builder stage and COPY --from only the "
				    "built artifacts (multi-stage build); compilers and headers add "
				    "hundreds of MB and attack surface at run time",
				    found);
	}
}

/* ---- LS1003 ---- */

struct dep_install {
	const char *what;      /* shown in the message */
	const char *manifests; /* what to COPY first */
	const char *probe[4];  /* manifest file names; one COPY of any of them is enough */
};

/* Which dependency install does this command run, if any? */
static const struct dep_install *dep_install_of(const struct shell_cmd *c)
{
	static const struct dep_install npm = {"npm install / npm ci", "package.json package-lock.json",
					       {"package.json", "package-lock.json", "npm-shrinkwrap.json", NULL}};
	static const struct dep_install yarn = {"yarn install", "package.json yarn.lock",
						{"package.json", "yarn.lock", NULL, NULL}};
	static const struct dep_install pnpm = {"pnpm install", "package.json pnpm-lock.yaml",
						{"package.json", "pnpm-lock.yaml", NULL, NULL}};
	static const struct dep_install pip = {"pip install -r", "requirements.txt",
					       {"requirements", "pyproject.toml", "setup.py", "Pipfile"}};
	static const struct dep_install poetry = {"poetry install", "pyproject.toml poetry.lock",
						  {"pyproject.toml", "poetry.lock", NULL, NULL}};
	static const struct dep_install gomod = {"go mod download", "go.mod go.sum",
						 {"go.mod", "go.sum", NULL, NULL}};
	static const struct dep_install mvn = {"mvn dependency:go-offline", "pom.xml",
					       {"pom.xml", NULL, NULL, NULL}};
	static const struct dep_install bundle = {"bundle install", "Gemfile Gemfile.lock",
						  {"Gemfile", NULL, NULL, NULL}};
	static const struct dep_install cargo = {"cargo fetch / build", "Cargo.toml Cargo.lock",
						 {"Cargo.toml", "Cargo.lock", NULL, NULL}};
	static const struct dep_install composer = {"composer install", "composer.json composer.lock",
						    {"composer.json", "composer.lock", NULL, NULL}};
	const char *n = c->argv[0];
	if (!strcmp(n, "npm") && (cmd_is(c, NULL, "install") || cmd_is(c, NULL, "ci") || cmd_is(c, NULL, "i")))
		return &npm;
	if (!strcmp(n, "yarn") && (c->argc == 1 || cmd_is(c, NULL, "install")))
		return &yarn;
	if (!strcmp(n, "pnpm") && cmd_is(c, NULL, "install"))
		return &pnpm;
	if (!strncmp(n, "pip", 3) && cmd_is(c, NULL, "install") &&
	    cmd_has_flag(c, "-r", "--requirement"))
		return &pip;
	if (!strcmp(n, "poetry") && cmd_is(c, NULL, "install"))
		return &poetry;
	if (!strcmp(n, "go") && cmd_is(c, NULL, "mod") && cmd_has_arg(c, "download"))
		return &gomod;
	if ((!strcmp(n, "mvn") || !strcmp(n, "./mvnw")) && cmd_has_arg(c, "dependency:go-offline"))
		return &mvn;
	if (!strcmp(n, "bundle") && (c->argc == 1 || cmd_is(c, NULL, "install")))
		return &bundle;
	if (!strcmp(n, "cargo") && (cmd_is(c, NULL, "fetch") || cmd_is(c, NULL, "build")))
		return &cargo;
	if (!strcmp(n, "composer") && cmd_is(c, NULL, "install"))
		return &composer;
	return NULL;
}

static bool copies_everything(const struct df_instruction *in)
{
	if ((in->cmd != DF_COPY && in->cmd != DF_ADD) || df_flag_get(in, "from") || in->n_args < 2)
		return false;
	for (size_t a = 0; a + 1 < in->n_args; a++)
		if (!strcmp(in->args[a], ".") || !strcmp(in->args[a], "./"))
			return true;
	return false;
}

static bool copies_manifest(const struct df_instruction *in, const struct dep_install *d)
{
	if ((in->cmd != DF_COPY && in->cmd != DF_ADD) || df_flag_get(in, "from"))
		return false;
	for (size_t a = 0; a + 1 < in->n_args; a++)
		for (size_t k = 0; k < 4 && d->probe[k]; k++)
			if (strstr(in->args[a], d->probe[k]))
				return true;
	return false;
}

static void rule_cache_order(struct hl *h)
{
	for (size_t s = 0; s < h->n_stages; s++) {
		int copy_all = -1;
		for (int i = h->stages[s].first; i < h->stages[s].end; i++) {
			const struct hl_ins *r = &h->ins[i];
			if (copy_all < 0 && copies_everything(r->in)) {
				copy_all = i;
				continue;
			}
			if (copy_all < 0 || r->in->cmd != DF_RUN)
				continue;
			hl_for_cmds(r, c) {
				const struct dep_install *d = dep_install_of(c);
				bool early = false;
				if (!d)
					continue;
				for (int j = h->stages[s].first; j < copy_all && !early; j++)
					early = copies_manifest(h->ins[j].in, d);
				if (!early) {
					lint_report(h->ctx, "LS1003", LINT_INFO, h->ins[copy_all].in->line_start,
						    "`%s` copies the whole context before `%s` (line %d): "
						    "any source change then re-runs the dependency install; "
						    "COPY %s first, install, then COPY the rest so the "
						    "dependency layer stays cached",
						    h->ins[copy_all].in->original ? h->ins[copy_all].in->original : "COPY . .",
						    d->what, hl_line(r), d->manifests);
					copy_all = -2; /* once per stage */
				}
				break;
			}
			if (copy_all == -2)
				break;
		}
	}
}

/* ---- LS1004 ---- */

static bool rm_path(const struct hl_ins *r, const char *prefix)
{
	hl_for_cmds(r, c)
		if (!strcmp(c->argv[0], "rm"))
			for (size_t i = 1; i < c->argc; i++)
				if (!strncmp(c->argv[i], prefix, strlen(prefix)))
					return true;
	return false;
}

static void add_item(char *list, size_t cap, const char *item)
{
	if (strstr(list, item) || strlen(list) + strlen(item) + 3 > cap)
		return;
	snprintf(list + strlen(list), cap - strlen(list), "%s%s", *list ? ", " : "", item);
}

static void rule_caches(struct hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		char left[256] = "";
		bool npm_clean = false, apt_clean, apk_clean, yum_clean = false;
		if (r->in->cmd != DF_RUN || !r->sh || !in_final_image(h, i))
			continue;
		apt_clean = rm_path(r, "/var/lib/apt/lists") || hl_run_mounts(r->eff, "/var/lib/apt/lists") ||
			    hl_run_mounts(r->eff, "/var/lib/apt");
		apk_clean = rm_path(r, "/var/cache/apk") || hl_run_mounts(r->eff, "/var/cache/apk");
		hl_for_cmds(r, c) {
			if (cmd_is(c, "npm", "cache") && cmd_has_arg(c, "clean"))
				npm_clean = true;
			if ((cmd_is(c, "yum", "clean") || cmd_is(c, "dnf", "clean") ||
			     cmd_is(c, "microdnf", "clean")) && cmd_has_arg(c, "all"))
				yum_clean = true;
		}
		yum_clean = yum_clean || rm_path(r, "/var/cache/yum") || rm_path(r, "/var/cache/dnf") ||
			    hl_run_mounts(r->eff, "/var/cache/yum") || hl_run_mounts(r->eff, "/var/cache/dnf");
		npm_clean = npm_clean || hl_run_mounts(r->eff, "/root/.npm") || rm_path(r, "/root/.npm");
		hl_for_cmds(r, c) {
			if ((cmd_is(c, "apt-get", "install") || cmd_is(c, "apt", "install")) && !apt_clean)
				add_item(left, sizeof(left), "apt lists (/var/lib/apt/lists)");
			if (cmd_is(c, "apk", "add") && !cmd_has_flag(c, "--no-cache") && !apk_clean)
				add_item(left, sizeof(left), "apk cache (/var/cache/apk)");
			if (!strncmp(c->argv[0], "pip", 3) && cmd_is(c, NULL, "install") &&
			    !cmd_has_flag(c, "--no-cache-dir") && !hl_run_mounts(r->eff, "/root/.cache/pip") &&
			    !hl_env_value(h, r->stage, i, "PIP_NO_CACHE_DIR"))
				add_item(left, sizeof(left), "pip cache (~/.cache/pip)");
			if (!strcmp(c->argv[0], "npm") && (cmd_is(c, NULL, "install") || cmd_is(c, NULL, "ci")) &&
			    !npm_clean)
				add_item(left, sizeof(left), "npm cache (~/.npm)");
			if ((cmd_is(c, "yum", "install") || cmd_is(c, "dnf", "install") ||
			     cmd_is(c, "microdnf", "install")) && !yum_clean)
				add_item(left, sizeof(left), "yum/dnf cache (/var/cache/yum, /var/cache/dnf)");
		}
		if (*left)
			lint_report(h->ctx, "LS1004", LINT_WARNING, hl_line(r),
				    "package manager cache left in the layer: %s; clean it in the same "
				    "RUN (rm -rf /var/lib/apt/lists/*, apk add --no-cache, pip install "
				    "--no-cache-dir, npm cache clean --force, yum/dnf clean all) or use "
				    "RUN --mount=type=cache — deleting it in a later RUN does not make "
				    "the image smaller",
				    left);
	}
}

/* ---- LS1005 / LS1006 ---- */

static bool context_copied(const struct hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct df_instruction *in = h->ins[i].eff;
		if ((in->cmd == DF_COPY || in->cmd == DF_ADD) && !df_flag_get(in, "from"))
			return true;
	}
	return false;
}

static bool exists(const char *dir, const char *name)
{
	struct stat st;
	char *p = xasprintf("%s/%s", dir, name);
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

/* A top-level file of the context that looks like a private key or credentials. */
static bool find_secret_file(const char *dir, char *out, size_t outlen)
{
	static const char *const suffixes[] = {".pem", ".key", ".p12", ".pfx", ".jks", NULL};
	static const char *const names[] = {"id_rsa", "id_ed25519", "id_ecdsa", "id_dsa",
					    ".npmrc", ".pypirc", ".netrc", "credentials.json",
					    ".aws", ".ssh", ".docker", NULL};
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;
	if (!d)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		for (size_t i = 0; names[i] && !found; i++)
			found = !strcmp(e->d_name, names[i]);
		for (size_t i = 0; suffixes[i] && !found; i++) {
			size_t m = strlen(suffixes[i]);
			found = n > m && !strcmp(e->d_name + n - m, suffixes[i]);
		}
		if (found)
			snprintf(out, outlen, "%s", e->d_name);
	}
	closedir(d);
	return found;
}

/* The .dockerignore BuildKit would use: <Dockerfile>.dockerignore next to the Dockerfile,
 * else <context>/.dockerignore. malloc'd path or NULL. */
static char *find_dockerignore(const struct lint_ctx *ctx)
{
	const char *file = ctx->file;
	if (file && strcmp(file, "-") != 0) {
		char *p = xasprintf("%s.dockerignore", file);
		struct stat st;
		if (stat(p, &st) == 0)
			return p;
		free(p);
	}
	if (exists(ctx->context_dir, ".dockerignore"))
		return xasprintf("%s/.dockerignore", ctx->context_dir);
	return NULL;
}

/* Paths worth keeping out of a build context, checked when present (.git and .env always). */
static const struct {
	const char *path;
	const char *why;
	bool always;
} probes[] = {
	{".git", "the repository history (often larger than the source, and it may hold secrets)", true},
	{".env", "environment files usually hold secrets", true},
	{"node_modules", "dependencies are installed in the image; the host's copy is large and "
			 "platform-specific", false},
	{"dist", "build output", false},
	{"build", "build output", false},
	{"target", "build output", false},
	{"__pycache__", "Python bytecode", false},
	{".venv", "a local virtualenv", false},
	{".terraform", "Terraform state and providers", false},
	{NULL, NULL, false},
};

static void rule_dockerignore(struct hl *h)
{
	const struct lint_ctx *ctx = h->ctx;
	char secret[256] = "", let_in[512] = "";
	char *path;
	struct dockerignore *di = NULL;
	ls_error err;
	int line = h->n ? h->ins[0].in->line_start : 1;

	if ((!strcmp(ctx->file, "-") && !ctx->config->context_dir) || !context_copied(h))
		return;
	path = find_dockerignore(ctx);
	if (!path) {
		char present[256] = "";
		for (size_t i = 0; probes[i].path; i++)
			if (exists(ctx->context_dir, probes[i].path))
				add_item(present, sizeof(present), probes[i].path);
		if (find_secret_file(ctx->context_dir, secret, sizeof(secret)))
			add_item(present, sizeof(present), secret);
		char where[300] = "";
		if (*present)
			snprintf(where, sizeof(where), " (it has %s)", present);
		lint_report(h->ctx, "LS1005", LINT_WARNING, line,
			    "no .dockerignore in the build context %s%s: everything in it is sent "
			    "to the builder and `COPY . .` puts it in the image; add one excluding "
			    ".git, dependencies (node_modules), build output, .env files and keys",
			    ctx->context_dir, where);
		return;
	}
	if (dockerignore_load(path, &di, &err) < 0) {
		lint_report(h->ctx, "LS1006", LINT_WARNING, line, "%s: %s", path, err.msg);
		free(path);
		return;
	}
	for (size_t i = 0; probes[i].path; i++) {
		bool excluded = false;
		if (!probes[i].always && !exists(ctx->context_dir, probes[i].path))
			continue;
		if (dockerignore_matches(di, probes[i].path, &excluded, &err) == 0 && !excluded) {
			char item[160];
			snprintf(item, sizeof(item), "%s (%s)", probes[i].path, probes[i].why);
			add_item(let_in, sizeof(let_in), item);
		}
	}
	if (find_secret_file(ctx->context_dir, secret, sizeof(secret))) {
		bool excluded = false;
		if (dockerignore_matches(di, secret, &excluded, &err) == 0 && !excluded) {
			char item[300];
			snprintf(item, sizeof(item), "%s (a key or credentials file)", secret);
			add_item(let_in, sizeof(let_in), item);
		}
	}
	if (*let_in)
		lint_report(h->ctx, "LS1006", LINT_WARNING, line,
			    "%s lets into the build context: %s; add patterns for them so they are "
			    "neither sent to the builder nor copied into the image by `COPY . .`",
			    path, let_in);
	dockerignore_free(di);
	free(path);
}

/* ---- LS1007 ---- */

static void rule_unpinned_base(struct hl *h)
{
	static const char *const moving[] = {"latest", "stable", "lts", "current", "edge",
					     "rolling", "mainline", "nightly", NULL};
	for (size_t s = 0; s < h->n_stages; s++) {
		const char *image = h->df->stages[s].base_image;
		struct ref r;
		bool bad;
		if (!image || h->stages[s].parent >= 0 || strchr(image, '$') ||
		    !strcasecmp(image, "scratch"))
			continue;
		parse_ref(image, &r);
		if (r.digest)
			continue;
		bad = !*r.tag;
		for (size_t i = 0; moving[i] && !bad; i++)
			bad = !strcmp(r.tag, moving[i]);
		if (bad)
			lint_report(h->ctx, "LS1007", LINT_WARNING, h->df->stages[s].line,
				    "base image `%s` is not pinned (%s): each build may pull a "
				    "different image, so builds are not reproducible and can break "
				    "without a change here; pin a version tag, ideally with its digest "
				    "(image:1.2.3@sha256:...)",
				    image, *r.tag ? "a moving tag" : "no tag means latest");
	}
}

/* ---- LS1008 ---- */

static void rule_root_user(struct hl *h)
{
	int st = final_stage(h), line;
	const struct df_instruction *last = NULL;
	const char *base;
	if (st < 0)
		return;
	line = h->df->stages[st].line;
	for (int s = st, depth = 0; s >= 0 && !last && depth < 64; depth++) {
		for (int i = h->stages[s].first; i < h->stages[s].end; i++)
			if (h->ins[i].in->cmd == DF_USER)
				last = h->ins[i].in;
		s = h->stages[s].parent;
	}
	base = external_base(h, st);
	if (!last) {
		/* images that already run as a non-root user */
		if (!base || strstr(base, "nonroot") || strstr(base, "chainguard") ||
		    !strcasecmp(base, "scratch") || strchr(base, '$'))
			return;
		lint_report(h->ctx, "LS1008", LINT_STYLE, line,
			    "the final stage never sets USER, so the container runs as the base "
			    "image's user (root for `%s`): create an unprivileged user and switch "
			    "to it (RUN useradd -r -u 10001 app, then USER 10001) so a compromised "
			    "process is not root in the container",
			    base);
		return;
	}
	{
		const char *u = last->n_args ? last->args[0] : "";
		size_t n = strcspn(u, ":");
		if ((n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0'))
			lint_report(h->ctx, "LS1008", LINT_WARNING, last->line_start,
				    "the final image runs as root (last USER is `%s`): switch to an "
				    "unprivileged user after the steps that need root (USER 10001) so a "
				    "compromised process is not root in the container",
				    u);
	}
}

void rules_layerscope(struct lint_ctx *ctx)
{
	struct hl h;
	hl_init(&h, ctx);
	rule_large_base(&h);
	rule_build_tools(&h);
	rule_cache_order(&h);
	rule_caches(&h);
	rule_dockerignore(&h);
	rule_unpinned_base(&h);
	rule_root_user(&h);
	hl_release(&h);
}
