/* rt_abi.h - swasm/runtime.h as the target files see it (the ABI constants they need). */
#ifndef SWASM_TARGET_RT_ABI_H
#define SWASM_TARGET_RT_ABI_H

#include "swasm/runtime.h"

#endif
