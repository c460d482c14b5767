#ifndef SWANMESH_POLICY_GROUP_H
#define SWANMESH_POLICY_GROUP_H
/* Policy group files (libreswan-compatible): one address or CIDR per line,
 * optionally followed by "PROTO SPORT DPORT"; '#' comments, blank lines. */
#include <stddef.h>
#include <stdint.h>

#include "policy/addr.h"
#include "policy/config.h"
#include "policy/diag.h"

/* One line of a group file; 28 bytes, so 100k entries stay small. */
struct policy_entry {
	uint8_t family;    /* POLICY_AF_INET, POLICY_AF_INET6 */
	uint8_t len;       /* prefix length */
	uint8_t proto;     /* IP protocol number, 0: any */
	uint8_t group;     /* enum policy_group */
	uint16_t sport;    /* local (source) port, 0: any */
	uint16_t dport;    /* remote (destination) port, 0: any */
	uint32_t line;     /* 1-based line in the group's file */
	uint8_t addr[16];  /* network order, host bits cleared */
};

struct policy_entries {
	struct policy_entry *v;  /* owned */
	size_t n, cap;
};

/* Parses one group file's contents and appends its entries to *out (which
 * may already hold other groups' entries). Bad lines are errors in diags
 * ("FILE:LINE: ...") and are skipped; host bits set is a warning.
 * Returns 0 when the file had no error, -1 otherwise (also when out of memory). */
int policy_groupfile_parse(const char *buf, size_t len, const char *file,
			   enum policy_group group, struct policy_entries *out,
			   struct policy_diags *diags);
/* Reads the five group files of dir (a missing file is an empty group, an
 * unknown file a warning) and appends their entries. Returns 0 or -1 (errors in diags). */
int policy_groupdir_load(const char *dir, struct policy_entries *out, struct policy_diags *diags);
void policy_entries_free(struct policy_entries *e);
/* Protocol name ("tcp") or NULL when there is no name for it. */
const char *policy_proto_name(uint8_t proto);

#endif
