/* adapter.h - what the fused-adapter files share: a byte buffer for the adapter module's
 * binary, the value types it covers and their flat and memory layouts. Private to
 * compiler/component. */
#ifndef SWASM_ADAPTER_H
#define SWASM_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swasm/compiler.h"

#define AD_MAX_FLAT_PARAMS 16
#define AD_MAX_FLAT_RESULTS 1
#define AD_MAX_DEPTH 32

/* A growing byte buffer; oom sticks once an allocation fails. */
typedef struct ad_buf {
  uint8_t *p;
  size_t n, cap;
  bool oom;
} ad_buf_t;

#pragma GCC visibility push(hidden)

void ad_byte(ad_buf_t *b, uint8_t x);
void ad_bytes(ad_buf_t *b, const void *p, size_t n);
void ad_u32(ad_buf_t *b, uint32_t x);                  /* unsigned LEB128 */
void ad_s64(ad_buf_t *b, int64_t x);                   /* signed LEB128 */
void ad_name(ad_buf_t *b, const char *s);
/* Appends section id with the contents of body (and frees body). */
void ad_section(ad_buf_t *b, uint8_t id, ad_buf_t *body);

/* Whether t is a value type the adapters move (at nesting depth). */
bool ad_type_ok(const swasm_cm_type_t *t, uint32_t depth);
/* Whether a and b have the same structure (both covered). */
bool ad_same_shape(const swasm_cm_type_t *a, const swasm_cm_type_t *b, uint32_t depth);
/* Whether t holds a string or a list (needs memory and realloc). */
bool ad_has_memory(const swasm_cm_type_t *t);
/* Whether t holds a char, variant, string or list (the caller's values need checks before
 * entering). */
bool ad_has_checks(const swasm_cm_type_t *t);
bool ad_has_string(const swasm_cm_type_t *t);
/* Variant-like types (variant, enum, option, result): their cases and payloads (NULL: none),
 * discriminant size, payload offset and alignment in memory. */
bool ad_is_variant(const swasm_cm_type_t *t);
uint32_t ad_ncases(const swasm_cm_type_t *t);
const swasm_cm_type_t *ad_case(const swasm_cm_type_t *t, uint32_t i);
uint32_t ad_disc_size(const swasm_cm_type_t *t);
uint32_t ad_case_align(const swasm_cm_type_t *t);
uint32_t ad_payload_offset(const swasm_cm_type_t *t);
/* Appends t's flat core types (SWASM_T_*) to out[*n..cap); returns false past cap. */
bool ad_flatten(const swasm_cm_type_t *t, uint8_t *out, uint32_t *n, uint32_t cap);
uint32_t ad_size(const swasm_cm_type_t *t);
uint32_t ad_align(const swasm_cm_type_t *t);
uint32_t ad_align_to(uint32_t x, uint32_t a);
/* The fields of a record or tuple (tuples keep their element types in fields too). */
const swasm_cm_type_t *ad_field(const swasm_cm_type_t *t, uint32_t i);

/* Writes the adapter's body (locals and code) for the covered pair into body; the function
 * indices of the imports are fixed by adapter_module.c (see AD_F_*). */
enum {
  AD_F_CALLEE = 0, AD_F_ENTER, AD_F_LEAVE, AD_F_CHECK_LEAVE, AD_F_TRAP, AD_F_STR_IN,
  AD_F_STR_OUT, AD_F_LIST_IN, AD_F_LIST_OUT, AD_F_RANGE_CALLER, AD_F_RANGE_CALLEE,
  AD_F_REALLOC_CALLER, AD_F_REALLOC_CALLEE, AD_F_ENTER_FAST, AD_F_LEAVE_FAST, AD_F_STR_IN_FAST,
  AD_F_STR_OUT_FAST, AD_F_CHECK_LEAVE_FAST, AD_F_POST, AD_NFUNCS
};
bool ad_emit_body(const swasm_adapter_side_t *lower, const swasm_adapter_side_t *lift,
                  ad_buf_t *body);

#pragma GCC visibility pop

#endif
