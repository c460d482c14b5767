/* subjectAltName walking shared by listcerts and the peer checks. */
#include "cert_san.h"

bool cert_san_each(CERTCertificate *c, bool (*cb)(const CERTGeneralName *n, void *ctx), void *ctx)
{
	SECItem ext = { siBuffer, NULL, 0 };
	if (CERT_FindCertExtension(c, SEC_OID_X509_SUBJECT_ALT_NAME, &ext) != SECSuccess)
		return false;
	bool stop = false;
	PLArenaPool *arena = PORT_NewArena(2048);
	CERTGeneralName *head = arena ? CERT_DecodeAltNameExtension(arena, &ext) : NULL;
	for (CERTGeneralName *n = head; n != NULL && !stop;) {
		stop = cb(n, ctx);
		n = CERT_GetNextGeneralName(n);
		if (n == head)
			break;
	}
	if (arena != NULL)
		PORT_FreeArena(arena, PR_FALSE);
	SECITEM_FreeItem(&ext, PR_FALSE);
	return stop;
}
