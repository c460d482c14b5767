/* diag: the list of diagnostics handed back to callers. */
#include "policy/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void policy_diags_init(struct policy_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void policy_diags_free(struct policy_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static int diags_grow(struct policy_diags *d)
{
	if (d->n < d->cap)
		return 0;
	size_t cap = d->cap ? d->cap * 2 : 16;
	struct policy_diag *v = realloc(d->v, cap * sizeof(*v));
	if (v == NULL)
		return -1;
	d->v = v;
	d->cap = cap;
	return 0;
}

void policy_diags_add(struct policy_diags *d, enum policy_severity sev, const char *file,
		      unsigned line, unsigned column, const char *fmt, ...)
{
	char *msg = NULL, *f = NULL;
	va_list ap;

	/* Counted even when it cannot be stored: an error must never vanish. */
	if (sev == POLICY_ERROR)
		d->errors++;
	else
		d->warnings++;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		msg = NULL;
		goto fail;
	}
	if ((f = strdup(file != NULL ? file : "")) == NULL || diags_grow(d) != 0)
		goto fail;
	d->v[d->n++] = (struct policy_diag){ f, line, column, sev, msg };
	return;
fail:
	d->oom = true;
	free(f);
	free(msg);
}

bool policy_diags_has_errors(const struct policy_diags *d)
{
	return d->errors > 0;
}

int policy_diag_format(const struct policy_diag *g, char *buf, size_t len)
{
	const char *sev = g->severity == POLICY_ERROR ? "error" : "warning";
	if (g->file[0] == '\0')
		return snprintf(buf, len, "%s: %s", sev, g->message);
	if (g->line == 0)
		return snprintf(buf, len, "%s: %s: %s", g->file, sev, g->message);
	if (g->column == 0)
		return snprintf(buf, len, "%s:%u: %s: %s", g->file, g->line, sev, g->message);
	return snprintf(buf, len, "%s:%u:%u: %s: %s", g->file, g->line, g->column, sev, g->message);
}
