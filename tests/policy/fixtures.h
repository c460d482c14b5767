#ifndef SWANMESH_TESTS_POLICY_FIXTURES_H
#define SWANMESH_TESTS_POLICY_FIXTURES_H
/* Shared by the fixture-driven tests: reading files, listing a directory. */
#include <stddef.h>

#include "policy/diag.h"

/* Reads path into a NUL-terminated buffer (caller frees); NULL when missing. */
char *fixture_read(const char *path, size_t *len);
/* Sorted names of dir's regular files not ending in ".expect" (caller frees
 * each and the array); returns the count. */
size_t fixture_list(const char *dir, char ***names);
void fixture_list_free(char **names, size_t n);
/* Every diagnostic formatted, one per line (caller frees). */
char *fixture_diags_text(const struct policy_diags *d);
#endif
