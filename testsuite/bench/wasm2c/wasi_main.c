/* wasi_main.c - the host side of a wasm2c-translated benchmark program: main(), the wabt
 * runtime's setup and trap reporting, and the few WASI preview1 imports the programs use
 * (arguments, environment, stdout/stderr, clocks, exit). Debian's wabt ships no WASI for
 * wasm2c, so this minimal one stands in; every other import is absent, which is a link error,
 * not a silent stub. Build: wasm2c -n bench X.wasm -o w2c.c, then
 *   clang-19 -O2 -I. -I/usr/include w2c.c wasi_main.c /usr/share/wabt/wasm2c/wasm-rt-impl.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "w2c.h"
#include "wasm-rt-impl.h"

enum { WASI_ESUCCESS = 0, WASI_EBADF = 8, WASI_EFAULT = 21, WASI_EINVAL = 28 };

struct Z_wasi_snapshot_preview1_instance_t {
  wasm_rt_memory_t *mem;
  int argc;
  char **argv;
};

typedef struct Z_wasi_snapshot_preview1_instance_t wasi_t;

/* Every guest pointer is checked against the memory before use. */
static uint8_t *guest(wasi_t *w, uint32_t ptr, uint32_t len) {
  if ((uint64_t)ptr + len > w->mem->size) return NULL;
  return w->mem->data + ptr;
}

static int put32(wasi_t *w, uint32_t ptr, uint32_t v) {
  uint8_t *p = guest(w, ptr, 4);
  if (!p) return 0;
  memcpy(p, &v, 4);   /* wasm and the host are both little-endian here */
  return 1;
}

u32 Z_wasi_snapshot_preview1Z_args_sizes_get(wasi_t *w, u32 count, u32 size) {
  uint32_t total = 0;
  for (int i = 0; i < w->argc; i++) total += (uint32_t)strlen(w->argv[i]) + 1;
  if (!put32(w, count, (uint32_t)w->argc) || !put32(w, size, total)) return WASI_EFAULT;
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_args_get(wasi_t *w, u32 ptrs, u32 buf) {
  for (int i = 0; i < w->argc; i++) {
    uint32_t len = (uint32_t)strlen(w->argv[i]) + 1;
    uint8_t *dst = guest(w, buf, len);
    if (!dst || !put32(w, ptrs + 4u * (uint32_t)i, buf)) return WASI_EFAULT;
    memcpy(dst, w->argv[i], len);
    buf += len;
  }
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(wasi_t *w, u32 count, u32 size) {
  if (!put32(w, count, 0) || !put32(w, size, 0)) return WASI_EFAULT;
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_environ_get(wasi_t *w, u32 ptrs, u32 buf) {
  (void)w; (void)ptrs; (void)buf;
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(wasi_t *w, u32 fd, u32 iovs, u32 n, u32 nwritten) {
  if (fd != 1 && fd != 2) return WASI_EBADF;
  uint32_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *iov = guest(w, iovs + 8 * i, 8);
    if (!iov) return WASI_EFAULT;
    uint32_t ptr, len;
    memcpy(&ptr, iov, 4);
    memcpy(&len, iov + 4, 4);
    uint8_t *data = guest(w, ptr, len);
    if (!data) return WASI_EFAULT;
    for (uint32_t off = 0; off < len;) {
      ssize_t k = write((int)fd, data + off, len - off);
      if (k <= 0) return WASI_EBADF;
      off += (uint32_t)k;
    }
    total += len;
  }
  return put32(w, nwritten, total) ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(wasi_t *w, u32 fd, u32 stat) {
  uint8_t *p = guest(w, stat, 24);
  if (!p) return WASI_EFAULT;
  if (fd > 2) return WASI_EBADF;
  memset(p, 0, 24);
  p[0] = 2;   /* character device */
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_close(wasi_t *w, u32 fd) {
  (void)w;
  return fd <= 2 ? WASI_ESUCCESS : WASI_EBADF;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(wasi_t *w, u32 fd, u64 off, u32 whence, u32 newoff) {
  (void)w; (void)fd; (void)off; (void)whence; (void)newoff;
  return WASI_EBADF;
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(wasi_t *w, u32 id, u64 precision, u32 out) {
  (void)precision;
  static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                  CLOCK_THREAD_CPUTIME_ID};
  if (id > 3) return WASI_EINVAL;
  struct timespec ts;
  clock_gettime(ids[id], &ts);
  uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  uint8_t *p = guest(w, out, 8);
  if (!p) return WASI_EFAULT;
  memcpy(p, &ns, 8);
  return WASI_ESUCCESS;
}

void Z_wasi_snapshot_preview1Z_proc_exit(wasi_t *w, u32 code) {
  (void)w;
  exit((int)code);
}

int main(int argc, char **argv) {
  static Z_bench_instance_t inst;
  wasi_t wasi = {NULL, argc, argv};
  wasm_rt_init();
  Z_bench_init_module();
  Z_bench_instantiate(&inst, &wasi);
  wasi.mem = Z_benchZ_memory(&inst);
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    fprintf(stderr, "wasm2c: trap: %s\n", wasm_rt_strerror(trap));
    return 134;
  }
  Z_benchZ__start(&inst);
  Z_bench_free(&inst);
  wasm_rt_free();
  return 0;
}
