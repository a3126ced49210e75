#ifndef REELDESK_CARGON2_SHIM_H
#define REELDESK_CARGON2_SHIM_H
#include <argon2.h>
#endif
