/* Package inventory: the packages an image holds, OS (dpkg, apk, rpm) and language (npm, PyPI,
 * Go, Maven, RubyGems, Cargo), each with its purl, source package, licences, files and the
 * layer that introduced its version. Parsers take the bytes of one file (captured while the
 * layers stream, never extracted) and append to a pkg_list; problems in one file are warnings
 * that name it, and the rest of the inventory is still produced. */
#ifndef LS_PKG_H
#define LS_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum pkg_type { PKG_DEB, PKG_APK, PKG_RPM, PKG_NPM, PKG_PYPI, PKG_GO, PKG_MAVEN, PKG_GEM, PKG_CARGO };

struct package {
	enum pkg_type type;
	char *name;
	char *version;     /* as the ecosystem writes it (deb: [epoch:]upstream[-revision]) */
	char *namespace_;  /* maven groupId; NULL elsewhere */
	char *arch;        /* deb/apk/rpm architecture, or NULL */
	char *epoch;       /* rpm epoch as a string, or NULL when the header has none */
	char *source_name, *source_version; /* the source package (advisories are keyed by it) */
	char **licenses;
	size_t n_licenses;
	char **files; /* normalised paths ("usr/bin/ls") the package owns */
	size_t n_files, cap_files;
	char *location; /* the file it was read from ("var/lib/dpkg/status") */
	/* Filled by the inventory: */
	char *purl;
	int layer;             /* the layer that introduced this version, -1 when unknown */
	bool owned_by_os;      /* a language package whose files an OS package owns */
	char *extra;           /* go: the Go toolchain version of the binary; else NULL */
};

struct pkg_list {
	struct package *items;
	size_t n, cap;
	char **warnings;
	size_t n_warnings, cap_warnings;
};

void pkg_list_init(struct pkg_list *l);
void pkg_list_release(struct pkg_list *l);
/* A new zeroed package at the end of the list (layer = -1); valid until the next add. */
struct package *pkg_list_add(struct pkg_list *l, enum pkg_type type);
/* Remove the last package (a stanza that turned out to be incomplete). */
void pkg_list_drop_last(struct pkg_list *l);
void pkg_warn(struct pkg_list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void package_add_file(struct package *p, const char *path, size_t len);
void package_add_license(struct package *p, const char *s, size_t len);
void package_release(struct package *p);

const char *pkg_type_name(enum pkg_type t);
bool pkg_type_is_os(enum pkg_type t);

/* ---- OS release ---- */

struct os_release {
	char *id;          /* "debian", "alpine", "rhel", "rocky" … */
	char *version;     /* "12", "3.19.1", "9.3" */
	char *name;        /* PRETTY_NAME or NAME */
	char *osv;         /* OSV ecosystem: "Debian:12", "Alpine:v3.19", "Rocky Linux:9" */
};

/* Feed one release file (path relative to the root: "etc/os-release", "etc/alpine-release",
 * "etc/debian_version", "etc/redhat-release", "usr/lib/os-release"); later os-release wins
 * over usr/lib, os-release over the single-line files. Call os_release_finish at the end. */
void os_release_feed(struct os_release *r, const char *path, const char *data, size_t len);
void os_release_finish(struct os_release *r);
void os_release_release(struct os_release *r);

/* ---- parsers: data need not be NUL-terminated ---- */

/* dpkg status (or one status.d file): stanzas with Status "install ok installed" (status.d
 * stanzas have no Status and all count). */
int pkg_parse_dpkg_status(const char *data, size_t len, const char *path, bool require_status,
			  struct pkg_list *out, ls_error *err);
/* A dpkg info/NAME[:ARCH].list file: one path per line ("/." and directories kept). */
void pkg_parse_dpkg_list(const char *data, size_t len, struct package *p);
int pkg_parse_apk(const char *data, size_t len, const char *path, struct pkg_list *out,
		  ls_error *err);
/* One rpm header blob (as stored in any rpmdb: no lead, no magic, starting with the counts). */
int pkg_parse_rpm_header(const unsigned char *data, size_t len, const char *path,
			 struct pkg_list *out, ls_error *err);
/* A whole rpmdb file: SQLite (rpmdb.sqlite), NDB (Packages.db) or Berkeley DB (Packages). */
int pkg_parse_rpmdb(const unsigned char *data, size_t len, const char *path, struct pkg_list *out,
		    ls_error *err);
/* The same, with the SQLite database's write-ahead log (rpmdb.sqlite-wal): its committed,
 * checksummed frames are applied first, as SQLite would. */
int pkg_parse_rpmdb_wal(const unsigned char *data, size_t len, const unsigned char *wal,
			size_t wal_len, const char *path, struct pkg_list *out, ls_error *err);
int pkg_parse_npm_package_json(const char *data, size_t len, const char *path,
			       struct pkg_list *out, ls_error *err);
int pkg_parse_npm_lock(const char *data, size_t len, const char *path, struct pkg_list *out,
		       ls_error *err);
/* METADATA / PKG-INFO (RFC 822 headers: Name, Version, License, License-Expression). */
int pkg_parse_python_metadata(const char *data, size_t len, const char *path,
			      struct pkg_list *out, ls_error *err);
int pkg_parse_gemspec(const char *data, size_t len, const char *path, struct pkg_list *out,
		      ls_error *err);
/* Go build info as pkg_go_extract returns it: "go1.21.3\n" then the modinfo text. */
int pkg_parse_go_buildinfo(const char *data, size_t len, const char *path, struct pkg_list *out,
			   ls_error *err);
/* Find the build info in an ELF executable; returns a malloc'd "GOVERSION\nMODINFO" text, or
 * NULL when the file is not a Go binary (err set only for a damaged one). */
char *pkg_go_extract(const unsigned char *data, size_t len, size_t *out_len, ls_error *err);
/* The dependency list of a cargo-auditable binary (.dep-v0 section, zlib JSON), or NULL. */
char *pkg_cargo_extract(const unsigned char *data, size_t len, size_t *out_len, ls_error *err);
int pkg_parse_cargo_auditable(const char *data, size_t len, const char *path,
			      struct pkg_list *out, ls_error *err);
/* A jar/war/ear: every META-INF/maven/ ** /pom.properties inside it and inside nested jars,
 * returned as "groupId artifactId version\n" lines; pkg_parse_maven_lines reads them back. */
char *pkg_java_extract(const unsigned char *data, size_t len, size_t *out_len, ls_error *err);
int pkg_parse_maven_lines(const char *data, size_t len, const char *path, struct pkg_list *out,
			  ls_error *err);

/* purl for a package (distro like "debian-12", may be NULL); malloc'd. */
char *pkg_purl(const struct package *p, const char *os_id, const char *distro);

#endif
