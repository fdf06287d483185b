/* cexe.h - what swasmc's component outputs share (cexe.c, celf.c): executables and shared
 * libraries made from components carry the component's bytes and the compiled code of each
 * distinct core module it embeds, in the format of swasm/linker.h Part 6 (swasm_cpkg_*).
 * Each module is compiled to an object whose descriptor symbol is renamed to
 * swasm_modNNNNNNNN (celf.c), so all of them link into one file; a payload object emitted
 * through LLVM (cexe.c) defines the SWASM_CPKG_* symbols, its module table pointing to those
 * descriptors. */
#ifndef SWASMC_CEXE_H
#define SWASMC_CEXE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "swasm/linker.h"

/* The features the component was compiled with, as swasm_cpkg_new reads them. */
static inline void cexe_put_features(uint8_t *p, const swasm_features_t *f) {
  memset(p, 0, 8);
  p[0] = f->relaxed_simd;
  p[1] = f->tail_call;
  p[2] = f->extended_const;
  p[3] = f->multi_memory;
  p[4] = f->memory64;
  p[5] = f->exceptions;
}

/* celf.c: renames the descriptor and shard symbols of a module's object for module index
 * (< 10000), in place. */
bool celf_rename(uint8_t *obj, size_t size, unsigned index, char *err, size_t errsize);

#endif
