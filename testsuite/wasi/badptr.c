/* badptr.c - guest pointers and lengths out of bounds (or wrapping around) give EFAULT and
 * never reach the host. */
// NODE: skip (node's bounds errors differ: it throws or returns EOVERFLOW)
#include <stdint.h>
#include <stdio.h>
#include <wasi/api.h>

#include "t.h"

/* Past the end of memory: the address space is at most a few MiB here. */
#define FAR ((uint32_t)0xfffffff0u)

int main(void) {
  __wasi_ciovec_t iov = {(const uint8_t *)(uintptr_t)FAR, 32};
  __wasi_size_t n;
  RAW("fd_write wrapping buffer", __wasi_fd_write(1, &iov, 1, &n));
  RAW("fd_write iovec array out of bounds",
      __wasi_fd_write(1, (const __wasi_ciovec_t *)(uintptr_t)FAR, 1, &n));
  RAW("fd_write huge iovec count", __wasi_fd_write(1, &iov, 0x7fffffff, &n));
  iov.buf = (const uint8_t *)"ok\n";
  iov.buf_len = 3;
  RAW("fd_write result pointer out of bounds",
      __wasi_fd_write(1, &iov, 1, (__wasi_size_t *)(uintptr_t)FAR));
  RAW("fd_read into nowhere", __wasi_fd_read(0, (const __wasi_iovec_t *)(uintptr_t)FAR, 1, &n));
  RAW("random_get wrapping", __wasi_random_get((uint8_t *)(uintptr_t)FAR, 64));
  RAW("clock_time_get result", __wasi_clock_time_get(0, 0, (__wasi_timestamp_t *)(uintptr_t)FAR));
  RAW("path_open path out of bounds",
      __wasi_path_open(3, 0, (const char *)(uintptr_t)FAR, 0, 0, 0, 0, (__wasi_fd_t *)&n));
  RAW("args_sizes_get", __wasi_args_sizes_get((__wasi_size_t *)(uintptr_t)FAR, &n));
  RAW("environ_get", __wasi_environ_get((uint8_t **)(uintptr_t)FAR, (uint8_t *)(uintptr_t)FAR));
  RAW("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(3, (uint8_t *)(uintptr_t)FAR, 8));
  __wasi_event_t ev;
  RAW("poll_oneoff subscriptions",
      __wasi_poll_oneoff((const __wasi_subscription_t *)(uintptr_t)FAR, &ev, 1, &n));
  RAW("fd_readdir buffer", __wasi_fd_readdir(3, (uint8_t *)(uintptr_t)FAR, 100, 0, &n));
  RAW("fd_write to a bad fd", __wasi_fd_write(77, &iov, 1, &n));
  RAW("fd_write to stdout", __wasi_fd_write(1, &iov, 1, &n));
  RAW("sock_accept on stdout", __wasi_sock_accept(1, 0, (__wasi_fd_t *)&n));
  RAW("sock_shutdown on a bad fd", __wasi_sock_shutdown(42, __WASI_SDFLAGS_RD));
  RAW("proc_raise-free: sched_yield", __wasi_sched_yield());
  return 0;
}
