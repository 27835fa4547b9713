/* Packages recorded inside executables: Go build info (the "\xff Go buildinf:" blob of
 * debug/buildinfo: Go >= 1.18 writes the version and module info inline as varint-prefixed
 * strings; older linkers write two pointers to Go string headers, read here through the ELF
 * program headers), and cargo-auditable's zlib-compressed JSON in the ".dep-v0" section.
 * Every read is bounds-checked against the file. */
#include <isa-l/igzip_lib.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "pkg/pkg.h"
#include "util/buf.h"
#include "util/mem.h"

struct elf {
	const unsigned char *d;
	size_t len;
	bool is64, big;
};

static uint64_t rd(const struct elf *e, uint64_t off, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned shift = e->big ? 8u * (n - 1 - i) : 8u * i;
		v |= (uint64_t)e->d[off + i] << shift;
	}
	return v;
}

static bool in_file(const struct elf *e, uint64_t off, uint64_t n)
{
	return off <= e->len && n <= e->len - off;
}

static bool elf_open(struct elf *e, const unsigned char *d, size_t len)
{
	if (len < 64 || memcmp(d, "\177ELF", 4) || (d[4] != 1 && d[4] != 2) || (d[5] != 1 && d[5] != 2))
		return false;
	e->d = d;
	e->len = len;
	e->is64 = d[4] == 2;
	e->big = d[5] == 2;
	return true;
}

/* File offset of a virtual address through the PT_LOAD segments; UINT64_MAX when unmapped. */
static uint64_t elf_vaddr_off(const struct elf *e, uint64_t addr, uint64_t n)
{
	uint64_t phoff = rd(e, e->is64 ? 32 : 28, e->is64 ? 8 : 4);
	unsigned phentsize = (unsigned)rd(e, e->is64 ? 54 : 42, 2);
	unsigned phnum = (unsigned)rd(e, e->is64 ? 56 : 44, 2);
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t ph = phoff + (uint64_t)i * phentsize, off, va, fsz;
		if (!in_file(e, ph, e->is64 ? 56 : 32))
			break;
		if (rd(e, ph, 4) != 1) /* PT_LOAD */
			continue;
		off = rd(e, ph + (e->is64 ? 8 : 4), e->is64 ? 8 : 4);
		va = rd(e, ph + (e->is64 ? 16 : 8), e->is64 ? 8 : 4);
		fsz = rd(e, ph + (e->is64 ? 32 : 16), e->is64 ? 8 : 4);
		if (addr >= va && addr - va < fsz && n <= fsz - (addr - va) &&
		    in_file(e, off + (addr - va), n))
			return off + (addr - va);
	}
	return UINT64_MAX;
}

/* A section's file range by name; false when absent or out of bounds. */
static bool elf_section(const struct elf *e, const char *name, uint64_t *off, uint64_t *size)
{
	uint64_t shoff = rd(e, e->is64 ? 40 : 32, e->is64 ? 8 : 4);
	unsigned shentsize = (unsigned)rd(e, e->is64 ? 58 : 46, 2);
	unsigned shnum = (unsigned)rd(e, e->is64 ? 60 : 48, 2);
	unsigned shstrndx = (unsigned)rd(e, e->is64 ? 62 : 50, 2);
	uint64_t str_off, str_size, sh;
	unsigned w = e->is64 ? 8 : 4;
	if (shstrndx >= shnum || shentsize < (e->is64 ? 64u : 40u))
		return false;
	sh = shoff + (uint64_t)shstrndx * shentsize;
	if (!in_file(e, sh, shentsize))
		return false;
	str_off = rd(e, sh + (e->is64 ? 24 : 16), w);
	str_size = rd(e, sh + (e->is64 ? 32 : 20), w);
	if (!in_file(e, str_off, str_size))
		return false;
	for (unsigned i = 0; i < shnum; i++) {
		uint64_t nm;
		sh = shoff + (uint64_t)i * shentsize;
		if (!in_file(e, sh, shentsize))
			return false;
		nm = rd(e, sh, 4);
		if (nm >= str_size || strnlen((const char *)e->d + str_off + nm, str_size - nm) ==
					      str_size - nm)
			continue;
		if (strcmp((const char *)e->d + str_off + nm, name))
			continue;
		*off = rd(e, sh + (e->is64 ? 24 : 16), w);
		*size = rd(e, sh + (e->is64 ? 32 : 20), w);
		return in_file(e, *off, *size);
	}
	return false;
}

/* ---- Go ---- */

static const char go_magic[] = "\xff Go buildinf:";
#define GO_MAGIC_LEN 14
#define GO_HEADER_LEN 32

static bool read_uvarint(const unsigned char *p, size_t n, uint64_t *v, size_t *used)
{
	uint64_t x = 0;
	for (size_t i = 0; i < n && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			*used = i + 1;
			return true;
		}
	}
	return false;
}

/* Old format: a pointer to a Go string header {data pointer, length}. */
static char *go_string_at(const struct elf *e, uint64_t addr, unsigned ptr, size_t *n)
{
	uint64_t off = elf_vaddr_off(e, addr, 2u * ptr), data, len, doff;
	if (off == UINT64_MAX)
		return NULL;
	data = rd(e, off, ptr);
	len = rd(e, off + ptr, ptr);
	if (len > (64u << 20))
		return NULL;
	doff = elf_vaddr_off(e, data, len);
	if (doff == UINT64_MAX)
		return NULL;
	*n = (size_t)len;
	return xstrndup((const char *)e->d + doff, (size_t)len);
}

/* Module info is wrapped in 16-byte sentinels when the binary was built by `go build`. */
static void strip_sentinels(char **mod, size_t *n)
{
	if (*n >= 33 && (*mod)[*n - 17] == '\n') {
		char *s = xstrndup(*mod + 16, *n - 32);
		free(*mod);
		*mod = s;
		*n -= 32;
	}
}

char *pkg_go_extract(const unsigned char *data, size_t len, size_t *out_len, ls_error *err)
{
	struct elf e;
	const unsigned char *h = NULL;
	char *version = NULL, *mod = NULL, *out;
	size_t vn = 0, mn = 0;
	if (!elf_open(&e, data, len))
		return NULL;
	{
		const unsigned char *m = memmem(data, len, go_magic, GO_MAGIC_LEN);
		if (m && (size_t)(m - data) + GO_HEADER_LEN <= len)
			h = m;
	}
	if (!h)
		return NULL;
	if (h[15] & 2) { /* inline strings */
		const unsigned char *p = h + GO_HEADER_LEN, *end = data + len;
		uint64_t n;
		size_t used;
		if (!read_uvarint(p, (size_t)(end - p), &n, &used) || n > (size_t)(end - p - used)) {
			ls_fail(err, "Go build info: version string past the end of the file");
			return NULL;
		}
		version = xstrndup((const char *)p + used, (size_t)n);
		vn = (size_t)n;
		p += used + n;
		if (!read_uvarint(p, (size_t)(end - p), &n, &used) || n > (size_t)(end - p - used)) {
			free(version);
			ls_fail(err, "Go build info: module info past the end of the file");
			return NULL;
		}
		mod = xstrndup((const char *)p + used, (size_t)n);
		mn = (size_t)n;
	} else {
		unsigned ptr = h[14];
		struct elf pe = e;
		if (ptr != 4 && ptr != 8) {
			ls_fail(err, "Go build info: pointer size %u", ptr);
			return NULL;
		}
		pe.big = (h[15] & 1) != 0;
		version = go_string_at(&pe, rd(&pe, (size_t)(h - data) + 16, ptr), ptr, &vn);
		mod = go_string_at(&pe, rd(&pe, (size_t)(h - data) + 16 + ptr, ptr), ptr, &mn);
		if (!version || !mod) {
			free(version);
			free(mod);
			ls_fail(err, "Go build info: pointers outside the file's segments");
			return NULL;
		}
	}
	strip_sentinels(&mod, &mn);
	out = xasprintf("%s\n%s", version, mod);
	*out_len = strlen(out);
	free(version);
	free(mod);
	return out;
}

static struct package *go_add(struct pkg_list *out, const char *path, const char *go,
			      const char *name, size_t nn, const char *ver, size_t vl)
{
	struct package *p = pkg_list_add(out, PKG_GO);
	p->name = xstrndup(name, nn);
	p->version = xstrndup(ver, vl);
	p->location = xstrdup(path);
	p->extra = xstrdup(go);
	return p;
}

int pkg_parse_go_buildinfo(const char *data, size_t len, const char *path, struct pkg_list *out,
			   ls_error *err)
{
	const char *p = data, *end = data + len, *nl = memchr(data, '\n', len);
	char *go;
	size_t last_dep = SIZE_MAX;
	if (!nl)
		return ls_fail(err, "Go build info without module information");
	go = xstrndup(data, (size_t)(nl - data));
	p = nl + 1;
	while (p < end) {
		const char *le = memchr(p, '\n', (size_t)(end - p)), *f[4];
		size_t fl[4] = {0}, nf = 0;
		const char *s = p;
		if (!le)
			le = end;
		while (nf < 4 && s <= le) { /* tab-separated fields */
			const char *t = memchr(s, '\t', (size_t)(le - s));
			const char *fe = t ? t : le;
			f[nf] = s;
			fl[nf++] = (size_t)(fe - s);
			if (!t)
				break;
			s = t + 1;
		}
		if (nf >= 3 && ((fl[0] == 3 && !memcmp(f[0], "mod", 3)) ||
				(fl[0] == 3 && !memcmp(f[0], "dep", 3)))) {
			go_add(out, path, go, f[1], fl[1], f[2], fl[2]);
			last_dep = out->n - 1;
		} else if (nf >= 3 && fl[0] == 2 && !memcmp(f[0], "=>", 2) && last_dep != SIZE_MAX &&
			   fl[2] && last_dep == out->n - 1 &&
			   !(fl[2] == 7 && !memcmp(f[2], "(devel)", 7))) {
			/* replaced by another module version: that is the code built (a local
			 * directory replacement has no version: keep the required one) */
			struct package *d = &out->items[last_dep];
			free(d->version);
			d->version = xstrndup(f[2], fl[2]);
		}
		p = le + 1;
	}
	/* The standard library is built in too, at the toolchain's version: the Go vulndb files
	 * its advisories under the module "stdlib" (as govulncheck and Syft name it). The
	 * version ends at a space: "go1.21.3 X:boringcrypto" → "go1.21.3", "devel go1.23-…" →
	 * "devel" (goVersion keeps the whole string). */
	go_add(out, path, go, "stdlib", 6, go, strcspn(go, " "));
	free(go);
	return 0;
}

/* ---- cargo-auditable ---- */

char *pkg_cargo_extract(const unsigned char *data, size_t len, size_t *out_len, ls_error *err)
{
	struct elf e;
	uint64_t off, size;
	struct inflate_state st;
	struct buf b;
	unsigned char chunk[65536];
	if (!elf_open(&e, data, len) || !elf_section(&e, ".dep-v0", &off, &size))
		return NULL;
	buf_init(&b, 64u << 20);
	isal_inflate_init(&st);
	st.crc_flag = ISAL_ZLIB;
	st.next_in = (uint8_t *)data + off;
	st.avail_in = (uint32_t)(size > UINT32_MAX ? UINT32_MAX : size);
	do {
		int r;
		st.next_out = chunk;
		st.avail_out = sizeof(chunk);
		r = isal_inflate(&st);
		if (r != ISAL_DECOMP_OK && r != ISAL_END_INPUT) {
			buf_release(&b);
			ls_fail(err, "cargo-auditable: .dep-v0 is not valid zlib data");
			return NULL;
		}
		if (buf_append(&b, chunk, sizeof(chunk) - st.avail_out, err) < 0) {
			buf_release(&b);
			return NULL;
		}
		if (st.avail_out == sizeof(chunk) && st.block_state != ISAL_BLOCK_FINISH)
			break; /* no progress: truncated input */
	} while (st.block_state != ISAL_BLOCK_FINISH);
	return buf_detach(&b, out_len);
}

int pkg_parse_cargo_auditable(const char *data, size_t len, const char *path,
			      struct pkg_list *out, ls_error *err)
{
	json_t *j, *pkgs, *e;
	size_t i;
	json_error_t jerr;
	j = json_loadb(data, len, 0, &jerr);
	if (!j)
		return ls_fail(err, "cargo-auditable data: %s", jerr.text);
	pkgs = json_object_get(j, "packages");
	json_array_foreach(pkgs, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *ver = json_string_value(json_object_get(e, "version"));
		const char *src = json_string_value(json_object_get(e, "source"));
		struct package *p;
		if (!name || !ver)
			continue;
		if (src && strcmp(src, "crates.io") && strcmp(src, "registry"))
			continue; /* local or git crates have no registry identity */
		p = pkg_list_add(out, PKG_CARGO);
		p->name = xstrdup(name);
		p->version = xstrdup(ver);
		p->location = xstrdup(path);
	}
	json_decref(j);
	return 0;
}
