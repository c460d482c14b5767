#ifndef SWANMESH_AGENT_CERT_SAN_H
#define SWANMESH_AGENT_CERT_SAN_H
/* Walking a certificate's subjectAltName entries. */
#include <stdbool.h>

#include <cert.h>

/* Calls cb for each SAN of c until it returns true; returns whether one did.
 * The names are valid during the call only. */
bool cert_san_each(CERTCertificate *c, bool (*cb)(const CERTGeneralName *n, void *ctx), void *ctx);

#endif
