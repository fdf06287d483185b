/* dec.h - what the decoder's files share: the decoding context and the section readers.
 * Private to compiler/decode. */
#ifndef SWASM_DEC_H
#define SWASM_DEC_H

#include "ir.h"

/* An imported entity's description, kept until the index spaces are built. */
typedef struct dec_importdesc {
  uint32_t type;               /* functions, tags */
  swasm_tabletype_t table;
  swasm_limits_t memory;
  swasm_global_t global;
} dec_importdesc_t;

/* Decoding state. Every read goes through r, whose errors longjmp to jmp: the decoder's entry
 * point is the only place that catches them. */
typedef struct dec {
  ir_reader_t r;
  jmp_buf jmp;
  swasm_diag_t *diag;
  swasm_arena_t *arena;
  swasm_module_t *m;
  swasm_features_t features;
  ir_instr_scratch_t scratch;

  swasm_functype_t *types;     uint32_t ntypes;
  swasm_import_t *imports;     dec_importdesc_t *importdescs; uint32_t nimports;
  uint32_t *functypes;         uint32_t nfuncdecls;    /* function section */
  swasm_funcdef_t *defined;       uint32_t ncode;         /* code section */
  swasm_tabletype_t *tables;       uint32_t ntables;
  swasm_limits_t *memories;    uint32_t nmemories;
  swasm_global_t *globals;     uint32_t nglobals;
  uint32_t *tags;              uint32_t ntags;
  uint32_t nimp_funcs, nimp_tables, nimp_memories, nimp_globals, nimp_tags;

  bool has_funcsec, has_codesec, has_datasec;
  uint32_t ndatas_seen;

  swasm_section_t *sections;   uint32_t nsections, cap_sections;
  size_t names_offset, names_end;  /* the "name" custom section's contents, 0/0 if none */
} dec_t;

/* Failures: all longjmp. */
_Noreturn void dec_fail(dec_t *d, swasm_status_t st, size_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void *dec_alloc(dec_t *d, size_t n, size_t size);  /* zeroed array of n items; fails on overflow */

/* Readers over d->r. */
uint32_t dec_count(dec_t *d);   /* a vector length: at most the bytes left, as items take one */
/* Room for the first n items of a vector whose items take at least min_item_size bytes: no
 * more than the bytes left could hold (plus one, so the item that runs out of input fails as
 * it would without the cap). Loops over the items call dec_item before each one. */
void *dec_vec(dec_t *d, uint32_t n, size_t min_item_size, size_t item_size, uint32_t *cap);
void dec_item(dec_t *d, uint32_t i, uint32_t cap);
const char *dec_name(dec_t *d);                       /* a UTF-8 name, copied NUL-terminated */
bool dec_utf8_valid(const uint8_t *s, size_t n);
swasm_expr_t dec_const_expr(dec_t *d);
void dec_limits(dec_t *d, swasm_limits_t *l);
uint8_t dec_reftype(dec_t *d);

/* Sections, one per id; the reader's end is the section's end. */
void dec_type_section(dec_t *d);
void dec_import_section(dec_t *d);
void dec_function_section(dec_t *d);
void dec_table_section(dec_t *d);
void dec_memory_section(dec_t *d);
void dec_tag_section(dec_t *d);
void dec_global_section(dec_t *d);
void dec_export_section(dec_t *d);
void dec_start_section(dec_t *d);
void dec_elem_section(dec_t *d);
void dec_datacount_section(dec_t *d);
void dec_code_section(dec_t *d);
void dec_data_section(dec_t *d);

/* The name section is read last and leniently: a malformed one is ignored, as the spec asks. */
void dec_name_section(dec_t *d);

#endif
