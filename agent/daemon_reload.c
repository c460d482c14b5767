/* Placeholder for the reload logic of the agent core. */
#include "daemon_reload.h"
#include "log.h"

#include <stddef.h>

int daemon_reload(const char **why)
{
	*why = NULL;
	log_info("reload requested (agent core not yet built: nothing re-read)");
	return 0;
}
