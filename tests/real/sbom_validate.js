// Validate layerscope SBOMs: CycloneDX 1.5 JSON against the official schema shipped by
// @cyclonedx/cyclonedx-library (res/schema/), with ajv; SPDX 3.0.1 JSON-LD against the
// official SPDX 3.0.1 JSON schema (draft 2020-12) that @cyclonedx/cdxgen ships as
// data/spdx-export.schema.json (copied to TOOLS_DIR/spdx3/ by sbom_schema.sh), with ajv's
// draft 2020-12 validator; SPDX 2.3 JSON against the required fields of the SPDX 2.3
// specification (no npm package ships the 2.3 JSON schema: see docs/sbom.md) and every
// declared licence through spdx-expression-parse.
// Usage: node sbom_validate.js TOOLS_DIR cyclonedx|spdx|spdx3 FILE...   (one line per file)
'use strict';
const fs = require('fs');
const path = require('path');
const [tools, kind, ...files] = process.argv.slice(2);
const req = (m) => require(path.join(tools, 'node_modules', m));
let failed = 0;

function report(file, errors) {
  if (errors.length) {
    failed++;
    console.log(`FAIL ${file}: ${errors.slice(0, 5).join('; ')}`);
  } else {
    console.log(`PASS ${file}`);
  }
}

if (kind === 'cyclonedx') {
  const Ajv = req('ajv').default;
  const addFormats = req('ajv-formats').default;
  const dir = path.join(tools, 'node_modules/@cyclonedx/cyclonedx-library/res/schema');
  const load = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // bom-1.5 refers to its neighbours by relative file name: register them under those URLs.
  for (const f of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    const s = load(f);
    delete s.$id;
    ajv.addSchema(s, 'http://cyclonedx.org/schema/' + f);
  }
  const validate = ajv.compile(load('bom-1.5.SNAPSHOT.schema.json'));
  for (const f of files) {
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    const ok = validate(doc);
    report(f, ok ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`));
  }
} else if (kind === 'spdx3') {
  const Ajv2020 = req('ajv/dist/2020').default;
  const addFormats = req('ajv-formats').default;
  const schema = JSON.parse(fs.readFileSync(path.join(tools, 'spdx3/spdx-export.schema.json'), 'utf8'));
  // Make sure this is the schema we mean: a newer cdxgen may ship another SPDX version.
  const context = ((schema.properties || {})['@context'] || {}).const;
  if (schema.$schema !== 'https://json-schema.org/draft/2020-12/schema' ||
      context !== 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld') {
    console.log(`FAIL: not the SPDX 3.0.1 draft 2020-12 schema ($schema ${schema.$schema}, @context ${context})`);
    process.exit(1);
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  for (const f of files) {
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    const ok = validate(doc);
    // With anyOf over every class, the most specific messages are the deepest ones.
    const errors = ok ? [] : validate.errors
      .sort((a, b) => b.instancePath.length - a.instancePath.length)
      .map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    report(f, errors);
  }
} else {
  const parse = req('spdx-expression-parse');
  for (const f of files) {
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    const errors = [];
    const need = (obj, keys, where) => keys.forEach((k) => {
      if (obj[k] === undefined) errors.push(`${where}: missing ${k}`);
    });
    need(doc, ['spdxVersion', 'dataLicense', 'SPDXID', 'name', 'documentNamespace', 'creationInfo'], 'document');
    if (doc.spdxVersion !== 'SPDX-2.3') errors.push('spdxVersion is not SPDX-2.3');
    if (doc.dataLicense !== 'CC0-1.0') errors.push('dataLicense is not CC0-1.0');
    if (doc.SPDXID !== 'SPDXRef-DOCUMENT') errors.push('document SPDXID');
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^#]+$/.test(doc.documentNamespace || '')) errors.push('documentNamespace is not a URI without #');
    need(doc.creationInfo || {}, ['created', 'creators'], 'creationInfo');
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test((doc.creationInfo || {}).created || '')) errors.push('created is not YYYY-MM-DDThh:mm:ssZ');
    ((doc.creationInfo || {}).creators || []).forEach((c) => {
      if (!/^(Tool|Person|Organization): /.test(c)) errors.push(`creator ${c}`);
    });
    // The properties SPDX 2.3 defines for each object (spec clauses 6-11, JSON names), and its
    // enumerations: a name or value outside them is an error, as in the official schema.
    const allowed = (obj, keys, where) => Object.keys(obj || {}).forEach((k) => {
      if (!keys.includes(k)) errors.push(`${where}: property ${k} is not SPDX 2.3`);
    });
    const oneOf = (v, values, where) => {
      if (v !== undefined && !values.includes(v)) errors.push(`${where}: ${v} is not one of SPDX 2.3's values`);
    };
    allowed(doc, ['$schema', 'SPDXID', 'annotations', 'comment', 'creationInfo', 'dataLicense',
      'externalDocumentRefs', 'hasExtractedLicensingInfos', 'name', 'revieweds', 'spdxVersion',
      'documentNamespace', 'documentDescribes', 'packages', 'files', 'snippets', 'relationships'], 'document');
    allowed(doc.creationInfo, ['comment', 'created', 'creators', 'licenseListVersion'], 'creationInfo');
    const packageKeys = ['SPDXID', 'annotations', 'attributionTexts', 'builtDate', 'checksums', 'comment',
      'copyrightText', 'description', 'downloadLocation', 'externalRefs', 'filesAnalyzed', 'hasFiles',
      'homepage', 'licenseComments', 'licenseConcluded', 'licenseDeclared', 'licenseInfoFromFiles', 'name',
      'originator', 'packageFileName', 'packageVerificationCode', 'primaryPackagePurpose', 'releaseDate',
      'sourceInfo', 'summary', 'supplier', 'validUntilDate', 'versionInfo'];
    const purposes = ['APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'OPERATING-SYSTEM', 'DEVICE',
      'FIRMWARE', 'SOURCE', 'ARCHIVE', 'FILE', 'INSTALL', 'OTHER'];
    const categories = ['SECURITY', 'PACKAGE-MANAGER', 'PACKAGE_MANAGER', 'PERSISTENT-ID', 'PERSISTENT_ID', 'OTHER'];
    const algorithms = ['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA3-256', 'SHA3-384', 'SHA3-512',
      'BLAKE2b-256', 'BLAKE2b-384', 'BLAKE2b-512', 'BLAKE3', 'MD2', 'MD4', 'MD5', 'MD6', 'ADLER32'];
    const relationshipTypes = ['DESCRIBES', 'DESCRIBED_BY', 'CONTAINS', 'CONTAINED_BY', 'DEPENDS_ON',
      'DEPENDENCY_OF', 'DEPENDENCY_MANIFEST_OF', 'BUILD_DEPENDENCY_OF', 'DEV_DEPENDENCY_OF',
      'OPTIONAL_DEPENDENCY_OF', 'PROVIDED_DEPENDENCY_OF', 'TEST_DEPENDENCY_OF', 'RUNTIME_DEPENDENCY_OF',
      'EXAMPLE_OF', 'GENERATES', 'GENERATED_FROM', 'ANCESTOR_OF', 'DESCENDANT_OF', 'VARIANT_OF',
      'DISTRIBUTION_ARTIFACT', 'PATCH_FOR', 'PATCH_APPLIED', 'COPY_OF', 'FILE_ADDED', 'FILE_DELETED',
      'FILE_MODIFIED', 'EXPANDED_FROM_ARCHIVE', 'DYNAMIC_LINK', 'STATIC_LINK', 'DATA_FILE_OF',
      'TEST_CASE_OF', 'BUILD_TOOL_OF', 'DEV_TOOL_OF', 'TEST_OF', 'TEST_TOOL_OF', 'DOCUMENTATION_OF',
      'OPTIONAL_COMPONENT_OF', 'METAFILE_OF', 'PACKAGE_OF', 'AMENDS', 'PREREQUISITE_FOR', 'HAS_PREREQUISITE',
      'REQUIREMENT_DESCRIPTION_FOR', 'SPECIFICATION_FOR', 'OTHER'];
    const ids = new Set(['SPDXRef-DOCUMENT']);
    (doc.packages || []).forEach((p, i) => {
      allowed(p, packageKeys, `packages[${i}]`);
      oneOf(p.primaryPackagePurpose, purposes, `packages[${i}].primaryPackagePurpose`);
      if (p.filesAnalyzed !== undefined && typeof p.filesAnalyzed !== 'boolean') errors.push(`packages[${i}].filesAnalyzed is not a boolean`);
      (p.checksums || []).forEach((c, k) => {
        allowed(c, ['algorithm', 'checksumValue'], `packages[${i}].checksums[${k}]`);
        oneOf(c.algorithm, algorithms, `packages[${i}].checksums[${k}].algorithm`);
        if (!/^[0-9a-fA-F]+$/.test(c.checksumValue || '')) errors.push(`packages[${i}].checksums[${k}].checksumValue is not hex`);
      });
      need(p, ['SPDXID', 'name', 'downloadLocation'], `packages[${i}]`);
      if (!/^SPDXRef-[A-Za-z0-9.-]+$/.test(p.SPDXID || '')) errors.push(`packages[${i}].SPDXID ${p.SPDXID}`);
      if (ids.has(p.SPDXID)) errors.push(`duplicate SPDXID ${p.SPDXID}`);
      ids.add(p.SPDXID);
      for (const k of ['licenseConcluded', 'licenseDeclared']) {
        const v = p[k];
        if (v === undefined || v === 'NOASSERTION' || v === 'NONE') continue;
        try { parse(v); } catch (e) { errors.push(`packages[${i}].${k} "${v}" is not an SPDX expression`); }
      }
      (p.externalRefs || []).forEach((r) => {
        need(r, ['referenceCategory', 'referenceType', 'referenceLocator'], `packages[${i}].externalRefs`);
        allowed(r, ['comment', 'referenceCategory', 'referenceLocator', 'referenceType'], `packages[${i}].externalRefs`);
        oneOf(r.referenceCategory, categories, `packages[${i}].externalRefs.referenceCategory`);
        if (r.referenceType === 'purl' && !/^pkg:[a-z]+\/.+/.test(r.referenceLocator)) errors.push(`bad purl ${r.referenceLocator}`);
      });
    });
    (doc.relationships || []).forEach((r, i) => {
      need(r, ['spdxElementId', 'relationshipType', 'relatedSpdxElement'], `relationships[${i}]`);
      allowed(r, ['spdxElementId', 'comment', 'relatedSpdxElement', 'relationshipType'], `relationships[${i}]`);
      oneOf(r.relationshipType, relationshipTypes, `relationships[${i}].relationshipType`);
      if (!ids.has(r.spdxElementId) || !ids.has(r.relatedSpdxElement)) errors.push(`relationships[${i}] refers to an unknown element`);
    });
    if (!(doc.relationships || []).some((r) => r.relationshipType === 'DESCRIBES')) errors.push('no DESCRIBES relationship');
    report(f, errors);
  }
}
process.exit(failed ? 1 : 0);
