#ifndef SWANMESH_POLICY_VERSION_H
#define SWANMESH_POLICY_VERSION_H
/* Library name and version, for logs and --version. Static string. */
const char *policy_version(void);
#endif
