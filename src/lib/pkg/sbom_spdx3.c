/* SPDX 3.0.1 JSON-LD: the serialisation the official SPDX 3.0.1 JSON schema (generated from
 * the model by shacl2code) accepts. Every element is a node of "@graph" named by its spdxId,
 * an IRI under the document's namespace; all share one CreationInfo blank node. Elements
 * refer to each other by those ids. */
#include <stdio.h>

#include "pkg/sbom_format.h"
#include "pkg/sbom_internal.h"
#include "util/mem.h"

#define SPDX3_CONTEXT "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
#define CREATION_INFO "_:creationinfo"

struct spdx3_doc {
	json_t *graph;    /* the "@graph" array */
	json_t *licenses; /* licence expression -> the id of its element (one element each) */
	char *ns;         /* "https://layerscope.invalid/spdx/<uuid>" */
	size_t n_relationships;
};

static json_t *spdx3_id(const struct spdx3_doc *d, const char *name)
{
	return json_sprintf("%s#SPDXRef-%s", d->ns, name);
}

/* A new element of `type` named `name` at the end of the graph (borrowed reference). */
static json_t *spdx3_element(struct spdx3_doc *d, const char *type, const char *name)
{
	json_t *e = json_pack("{s:s, s:o, s:s}", "type", type, "spdxId", spdx3_id(d, name),
			      "creationInfo", CREATION_INFO);
	json_array_append_new(d->graph, e);
	return e;
}

static const char *element_id(const json_t *e)
{
	return json_string_value(json_object_get(e, "spdxId"));
}

static void spdx3_relationship(struct spdx3_doc *d, const char *from, const char *type, json_t *to)
{
	char name[48];
	json_t *r;
	snprintf(name, sizeof(name), "Relationship-%zu", d->n_relationships++);
	r = spdx3_element(d, "Relationship", name);
	json_object_set_new(r, "from", json_string(from));
	json_object_set_new(r, "relationshipType", json_string(type));
	json_object_set_new(r, "to", to);
}

/* The package's declared licence: a simplelicensing_LicenseExpression (one per distinct
 * expression) and a hasDeclaredLicense relationship. Only expressions of known SPDX ids, as
 * in SPDX 2.3: other text would need LicenseRef- elements and is left out (the CycloneDX
 * output keeps it). */
static void spdx3_declared_license(struct spdx3_doc *d, const char *package_id,
				   const struct package *p)
{
	const char *expr = sbom_spdx_license(p);
	json_t *id;
	if (!expr)
		return;
	id = json_object_get(d->licenses, expr);
	if (!id) {
		char name[48];
		json_t *e;
		snprintf(name, sizeof(name), "License-%zu", json_object_size(d->licenses));
		e = spdx3_element(d, "simplelicensing_LicenseExpression", name);
		json_object_set_new(e, "simplelicensing_licenseExpression", json_string(expr));
		id = json_string(element_id(e));
		json_object_set_new(d->licenses, expr, id);
	}
	spdx3_relationship(d, package_id, "hasDeclaredLicense", json_pack("[O]", id));
}

/* layerscope's facts (layer, command, source package, location…) in the extension SPDX 3
 * defines for CycloneDX-style name/value properties. */
static json_t *spdx3_properties(const struct image *img, const struct package *p)
{
	json_t *props = sbom_package_properties(img, p), *entries = json_array(), *prop;
	size_t i;
	json_array_foreach(props, i, prop)
		json_array_append_new(entries,
				      json_pack("{s:s, s:O, s:O}", "type", "extension_CdxPropertyEntry",
						"extension_cdxPropName", json_object_get(prop, "name"),
						"extension_cdxPropValue", json_object_get(prop, "value")));
	json_decref(props);
	return json_pack("[{s:s, s:o}]", "type", "extension_CdxPropertiesExtension",
			 "extension_cdxProperty", entries);
}

static json_t *spdx3_package(struct spdx3_doc *d, const struct image *img,
			     const struct package *p, size_t i)
{
	char name[48];
	json_t *e;
	char *text;
	snprintf(name, sizeof(name), "Package-%zu", i);
	e = spdx3_element(d, "software_Package", name);
	json_object_set_new(e, "name", sbom_jstr(p->name));
	json_object_set_new(e, "software_packageVersion", sbom_jstr(p->version));
	if (p->purl && *p->purl) {
		json_object_set_new(e, "software_packageUrl", sbom_jstr(p->purl));
		json_object_set_new(e, "externalIdentifier",
				    json_pack("[{s:s, s:s, s:o}]", "type", "ExternalIdentifier",
					      "externalIdentifierType", "packageUrl", "identifier",
					      sbom_jstr(p->purl)));
	}
	json_object_set_new(e, "software_primaryPurpose", json_string("library"));
	if (p->source_name) {
		text = xasprintf("source package: %s %s", p->source_name,
				 p->source_version ? p->source_version : "");
		json_object_set_new(e, "software_sourceInfo", sbom_jstr(text));
		free(text);
	}
	text = xasprintf("layer %d: %s", p->layer, sbom_layer_command(img, p->layer));
	json_object_set_new(e, "comment", sbom_jstr(text));
	free(text);
	json_object_set_new(e, "extension", spdx3_properties(img, p));
	spdx3_declared_license(d, element_id(e), p);
	return e;
}

/* The spdxIds of the graph's nodes from index `from` on, but `except`. */
static json_t *ids_from(const json_t *graph, size_t from, const json_t *except)
{
	json_t *ids = json_array();
	for (size_t i = from; i < json_array_size(graph); i++)
		if (json_array_get(graph, i) != except)
			json_array_append_new(ids,
					      json_string(element_id(json_array_get(graph, i))));
	return ids;
}

static json_t *profiles(void)
{
	return json_pack("[s, s, s, s]", "core", "software", "simpleLicensing", "extension");
}

/* The CreationInfo every element shares, created by the SoftwareAgent layerscope using the
 * Tool layerscope-VERSION (graph nodes 0, 1, 2). */
static void spdx3_creation(struct spdx3_doc *d, const char *created)
{
	json_t *info = json_pack("{s:s, s:s, s:s, s:s}", "type", "CreationInfo", "@id",
				 CREATION_INFO, "specVersion", "3.0.1", "created", created);
	json_t *agent, *tool;
	json_array_append_new(d->graph, info);
	agent = spdx3_element(d, "SoftwareAgent", "Agent-layerscope");
	json_object_set_new(agent, "name", json_string("layerscope"));
	tool = spdx3_element(d, "Tool", "Tool-layerscope");
	json_object_set_new(tool, "name", json_string("layerscope-" LS_VERSION));
	json_object_set_new(info, "createdBy", json_pack("[s]", element_id(agent)));
	json_object_set_new(info, "createdUsing", json_pack("[s]", element_id(tool)));
}

/* The image (a container package), its OS and its packages, and what contains what. */
static json_t *spdx3_image(struct spdx3_doc *d, const struct image *img,
			   const struct inventory *inv)
{
	json_t *image = spdx3_element(d, "software_Package", "Image"), *contained = json_array();
	json_object_set_new(image, "name", sbom_jstr(img->reference));
	json_object_set_new(image, "software_packageVersion", sbom_jstr(img->config_digest));
	json_object_set_new(image, "software_primaryPurpose", json_string("container"));
	if (inv->os.id) {
		json_t *os = spdx3_element(d, "software_Package", "OperatingSystem");
		json_object_set_new(os, "name", sbom_jstr(inv->os.id));
		json_object_set_new(os, "software_packageVersion", sbom_jstr(inv->os.version));
		json_object_set_new(os, "software_primaryPurpose", json_string("operatingSystem"));
		if (inv->os.name)
			json_object_set_new(os, "description", sbom_jstr(inv->os.name));
		json_array_append_new(contained, json_string(element_id(os)));
	}
	for (size_t i = 0; i < inv->pkgs.n; i++) {
		json_t *e = spdx3_package(d, img, &inv->pkgs.items[i], i);
		json_array_append_new(contained, json_string(element_id(e)));
	}
	if (json_array_size(contained))
		spdx3_relationship(d, element_id(image), "contains", contained);
	else
		json_decref(contained);
	return image;
}

json_t *sbom_spdx3(const struct image *img, const struct inventory *inv, long long now)
{
	char ts[32], uuid[37];
	struct spdx3_doc d = {.graph = json_array(), .licenses = json_object()};
	json_t *doc, *sbom, *image;
	size_t content; /* graph index of the first element the SBOM is about */

	sbom_iso_time(now, ts);
	sbom_uuid(img, now, uuid);
	d.ns = xasprintf("https://layerscope.invalid/spdx/%s", uuid);
	spdx3_creation(&d, ts);
	doc = spdx3_element(&d, "SpdxDocument", "DOCUMENT");
	json_object_set_new(doc, "name", sbom_jstr(img->reference));
	json_object_set_new(doc, "dataLicense", json_string("https://spdx.org/licenses/CC0-1.0"));
	json_object_set_new(doc, "profileConformance", profiles());
	sbom = spdx3_element(&d, "software_Sbom", "Sbom");
	json_object_set_new(sbom, "name", sbom_jstr(img->reference));
	json_object_set_new(sbom, "software_sbomType", json_pack("[s]", "analyzed"));
	json_object_set_new(sbom, "profileConformance", profiles());
	json_object_set_new(doc, "rootElement", json_pack("[s]", element_id(sbom)));
	content = json_array_size(d.graph);
	image = spdx3_image(&d, img, inv);
	json_object_set_new(sbom, "rootElement", json_pack("[s]", element_id(image)));

	/* The SBOM holds what it describes; the document every element but itself. */
	json_object_set_new(sbom, "element", ids_from(d.graph, content, NULL));
	json_object_set_new(doc, "element", ids_from(d.graph, 1, doc)); /* 0: CreationInfo */

	json_decref(d.licenses);
	free(d.ns);
	return json_pack("{s:s, s:o}", "@context", SPDX3_CONTEXT, "@graph", d.graph);
}
