#ifndef COUNCIL_CLIBPQ_SHIM_H
#define COUNCIL_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
