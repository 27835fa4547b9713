#include "pkg/sbom_format.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "pkg/sbom_internal.h"
#include "util/digest.h"
#include "util/mem.h"

int sbom_format_parse(const char *s)
{
	if (!strcmp(s, "table"))
		return SBOM_TABLE;
	if (!strcmp(s, "json"))
		return SBOM_JSON;
	if (!strcmp(s, "cyclonedx") || !strcmp(s, "cyclonedx-json"))
		return SBOM_CYCLONEDX;
	if (!strcmp(s, "spdx") || !strcmp(s, "spdx-json"))
		return SBOM_SPDX;
	if (!strcmp(s, "spdx3") || !strcmp(s, "spdx3-json"))
		return SBOM_SPDX3;
	return -1;
}

const char *sbom_layer_command(const struct image *img, int layer)
{
	if (layer < 0 || (size_t)layer >= img->n_layers || !img->layers[layer].command)
		return "";
	return img->layers[layer].command;
}

static json_t *string_array(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* jansson refuses invalid UTF-8; package metadata is not always valid. */
json_t *sbom_jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");
	if (!j) {
		char *c = xstrdup(s);
		for (char *p = c; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		j = json_string(c);
		free(c);
	}
	return j;
}

json_t *sbom_json(const struct image *img, const struct inventory *inv)
{
	json_t *root = json_object(), *os = json_object(), *pkgs = json_array();
	json_object_set_new(os, "id", sbom_jstr(inv->os.id));
	json_object_set_new(os, "version", sbom_jstr(inv->os.version));
	json_object_set_new(os, "osvEcosystem", sbom_jstr(inv->os.osv));
	if (inv->os.name)
		json_object_set_new(os, "name", sbom_jstr(inv->os.name));
	for (size_t i = 0; i < inv->pkgs.n; i++) {
		const struct package *p = &inv->pkgs.items[i];
		json_t *j = json_object(), *loc = json_array();
		json_object_set_new(j, "name", sbom_jstr(p->name));
		json_object_set_new(j, "version", sbom_jstr(p->version));
		json_object_set_new(j, "type", json_string(pkg_type_name(p->type)));
		json_object_set_new(j, "purl", sbom_jstr(p->purl));
		json_object_set_new(j, "sourceName",
				    sbom_jstr(p->source_name ? p->source_name : p->name));
		json_object_set_new(j, "sourceVersion",
				    sbom_jstr(p->source_version ? p->source_version : p->version));
		json_object_set_new(j, "licenses", string_array(p->licenses, p->n_licenses));
		json_object_set_new(j, "layer", json_integer(p->layer));
		json_object_set_new(j, "layerCommand",
				    sbom_jstr(sbom_layer_command(img, p->layer)));
		json_object_set_new(j, "ownedByOsPackage", json_boolean(p->owned_by_os));
		if (p->location)
			json_array_append_new(loc, sbom_jstr(p->location));
		json_object_set_new(j, "locations", loc);
		if (p->arch)
			json_object_set_new(j, "arch", sbom_jstr(p->arch));
		if (p->epoch)
			json_object_set_new(j, "epoch", sbom_jstr(p->epoch));
		if (p->namespace_)
			json_object_set_new(j, "group", sbom_jstr(p->namespace_));
		if (p->extra)
			json_object_set_new(j, "goVersion", sbom_jstr(p->extra));
		json_object_set_new(j, "files", string_array(p->files, p->n_files));
		json_array_append_new(pkgs, j);
	}
	json_object_set_new(root, "image", json_pack("{s:s, s:s?}", "reference", img->reference,
						     "configDigest", img->config_digest));
	json_object_set_new(root, "os", os);
	json_object_set_new(root, "packages", pkgs);
	json_object_set_new(root, "warnings", string_array(inv->pkgs.warnings, inv->pkgs.n_warnings));
	return root;
}

void sbom_iso_time(long long now, char out[32])
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sbom_uuid(const struct image *img, long long now, char out[37])
{
	char d[DIGEST_STR_MAX];
	char *seed = xasprintf("%s %lld", img->config_digest ? img->config_digest : "", now);
	const char *h;
	sha256_digest(seed, strlen(seed), d);
	free(seed);
	h = d + 7;
	snprintf(out, 37, "%.8s-%.4s-4%.3s-8%.3s-%.12s", h, h + 8, h + 13, h + 17, h + 20);
}

static json_t *cdx_property(const char *name, const char *value)
{
	return json_pack("{s:s, s:o}", "name", name, "value", sbom_jstr(value));
}

json_t *sbom_package_properties(const struct image *img, const struct package *p)
{
	json_t *props = json_array();
	char layer[32];
	snprintf(layer, sizeof(layer), "%d", p->layer);
	json_array_append_new(props, cdx_property("layerscope:package:type", pkg_type_name(p->type)));
	json_array_append_new(props, cdx_property("layerscope:layer", layer));
	json_array_append_new(props, cdx_property("layerscope:layer:command",
						  sbom_layer_command(img, p->layer)));
	if (p->source_name)
		json_array_append_new(props, cdx_property("layerscope:source:name", p->source_name));
	if (p->source_version)
		json_array_append_new(props,
				      cdx_property("layerscope:source:version", p->source_version));
	if (!pkg_type_is_os(p->type))
		json_array_append_new(props, cdx_property("layerscope:ownedByOsPackage",
							  p->owned_by_os ? "true" : "false"));
	if (p->location)
		json_array_append_new(props, cdx_property("layerscope:location", p->location));
	return props;
}

json_t *sbom_cyclonedx(const struct image *img, const struct inventory *inv, long long now)
{
	char ts[32], uuid[37], num[32];
	json_t *root = json_object(), *meta = json_object(), *comps = json_array();
	sbom_iso_time(now, ts);
	sbom_uuid(img, now, uuid);
	json_object_set_new(root, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(root, "specVersion", json_string("1.5"));
	json_object_set_new(root, "serialNumber", json_sprintf("urn:uuid:%s", uuid));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(meta, "timestamp", json_string(ts));
	json_object_set_new(meta, "tools", json_pack("{s:[{s:s, s:s, s:s}]}", "components", "type",
						     "application", "name", "layerscope", "version",
						     LS_VERSION));
	json_object_set_new(meta, "component",
			    json_pack("{s:s, s:s, s:o, s:o}", "type", "container", "bom-ref", "image",
				      "name", sbom_jstr(img->reference), "version",
				      sbom_jstr(img->config_digest)));
	json_object_set_new(root, "metadata", meta);
	if (inv->os.id) {
		json_t *os = json_pack("{s:s, s:s, s:o, s:o}", "type", "operating-system", "bom-ref",
				       "os", "name", sbom_jstr(inv->os.id), "version",
				       sbom_jstr(inv->os.version));
		if (inv->os.name)
			json_object_set_new(os, "description", sbom_jstr(inv->os.name));
		json_array_append_new(comps, os);
	}
	for (size_t i = 0; i < inv->pkgs.n; i++) {
		const struct package *p = &inv->pkgs.items[i];
		json_t *c = json_object();
		snprintf(num, sizeof(num), "pkg-%zu", i);
		json_object_set_new(c, "type", json_string("library"));
		json_object_set_new(c, "bom-ref", json_string(num));
		if (p->namespace_)
			json_object_set_new(c, "group", sbom_jstr(p->namespace_));
		json_object_set_new(c, "name", sbom_jstr(p->name));
		json_object_set_new(c, "version", sbom_jstr(p->version));
		if (p->n_licenses) {
			json_t *ls = json_array();
			for (size_t k = 0; k < p->n_licenses; k++)
				json_array_append_new(ls, json_pack("{s:{s:o}}", "license", "name",
								    sbom_jstr(p->licenses[k])));
			json_object_set_new(c, "licenses", ls);
		}
		json_object_set_new(c, "purl", sbom_jstr(p->purl));
		json_object_set_new(c, "properties", sbom_package_properties(img, p));
		json_array_append_new(comps, c);
	}
	json_object_set_new(root, "components", comps);
	return root;
}

/* SPDX ids allow letters, digits, "." and "-". */
static json_t *spdx_id(const char *prefix, size_t i)
{
	return json_sprintf("SPDXRef-%s-%zu", prefix, i);
}

/* SPDX licence ids common in distributions and registries. A declared licence is written
 * only when it is an expression of these (AND/OR/WITH, parentheses): anything else — free
 * text, old Fedora short names like "GPLv2+" — would make the document invalid under the
 * spec, so it becomes NOASSERTION (the CycloneDX output keeps the text). */
static const char *const spdx_ids[] = {
	"0BSD", "AFL-2.1", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0",
	"Artistic-1.0", "Artistic-1.0-Perl", "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause",
	"BSD-3-Clause", "BSD-4-Clause", "BSL-1.0", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-4.0",
	"CC0-1.0", "CDDL-1.0", "CDDL-1.1", "EPL-1.0", "EPL-2.0", "FTL", "GFDL-1.2-or-later",
	"GFDL-1.3-only", "GFDL-1.3-or-later", "GPL-1.0-or-later", "GPL-2.0-only",
	"GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "HPND", "ICU", "IJG", "ISC",
	"LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later",
	"LGPL-3.0-only", "LGPL-3.0-or-later", "Libpng", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0",
	"NCSA", "OFL-1.1", "OpenSSL", "PHP-3.01", "PSF-2.0", "Python-2.0", "Ruby", "Sleepycat",
	"Unicode-DFS-2016", "Unlicense", "UPL-1.0", "Vim", "W3C", "WTFPL", "X11", "Zlib",
	"ZPL-2.1", "bzip2-1.0.6", "curl", "libtiff",
	/* exceptions (after WITH) */
	"Autoconf-exception-3.0", "Bison-exception-2.2", "Classpath-exception-2.0",
	"GCC-exception-3.1", "LLVM-exception", "OpenSSL-exception",
};

static bool spdx_known(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(spdx_ids) / sizeof(spdx_ids[0]); i++)
		if (strlen(spdx_ids[i]) == n && !strncmp(spdx_ids[i], s, n))
			return true;
	return false;
}

static bool spdx_expression_ok(const char *e)
{
	bool want_id = true; /* alternates: id, operator, id … */
	int depth = 0;
	while (*e) {
		size_t n;
		if (*e == ' ') {
			e++;
			continue;
		}
		if (*e == '(' || *e == ')') {
			if ((*e == '(') != want_id)
				return false;
			depth += *e == '(' ? 1 : -1;
			if (depth < 0)
				return false;
			e++;
			continue;
		}
		n = strcspn(e, " ()");
		if (want_id) {
			if (!spdx_known(e, n))
				return false;
		} else if (!((n == 3 && !strncmp(e, "AND", 3)) || (n == 2 && !strncmp(e, "OR", 2)) ||
			     (n == 4 && !strncmp(e, "WITH", 4)))) {
			return false;
		}
		want_id = !want_id;
		e += n;
	}
	return !want_id && depth == 0;
}

const char *sbom_spdx_license(const struct package *p)
{
	if (p->n_licenses != 1 || !spdx_expression_ok(p->licenses[0]))
		return NULL;
	return p->licenses[0];
}

json_t *sbom_spdx(const struct image *img, const struct inventory *inv, long long now)
{
	char ts[32], uuid[37];
	json_t *root = json_object(), *pkgs = json_array(), *rels = json_array();
	sbom_iso_time(now, ts);
	sbom_uuid(img, now, uuid);
	json_object_set_new(root, "spdxVersion", json_string("SPDX-2.3"));
	json_object_set_new(root, "dataLicense", json_string("CC0-1.0"));
	json_object_set_new(root, "SPDXID", json_string("SPDXRef-DOCUMENT"));
	json_object_set_new(root, "name", sbom_jstr(img->reference));
	json_object_set_new(root, "documentNamespace",
			    json_sprintf("https://layerscope.invalid/spdx/%s", uuid));
	json_object_set_new(root, "creationInfo",
			    json_pack("{s:s, s:[s]}", "created", ts, "creators",
				      "Tool: layerscope-" LS_VERSION));
	json_array_append_new(pkgs, json_pack("{s:s, s:o, s:o, s:s, s:b, s:s, s:s, s:s, s:s}",
					      "SPDXID", "SPDXRef-Image", "name",
					      sbom_jstr(img->reference), "versionInfo",
					      sbom_jstr(img->config_digest), "downloadLocation",
					      "NOASSERTION", "filesAnalyzed", 0, "licenseConcluded",
					      "NOASSERTION", "licenseDeclared", "NOASSERTION",
					      "copyrightText", "NOASSERTION", "primaryPackagePurpose",
					      "CONTAINER"));
	json_array_append_new(rels, json_pack("{s:s, s:s, s:s}", "spdxElementId",
					      "SPDXRef-DOCUMENT", "relationshipType", "DESCRIBES",
					      "relatedSpdxElement", "SPDXRef-Image"));
	for (size_t i = 0; i < inv->pkgs.n; i++) {
		const struct package *p = &inv->pkgs.items[i];
		json_t *j = json_object();
		const char *license = sbom_spdx_license(p);
		char *comment = xasprintf("layer %d: %s", p->layer,
					  sbom_layer_command(img, p->layer));
		json_object_set_new(j, "SPDXID", spdx_id("Package", i));
		json_object_set_new(j, "name", sbom_jstr(p->name));
		json_object_set_new(j, "versionInfo", sbom_jstr(p->version));
		json_object_set_new(j, "downloadLocation", json_string("NOASSERTION"));
		json_object_set_new(j, "filesAnalyzed", json_false());
		json_object_set_new(j, "licenseConcluded", json_string("NOASSERTION"));
		json_object_set_new(j, "licenseDeclared",
				    json_string(license ? license : "NOASSERTION"));
		json_object_set_new(j, "copyrightText", json_string("NOASSERTION"));
		if (p->source_name) {
			char *src = xasprintf("source package: %s %s", p->source_name,
					      p->source_version ? p->source_version : "");
			json_object_set_new(j, "sourceInfo", sbom_jstr(src));
			free(src);
		}
		json_object_set_new(j, "comment", sbom_jstr(comment));
		free(comment);
		json_object_set_new(j, "externalRefs",
				    json_pack("[{s:s, s:s, s:o}]", "referenceCategory",
					      "PACKAGE-MANAGER", "referenceType", "purl",
					      "referenceLocator", sbom_jstr(p->purl)));
		json_array_append_new(pkgs, j);
		json_array_append_new(rels, json_pack("{s:s, s:s, s:o}", "spdxElementId",
						      "SPDXRef-Image", "relationshipType", "CONTAINS",
						      "relatedSpdxElement", spdx_id("Package", i)));
	}
	json_object_set_new(root, "packages", pkgs);
	json_object_set_new(root, "relationships", rels);
	return root;
}

void sbom_table(FILE *out, const struct image *img, const struct inventory *inv)
{
	(void)img;
	if (inv->os.id)
		fprintf(out, "OS: %s %s (%s)\n\n", inv->os.name ? inv->os.name : inv->os.id,
			inv->os.version, inv->os.osv ? inv->os.osv : "");
	fprintf(out, "%-32s  %-28s  %-5s  %5s  %s\n", "NAME", "VERSION", "TYPE", "LAYER", "SOURCE");
	for (size_t i = 0; i < inv->pkgs.n; i++) {
		const struct package *p = &inv->pkgs.items[i];
		fprintf(out, "%-32s  %-28s  %-5s  %5d  %s%s%s\n", p->name,
			p->version ? p->version : "", pkg_type_name(p->type), p->layer,
			p->source_name ? p->source_name : "", p->owned_by_os ? " (os-owned)" : "",
			"");
	}
	fprintf(out, "\n%zu packages\n", inv->pkgs.n);
	for (size_t i = 0; i < inv->pkgs.n_warnings; i++)
		fprintf(stderr, "layerscope: warning: %s\n", inv->pkgs.warnings[i]);
}
