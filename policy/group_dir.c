/* group_dir: the policy-dir with its five group files. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void groupdir_warn_unknown(const char *dir, const char *name, const char *const *names,
				  struct policy_diags *diags)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	const char *s = suggest_closest(name, names, POLICY_GROUP_COUNT);
	if (s != NULL)
		policy_diags_add(diags, POLICY_WARNING, path, 0, 0,
				 "not a policy group file, ignored (did you mean '%s'?)", s);
	else
		policy_diags_add(diags, POLICY_WARNING, path, 0, 0,
				 "not a policy group file, ignored (expected private, private-or-clear, clear-or-private, clear or block)");
}

static void groupdir_unknown_files(const char *dir, struct policy_diags *diags)
{
	const char *names[POLICY_GROUP_COUNT];
	enum policy_group g;
	for (unsigned i = 0; i < POLICY_GROUP_COUNT; i++)
		names[i] = policy_group_name((enum policy_group)i);
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort);  /* sorted: stable output */
	if (n < 0) {
		policy_diags_add(diags, POLICY_WARNING, dir, 0, 0,
				 "cannot open the policy directory (%s): every group is empty", strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		if (name[0] != '.' && policy_group_from_name(name, &g) != 0)
			groupdir_warn_unknown(dir, name, names, diags);
		free(list[i]);
	}
	free(list);
}

int policy_groupdir_load(const char *dir, struct policy_entries *out, struct policy_diags *diags)
{
	int r = 0;
	groupdir_unknown_files(dir, diags);
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++) {
		char path[4096], *buf = NULL;
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, policy_group_name((enum policy_group)g));
		int e = policy_file_read(path, &buf, &len);
		if (e == -ENOENT)
			continue;  /* a missing file is an empty group */
		if (e != 0) {
			policy_diags_add(diags, POLICY_ERROR, path, 0, 0, "cannot read: %s", strerror(-e));
			r = -1;
			continue;
		}
		if (policy_groupfile_parse(buf, len, path, (enum policy_group)g, out, diags) != 0)
			r = -1;
		free(buf);
	}
	return r;
}
