#ifndef SWANMESH_POLICY_DIAG_H
#define SWANMESH_POLICY_DIAG_H
/* Diagnostics: every problem found in the configuration or a group file is
 * collected as one entry (file, line, column, severity, message) and handed
 * back to the caller. The library never prints. */
#include <stdbool.h>
#include <stddef.h>

enum policy_severity {
	POLICY_WARNING = 1,
	POLICY_ERROR = 2,
};

struct policy_diag {
	char *file;                     /* owned; "" when not about a file */
	unsigned line;                  /* 1-based, 0: the file as a whole */
	unsigned column;                /* 1-based, 0: not meaningful */
	enum policy_severity severity;
	char *message;                  /* owned, no trailing newline */
};

struct policy_diags {
	struct policy_diag *v;
	size_t n, cap;
	size_t errors, warnings;
	bool oom;                       /* a diagnostic could not be stored */
};

/* Initialises an empty list (or use `= { 0 }`). */
void policy_diags_init(struct policy_diags *d);
/* Frees every entry; the list is empty and reusable afterwards. */
void policy_diags_free(struct policy_diags *d);
/* Appends one diagnostic (printf-style message). */
void policy_diags_add(struct policy_diags *d, enum policy_severity sev, const char *file,
		      unsigned line, unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
bool policy_diags_has_errors(const struct policy_diags *d);
/* "FILE:LINE:COL: error: MESSAGE" (line/column left out when 0) into buf;
 * returns the length snprintf would have written. */
int policy_diag_format(const struct policy_diag *g, char *buf, size_t len);

#endif
