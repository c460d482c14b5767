#ifndef SWANMESH_KERNEL_VERSION_H
#define SWANMESH_KERNEL_VERSION_H
/* Library name and version, for logs and --version. Static string. */
const char *kernel_version(void);
#endif
