/* layerscope context [DIR] [-f Dockerfile]: the build context the Docker client would send
 * (BuildKit's walk: .dockerignore with MatchesUsingParentResults, excluded directories skipped
 * when no exception can re-include below them), with its size, largest files and directories,
 * what .dockerignore saves, secrets in it, and COPY/ADD sources that .dockerignore excludes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lint/dockerfile.h"
#include "lint/dockerignore.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

static const char *context_help =
	"Usage: layerscope context [DIR] [-f DOCKERFILE] [--list] [--json] [--top N]\n"
	"       layerscope context [--ignore-file FILE] --check PATH...\n\n"
	"Show the build context the Docker client sends for DIR (default: .): its size and file\n"
	"count, the largest files and directories, what .dockerignore saves, secrets present in\n"
	"it (by name and by content; never printed in full), and COPY/ADD sources of the\n"
	"Dockerfile that .dockerignore excludes. .dockerignore semantics are Docker's exactly;\n"
	"<Dockerfile>.dockerignore next to the Dockerfile is preferred over DIR/.dockerignore.\n"
	"Symbolic links are not followed. Excluded directories are skipped unless an exception\n"
	"('!' pattern) could re-include something below them.\n\n"
	"  -f, --file DOCKERFILE  the Dockerfile (default: DIR/Dockerfile)\n"
	"  --ignore-file FILE     use FILE's patterns instead of looking for .dockerignore\n"
	"  --list                 print the paths that would be sent, one per line, sorted\n"
	"                         (directories end with '/')\n"
	"  --check PATH...        print PATH<TAB>excluded or PATH<TAB>included for each PATH\n"
	"                         (context-relative; need not exist)\n"
	"  --json                 print the summary as JSON\n"
	"  --top N                how many largest files and directories to show (10)\n"
	"  --no-savings           do not size skipped directories (faster; savings then count\n"
	"                         only what was walked)\n"
	"  --no-content           find secrets by file name only, do not read files\n"
	"  --stats                also print walk counters (directories read, skipped, sized)\n"
	"  --strict               exit 1 when a secret is in the context or a COPY/ADD source\n"
	"                         is excluded\n\n"
	"Exit codes: 0 ok, 1 --strict found something, 2 usage error, unreadable context or an\n"
	"invalid .dockerignore pattern.\n";

enum { MAX_DEPTH = 4096, CONTENT_SCAN_MAX = 1024 * 1024, MAX_DOCKERFILE = 4 * 1024 * 1024 };

struct ranked {
	char *path;
	uint64_t bytes;
};

struct top_list {
	struct ranked *v;
	size_t n, max;
};

struct secret {
	char *path;
	size_t line; /* 0 when found by name */
	const char *kind;
	char *preview; /* masked, or NULL */
};

struct ignored_copy {
	size_t line;
	char *instruction;
	char *source;
};

struct walk {
	int rootfd;
	const struct dockerignore *di;
	size_t npat;
	bool list, savings, content, collect_details;
	char *path;
	size_t len, cap;
	size_t depth;
	/* directories below an excluded-but-walked directory wait here until something inside
	 * is sent (BuildKit sends such a directory only then) */
	size_t *pending;
	size_t npending, pendcap, emitted_pending;
	uint64_t sent_files, sent_bytes, sent_dirs;
	uint64_t excl_files, excl_bytes, excl_dirs;
	uint64_t dirs_read, dirs_skipped, dirs_sized, entries_matched;
	struct top_list top_files, top_dirs;
	char **listed;
	size_t nlisted, listcap;
	struct secret *secrets;
	size_t nsecrets, secretcap;
	ls_error *err;
};

/* ---- small helpers ---- */

static void top_add(struct top_list *t, const char *path, uint64_t bytes)
{
	size_t i;
	if (t->max == 0 || (t->n == t->max && bytes <= t->v[t->n - 1].bytes))
		return;
	if (t->n == t->max) {
		free(t->v[t->n - 1].path);
		t->n--;
	}
	for (i = t->n; i > 0 && t->v[i - 1].bytes < bytes; i--)
		t->v[i] = t->v[i - 1];
	t->v[i].path = xstrdup(path);
	t->v[i].bytes = bytes;
	t->n++;
}

static void top_release(struct top_list *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
}

static void path_push(struct walk *w, const char *name)
{
	size_t n = strlen(name);
	w->path = xgrow(w->path, &w->cap, w->len + n + 2, 1);
	if (w->len)
		w->path[w->len++] = '/';
	memcpy(w->path + w->len, name, n + 1);
	w->len += n;
}

static void path_pop(struct walk *w, size_t len)
{
	w->len = len;
	w->path[len] = '\0';
}

static const char *rel_or_dot(const struct walk *w)
{
	return w->len ? w->path : ".";
}

static void list_add(struct walk *w, const char *path, size_t len, bool dir)
{
	if (!w->list)
		return;
	w->listed = xgrow(w->listed, &w->listcap, w->nlisted + 1, sizeof(*w->listed));
	w->listed[w->nlisted++] = xasprintf("%.*s%s", (int)len, path, dir ? "/" : "");
}

/* Send the excluded-but-walked ancestors that are still waiting, outermost first. */
static void emit_pending(struct walk *w)
{
	for (size_t i = w->emitted_pending; i < w->npending; i++) {
		w->sent_dirs++;
		list_add(w, w->path, w->pending[i], true);
	}
	w->emitted_pending = w->npending;
}

/* ---- secrets ---- */

static void add_secret(struct walk *w, const char *path, size_t line, const char *kind,
		       const char *value, size_t vlen)
{
	for (size_t i = 0; i < w->nsecrets; i++)
		if (w->secrets[i].kind == kind && !strcmp(w->secrets[i].path, path))
			return; /* one finding per file and kind */
	w->secrets = xgrow(w->secrets, &w->secretcap, w->nsecrets + 1, sizeof(*w->secrets));
	struct secret *s = &w->secrets[w->nsecrets++];
	s->path = xstrdup(path);
	s->line = line;
	s->kind = kind;
	/* Never the secret itself: its first 4 characters, then a mask. */
	s->preview = value ? xasprintf("%.*s********", (int)(vlen < 4 ? vlen : 4), value) : NULL;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static const char *secret_by_name(const char *path)
{
	static const char *const key_ext[] = {".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk"};
	const char *base = basename_of(path);
	if (!strcmp(base, ".env") ||
	    (str_starts_with(base, ".env.") && strcmp(base, ".env.example") &&
	     strcmp(base, ".env.sample") && strcmp(base, ".env.template") && strcmp(base, ".env.dist")))
		return "dotenv file";
	if (!strcmp(base, "id_rsa") || !strcmp(base, "id_dsa") || !strcmp(base, "id_ecdsa") ||
	    !strcmp(base, "id_ed25519"))
		return "SSH private key";
	for (size_t i = 0; i < sizeof(key_ext) / sizeof(key_ext[0]); i++)
		if (str_ends_with(base, key_ext[i]))
			return "private key or keystore";
	if (!strcmp(path, ".aws/credentials") || str_ends_with(path, "/.aws/credentials"))
		return "AWS credentials file";
	if (!strcmp(base, ".git-credentials") || !strcmp(base, ".netrc") || !strcmp(base, "_netrc"))
		return "credentials file";
	if (!strcmp(path, ".docker/config.json") || str_ends_with(path, "/.docker/config.json"))
		return "Docker registry credentials";
	if (!strcmp(path, ".kube/config") || str_ends_with(path, "/.kube/config") ||
	    !strcmp(base, "kubeconfig"))
		return "Kubernetes credentials";
	if (!strcmp(base, ".htpasswd"))
		return "password file";
	return NULL;
}

static bool is_upper_digit(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_upper_digit(c) || (c >= 'a' && c <= 'z');
}

static size_t run_of(const char *s, size_t n, bool (*pred)(char), bool underscore)
{
	size_t i = 0;
	while (i < n && (pred(s[i]) || (underscore && s[i] == '_')))
		i++;
	return i;
}

/* The value after "key" and optional spaces, '=' or ':' on the same line. */
static const char *value_after(const char *s, const char *end, size_t *vlen)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '=' || *s == ':' || *s == '"'))
		s++;
	const char *v = s;
	while (s < end && *s != '\n' && *s != '\r' && *s != '"' && *s != ' ')
		s++;
	*vlen = (size_t)(s - v);
	return *vlen ? v : NULL;
}

static void scan_line(struct walk *w, const char *path, const char *base, size_t lineno,
		      const char *s, size_t n)
{
	const char *end = s + n, *p;
	size_t vlen;
	if ((p = memmem(s, n, "-----BEGIN ", 11)) && memmem(p, (size_t)(end - p), "PRIVATE KEY", 11))
		add_secret(w, path, lineno, "private key (PEM/OpenSSH)", NULL, 0);
	for (size_t i = 0; i + 20 <= n; i++) {
		if ((s[i] == 'A' && (!memcmp(s + i, "AKIA", 4) || !memcmp(s + i, "ASIA", 4))) &&
		    (i == 0 || !is_upper_digit(s[i - 1])) &&
		    run_of(s + i + 4, n - i - 4, is_upper_digit, false) == 16)
			add_secret(w, path, lineno, "AWS access key id", s + i, 20);
	}
	for (size_t i = 0; i + 40 <= n; i++) {
		if (s[i] == 'g' && s[i + 1] == 'h' && strchr("pousr", s[i + 2]) && s[i + 3] == '_' &&
		    (i == 0 || !is_alnum(s[i - 1])) && run_of(s + i + 4, n - i - 4, is_alnum, false) >= 36)
			add_secret(w, path, lineno, "GitHub token", s + i, 40);
	}
	if ((p = memmem(s, n, "github_pat_", 11)) &&
	    run_of(p + 11, (size_t)(end - p - 11), is_alnum, true) >= 22)
		add_secret(w, path, lineno, "GitHub token", p, 11);
	if ((p = memmem(s, n, "xox", 3)) && p + 4 < end && strchr("baprs", p[3]) && p[4] == '-')
		add_secret(w, path, lineno, "Slack token", p, 5);
	if ((p = memmem(s, n, "\"service_account\"", 17)))
		add_secret(w, path, lineno, "GCP service account key", NULL, 0);
	if ((p = memmem(s, n, "aws_secret_access_key", 21)) && value_after(p + 21, end, &vlen))
		add_secret(w, path, lineno, "AWS secret access key", value_after(p + 21, end, &vlen), vlen);
	if (!strcmp(base, ".npmrc")) {
		static const char *const keys[] = {"_authToken", "_auth", "_password"};
		for (size_t k = 0; k < 3; k++)
			if ((p = memmem(s, n, keys[k], strlen(keys[k]))) &&
			    value_after(p + strlen(keys[k]), end, &vlen)) {
				add_secret(w, path, lineno, "npm registry token",
					   value_after(p + strlen(keys[k]), end, &vlen), vlen);
				break;
			}
	}
	if (!strcmp(base, ".pypirc") && (p = memmem(s, n, "password", 8)) &&
	    value_after(p + 8, end, &vlen))
		add_secret(w, path, lineno, "PyPI password", value_after(p + 8, end, &vlen), vlen);
}

static void scan_content(struct walk *w, const char *path, uint64_t size)
{
	int fd;
	char *data;
	ssize_t got;
	size_t len = 0;
	if (size == 0 || size > CONTENT_SCAN_MAX)
		return;
	fd = openat(w->rootfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	data = xmalloc((size_t)size + 1);
	while (len < size && (got = read(fd, data + len, (size_t)size - len)) > 0)
		len += (size_t)got;
	close(fd);
	/* Binary files (a NUL early on) are skipped. */
	if (!memchr(data, '\0', len < 8000 ? len : 8000)) {
		const char *base = basename_of(path);
		size_t lineno = 1;
		for (size_t pos = 0; pos < len; lineno++) {
			const char *nl = memchr(data + pos, '\n', len - pos);
			size_t end = nl ? (size_t)(nl - data) : len;
			scan_line(w, path, base, lineno, data + pos, end - pos);
			pos = end + 1;
		}
	}
	free(data);
}

/* ---- the walk ---- */

struct names {
	char **v;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_release(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
}

/* Read the entries of the current directory, sorted by name (as Go's WalkDir). */
static int read_names(struct walk *w, struct names *nm)
{
	int fd = openat(w->rootfd, rel_or_dot(w), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dir;
	struct dirent *de;
	int saved;
	memset(nm, 0, sizeof(*nm));
	if (fd < 0) {
		saved = errno;
		ls_fail_errno(w->err, saved, "%s", rel_or_dot(w));
		errno = saved;
		return -1;
	}
	dir = fdopendir(fd);
	if (!dir) {
		saved = errno;
		close(fd);
		ls_fail_errno(w->err, saved, "%s", rel_or_dot(w));
		errno = saved;
		return -1;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		nm->v = xgrow(nm->v, &nm->cap, nm->n + 1, sizeof(*nm->v));
		nm->v[nm->n++] = xstrdup(de->d_name);
	}
	closedir(dir);
	if (nm->n)
		qsort(nm->v, nm->n, sizeof(*nm->v), cmp_str);
	return 0;
}

/* Size an excluded directory that the walk skips, without matching (for the savings). */
static void size_tree(struct walk *w)
{
	struct names nm;
	size_t base = w->len;
	ls_error ignored;
	ls_error *saved = w->err;
	if (w->depth >= MAX_DEPTH)
		return;
	w->err = &ignored;
	if (read_names(w, &nm) < 0) {
		w->err = saved;
		return;
	}
	w->err = saved;
	w->dirs_sized++;
	w->depth++;
	for (size_t i = 0; i < nm.n; i++) {
		struct stat st;
		path_push(w, nm.v[i]);
		if (fstatat(w->rootfd, w->path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISDIR(st.st_mode)) {
				w->excl_dirs++;
				size_tree(w);
			} else {
				w->excl_files++;
				if (S_ISREG(st.st_mode))
					w->excl_bytes += (uint64_t)st.st_size;
			}
		}
		path_pop(w, base);
	}
	w->depth--;
	names_release(&nm);
}

static int walk_dir(struct walk *w, const bool *parent_bits, bool excluded, uint64_t *sent_below);

static int visit_dir(struct walk *w, const bool *bits, bool excluded, uint64_t *sent_below)
{
	uint64_t below = 0;
	size_t saved_pending = w->npending;
	int rc;
	if (excluded) {
		if (dockerignore_walk_can_skip(w->di, w->path)) {
			w->dirs_skipped++;
			w->excl_dirs++;
			if (w->savings)
				size_tree(w);
			return 0;
		}
		w->pending = xgrow(w->pending, &w->pendcap, w->npending + 1, sizeof(*w->pending));
		w->pending[w->npending++] = w->len;
	} else {
		emit_pending(w);
		w->sent_dirs++;
		list_add(w, w->path, w->len, true);
	}
	rc = walk_dir(w, bits, excluded, &below);
	if (excluded && w->emitted_pending <= saved_pending)
		w->excl_dirs++; /* nothing inside was sent, so neither is the directory */
	w->npending = saved_pending;
	if (w->emitted_pending > saved_pending)
		w->emitted_pending = saved_pending;
	if (below && w->collect_details)
		top_add(&w->top_dirs, w->path, below);
	*sent_below += below;
	return rc;
}

static void visit_file(struct walk *w, const struct stat *st, bool excluded, uint64_t *sent_below)
{
	uint64_t size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	const char *kind;
	if (excluded) {
		w->excl_files++;
		w->excl_bytes += size;
		return;
	}
	emit_pending(w);
	w->sent_files++;
	w->sent_bytes += size;
	*sent_below += size;
	list_add(w, w->path, w->len, false);
	if (!w->collect_details)
		return;
	top_add(&w->top_files, w->path, size);
	if ((kind = secret_by_name(w->path)))
		add_secret(w, w->path, 0, kind, NULL, 0);
	if (w->content && S_ISREG(st->st_mode))
		scan_content(w, w->path, size);
}

static int walk_dir(struct walk *w, const bool *parent_bits, bool dir_excluded,
		    uint64_t *sent_below)
{
	struct names nm;
	size_t base = w->len;
	bool *bits = xcalloc(w->npat ? w->npat : 1, sizeof(bool));
	int rc = 0;

	if (++w->depth > MAX_DEPTH) {
		free(bits);
		return ls_fail(w->err, "%s: directories nest deeper than %d", w->path, MAX_DEPTH);
	}
	if (read_names(w, &nm) < 0) {
		int e = errno;
		free(bits);
		w->depth--;
		/* BuildKit ignores a permission error on an excluded directory it had to enter. */
		return dir_excluded && e == EACCES ? 0 : -1;
	}
	w->dirs_read++;
	for (size_t i = 0; i < nm.n && rc == 0; i++) {
		struct stat st;
		bool excluded;
		path_push(w, nm.v[i]);
		if (fstatat(w->rootfd, w->path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			/* Gone since the directory was read: skipped, as fsutil does. */
			if (errno != ENOENT)
				rc = ls_fail_errno(w->err, errno, "%s", w->path);
		} else if (w->entries_matched++,
			   dockerignore_matches_walk(w->di, w->path, parent_bits, bits, &excluded,
						     w->err) < 0) {
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = visit_dir(w, bits, excluded, sent_below);
		} else {
			visit_file(w, &st, excluded, sent_below);
		}
		path_pop(w, base);
	}
	w->depth--;
	names_release(&nm);
	free(bits);
	return rc;
}

/* ---- Dockerfile COPY/ADD sources (a minimal reading: continuations, JSON and shell form,
 * flags, heredocs and --from skipped) ---- */

static void split_words(const char *s, json_t *out)
{
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		const char *start = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (s > start)
			json_array_append_new(out, json_stringn(start, (size_t)(s - start)));
	}
}

static void check_source(const struct dockerignore *di, const char *src, size_t line,
			 const char *keyword, struct ignored_copy **out, size_t *n, size_t *cap)
{
	char *clean = NULL;
	bool excluded = false;
	size_t lit;
	if (strchr(src, '$') || strstr(src, "://") || str_starts_with(src, "git@") ||
	    str_starts_with(src, "<<"))
		return;
	while (*src == '/')
		src++;
	/* For a wildcard source, check the literal directories before the first wildcard. */
	lit = strcspn(src, "*?[\\");
	if (src[lit]) {
		while (lit > 0 && src[lit - 1] != '/')
			lit--;
		if (lit == 0)
			return;
		lit--;
	}
	clean = xstrndup(src, lit);
	if (clean[0] && strcmp(clean, ".") && dockerignore_matches(di, clean, &excluded, NULL) == 0 &&
	    excluded) {
		*out = xgrow(*out, cap, *n + 1, sizeof(**out));
		(*out)[*n].line = line;
		(*out)[*n].instruction = xstrdup(keyword);
		(*out)[*n].source = xstrdup(src);
		(*n)++;
	}
	free(clean);
}

static void check_instruction(const struct dockerignore *di, const char *text, size_t line,
			      struct ignored_copy **out, size_t *n, size_t *cap)
{
	char keyword[8];
	size_t kw = strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	json_t *words;
	size_t first = 0, count;
	if (kw != 3 && kw != 4)
		return;
	snprintf(keyword, sizeof(keyword), "%.*s", (int)kw, text);
	for (char *k = keyword; *k; k++)
		*k = (char)(*k >= 'a' ? *k - 32 : *k);
	if (strcmp(keyword, "COPY") && strcmp(keyword, "ADD"))
		return;
	text += kw;
	words = json_array();
	split_words(text, words);
	while (first < json_array_size(words) &&
	       str_starts_with(json_string_value(json_array_get(words, first)), "--")) {
		if (str_starts_with(json_string_value(json_array_get(words, first)), "--from")) {
			json_decref(words);
			return; /* sources come from another stage or image */
		}
		first++;
	}
	const char *rest = NULL;
	if (first < json_array_size(words))
		rest = strstr(text, json_string_value(json_array_get(words, first)));
	if (rest && rest[0] == '[') { /* JSON form: ["src", ..., "dest"] */
		json_t *arr = json_loads(rest, JSON_DECODE_ANY, NULL);
		if (json_is_array(arr)) {
			json_decref(words);
			words = arr;
			first = 0;
		} else {
			json_decref(arr);
		}
	}
	count = json_array_size(words);
	for (size_t i = first; i + 1 < count; i++) {
		const char *src = json_string_value(json_array_get(words, i));
		if (src)
			check_source(di, src, line, keyword, out, n, cap);
	}
	json_decref(words);
}

/* With the project's Dockerfile parser (BuildKit's rules): COPY/ADD without --from, heredoc
 * sources left out. Returns -1 when the file does not parse. */
static int check_parsed(const char *text, size_t len, const char *path,
			const struct dockerignore *di, struct ignored_copy **out, size_t *n)
{
	struct dockerfile *df;
	ls_error err = {{0}};
	size_t cap = 0;
	if (dockerfile_parse(text, len, path, &df, &err) < 0)
		return -1;
	for (size_t i = 0; i < df->n_ins; i++) {
		const struct df_instruction *in = &df->ins[i];
		bool from = false;
		if (in->cmd != DF_COPY && in->cmd != DF_ADD)
			continue;
		for (size_t f = 0; f < in->n_flags; f++)
			from = from || !strcmp(in->flags[f].name, "from");
		for (size_t a = 0; !from && a + 1 < in->n_args; a++)
			check_source(di, in->args[a], (size_t)in->line_start,
				     in->cmd == DF_COPY ? "COPY" : "ADD", out, n, &cap);
	}
	dockerfile_free(df);
	return 0;
}

static void check_dockerfile(const char *path, const struct dockerignore *di,
			     struct ignored_copy **out, size_t *n)
{
	size_t len, cap = 0, pos = 0, lineno = 0, start_line = 0;
	struct buf file;
	char escape = '\\';
	bool directives = true;
	struct buf ins;
	if (buf_read_file(&file, path, MAX_DOCKERFILE, NULL) < 0)
		return; /* no Dockerfile to check against */
	char *text = buf_detach(&file, &len);
	if (check_parsed(text, len, path, di, out, n) == 0) {
		free(text);
		return;
	}
	/* Not parseable by BuildKit's rules: fall back to a minimal reading. */
	buf_init(&ins, 0);
	while (pos < len) {
		char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, n_line;
		char *line = text + pos;
		lineno++;
		pos = end + 1;
		n_line = end - (size_t)(line - text);
		while (n_line && strchr("\r \t", line[n_line - 1]))
			n_line--;
		size_t lead = 0;
		while (lead < n_line && (line[lead] == ' ' || line[lead] == '\t'))
			lead++;
		if (lead < n_line && line[lead] == '#') {
			if (directives && !ins.len && !strncasecmp(line + lead, "# escape=", 9) && n_line > lead + 9)
				escape = line[lead + 9];
			continue; /* comments, also inside continuations */
		}
		directives = false;
		if (!ins.len && lead == n_line)
			continue;
		if (!ins.len)
			start_line = lineno;
		bool cont = n_line > 0 && line[n_line - 1] == escape;
		buf_append(&ins, line + lead, n_line - lead - (cont ? 1 : 0), NULL);
		if (cont) {
			buf_append(&ins, " ", 1, NULL);
			continue;
		}
		check_instruction(di, ins.data, start_line, out, n, &cap);
		ins.len = 0;
	}
	if (ins.len)
		check_instruction(di, ins.data, start_line, out, n, &cap);
	buf_release(&ins);
	free(text);
}

/* ---- output ---- */

static void print_ranked(const char *title, const struct top_list *t)
{
	char human[32];
	if (!t->n)
		return;
	printf("\n%s:\n", title);
	for (size_t i = 0; i < t->n; i++) {
		human_size_si(t->v[i].bytes, human, sizeof(human));
		printf("  %9s  %s\n", human, t->v[i].path);
	}
}

struct report {
	const char *dir, *dockerfile, *ignore_file;
	size_t npatterns;
	const struct walk *w;
	const struct ignored_copy *copies;
	size_t ncopies;
	bool stats;
};

static void print_text(const struct report *r)
{
	const struct walk *w = r->w;
	char human[32];
	printf("Context:        %s\n", r->dir);
	if (r->ignore_file)
		printf(".dockerignore:  %s (%zu patterns)\n", r->ignore_file, r->npatterns);
	else
		printf(".dockerignore:  none\n");
	human_size_si(w->sent_bytes, human, sizeof(human));
	printf("Sent:           %llu files, %s (%llu bytes), %llu directories\n",
	       (unsigned long long)w->sent_files, human, (unsigned long long)w->sent_bytes,
	       (unsigned long long)w->sent_dirs);
	human_size_si(w->excl_bytes, human, sizeof(human));
	printf("Excluded:       %llu files, %s (%llu bytes)%s\n", (unsigned long long)w->excl_files,
	       human, (unsigned long long)w->excl_bytes,
	       w->savings ? "" : " (skipped directories not sized)");
	print_ranked("Largest files", &w->top_files);
	print_ranked("Largest directories", &w->top_dirs);
	if (w->nsecrets) {
		printf("\nSecrets in the context (%zu):\n", w->nsecrets);
		for (size_t i = 0; i < w->nsecrets; i++) {
			const struct secret *s = &w->secrets[i];
			if (s->line)
				printf("  %s:%zu  %s", s->path, s->line, s->kind);
			else
				printf("  %s  %s (by name)", s->path, s->kind);
			printf("%s%s\n", s->preview ? "  " : "", s->preview ? s->preview : "");
		}
	} else {
		printf("\nSecrets in the context: none found\n");
	}
	if (r->ncopies) {
		printf("\nCOPY/ADD sources excluded by .dockerignore (%zu):\n", r->ncopies);
		for (size_t i = 0; i < r->ncopies; i++)
			printf("  %s:%zu  %s %s\n", r->dockerfile, r->copies[i].line,
			       r->copies[i].instruction, r->copies[i].source);
	}
	if (r->stats)
		printf("\nWalk: %llu directories read, %llu skipped, %llu sized without matching, "
		       "%llu entries matched\n",
		       (unsigned long long)w->dirs_read, (unsigned long long)w->dirs_skipped,
		       (unsigned long long)w->dirs_sized, (unsigned long long)w->entries_matched);
}

static json_t *ranked_json(const struct top_list *t)
{
	json_t *a = json_array();
	for (size_t i = 0; i < t->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I}", "path", t->v[i].path, "bytes",
						   (json_int_t)t->v[i].bytes));
	return a;
}

static void print_json(const struct report *r)
{
	const struct walk *w = r->w;
	json_t *root = json_object(), *secrets = json_array(), *copies = json_array();
	json_object_set_new(root, "context", json_string(r->dir));
	json_object_set_new(root, "dockerfile", r->dockerfile ? json_string(r->dockerfile) : json_null());
	json_object_set_new(root, "ignoreFile",
			    r->ignore_file ? json_string(r->ignore_file) : json_null());
	json_object_set_new(root, "patterns", json_integer((json_int_t)r->npatterns));
	json_object_set_new(root, "sent", json_pack("{s:I, s:I, s:I}", "files",
		(json_int_t)w->sent_files, "bytes", (json_int_t)w->sent_bytes, "directories",
		(json_int_t)w->sent_dirs));
	json_object_set_new(root, "excluded", json_pack("{s:I, s:I, s:I, s:b}", "files",
		(json_int_t)w->excl_files, "bytes", (json_int_t)w->excl_bytes, "directories",
		(json_int_t)w->excl_dirs, "complete", w->savings));
	json_object_set_new(root, "largestFiles", ranked_json(&w->top_files));
	json_object_set_new(root, "largestDirectories", ranked_json(&w->top_dirs));
	for (size_t i = 0; i < w->nsecrets; i++) {
		const struct secret *s = &w->secrets[i];
		json_t *j = json_pack("{s:s, s:s, s:s}", "path", s->path, "kind", s->kind, "found",
				      s->line ? "content" : "name");
		if (s->line)
			json_object_set_new(j, "line", json_integer((json_int_t)s->line));
		if (s->preview)
			json_object_set_new(j, "preview", json_string(s->preview));
		json_array_append_new(secrets, j);
	}
	json_object_set_new(root, "secrets", secrets);
	for (size_t i = 0; i < r->ncopies; i++)
		json_array_append_new(copies, json_pack("{s:I, s:s, s:s}", "line",
			(json_int_t)r->copies[i].line, "instruction", r->copies[i].instruction,
			"source", r->copies[i].source));
	json_object_set_new(root, "excludedCopySources", copies);
	json_object_set_new(root, "walk", json_pack("{s:I, s:I, s:I, s:I}", "directoriesRead",
		(json_int_t)w->dirs_read, "directoriesSkipped", (json_int_t)w->dirs_skipped,
		"directoriesSized", (json_int_t)w->dirs_sized, "entriesMatched",
		(json_int_t)w->entries_matched));
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
}

/* ---- the verb ---- */

struct opts {
	const char *dir, *dockerfile, *ignore_file;
	bool list, json, check, savings, content, stats, strict;
	size_t top;
};

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* BuildKit: <Dockerfile>.dockerignore next to the Dockerfile, else DIR/.dockerignore. */
static char *find_ignore_file(const struct opts *o, const char *dockerfile)
{
	char *p = xasprintf("%s.dockerignore", dockerfile);
	if (file_exists(p))
		return p;
	free(p);
	p = xasprintf("%s/.dockerignore", o->dir);
	if (file_exists(p))
		return p;
	free(p);
	return NULL;
}

static int run_check(const struct opts *o, char **paths, int npaths)
{
	struct dockerignore *di = NULL;
	ls_error err = {{0}};
	char *dockerfile = o->dockerfile ? xstrdup(o->dockerfile) : xasprintf("%s/Dockerfile", o->dir);
	char *ignore = o->ignore_file ? xstrdup(o->ignore_file) : find_ignore_file(o, dockerfile);
	int rc = EXIT_OK;
	free(dockerfile);
	if (!ignore) {
		print_error("no .dockerignore found: %s", o->dir);
		return EXIT_ERROR;
	}
	if (dockerignore_load(ignore, &di, &err) < 0) {
		print_error("%s", err.msg);
		free(ignore);
		return EXIT_ERROR;
	}
	for (int i = 0; i < npaths && rc == EXIT_OK; i++) {
		bool excluded;
		if (dockerignore_matches(di, paths[i], &excluded, &err) < 0) {
			print_error("%s: %s", err.msg, ignore);
			rc = EXIT_ERROR;
		} else {
			printf("%s\t%s\n", paths[i], excluded ? "excluded" : "included");
		}
	}
	dockerignore_free(di);
	free(ignore);
	return rc;
}

static void walk_release(struct walk *w)
{
	free(w->path);
	free(w->pending);
	top_release(&w->top_files);
	top_release(&w->top_dirs);
	for (size_t i = 0; i < w->nlisted; i++)
		free(w->listed[i]);
	free(w->listed);
	for (size_t i = 0; i < w->nsecrets; i++) {
		free(w->secrets[i].path);
		free(w->secrets[i].preview);
	}
	free(w->secrets);
}

static int run_context(const struct opts *o)
{
	struct dockerignore *di = NULL;
	struct walk w;
	ls_error err = {{0}};
	struct ignored_copy *copies = NULL;
	size_t ncopies = 0;
	uint64_t sent_below = 0;
	char *dockerfile = o->dockerfile ? xstrdup(o->dockerfile) : xasprintf("%s/Dockerfile", o->dir);
	char *ignore = o->ignore_file ? xstrdup(o->ignore_file) : find_ignore_file(o, dockerfile);
	int rc = EXIT_ERROR;

	memset(&w, 0, sizeof(w));
	w.rootfd = -1;
	if (ignore && dockerignore_load(ignore, &di, &err) < 0) {
		print_error("%s", err.msg);
		goto out;
	}
	if (!di && dockerignore_parse("", 0, &di, &err) < 0)
		goto out;
	w.rootfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.rootfd < 0) {
		print_error("cannot open context: %s: %s", o->dir, strerror(errno));
		goto out;
	}
	w.di = di;
	w.npat = dockerignore_count(di);
	w.list = o->list;
	w.savings = o->savings && !o->list;
	w.content = o->content;
	w.collect_details = !o->list;
	w.top_files.max = w.top_dirs.max = o->top;
	w.top_files.v = xcalloc(o->top + 1, sizeof(struct ranked));
	w.top_dirs.v = xcalloc(o->top + 1, sizeof(struct ranked));
	w.path = xstrdup("");
	w.cap = 1;
	w.err = &err;
	if (walk_dir(&w, NULL, false, &sent_below) < 0) {
		print_error("%s: %s", o->dir, err.msg);
		goto out;
	}
	if (o->list) {
		if (w.nlisted)
			qsort(w.listed, w.nlisted, sizeof(*w.listed), cmp_str);
		for (size_t i = 0; i < w.nlisted; i++)
			puts(w.listed[i]);
		rc = EXIT_OK;
		goto out;
	}
	bool have_dockerfile = file_exists(dockerfile);
	if (have_dockerfile)
		check_dockerfile(dockerfile, di, &copies, &ncopies);
	struct report r = {o->dir, have_dockerfile ? dockerfile : NULL, ignore,
			   dockerignore_count(di), &w, copies, ncopies, o->stats};
	if (o->json)
		print_json(&r);
	else
		print_text(&r);
	rc = (o->strict && (w.nsecrets || ncopies)) ? EXIT_GATE : EXIT_OK;
out:
	if (w.rootfd >= 0)
		close(w.rootfd);
	for (size_t i = 0; i < ncopies; i++) {
		free(copies[i].instruction);
		free(copies[i].source);
	}
	free(copies);
	walk_release(&w);
	dockerignore_free(di);
	free(ignore);
	free(dockerfile);
	return rc;
}

int cmd_context(int argc, char **argv)
{
	enum { O_LIST = 1, O_JSON, O_TOP, O_CHECK, O_IGNORE, O_NOSAVE, O_NOCONTENT, O_STATS, O_STRICT };
	static const struct option longopts[] = {
		{"file", required_argument, NULL, 'f'},
		{"ignore-file", required_argument, NULL, O_IGNORE},
		{"list", no_argument, NULL, O_LIST},
		{"check", no_argument, NULL, O_CHECK},
		{"json", no_argument, NULL, O_JSON},
		{"top", required_argument, NULL, O_TOP},
		{"no-savings", no_argument, NULL, O_NOSAVE},
		{"no-content", no_argument, NULL, O_NOCONTENT},
		{"stats", no_argument, NULL, O_STATS},
		{"strict", no_argument, NULL, O_STRICT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {".", NULL, NULL, false, false, false, true, true, false, false, 10};
	uint64_t v;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f': o.dockerfile = optarg; break;
		case O_IGNORE: o.ignore_file = optarg; break;
		case O_LIST: o.list = true; break;
		case O_CHECK: o.check = true; break;
		case O_JSON: o.json = true; break;
		case O_TOP:
			if (!parse_u64(optarg, &v) || v > 10000)
				return usage_error("context", "--top wants a number up to 10000");
			o.top = (size_t)v;
			break;
		case O_NOSAVE: o.savings = false; break;
		case O_NOCONTENT: o.content = false; break;
		case O_STATS: o.stats = true; break;
		case O_STRICT: o.strict = true; break;
		case 'h': fputs(context_help, stdout); return EXIT_OK;
		default: return usage_error("context", "unknown option");
		}
	}
	if (o.check) {
		if (optind >= argc)
			return usage_error("context", "--check wants at least one PATH");
		return run_check(&o, argv + optind, argc - optind);
	}
	if (argc - optind > 1)
		return usage_error("context", "expected at most one DIR");
	if (optind < argc)
		o.dir = argv[optind];
	if (o.list && o.json)
		return usage_error("context", "--list and --json do not go together");
	return run_context(&o);
}
