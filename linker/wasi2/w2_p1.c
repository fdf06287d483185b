/* w2_p1.c - the bridge to the preview 1 host (runtime.h Part 3): every file, directory and
 * stream operation of WASI 0.2 goes through it, so paths are resolved by the same sandbox
 * (openat2 RESOLVE_BENEATH or the confined walk) with the same grants and fd table. The
 * preview 1 functions read and write a small host-made scratch memory. */
#include "w2.h"

#include <stdlib.h>
#include <string.h>

static const char *const p1_names[W2_P1_N] = {
#define W2_P1_NAME(name) #name,
  W2_P1_FUNCS(W2_P1_NAME)
#undef W2_P1_NAME
};

uint32_t w2_ld32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
uint64_t w2_ld64(const uint8_t *p) { return (uint64_t)w2_ld32(p) | (uint64_t)w2_ld32(p + 4) << 32; }
void w2_st32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i);
}
void w2_st64(uint8_t *p, uint64_t v) {
  w2_st32(p, (uint32_t)v);
  w2_st32(p + 4, (uint32_t)(v >> 32));
}

int w2_p1(swasm_wasi2_t *w, int fn, const uint64_t *v) {
  const swasm_func_t *f = &w->p1f[fn];
  swasm_val_t a[12];
  memset(a, 0, sizeof a);
  for (uint32_t i = 0; i < f->type->nparams && i < 12; i++) {
    if (f->type->types[i] == SWASM_T_I64)
      a[i].i64 = (int64_t)v[i];
    else
      a[i].i32 = (int32_t)(uint32_t)v[i];
  }
  swasm_error_t err;
  if (!swasm_call(f, a, &err))
    return W2_E_IO;
  return a[0].i32;
}

int w2_put_path(swasm_wasi2_t *w, uint32_t off, const swasm_cval_t *s) {
  if (s->u.str.len >= W2_PATH_MAX)
    return W2_E_NAMETOOLONG;
  memcpy(w2_mem(w, off), s->u.str.ptr, s->u.str.len);
  return W2_E_SUCCESS;
}

int w2_p1_io(swasm_wasi2_t *w, int fn, uint32_t fd, uint64_t offset, uint32_t len,
             uint32_t *n) {
  if (len > W2_M_DATA_SIZE)
    len = W2_M_DATA_SIZE;
  w2_st32(w2_mem(w, W2_M_IOV), W2_M_DATA);
  w2_st32(w2_mem(w, W2_M_IOV + 4), len);
  int e;
  if (fn == W2_P1_fd_pread || fn == W2_P1_fd_pwrite)
    e = w2_p1(w, fn, (uint64_t[]){fd, W2_M_IOV, 1, offset, W2_M_OUT});
  else
    e = w2_p1(w, fn, (uint64_t[]){fd, W2_M_IOV, 1, W2_M_OUT});
  *n = e == W2_E_SUCCESS ? w2_ld32(w2_mem(w, W2_M_OUT)) : 0;
  return e;
}

/* Preview 1 errno -> wasi:filesystem/types error-code, pairs (errno, case index). The sandbox's
 * ENOTCAPABLE (76) becomes not-permitted, as WASI 0.2 says escapes fail. */
static const uint8_t errmap[][2] = {
  {2, 0}, {6, 1}, {7, 2}, {8, 3}, {10, 4}, {16, 5}, {19, 6}, {20, 7}, {22, 8}, {25, 9},
  {26, 10}, {27, 11}, {28, 12}, {29, 13}, {31, 14}, {32, 15}, {34, 16}, {35, 17}, {37, 18},
  {43, 19}, {44, 20}, {46, 21}, {48, 22}, {51, 23}, {54, 24}, {55, 25}, {56, 26}, {58, 27},
  {52, 27}, {59, 28}, {60, 29}, {61, 30}, {63, 31}, {76, 31}, {64, 32}, {69, 33}, {70, 34},
  {74, 35}, {75, 36},
};

uint32_t w2_errcode(int p1errno) {
  for (size_t i = 0; i < sizeof errmap / sizeof errmap[0]; i++)
    if (errmap[i][0] == p1errno)
      return errmap[i][1];
  return 13; /* io */
}

/* ---- fd references ---- */

bool w2_fd_ref(swasm_wasi2_t *w, uint32_t fd) {
  if (fd >= w->nfdrefs) {
    uint32_t n = fd + 16;
    uint32_t *p = realloc(w->fdrefs, (size_t)n * sizeof *p);
    if (!p)
      return false;
    memset(p + w->nfdrefs, 0, (size_t)(n - w->nfdrefs) * sizeof *p);
    w->fdrefs = p;
    w->nfdrefs = n;
  }
  w->fdrefs[fd]++;
  return true;
}

void w2_fd_unref(swasm_wasi2_t *w, uint32_t fd) {
  if (fd >= w->nfdrefs || !w->fdrefs[fd])
    return;
  if (--w->fdrefs[fd] == 0)
    w2_p1(w, W2_P1_fd_close, (uint64_t[]){fd});
}

/* ---- set-up ---- */

/* Reads preview 1's args or environment (sizes_get, get) into a block and a pointer array. */
static bool copy_strings(swasm_wasi2_t *w, int sizes_fn, int get_fn, char **block,
                         char ***ptrs, uint32_t *count) {
  if (w2_p1(w, sizes_fn, (uint64_t[]){W2_M_OUT, W2_M_OUT + 4}) != W2_E_SUCCESS)
    return false;
  uint32_t n = w2_ld32(w2_mem(w, W2_M_OUT)), bytes = w2_ld32(w2_mem(w, W2_M_OUT + 4));
  if ((uint64_t)n * 4 + bytes > W2_M_DATA_SIZE)
    return false;
  if (w2_p1(w, get_fn, (uint64_t[]){W2_M_DATA, W2_M_DATA + 4 * n}) != W2_E_SUCCESS)
    return false;
  *block = malloc(bytes + 1);
  *ptrs = calloc(n + 1, sizeof **ptrs);
  if (!*block || !*ptrs)
    return false;
  memcpy(*block, w2_mem(w, W2_M_DATA + 4 * n), bytes);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t p = w2_ld32(w2_mem(w, W2_M_DATA + 4 * i)) - (W2_M_DATA + 4 * n);
    if (p >= bytes)
      return false;
    (*ptrs)[i] = *block + p;
  }
  *count = n;
  return true;
}

bool w2_p1_init(swasm_wasi2_t *w, const swasm_wasi_config_t *cfg, swasm_error_t *err) {
  w->p1 = swasm_wasi_new(cfg, err);
  if (!w->p1)
    return false;
  w->mem = swasm_memory_new(W2_M_PAGES, W2_M_PAGES, true, false, err);
  if (!w->mem)
    return false;
  swasm_wasi_bind_memory(w->p1, w->mem);
  for (int i = 0; i < W2_P1_N; i++) {
    swasm_extern_t ext;
    if (!swasm_wasi_resolve(w->p1, "wasi_snapshot_preview1", p1_names[i], SWASM_K_FUNC, &ext))
      return w2_trap(err, "WASI 0.2: a preview 1 function is missing");
    w->p1f[i] = ext.u.func;
  }
  if (!copy_strings(w, W2_P1_args_sizes_get, W2_P1_args_get, &w->argblock, &w->argv, &w->argc) ||
      !copy_strings(w, W2_P1_environ_sizes_get, W2_P1_environ_get, &w->envblock, &w->env,
                    &w->nenv))
    return w2_trap(err, "WASI 0.2: cannot copy the arguments and environment");
  /* Preopens are fds 3, 4, ... in order; they and the standard streams stay open. */
  for (uint32_t fd = 0; fd < 3; fd++)
    if (!w2_fd_ref(w, fd))
      return w2_trap(err, "out of memory");
  w->npreopens = 0;
  while (w2_p1(w, W2_P1_fd_prestat_get, (uint64_t[]){3 + w->npreopens, W2_M_OUT}) ==
         W2_E_SUCCESS) {
    if (!w2_fd_ref(w, 3 + w->npreopens))
      return w2_trap(err, "out of memory");
    w->npreopens++;
  }
  return true;
}

void w2_p1_free(swasm_wasi2_t *w) {
  if (w->p1)
    swasm_wasi_free(w->p1);
  if (w->mem)
    swasm_memory_free(w->mem);
  free(w->argblock);
  free(w->envblock);
  free(w->argv);
  free(w->env);
  free(w->fdrefs);
}
