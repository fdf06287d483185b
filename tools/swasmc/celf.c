/* celf.c - makes the objects of a component's core modules linkable side by side: every
 * object swasm_compile makes defines the same descriptor symbol (swasm_module_desc) and, when
 * compiled in shards, hidden global functions named swasm.fN. Their names are rewritten in
 * the ELF symbol string table to names of the same length that carry the module's number
 * ("swasm_mod00000003", "s0003.fN"), so nothing else in the object moves. */
#include <stdio.h>
#include <string.h>

#include "cexe.h"

enum {
  SHT_SYMTAB_ = 2, SHN_UNDEF_ = 0, EHDR = 64, SHDR = 64, SYM = 24,
  STB_GLOBAL_ = 1, STB_WEAK_ = 2
};

static uint16_t get16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

static uint64_t get64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static uint32_t get32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* Bounds of section i's contents; false when outside the object. */
static bool section(const uint8_t *obj, size_t size, uint32_t i, uint64_t *off, uint64_t *len,
                    uint32_t *type, uint32_t *link) {
  uint64_t shoff = get64(obj + 0x28);
  uint16_t shnum = get16(obj + 0x3c);
  if (i >= shnum || shoff > size || (uint64_t)shnum * SHDR > size - shoff) return false;
  const uint8_t *sh = obj + shoff + (uint64_t)i * SHDR;
  *type = get32(sh + 4);
  *link = get32(sh + 40);
  *off = get64(sh + 24);
  *len = get64(sh + 32);
  return *off <= size && *len <= size - *off;
}

/* The new name of a defined global symbol, or NULL to leave it. */
static const char *renamed(const char *name, size_t room, unsigned index, char *buf) {
  if (room >= 18 && strcmp(name, SWASM_DESC_SYMBOL) == 0) {
    snprintf(buf, 18, "swasm_mod%08u", index);
    return buf;
  }
  if (room >= 7 && strncmp(name, "swasm.", 6) == 0) {
    snprintf(buf, 7, "s%04u.", index);
    return buf;
  }
  return NULL;
}

bool celf_rename(uint8_t *obj, size_t size, unsigned index, char *err, size_t errsize) {
  if (index > 9999 || size < EHDR || memcmp(obj, "\177ELF", 4) != 0 || obj[4] != 2 ||
      obj[5] != 1) {
    snprintf(err, errsize, "not a little-endian ELF64 object, or too many modules");
    return false;
  }
  uint16_t shnum = get16(obj + 0x3c);
  for (uint32_t i = 0; i < shnum; i++) {
    uint64_t off, len, stroff, strlen_;
    uint32_t type, link, t2, l2;
    if (!section(obj, size, i, &off, &len, &type, &link)) break;
    if (type != SHT_SYMTAB_) continue;
    if (!section(obj, size, link, &stroff, &strlen_, &t2, &l2) || strlen_ == 0 ||
        obj[stroff + strlen_ - 1] != 0) {
      snprintf(err, errsize, "bad symbol string table");
      return false;
    }
    char *strtab = (char *)obj + stroff;
    for (uint64_t s = 0; s + SYM <= len; s += SYM) {
      const uint8_t *sym = obj + off + s;
      uint32_t name = get32(sym);
      uint8_t bind = sym[4] >> 4;
      if (get16(sym + 6) == SHN_UNDEF_ || (bind != STB_GLOBAL_ && bind != STB_WEAK_) ||
          name >= strlen_)
        continue;
      char buf[32];
      const char *to = renamed(strtab + name, strlen_ - name, index, buf);
      if (to) memcpy(strtab + name, to, strlen(to));
    }
    return true;
  }
  snprintf(err, errsize, "the object has no symbol table");
  return false;
}
