#ifndef SWANMESH_IKE_VERSION_H
#define SWANMESH_IKE_VERSION_H
/* Library name and version, for logs and --version. Static string. */
const char *ike_version(void);
#endif
