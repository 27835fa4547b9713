/* Run the explorer on the terminal until the user quits. */
#ifndef LS_SCREEN_H
#define LS_SCREEN_H

#include "source/image.h"
#include "tui/explorer.h"

/* Returns 0, or -1 when ncursesw cannot be loaded or the terminal set up (TERM unknown). */
int explorer_run(struct explorer *ex, const struct image *img, ls_error *err);

#endif
