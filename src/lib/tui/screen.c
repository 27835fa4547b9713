/* The explorer on a terminal (ncursesw), laid out as dive is: layers, the chosen layer's
 * details and the image's efficiency on the left; the merged filesystem after the chosen
 * layer on the right, each path marked and coloured by what that layer did to it. Names come
 * from the image, so they are drawn as text only: control characters and invalid UTF-8 show
 * as '?', never reach the terminal. */
#include "tui/screen.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/dynlib.h"
#include "util/strutil.h"

enum { PAIR_ADDED = 1, PAIR_MODIFIED, PAIR_REMOVED, PAIR_TITLE, PAIR_DIM };

/* ncursesw, loaded when the explorer starts (util/dynlib.h says why; every other verb would
 * pay for it). Only functions are called through it, on stdscr (W): curses.h's macros
 * (getch, refresh, ACS_VLINE…) would each name a symbol of the library. The x_ prefix keeps
 * the members' names clear of those macros (wattron is one). */
static struct {
	__typeof__(newterm) *x_newterm;
	__typeof__(delscreen) *x_delscreen;
	__typeof__(endwin) *x_endwin;
	__typeof__(raw) *x_raw;
	__typeof__(noecho) *x_noecho;
	__typeof__(keypad) *x_keypad;
	__typeof__(set_escdelay) *x_set_escdelay;
	__typeof__(curs_set) *x_curs_set;
	__typeof__(has_colors) *x_has_colors;
	__typeof__(start_color) *x_start_color;
	__typeof__(use_default_colors) *x_use_default_colors;
	__typeof__(init_pair) *x_init_pair;
	__typeof__(wmove) *x_wmove;
	__typeof__(waddnwstr) *x_waddnwstr;
	__typeof__(whline) *x_whline;
	__typeof__(wvline) *x_wvline;
	__typeof__(wattron) *x_wattron;
	__typeof__(wattroff) *x_wattroff;
	__typeof__(werase) *x_werase;
	__typeof__(wrefresh) *x_wrefresh;
	__typeof__(wgetch) *x_wgetch;
	__typeof__(getmaxx) *x_getmaxx;
	__typeof__(getmaxy) *x_getmaxy;
	WINDOW **stdscr;
	chtype *acs_map;
} C;
#define W (*C.stdscr)

static int load_ncursesw(ls_error *err)
{
	static const char *const sonames[] = {"libncursesw.so.6", NULL};
	const struct dynlib_symbol syms[] = {
		{"newterm", (void **)&C.x_newterm},
		{"delscreen", (void **)&C.x_delscreen},
		{"endwin", (void **)&C.x_endwin},
		{"raw", (void **)&C.x_raw},
		{"noecho", (void **)&C.x_noecho},
		{"keypad", (void **)&C.x_keypad},
		{"set_escdelay", (void **)&C.x_set_escdelay},
		{"curs_set", (void **)&C.x_curs_set},
		{"has_colors", (void **)&C.x_has_colors},
		{"start_color", (void **)&C.x_start_color},
		{"use_default_colors", (void **)&C.x_use_default_colors},
		{"init_pair", (void **)&C.x_init_pair},
		{"wmove", (void **)&C.x_wmove},
		{"waddnwstr", (void **)&C.x_waddnwstr},
		{"whline", (void **)&C.x_whline},
		{"wvline", (void **)&C.x_wvline},
		{"wattron", (void **)&C.x_wattron},
		{"wattroff", (void **)&C.x_wattroff},
		{"werase", (void **)&C.x_werase},
		{"wrefresh", (void **)&C.x_wrefresh},
		{"wgetch", (void **)&C.x_wgetch},
		{"getmaxx", (void **)&C.x_getmaxx},
		{"getmaxy", (void **)&C.x_getmaxy},
		{"stdscr", (void **)&C.stdscr},
		{"acs_map", (void **)&C.acs_map},
	};
	return dynlib_load(sonames, "libncursesw6", syms, sizeof(syms) / sizeof(syms[0]), err);
}

static bool utf8;

/* Draw s at (y, x) in at most `width` columns; returns the columns used. */
static int put_text(int y, int x, int width, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	int used = 0;
	C.x_wmove(W, y, x);
	while (*s && used < width) {
		wchar_t wc;
		size_t n = utf8 ? mbrtowc(&wc, s, MB_CUR_MAX, &st) : 1;
		if (!utf8)
			wc = (unsigned char)*s;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			n = 1;
		}
		int w = utf8 ? wcwidth(wc) : 1;
		if (wc < 32 || wc == 127 || (wc >= 0x80 && wc < 0xa0) || w < 0 || (!utf8 && wc >= 127)) {
			wc = L'?';
			w = 1;
		}
		if (used + w > width)
			break;
		C.x_waddnwstr(W, &wc, 1);
		used += w;
		s += n;
	}
	return used;
}

static void fill_line(int y, int x, int width)
{
	C.x_wmove(W, y, x);
	C.x_whline(W, ' ', width);
}

static void title(int y, int x, int width, const char *text, bool focused)
{
	C.x_wattron(W, COLOR_PAIR(PAIR_TITLE) | (focused ? A_REVERSE | A_BOLD : A_BOLD));
	fill_line(y, x, width);
	put_text(y, x + 1, width - 1, text);
	C.x_wattroff(W, COLOR_PAIR(PAIR_TITLE) | A_REVERSE | A_BOLD);
}

static int status_pair(enum path_status s)
{
	switch (s) {
	case PATH_ADDED: return PAIR_ADDED;
	case PATH_MODIFIED: return PAIR_MODIFIED;
	case PATH_REMOVED: return PAIR_REMOVED;
	default: return 0;
	}
}

static int draw_layers(const struct explorer *ex, const struct image *img, int y, int w, int rows)
{
	char line[512], size[32];
	title(y++, 0, w, ex->aggregated ? "Layers  [compare: aggregated, Ctrl-L: this layer]"
					: "Layers  [compare: this layer, Ctrl-A: aggregated]",
	      ex->focus == PANE_LAYERS);
	C.x_wattron(W, A_DIM);
	put_text(y++, 0, w, "  #      Size  Command");
	C.x_wattroff(W, A_DIM);
	for (int r = 0; r < rows; r++, y++) {
		size_t i = ex->layer_top + (size_t)r;
		fill_line(y, 0, w);
		if (i >= ex->model->n_layers)
			continue;
		human_size_si(ex->model->layers[i]->file_bytes, size, sizeof(size));
		const char *cmd = img && i < img->n_layers && img->layers[i].command ? img->layers[i].command : "";
		snprintf(line, sizeof(line), "%3zu %9s  %s", i, size, cmd);
		if (i == ex->layer)
			C.x_wattron(W, A_REVERSE);
		put_text(y, 0, w, line);
		C.x_wattroff(W, A_REVERSE);
	}
	return y;
}

static int draw_layer_details(const struct explorer *ex, const struct image *img, int y, int w,
			      int max_y)
{
	char line[512], size[32];
	const struct layer *l = ex->model->layers[ex->layer];
	title(y++, 0, w, "Layer details", false);
	const struct layer_info *li = img && ex->layer < img->n_layers ? &img->layers[ex->layer] : NULL;
	human_size_si(l->file_bytes, size, sizeof(size));
	snprintf(line, sizeof(line), "Layer %zu of %zu: %s in %zu entries", ex->layer,
		 ex->model->n_layers, size, l->n_entries);
	put_text(y++, 0, w, line);
	snprintf(line, sizeof(line), "Digest:  %s", li && li->digest ? li->digest : l->stored_digest);
	put_text(y++, 0, w, line);
	snprintf(line, sizeof(line), "DiffID:  %s", l->diff_id);
	put_text(y++, 0, w, line);
	/* the command, wrapped over up to four lines */
	const char *cmd = li && li->command ? li->command : "";
	put_text(y, 0, w, "Command:");
	for (int k = 0; k < 4 && *cmd && y < max_y; k++, y++) {
		size_t take = strlen(cmd) < (size_t)(w - 9) ? strlen(cmd) : (size_t)(w - 9);
		snprintf(line, sizeof(line), "%.*s", (int)take, cmd);
		put_text(y, 9, w - 9, line);
		cmd += take;
	}
	if (!(li && li->command && *li->command))
		y++;
	return y;
}

static void draw_image_details(const struct explorer *ex, const struct image *img, int y, int w,
			       int max_y)
{
	char line[512], a[32], b[32];
	const struct dive_analysis *d = &ex->efficiency;
	title(y++, 0, w, "Image details", false);
	if (y >= max_y)
		return;
	snprintf(line, sizeof(line), "Image:  %s", img && img->reference ? img->reference : "");
	put_text(y++, 0, w, line);
	human_size_si(d->size_bytes, a, sizeof(a));
	human_size_si(d->wasted_bytes, b, sizeof(b));
	snprintf(line, sizeof(line), "Total size: %s   Potential wasted space: %s", a, b);
	if (y < max_y)
		put_text(y++, 0, w, line);
	/* dive truncates (int(100.0*efficiency)): an image with any waste never shows 100 % */
	snprintf(line, sizeof(line), "Image efficiency score: %d %%", (int)(d->efficiency * 100));
	if (y < max_y)
		put_text(y++, 0, w, line);
	if (y < max_y) {
		C.x_wattron(W, A_DIM);
		put_text(y++, 0, w, "Count  Total Space  Path");
		C.x_wattroff(W, A_DIM);
	}
	for (size_t i = 0; i < d->n_refs && y < max_y; i++, y++) {
		human_size_si(d->refs[i].size_bytes, a, sizeof(a));
		snprintf(line, sizeof(line), "%5u  %11s  %s", d->refs[i].count, a, d->refs[i].path);
		put_text(y, 0, w, line);
	}
}

/* The branch art of shown row k: "│   " for each open ancestor level, then "├── " or "└── ". */
static void branch_art(const struct explorer *ex, size_t k, const bool *open, char *out, size_t n)
{
	uint32_t depth = ex->rows[ex->shown[k]].depth;
	size_t o = 0;
	const char *bar = utf8 ? "│   " : "|   ", *tee = utf8 ? "├── " : "|-- ",
		   *elbow = utf8 ? "└── " : "`-- ";
	for (uint32_t d = 0; d < depth && o + 16 < n; d++) {
		const char *s = open[d] ? bar : "    ";
		memcpy(out + o, s, strlen(s));
		o += strlen(s);
	}
	const char *s = ex->last_sibling[k] ? elbow : tee;
	if (o + strlen(s) < n) {
		memcpy(out + o, s, strlen(s));
		o += strlen(s);
	}
	out[o] = '\0';
}

static void draw_tree(const struct explorer *ex, int x, int w, int h)
{
	char head[512], line[8192], art[2048], mode[11], size[32], name[4096];
	static const char marks[] = {' ', 'A', 'M', 'D'};
	static const char *names[] = {"unchanged", "added", "modified", "removed"};
	char hidden[64] = "";
	for (int s = 0; s < 4; s++)
		if (!(ex->show_mask & (1u << s)))
			snprintf(hidden + strlen(hidden), sizeof(hidden) - strlen(hidden), "%s%s",
				 hidden[0] ? ", " : "  hidden: ", names[s]);
	char which[64];
	if (ex->aggregated && ex->layer > 0)
		snprintf(which, sizeof(which), "layers 1-%zu on the base", ex->layer);
	else
		snprintf(which, sizeof(which), "layer %zu", ex->layer);
	snprintf(head, sizeof(head), "Current layer contents (%s)%s%s%s%s", which,
		 ex->filter[0] || ex->editing_filter ? "  filter: " : "", ex->filter,
		 ex->editing_filter ? "_" : "", hidden);
	title(0, x, w, head, ex->focus == PANE_TREE);
	C.x_wattron(W, A_DIM);
	put_text(1, x, w, "  Permission     UID:GID       Size  Filetree");
	C.x_wattroff(W, A_DIM);
	/* which ancestor levels still have siblings to come, for rows from the top */
	uint32_t maxdepth = 0;
	for (size_t k = 0; k < ex->n_shown; k++)
		if (ex->rows[ex->shown[k]].depth > maxdepth)
			maxdepth = ex->rows[ex->shown[k]].depth;
	bool *open = calloc((size_t)maxdepth + 2, sizeof(bool));
	for (size_t k = 0; k < ex->tree_top && k < ex->n_shown; k++)
		open[ex->rows[ex->shown[k]].depth] = !ex->last_sibling[k];
	for (int r = 0; r < h; r++) {
		size_t k = ex->tree_top + (size_t)r;
		fill_line(2 + r, x, w);
		if (k >= ex->n_shown)
			continue;
		const struct view_row *row = &ex->rows[ex->shown[k]];
		const struct layer_entry *e = view_row_entry(row);
		entry_mode_string(e, mode);
		human_size_si(ex->sizes[ex->shown[k]], size, sizeof(size));
		branch_art(ex, k, open, art, sizeof(art));
		open[row->depth] = !ex->last_sibling[k];
		const struct path_node *node = &ex->model->nodes[row->node];
		snprintf(name, sizeof(name), "%.*s", (int)node->name_len, ex->model->names + node->name_off);
		bool dir = !e || e->type == ENTRY_DIR;
		snprintf(line, sizeof(line), "%c %s %7u:%-7u %9s  %s%s%s%s%s", marks[row->status], mode,
			 e ? e->uid : 0, e ? e->gid : 0, size, art,
			 dir && ex->collapsed[row->node] ? (utf8 ? "⊕ " : "+ ") : "", name,
			 e && e->link ? " → " : "", e && e->link ? e->link : "");
		int attrs = COLOR_PAIR(status_pair(row->status));
		if (k == ex->tree_cursor && ex->focus == PANE_TREE)
			attrs |= A_REVERSE;
		else if (k == ex->tree_cursor)
			attrs |= A_UNDERLINE;
		C.x_wattron(W, attrs);
		put_text(2 + r, x, w, line);
		C.x_wattroff(W, attrs);
	}
	free(open);
}

static void draw_help(int h, int w)
{
	static const char *lines[] = {
		"Keys",
		"Tab            switch between the layers and the file tree",
		"Up/Down j/k    move; PgUp/PgDn, Home/End g/G",
		"[ ]            previous / next layer from either pane",
		"Space Enter    collapse or expand the directory",
		"Left/Right h/l collapse (or go to the parent) / expand",
		"c  Ctrl-Space  collapse or expand every directory",
		"/  Ctrl-F      filter paths (Enter keeps it, Esc clears it)",
		"Ctrl-A Ctrl-L  (layers pane) marks: layers 1..N on the base / this layer",
		"a  Ctrl-A      show or hide added paths (Ctrl-A: in the tree)",
		"r  Ctrl-R      show or hide removed paths",
		"m              show or hide modified paths",
		"u  Ctrl-U      show or hide unchanged paths",
		"q  Ctrl-C      quit",
		"",
		"Marks: A added (green), M modified (yellow), D removed (red)",
	};
	int n = (int)(sizeof(lines) / sizeof(lines[0])), bw = 66 < w - 2 ? 66 : w - 2;
	int y0 = (h - n - 2) / 2 > 0 ? (h - n - 2) / 2 : 0, x0 = (w - bw) / 2 > 0 ? (w - bw) / 2 : 0;
	for (int i = 0; i < n + 2 && y0 + i < h; i++) {
		C.x_wattron(W, A_REVERSE);
		fill_line(y0 + i, x0, bw);
		if (i > 0 && i <= n)
			put_text(y0 + i, x0 + 2, bw - 4, lines[i - 1]);
		C.x_wattroff(W, A_REVERSE);
	}
}

static void draw(struct explorer *ex, const struct image *img)
{
	int h, w;
	h = C.x_getmaxy(W);
	w = C.x_getmaxx(W);
	C.x_werase(W);
	if (h < 10 || w < 60) {
		put_text(0, 0, w, "The terminal is too small (60x10 at least).");
		C.x_wrefresh(W);
		return;
	}
	int lw = w * 2 / 5 < 30 ? 30 : w * 2 / 5, rx = lw + 1, rw = w - rx;
	int body = h - 1; /* the last line holds the key hints */
	int layer_rows = (int)ex->model->n_layers;
	if (layer_rows > body / 3)
		layer_rows = body / 3 > 3 ? body / 3 : 3;
	explorer_scroll(ex, (size_t)(body - 2), (size_t)layer_rows);
	int y = draw_layers(ex, img, 0, lw, layer_rows);
	if (ex->model->n_layers > 0)
		y = draw_layer_details(ex, img, y, lw, body);
	if (y < body)
		draw_image_details(ex, img, y, lw, body);
	C.x_wmove(W, 0, lw);
	C.x_wvline(W, utf8 ? C.acs_map['x'] : '|', body); /* 'x': ACS_VLINE */
	draw_tree(ex, rx, rw, body - 2);
	C.x_wattron(W, A_REVERSE);
	fill_line(h - 1, 0, w);
	put_text(h - 1, 1, w - 1, "q Quit  Tab Switch pane  Space Collapse  / Filter  "
				  "a/r/m/u Show added/removed/modified/unchanged  ? Help");
	C.x_wattroff(W, A_REVERSE);
	if (ex->help)
		draw_help(body, w);
	C.x_wrefresh(W);
}

static int map_key(int ch)
{
	switch (ch) {
	case KEY_UP: return EXK_UP;
	case KEY_DOWN: return EXK_DOWN;
	case KEY_LEFT: return EXK_LEFT;
	case KEY_RIGHT: return EXK_RIGHT;
	case KEY_PPAGE: return EXK_PGUP;
	case KEY_NPAGE: return EXK_PGDN;
	case KEY_HOME: return EXK_HOME;
	case KEY_END: return EXK_END;
	case KEY_BACKSPACE: return EXK_BACKSPACE;
	case KEY_ENTER: return '\n';
	default: return ch;
	}
}

int explorer_run(struct explorer *ex, const struct image *img, ls_error *err)
{
	if (load_ncursesw(err) < 0)
		return -1;
	setlocale(LC_ALL, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	SCREEN *screen = C.x_newterm(NULL, stdout, stdin);
	if (!screen) {
		const char *term = getenv("TERM");
		return ls_fail(err, "cannot set up the terminal (TERM=%s)", term ? term : "");
	}
	C.x_raw(); /* Ctrl-C is a key (quit), as in dive, not a signal that leaves the terminal raw */
	C.x_noecho();
	C.x_keypad(W, TRUE);
	C.x_set_escdelay(25);
	C.x_curs_set(0);
	if (C.x_has_colors()) {
		C.x_start_color();
		C.x_use_default_colors();
		C.x_init_pair(PAIR_ADDED, COLOR_GREEN, -1);
		C.x_init_pair(PAIR_MODIFIED, COLOR_YELLOW, -1);
		C.x_init_pair(PAIR_REMOVED, COLOR_RED, -1);
		C.x_init_pair(PAIR_TITLE, COLOR_CYAN, -1);
		C.x_init_pair(PAIR_DIM, COLOR_WHITE, -1);
	}
	for (;;) {
		draw(ex, img);
		int ch = C.x_wgetch(W);
		if (ch == KEY_RESIZE)
			continue;
		if (ch == ERR) /* the terminal went away */
			break;
		if (explorer_key(ex, map_key(ch)) == EXPLORER_QUIT)
			break;
	}
	C.x_endwin();
	C.x_delscreen(screen);
	return 0;
}
