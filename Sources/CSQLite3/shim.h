#ifndef REELDESK_CSQLITE3_SHIM_H
#define REELDESK_CSQLITE3_SHIM_H
#include <sqlite3.h>
#endif
