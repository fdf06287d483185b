/* badptr.c - guest pointers and lengths out of bounds (or wrapping around) give EFAULT and
 * never reach the host. The imports are declared raw (every pointer an i32) so no libc
 * wrapper touches the bad pointers first. */
// NODE: skip (node's bounds errors differ: it throws or returns EOVERFLOW)
#include <stdint.h>
#include <stdio.h>

#include "t.h"

#define IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

IMPORT(fd_write) int32_t w_fd_write(int32_t, int32_t, int32_t, int32_t);
IMPORT(fd_read) int32_t w_fd_read(int32_t, int32_t, int32_t, int32_t);
IMPORT(random_get) int32_t w_random_get(int32_t, int32_t);
IMPORT(clock_time_get) int32_t w_clock_time_get(int32_t, int64_t, int32_t);
IMPORT(path_open) int32_t w_path_open(int32_t, int32_t, int32_t, int32_t, int32_t, int64_t,
                                      int64_t, int32_t, int32_t);
IMPORT(args_sizes_get) int32_t w_args_sizes_get(int32_t, int32_t);
IMPORT(environ_get) int32_t w_environ_get(int32_t, int32_t);
IMPORT(fd_prestat_dir_name) int32_t w_fd_prestat_dir_name(int32_t, int32_t, int32_t);
IMPORT(poll_oneoff) int32_t w_poll_oneoff(int32_t, int32_t, int32_t, int32_t);
IMPORT(fd_readdir) int32_t w_fd_readdir(int32_t, int32_t, int32_t, int64_t, int32_t);
IMPORT(path_filestat_get) int32_t w_path_filestat_get(int32_t, int32_t, int32_t, int32_t,
                                                      int32_t);
IMPORT(path_symlink) int32_t w_path_symlink(int32_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(sock_accept) int32_t w_sock_accept(int32_t, int32_t, int32_t);
IMPORT(sock_shutdown) int32_t w_sock_shutdown(int32_t, int32_t);
IMPORT(proc_raise) int32_t w_proc_raise(int32_t);
IMPORT(sched_yield) int32_t w_sched_yield(void);

/* Past the end of memory: the address space is at most a few MiB here. */
#define FAR ((int32_t)0xfffffff0u)
#define P(x) ((int32_t)(uintptr_t)(x))

int main(void) {
  static uint32_t iov[2], out[16];
  static const char ok[] = "ok\n", path[] = "hello.txt";
  setvbuf(stdout, NULL, _IONBF, 0);   /* raw writes to fd 1 interleave with printf */
  iov[0] = (uint32_t)FAR;
  iov[1] = 32;
  RAW("fd_write wrapping buffer", w_fd_write(1, P(iov), 1, P(out)));
  RAW("fd_write iovec array out of bounds", w_fd_write(1, FAR, 1, P(out)));
  RAW("fd_write huge iovec count", w_fd_write(1, P(iov), 0x7fffffff, P(out)));
  iov[0] = (uint32_t)P(ok);
  iov[1] = 3;
  RAW("fd_write result pointer out of bounds", w_fd_write(1, P(iov), 1, FAR));
  RAW("fd_read into nowhere", w_fd_read(0, FAR, 1, P(out)));
  RAW("random_get wrapping", w_random_get(FAR, 64));
  RAW("clock_time_get result", w_clock_time_get(0, 0, FAR));
  RAW("clock_time_get bad clock", w_clock_time_get(9, 0, P(out)));
  RAW("path_open path out of bounds", w_path_open(3, 0, FAR, 100, 0, 0, 0, 0, P(out)));
  RAW("path_open path wrapping", w_path_open(3, 0, P(path), -1, 0, 0, 0, 0, P(out)));
  RAW("path_open result out of bounds", w_path_open(3, 0, P(path), 9, 0, 0, 0, 0, FAR));
  RAW("path_filestat_get result", w_path_filestat_get(3, 0, P(path), 9, FAR));
  RAW("path_symlink target", w_path_symlink(FAR, 5, 3, P(path), 9));
  RAW("args_sizes_get", w_args_sizes_get(FAR, P(out)));
  RAW("environ_get", w_environ_get(FAR, FAR));
  RAW("fd_prestat_dir_name", w_fd_prestat_dir_name(3, FAR, 8));
  RAW("poll_oneoff subscriptions", w_poll_oneoff(FAR, P(out), 1, P(out + 8)));
  RAW("poll_oneoff huge count", w_poll_oneoff(P(out), P(out), 0x10000000, P(out + 8)));
  RAW("fd_readdir buffer", w_fd_readdir(3, FAR, 100, 0, P(out)));
  RAW("fd_write to a bad fd", w_fd_write(77, P(iov), 1, P(out)));
  RAW("fd_write to stdout", w_fd_write(1, P(iov), 1, P(out)));
  RAW("sock_accept on stdout", w_sock_accept(1, 0, P(out)));
  RAW("sock_shutdown on a bad fd", w_sock_shutdown(42, 1));
  RAW("proc_raise", w_proc_raise(6));
  RAW("sched_yield", w_sched_yield());
  return 0;
}

// Expected output:
//> fd_write wrapping buffer: EFAULT
//> fd_write iovec array out of bounds: EFAULT
//> fd_write huge iovec count: EFAULT
//> fd_write result pointer out of bounds: EFAULT
//> fd_read into nowhere: EFAULT
//> random_get wrapping: EFAULT
//> clock_time_get result: EFAULT
//> clock_time_get bad clock: EINVAL
//> path_open path out of bounds: EFAULT
//> path_open path wrapping: EFAULT
//> path_open result out of bounds: EFAULT
//> path_filestat_get result: EFAULT
//> path_symlink target: EFAULT
//> args_sizes_get: EFAULT
//> environ_get: EFAULT
//> fd_prestat_dir_name: EFAULT
//> poll_oneoff subscriptions: EFAULT
//> poll_oneoff huge count: EFAULT
//> fd_readdir buffer: EFAULT
//> fd_write to a bad fd: EBADF
//> ok
//> fd_write to stdout: ok
//> sock_accept on stdout: ENOTSOCK
//> sock_shutdown on a bad fd: EBADF
//> proc_raise: ENOTSUP
//> sched_yield: ok
