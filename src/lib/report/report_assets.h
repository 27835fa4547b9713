#ifndef LS_REPORT_ASSETS_H
#define LS_REPORT_ASSETS_H

extern const char report_css[];
extern const char report_js[];

#endif
