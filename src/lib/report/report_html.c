/* The HTML page. Markup is written here; every string that comes from the image, the
 * advisory database or the command line goes through html_escape (esc below). */
#include <inttypes.h>
#include <string.h>

#include "analysis/gofmt.h"
#include "report/findings_json.h"
#include "report/html.h"
#include "report/image_json.h"
#include "report/report.h"
#include "report/report_assets.h"
#include "util/strutil.h"

#define COMMAND_SHOWN 90 /* characters of a layer command before "…" and a click to expand */

static void esc(FILE *f, const char *s)
{
	html_escape(f, s ? s : "");
}

/* "1.2 MB" with the exact byte count on hover. */
static void size_html(FILE *f, uint64_t bytes)
{
	char human[32];
	human_size_si(bytes, human, sizeof(human));
	fprintf(f, "<span title=\"%" PRIu64 " bytes\">%s</span>", bytes, human);
}

static void head(FILE *f, const struct report *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"layerscope " LS_VERSION "\">\n<title>layerscope report: ",
	      f);
	esc(f, r->img->reference);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", report_css);
}

/* wide: a row of its own (digests). */
static void fact(FILE *f, const char *label, const char *field, const char *text, bool wide)
{
	fprintf(f, "<div%s><dt>%s</dt><dd data-field=\"%s\"%s>", wide ? " class=\"wide\"" : "", label,
		field, wide ? " class=\"mono\"" : "");
	esc(f, text ? text : "unknown");
	fputs("</dd></div>\n", f);
}

/* "2026-12-05T01:03:13.916522385Z" shown as "2026-12-05 01:03:13 UTC", the exact text on hover. */
static void fact_created(FILE *f, const char *created)
{
	if (!created || strlen(created) < 19 || created[10] != 'T') {
		fact(f, "Created", "created", created, false);
		return;
	}
	fputs("<div><dt>Created</dt><dd data-field=\"created\" title=\"", f);
	esc(f, created);
	fputs("\">", f);
	html_escape_n(f, created, 10);
	fputc(' ', f);
	html_escape_n(f, created + 11, 8);
	fputs(created[strlen(created) - 1] == 'Z' ? " UTC</dd></div>\n" : "</dd></div>\n", f);
}

static void fact_number(FILE *f, const char *label, const char *field, uint64_t v, bool bytes)
{
	fprintf(f, "<div><dt>%s</dt><dd data-field=\"%s\" data-value=\"%" PRIu64 "\">", label, field, v);
	if (bytes)
		size_html(f, v);
	else
		fprintf(f, "%" PRIu64, v);
	fputs("</dd></div>\n", f);
}

static void header(FILE *f, const struct report *r)
{
	const struct image *img = r->img;
	uint64_t files, bytes;
	char platform[256];
	bool has_variant = img->variant && *img->variant;
	image_totals(r->facts->model, &files, &bytes);
	snprintf(platform, sizeof(platform), "%s/%s%s%s", img->os ? img->os : "?",
		 img->architecture ? img->architecture : "?", has_variant ? "/" : "",
		 has_variant ? img->variant : "");
	fputs("<header id=\"image\">\n<h1>Image report</h1>\n<p class=\"ref mono\" data-field=\"reference\">", f);
	esc(f, img->reference);
	fputs("</p>\n<nav><a href=\"#verdict\">Verdict</a><a href=\"#layers\">Layers</a>"
	      "<a href=\"#waste\">Waste</a><a href=\"#vulnerabilities\">Vulnerabilities</a>"
	      "<a href=\"#secrets\">Secrets</a><a href=\"#packages\">Packages</a></nav>\n"
	      "<section><dl class=\"facts\">\n", f);
	fact(f, "Platform", "platform", platform, false);
	fact_created(f, report_created(img));
	fact_number(f, "Total size", "sizeBytes", bytes, true);
	fact_number(f, "Layers", "layers", r->facts->model->n_layers, false);
	fact_number(f, "Files", "files", files, false);
	fact(f, "Digest", "digest", img->manifest_digest ? img->manifest_digest : img->config_digest, true);
	fact(f, "Image id", "configDigest", img->config_digest, true);
	fputs("</dl></section>\n</header>\n", f);
}

/* ---- verdict cards ---- */

static const char *efficiency_class(double e)
{
	return e >= 0.95 ? "good" : e >= 0.8 ? "warn" : "bad";
}

static void card_efficiency(FILE *f, const struct dive_analysis *d)
{
	char pct[64];
	go_format_fixed(d->efficiency * 100, 2, pct, sizeof(pct));
	fprintf(f, "<div data-metric=\"efficiency\" data-value=\"%.17g\"><div class=\"k\">Efficiency</div>"
		   "<div class=\"v %s\">%s %%</div><div class=\"s\">as dive computes it</div>"
		   "</div>\n",
		d->efficiency, efficiency_class(d->efficiency), pct);
}

static void card_wasted(FILE *f, const struct dive_analysis *d, const struct waste_report *w)
{
	char human[32];
	human_size_si(d->wasted_bytes, human, sizeof(human));
	fprintf(f, "<div data-metric=\"wastedBytes\" data-value=\"%" PRIu64 "\"><div class=\"k\">Wasted</div>"
		   "<div class=\"v%s\" title=\"%" PRIu64 " bytes\">%s</div><div class=\"s\">in %zu %s stored "
		   "more than once; ",
		d->wasted_bytes, d->wasted_bytes ? " warn" : " good", d->wasted_bytes, human, d->n_refs,
		d->n_refs == 1 ? "path" : "paths");
	size_html(f, w->reclaimable_bytes);
	fputs(" never visible</div></div>\n", f);
}

static void card_vulnerabilities(FILE *f, const struct report *r)
{
	const struct image_facts *x = r->facts;
	size_t counts[5];
	vuln_severity_tally(&x->vulns, counts);
	if (!x->have_vulns) {
		fputs("<div class=\"wide\" data-metric=\"vulnerabilities\" data-value=\"\"><div class=\"k\">"
		      "Vulnerabilities</div><div class=\"v muted\">not scanned</div><div class=\"s\">"
		      "<a href=\"#vulnerabilities\">no advisory database: how to get one</a></div></div>\n", f);
		return;
	}
	fprintf(f, "<div class=\"wide\" data-metric=\"vulnerabilities\" data-value=\"%zu\"><div class=\"k\">"
		   "Vulnerabilities</div><div class=\"v%s\">%zu</div><div class=\"sevs\">",
		x->vulns.n, counts[0] + counts[1] ? " bad" : x->vulns.n ? " warn" : " good", x->vulns.n);
	static const char *const labels[5] = {"critical", "high", "medium", "low", "unknown"};
	for (int s = 0; s < 5; s++)
		fprintf(f, "<span class=\"sev sev-%s%s\" data-severity=\"%s\" data-value=\"%zu\">%zu %s</span>",
			vuln_severities[s], counts[s] ? "" : " zero", vuln_severities[s], counts[s], counts[s],
			labels[s]);
	fputs("</div></div>\n", f);
}

static void card_count(FILE *f, const char *metric, const char *label, bool have, size_t n,
		       const char *cls, const char *sub)
{
	if (!have) {
		fprintf(f, "<div data-metric=\"%s\" data-value=\"\"><div class=\"k\">%s</div>"
			   "<div class=\"v muted\">not scanned</div><div class=\"s\">%s</div></div>\n",
			metric, label, sub);
		return;
	}
	fprintf(f, "<div data-metric=\"%s\" data-value=\"%zu\"><div class=\"k\">%s</div>"
		   "<div class=\"v %s\">%zu</div><div class=\"s\">%s</div></div>\n",
		metric, n, label, cls, n, sub);
}

static void cards(FILE *f, const struct report *r)
{
	const struct image_facts *x = r->facts;
	fputs("<div class=\"cards\" id=\"verdict\">\n", f);
	card_efficiency(f, r->dive);
	card_wasted(f, r->dive, r->waste);
	card_vulnerabilities(f, r);
	card_count(f, "secrets", "Secrets", x->have_secrets, x->n_secrets, x->n_secrets ? "bad" : "good",
		   "in any layer, deleted files included");
	card_count(f, "packages", "Packages", x->have_inventory, x->inv.pkgs.n, "",
		   "OS and language packages");
	fputs("</div>\n", f);
}

/* ---- layers ---- */

static void command_cell(FILE *f, const char *cmd, const char *digest)
{
	size_t cut = utf8_prefix(cmd, COMMAND_SHOWN);
	fputs("<td class=\"cmd\">", f);
	if (!*cmd) {
		fputs("<span class=\"muted\">(no history)</span>", f);
	} else if (!cmd[cut]) {
		fputs("<code title=\"", f);
		esc(f, cmd);
		fputs("\">", f);
		esc(f, cmd);
		fputs("</code>", f);
	} else {
		fputs("<details><summary><code title=\"", f);
		esc(f, cmd);
		fputs("\">", f);
		html_escape_n(f, cmd, cut);
		fputs("…</code></summary><code>", f);
		esc(f, cmd);
		fputs("</code></details>", f);
	}
	fputs("<div class=\"muted mono\" title=\"", f);
	esc(f, digest);
	fputs("\">", f);
	html_escape_n(f, digest, 19);
	fputs("…</div></td>", f);
}

static void layers(FILE *f, const struct report *r)
{
	const struct image_model *m = r->facts->model;
	size_t largest = 0;
	uint64_t total = 0;
	for (size_t i = 0; i < m->n_layers; i++) {
		total += m->layers[i]->file_bytes;
		if (m->layers[i]->file_bytes > m->layers[largest]->file_bytes)
			largest = i;
	}
	uint64_t top = m->n_layers ? m->layers[largest]->file_bytes : 0;
	fputs("<section id=\"layers\">\n<h2>Layers</h2>\n", f);
	if (m->n_layers) {
		fprintf(f, "<p class=\"muted\">The largest is layer %zu: ", largest);
		size_html(f, top);
		fprintf(f, ", %.0f %% of the image's file bytes.</p>\n", total ? 100.0 * (double)top / (double)total : 0.0);
	}
	fputs("<div class=\"table-wrap\"><table class=\"sortable\" id=\"layers-table\">\n<thead><tr>"
	      "<th class=\"n\" data-type=\"number\">#</th><th class=\"sizecol\" data-type=\"number\">Size</th>"
	      "<th class=\"n\" data-type=\"number\">Files</th><th>Command</th></tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < m->n_layers; i++) {
		const struct layer *l = m->layers[i];
		double width = top ? 100.0 * (double)l->file_bytes / (double)top : 0;
		bool is_top = i == largest && top;
		fprintf(f, "<tr data-layer=\"%zu\"%s><td class=\"n\" data-sort=\"%zu\">%zu</td>"
			   "<td data-sort=\"%" PRIu64 "\" data-field=\"size\"><div class=\"size\"><span class=\"num\">",
			i, is_top ? " class=\"largest\"" : "", i, i, l->file_bytes);
		size_html(f, l->file_bytes);
		fprintf(f, "</span><span class=\"bar\"><span style=\"width:%.1f%%\"></span></span>%s</div></td>"
			   "<td class=\"n\" data-sort=\"%zu\" data-field=\"files\">%zu</td>",
			width, is_top ? "<span class=\"tag\">largest</span>" : "", l->n_entries, l->n_entries);
		command_cell(f, layer_command(m, i), image_layer_digest(r->img, m, i));
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n</section>\n", f);
}

/* ---- waste ---- */

static void inefficient_files(FILE *f, const struct report *r)
{
	const struct dive_analysis *d = r->dive;
	size_t n = r->max_rows && r->max_rows < d->n_refs ? r->max_rows : d->n_refs;
	if (!d->n_refs) {
		fputs("<p>No inefficient files: every path is stored once.</p>\n", f);
		return;
	}
	fprintf(f, "<h3>Inefficient files</h3>\n<p class=\"muted\">Paths stored in more than one layer; "
		   "dive counts every copy as wasted. %zu of %zu, largest first.</p>\n", n, d->n_refs);
	fputs("<div class=\"table-wrap\"><table class=\"sortable\" id=\"waste-table\">\n<thead><tr>"
	      "<th>Path</th><th class=\"n\" data-type=\"number\">Count</th>"
	      "<th class=\"n\" data-type=\"number\">Wasted</th></tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td class=\"path mono\">", f);
		esc(f, d->refs[i].path);
		fprintf(f, "</td><td class=\"n\" data-sort=\"%u\">%u</td><td class=\"n\" data-sort=\"%" PRIu64 "\">",
			d->refs[i].count, d->refs[i].count, d->refs[i].size_bytes);
		size_html(f, d->refs[i].size_bytes);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
	if (n < d->n_refs)
		fprintf(f, "<p class=\"muted\">%zu more in <code>layerscope report --format json</code>.</p>\n",
			d->n_refs - n);
}

static void advice(FILE *f, const struct waste_report *w)
{
	if (!w->n_advice) {
		fputs("<h3>Advice</h3>\n<p>Nothing to advise: no reclaimable bytes, caches, toolchains or "
		      "duplicates found.</p>\n", f);
		return;
	}
	fputs("<h3>Advice</h3>\n<ol class=\"advice\">\n", f);
	for (size_t i = 0; i < w->n_advice; i++) {
		char human[32];
		human_size_si(w->advice[i].bytes, human, sizeof(human));
		fprintf(f, "<li data-kind=\"%s\"><span class=\"save\" title=\"%" PRIu64 " bytes%s\">%s%s</span>",
			advice_kind_name(w->advice[i].kind), w->advice[i].bytes,
			w->advice[i].estimate ? ", estimated" : "", w->advice[i].estimate ? "~" : "", human);
		esc(f, w->advice[i].text);
		fputs("</li>\n", f);
	}
	fputs("</ol>\n", f);
}

static void waste(FILE *f, const struct report *r)
{
	const struct waste_report *w = r->waste;
	fputs("<section id=\"waste\">\n<h2>Waste</h2>\n<p>", f);
	if (w->reclaimable_files) {
		size_html(f, w->reclaimable_bytes);
		fprintf(f, " in %" PRIu64 " %s stored in a layer but hidden by a later one: no container "
			   "sees %s. ", w->reclaimable_files, w->reclaimable_files == 1 ? "file is" : "files are",
			w->reclaimable_files == 1 ? "it" : "them");
	} else {
		fputs("No layer stores a file that a later layer hides. ", f);
	}
	if (w->duplicate_files) {
		size_html(f, w->duplicate_bytes);
		fputs(" is identical content under several paths.", f);
	}
	fputs("</p>\n", f);
	inefficient_files(f, r);
	advice(f, w);
	fputs("</section>\n", f);
}

/* ---- vulnerabilities ---- */

static void severity_badge(FILE *f, const char *severity)
{
	fputs("<span class=\"sev sev-", f);
	esc(f, severity);
	fputs("\">", f);
	esc(f, severity);
	fputs("</span>", f);
}

static void vuln_id_cell(FILE *f, const struct vuln_finding *v)
{
	fputs("<td class=\"id\">", f);
	/* A link is only followed when clicked, never loaded; only https advisories get one. */
	if (v->url && str_starts_with(v->url, "https://")) {
		fputs("<a rel=\"noreferrer noopener\" href=\"", f);
		esc(f, v->url);
		fputs("\">", f);
		esc(f, v->name);
		fputs("</a>", f);
	} else {
		fputs("<span>", f);
		esc(f, v->name);
		fputs("</span>", f);
	}
	if (v->title) {
		fputs("<div class=\"muted\">", f);
		esc(f, v->title);
		fputs("</div>", f);
	}
	fputs("</td>", f);
}

static void vuln_row(FILE *f, const struct vuln_finding *v)
{
	fputs("<tr data-severity=\"", f);
	esc(f, v->severity);
	fputs("\">", f);
	vuln_id_cell(f, v);
	fputs("<td>", f);
	esc(f, v->pkg->name);
	fprintf(f, " <span class=\"muted\">%s</span></td><td class=\"mono\">", pkg_type_name(v->pkg->type));
	esc(f, v->pkg->version);
	fputs("</td><td class=\"mono\">", f);
	if (v->fixed)
		esc(f, v->fixed);
	else
		fputs("<span class=\"muted\">no fix yet</span>", f);
	fprintf(f, "</td><td data-sort=\"%d\">", severity_rank(v->severity));
	severity_badge(f, v->severity);
	fprintf(f, "</td><td class=\"n\" data-sort=\"%d\">%d</td></tr>\n", v->pkg->layer, v->pkg->layer);
}

static void no_database(FILE *f, const struct report *r)
{
	fputs("<div class=\"note\"><p>", f);
	esc(f, r->db_note ? r->db_note : "Not scanned.");
	fputs("</p><p>Build the offline advisory database once, then run the report again:</p>"
	      "<p><code>layerscope db import PATH…</code> (OSV JSON or YAML, Alpine secdb, Debian "
	      "security tracker, zip archives of them) writes <code>~/.cache/layerscope/vuln.db</code>; "
	      "<code>--db FILE</code> picks another. To try it: <code>layerscope db import "
	      "data/sample-advisories/pypa</code>.</p></div>\n", f);
}

static void vulnerabilities(FILE *f, const struct report *r)
{
	const struct vuln_report *v = &r->facts->vulns;
	fputs("<section id=\"vulnerabilities\">\n<h2>Vulnerabilities</h2>\n", f);
	if (!r->facts->have_vulns) {
		no_database(f, r);
		fputs("</section>\n", f);
		return;
	}
	fputs("<p class=\"muted\">Matched offline against <code>", f);
	esc(f, r->db_path);
	fputs("</code>", f);
	if (v->db_updated) {
		fputs(" (newest advisory ", f);
		esc(f, v->db_updated);
		fputs(")", f);
	}
	fputs(".</p>\n", f);
	if (!v->n) {
		fprintf(f, "<p>No known vulnerabilities in the %zu packages.</p>\n</section>\n", r->facts->inv.pkgs.n);
		return;
	}
	fprintf(f, "<input class=\"filter\" type=\"search\" placeholder=\"Filter: id, package, severity…\" "
		   "data-filter=\"vuln-table\" data-count=\"vuln-shown\" aria-label=\"Filter vulnerabilities\">"
		   " <span class=\"muted\"><span id=\"vuln-shown\">%zu</span> shown</span>\n", v->n);
	fputs("<div class=\"table-wrap\"><table class=\"sortable\" id=\"vuln-table\">\n<thead><tr>"
	      "<th>ID</th><th>Package</th><th>Installed</th><th>Fixed</th>"
	      "<th data-type=\"number\">Severity</th><th class=\"n\" data-type=\"number\">Layer</th>"
	      "</tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < v->n; i++)
		vuln_row(f, &v->findings[i]);
	fputs("</tbody></table></div>\n</section>\n", f);
}

/* ---- secrets and packages ---- */

static void secret_row(FILE *f, const struct secret_finding *s)
{
	fprintf(f, "<tr><td data-sort=\"%d\">", severity_rank(s->rule->severity));
	severity_badge(f, s->rule->severity);
	fputs("</td><td>", f);
	esc(f, s->rule->title);
	fputs("<div class=\"muted mono\">", f);
	esc(f, s->rule->id);
	fputs("</div></td><td class=\"path mono\">/", f);
	esc(f, s->path);
	fprintf(f, "</td><td class=\"n\">%d</td><td class=\"mono\">", s->line);
	esc(f, s->masked);
	fprintf(f, "</td><td class=\"n\" data-sort=\"%zu\">%zu</td><td>", s->layer, s->layer);
	if (s->in_final)
		fputs("in the final filesystem", f);
	else if (s->removed_in >= 0)
		fprintf(f, "<span class=\"bad\">removed in layer %d, still in the image</span>", s->removed_in);
	else
		fputs("<span class=\"bad\">not visible, still in the image</span>", f);
	fputs("</td></tr>\n", f);
}

static void secrets(FILE *f, const struct report *r)
{
	const struct image_facts *x = r->facts;
	fputs("<section id=\"secrets\">\n<h2>Secrets</h2>\n", f);
	if (!x->have_secrets)
		fputs("<p class=\"note\">Not scanned (<code>--scanners</code> left out <code>secret</code>).</p>\n", f);
	else if (!x->n_secrets)
		fputs("<p>No secrets found in any layer.</p>\n", f);
	else {
		fputs("<p class=\"muted\">Matches are masked: 4 characters, then <code>*</code>. A file a later "
		      "layer deleted is still in the image for anyone who pulls it.</p>\n"
		      "<div class=\"table-wrap\"><table class=\"sortable\" id=\"secrets-table\">\n<thead><tr>"
		      "<th data-type=\"number\">Severity</th><th>Rule</th><th>Path</th>"
		      "<th class=\"n\" data-type=\"number\">Line</th><th>Match</th>"
		      "<th class=\"n\" data-type=\"number\">Layer</th><th>Status</th></tr></thead>\n<tbody>\n", f);
		for (size_t i = 0; i < x->n_secrets; i++)
			secret_row(f, &x->secrets[i]);
		fputs("</tbody></table></div>\n", f);
	}
	fputs("</section>\n", f);
}

static void package_rows(FILE *f, const struct pkg_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct package *p = &l->items[i];
		fprintf(f, "<tr><td>%s</td><td>", pkg_type_name(p->type));
		esc(f, p->name);
		fputs("</td><td class=\"mono\">", f);
		esc(f, p->version);
		fprintf(f, "</td><td class=\"n\" data-sort=\"%d\">%d</td></tr>\n", p->layer, p->layer);
	}
}

static void packages(FILE *f, const struct report *r)
{
	const struct inventory *inv = &r->facts->inv;
	fputs("<section id=\"packages\">\n<h2>Packages</h2>\n", f);
	if (!r->facts->have_inventory) {
		fputs("<p class=\"note\">No inventory.</p>\n</section>\n", f);
		return;
	}
	fputs("<p>", f);
	esc(f, inv->os.name ? inv->os.name : "No OS release file");
	fprintf(f, "; %zu packages.</p>\n", inv->pkgs.n);
	/* The list is sorted by type, so each type is one run. */
	fputs("<table id=\"package-types\"><thead><tr><th>Type</th><th class=\"n\">Packages</th></tr></thead>\n<tbody>\n", f);
	for (size_t i = 0, j; i < inv->pkgs.n; i = j) {
		for (j = i; j < inv->pkgs.n && inv->pkgs.items[j].type == inv->pkgs.items[i].type; j++)
			;
		fprintf(f, "<tr data-type=\"%s\" data-value=\"%zu\"><td>%s</td><td class=\"n\">%zu</td></tr>\n",
			pkg_type_name(inv->pkgs.items[i].type), j - i, pkg_type_name(inv->pkgs.items[i].type), j - i);
	}
	fputs("</tbody></table>\n", f);
	if (inv->pkgs.n) {
		fprintf(f, "<details><summary>All %zu packages</summary>\n<input class=\"filter\" type=\"search\" "
			   "placeholder=\"Filter packages…\" data-filter=\"package-table\" aria-label=\"Filter packages\">\n"
			   "<div class=\"table-wrap\"><table class=\"sortable\" id=\"package-table\">\n<thead><tr>"
			   "<th>Type</th><th>Name</th><th>Version</th><th class=\"n\" data-type=\"number\">Layer</th>"
			   "</tr></thead>\n<tbody>\n", inv->pkgs.n);
		package_rows(f, &inv->pkgs);
		fputs("</tbody></table></div>\n</details>\n", f);
	}
	fputs("</section>\n", f);
}

int report_html(FILE *f, const struct report *r, ls_error *err)
{
	head(f, r);
	header(f, r);
	cards(f, r);
	layers(f, r);
	waste(f, r);
	vulnerabilities(f, r);
	secrets(f, r);
	packages(f, r);
	fprintf(f, "<footer>layerscope %s · one self-contained file: nothing is loaded from the network"
		   "</footer>\n</main>\n<script>\n%s</script>\n</body>\n</html>\n", LS_VERSION, report_js);
	if (ferror(f))
		return ls_fail(err, "write error");
	return 0;
}
