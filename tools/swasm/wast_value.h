/* wast_value.h - the spec runner's values: arguments and expected results read from wast2json
 * output, compared with what the runtime returned, and printed for failure messages. */
#ifndef SWASM_WAST_VALUE_H
#define SWASM_WAST_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swasm/runtime.h"
#include "wast_json.h"

/* How an expected float (or float lane) may be matched. */
typedef enum wast_nan {
  WAST_EXACT = 0,          /* bit-for-bit */
  WAST_NAN_CANONICAL,      /* sign ignored, quiet bit set, rest of the payload zero */
  WAST_NAN_ARITHMETIC      /* any NaN with the quiet bit set */
} wast_nan_t;

typedef struct wast_value {
  uint8_t type;            /* SWASM_T_* */
  uint8_t lane_type;       /* v128: SWASM_T_I32 etc., or WAST_LANE_I8 / WAST_LANE_I16 */
  bool any;                /* expected reference: any non-null value matches */
  uint8_t nan[16];         /* wast_nan_t for the value (scalar: [0]) or each lane */
  swasm_val_t val;
} wast_value_t;

enum { WAST_LANE_I8 = 1, WAST_LANE_I16 = 2 };

/* The host reference that the scripts write as (ref.extern N): never NULL, distinct per N. */
void *wast_externref(uint64_t n);

/* Reads {"type": ..., "value": ...}. expected allows "nan:canonical"/"nan:arithmetic" and a
 * missing value (assert_trap lists result types only); false with err filled if the value is
 * not understood. */
bool wast_value_parse(const wast_json_t *j, bool expected, wast_value_t *out, char *err,
                      size_t errsize);

/* True when got (a result of type exp->type) matches the expectation. */
bool wast_value_match(const wast_value_t *exp, const swasm_val_t *got);

/* Prints a value of the given type (lanes as lane_type) as "i32:42" or "f32:1.5 (0x3fc00000)". */
void wast_value_format(uint8_t type, uint8_t lane_type, const swasm_val_t *v, char *buf,
                       size_t size);
/* Prints an expectation, with nan patterns and "ref.extern N" spelled out. */
void wast_expect_format(const wast_value_t *exp, char *buf, size_t size);

const char *wast_type_name(uint8_t type);

#endif
