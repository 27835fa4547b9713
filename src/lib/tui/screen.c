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

#include "util/strutil.h"

enum { PAIR_ADDED = 1, PAIR_MODIFIED, PAIR_REMOVED, PAIR_TITLE, PAIR_DIM };

static bool utf8;

/* Draw s at (y, x) in at most `width` columns; returns the columns used. */
static int put_text(int y, int x, int width, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	int used = 0;
	move(y, x);
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
		addnwstr(&wc, 1);
		used += w;
		s += n;
	}
	return used;
}

static void fill_line(int y, int x, int width)
{
	mvhline(y, x, ' ', width);
}

static void title(int y, int x, int width, const char *text, bool focused)
{
	attron(COLOR_PAIR(PAIR_TITLE) | (focused ? A_REVERSE | A_BOLD : A_BOLD));
	fill_line(y, x, width);
	put_text(y, x + 1, width - 1, text);
	attroff(COLOR_PAIR(PAIR_TITLE) | A_REVERSE | A_BOLD);
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
	attron(A_DIM);
	put_text(y++, 0, w, "  #      Size  Command");
	attroff(A_DIM);
	for (int r = 0; r < rows; r++, y++) {
		size_t i = ex->layer_top + (size_t)r;
		fill_line(y, 0, w);
		if (i >= ex->model->n_layers)
			continue;
		human_size_si(ex->model->layers[i]->file_bytes, size, sizeof(size));
		const char *cmd = img && i < img->n_layers && img->layers[i].command ? img->layers[i].command : "";
		snprintf(line, sizeof(line), "%3zu %9s  %s", i, size, cmd);
		if (i == ex->layer)
			attron(A_REVERSE);
		put_text(y, 0, w, line);
		attroff(A_REVERSE);
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
		attron(A_DIM);
		put_text(y++, 0, w, "Count  Total Space  Path");
		attroff(A_DIM);
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
	attron(A_DIM);
	put_text(1, x, w, "  Permission     UID:GID       Size  Filetree");
	attroff(A_DIM);
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
		attron(attrs);
		put_text(2 + r, x, w, line);
		attroff(attrs);
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
		attron(A_REVERSE);
		fill_line(y0 + i, x0, bw);
		if (i > 0 && i <= n)
			put_text(y0 + i, x0 + 2, bw - 4, lines[i - 1]);
		attroff(A_REVERSE);
	}
}

static void draw(struct explorer *ex, const struct image *img)
{
	int h, w;
	getmaxyx(stdscr, h, w);
	erase();
	if (h < 10 || w < 60) {
		put_text(0, 0, w, "The terminal is too small (60x10 at least).");
		refresh();
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
	mvvline(0, lw, utf8 ? ACS_VLINE : '|', body);
	draw_tree(ex, rx, rw, body - 2);
	attron(A_REVERSE);
	fill_line(h - 1, 0, w);
	put_text(h - 1, 1, w - 1, "q Quit  Tab Switch pane  Space Collapse  / Filter  "
				  "a/r/m/u Show added/removed/modified/unchanged  ? Help");
	attroff(A_REVERSE);
	if (ex->help)
		draw_help(body, w);
	refresh();
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

int explorer_run(struct explorer *ex, const struct image *img)
{
	setlocale(LC_ALL, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	SCREEN *screen = newterm(NULL, stdout, stdin);
	if (!screen)
		return -1;
	raw(); /* Ctrl-C is a key (quit), as in dive, not a signal that leaves the terminal raw */
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_ADDED, COLOR_GREEN, -1);
		init_pair(PAIR_MODIFIED, COLOR_YELLOW, -1);
		init_pair(PAIR_REMOVED, COLOR_RED, -1);
		init_pair(PAIR_TITLE, COLOR_CYAN, -1);
		init_pair(PAIR_DIM, COLOR_WHITE, -1);
	}
	for (;;) {
		draw(ex, img);
		int ch = getch();
		if (ch == KEY_RESIZE)
			continue;
		if (ch == ERR) /* the terminal went away */
			break;
		if (explorer_key(ex, map_key(ch)) == EXPLORER_QUIT)
			break;
	}
	endwin();
	delscreen(screen);
	return 0;
}
