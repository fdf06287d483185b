/* rt_abi.h - swasm/runtime.h as the target files see it. runtime.h and compiler.h both name a
 * struct swasm_func and a struct swasm_table (a callable function and a runtime table there, a
 * module's function and table type here); the runtime's are renamed while it is included, as
 * the target code needs only its constants. */
#ifndef SWASM_TARGET_RT_ABI_H
#define SWASM_TARGET_RT_ABI_H

#define swasm_func tgt_rt_func
#define swasm_func_t tgt_rt_func_t
#define swasm_table tgt_rt_table
#define swasm_table_t tgt_rt_table_t
#include "swasm/runtime.h"
#undef swasm_func
#undef swasm_func_t
#undef swasm_table
#undef swasm_table_t

#endif
