/* wasi.h - private declarations of swasm's WASI preview 1 host: the witx types and constants,
 * the context, the guest fd table, guest memory access and the sandboxed path resolver. */
#ifndef SWASM_WASI_H
#define SWASM_WASI_H

#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "swasm/runtime.h"

/* ---- witx constants (wasi_snapshot_preview1) ---- */

enum {
  WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
  WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7,
  WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10, WASI_ECANCELED = 11, WASI_ECHILD = 12,
  WASI_ECONNABORTED = 13, WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16,
  WASI_EDESTADDRREQ = 17, WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20, WASI_EFAULT = 21,
  WASI_EFBIG = 22, WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24, WASI_EILSEQ = 25,
  WASI_EINPROGRESS = 26, WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30,
  WASI_EISDIR = 31, WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35,
  WASI_EMULTIHOP = 36, WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39,
  WASI_ENETUNREACH = 40, WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43,
  WASI_ENOENT = 44, WASI_ENOEXEC = 45, WASI_ENOLCK = 46, WASI_ENOLINK = 47, WASI_ENOMEM = 48,
  WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51, WASI_ENOSYS = 52,
  WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55, WASI_ENOTRECOVERABLE = 56,
  WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59, WASI_ENXIO = 60,
  WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64,
  WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67, WASI_ERANGE = 68,
  WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71, WASI_ESTALE = 72, WASI_ETIMEDOUT = 73,
  WASI_ETXTBSY = 74, WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76
};

enum {
  WASI_FT_UNKNOWN = 0, WASI_FT_BLOCK_DEVICE = 1, WASI_FT_CHARACTER_DEVICE = 2,
  WASI_FT_DIRECTORY = 3, WASI_FT_REGULAR_FILE = 4, WASI_FT_SOCKET_DGRAM = 5,
  WASI_FT_SOCKET_STREAM = 6, WASI_FT_SYMBOLIC_LINK = 7
};

#define WASI_R(bit) ((uint64_t)1 << (bit))
#define WASI_R_FD_DATASYNC WASI_R(0)
#define WASI_R_FD_READ WASI_R(1)
#define WASI_R_FD_SEEK WASI_R(2)
#define WASI_R_FD_FDSTAT_SET_FLAGS WASI_R(3)
#define WASI_R_FD_SYNC WASI_R(4)
#define WASI_R_FD_TELL WASI_R(5)
#define WASI_R_FD_WRITE WASI_R(6)
#define WASI_R_FD_ADVISE WASI_R(7)
#define WASI_R_FD_ALLOCATE WASI_R(8)
#define WASI_R_PATH_CREATE_DIRECTORY WASI_R(9)
#define WASI_R_PATH_CREATE_FILE WASI_R(10)
#define WASI_R_PATH_LINK_SOURCE WASI_R(11)
#define WASI_R_PATH_LINK_TARGET WASI_R(12)
#define WASI_R_PATH_OPEN WASI_R(13)
#define WASI_R_FD_READDIR WASI_R(14)
#define WASI_R_PATH_READLINK WASI_R(15)
#define WASI_R_PATH_RENAME_SOURCE WASI_R(16)
#define WASI_R_PATH_RENAME_TARGET WASI_R(17)
#define WASI_R_PATH_FILESTAT_GET WASI_R(18)
#define WASI_R_PATH_FILESTAT_SET_SIZE WASI_R(19)
#define WASI_R_PATH_FILESTAT_SET_TIMES WASI_R(20)
#define WASI_R_FD_FILESTAT_GET WASI_R(21)
#define WASI_R_FD_FILESTAT_SET_SIZE WASI_R(22)
#define WASI_R_FD_FILESTAT_SET_TIMES WASI_R(23)
#define WASI_R_PATH_SYMLINK WASI_R(24)
#define WASI_R_PATH_REMOVE_DIRECTORY WASI_R(25)
#define WASI_R_PATH_UNLINK_FILE WASI_R(26)
#define WASI_R_POLL_FD_READWRITE WASI_R(27)
#define WASI_R_SOCK_SHUTDOWN WASI_R(28)
#define WASI_R_SOCK_ACCEPT WASI_R(29)
#define WASI_R_ALL (WASI_R(30) - 1)

/* What an fd of each kind can ever do; an fd's rights are a subset. */
#define WASI_RIGHTS_FILE                                                                   \
  (WASI_R_FD_DATASYNC | WASI_R_FD_READ | WASI_R_FD_SEEK | WASI_R_FD_FDSTAT_SET_FLAGS |      \
   WASI_R_FD_SYNC | WASI_R_FD_TELL | WASI_R_FD_WRITE | WASI_R_FD_ADVISE |                  \
   WASI_R_FD_ALLOCATE | WASI_R_FD_FILESTAT_GET | WASI_R_FD_FILESTAT_SET_SIZE |             \
   WASI_R_FD_FILESTAT_SET_TIMES | WASI_R_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR                                                                    \
  (WASI_R_FD_FDSTAT_SET_FLAGS | WASI_R_FD_SYNC | WASI_R_FD_ADVISE |                        \
   WASI_R_PATH_CREATE_DIRECTORY | WASI_R_PATH_CREATE_FILE | WASI_R_PATH_LINK_SOURCE |      \
   WASI_R_PATH_LINK_TARGET | WASI_R_PATH_OPEN | WASI_R_FD_READDIR | WASI_R_PATH_READLINK | \
   WASI_R_PATH_RENAME_SOURCE | WASI_R_PATH_RENAME_TARGET | WASI_R_PATH_FILESTAT_GET |      \
   WASI_R_PATH_FILESTAT_SET_SIZE | WASI_R_PATH_FILESTAT_SET_TIMES |                        \
   WASI_R_FD_FILESTAT_GET | WASI_R_FD_FILESTAT_SET_TIMES | WASI_R_PATH_SYMLINK |           \
   WASI_R_PATH_REMOVE_DIRECTORY | WASI_R_PATH_UNLINK_FILE)
/* Terminals, pipes and other streams: no seeking, which is also how wasi-libc's isatty()
 * recognises a terminal. */
#define WASI_RIGHTS_STREAM (WASI_RIGHTS_FILE & ~(WASI_R_FD_SEEK | WASI_R_FD_TELL))

enum { WASI_FDF_APPEND = 1, WASI_FDF_DSYNC = 2, WASI_FDF_NONBLOCK = 4, WASI_FDF_RSYNC = 8,
       WASI_FDF_SYNC = 16 };
enum { WASI_O_CREAT = 1, WASI_O_DIRECTORY = 2, WASI_O_EXCL = 4, WASI_O_TRUNC = 8 };
enum { WASI_FST_ATIM = 1, WASI_FST_ATIM_NOW = 2, WASI_FST_MTIM = 4, WASI_FST_MTIM_NOW = 8 };
enum { WASI_LOOKUP_SYMLINK_FOLLOW = 1 };
enum { WASI_CLOCK_REALTIME = 0, WASI_CLOCK_MONOTONIC = 1, WASI_CLOCK_PROCESS_CPUTIME = 2,
       WASI_CLOCK_THREAD_CPUTIME = 3 };
enum { WASI_EV_CLOCK = 0, WASI_EV_FD_READ = 1, WASI_EV_FD_WRITE = 2 };
enum { WASI_SUBCLOCK_ABSTIME = 1 };
enum { WASI_EVRW_HANGUP = 1 };

/* Byte sizes of the witx structures the host reads or writes. */
enum { WASI_FDSTAT_SIZE = 24, WASI_FILESTAT_SIZE = 64, WASI_DIRENT_SIZE = 24,
       WASI_PRESTAT_SIZE = 8, WASI_SUBSCRIPTION_SIZE = 48, WASI_EVENT_SIZE = 32,
       WASI_IOVEC_SIZE = 8 };

/* ---- the function table ---- */

/* X(name, params): every function returns an errno (i32) except proc_exit, which returns
 * nothing. Params: 'i' i32, 'I' i64. */
#define WASI_FUNCS(X)                          \
  X(args_get, "ii")                            \
  X(args_sizes_get, "ii")                      \
  X(environ_get, "ii")                         \
  X(environ_sizes_get, "ii")                   \
  X(clock_res_get, "ii")                       \
  X(clock_time_get, "iIi")                     \
  X(fd_advise, "iIIi")                         \
  X(fd_allocate, "iII")                        \
  X(fd_close, "i")                             \
  X(fd_datasync, "i")                          \
  X(fd_fdstat_get, "ii")                       \
  X(fd_fdstat_set_flags, "ii")                 \
  X(fd_fdstat_set_rights, "iII")               \
  X(fd_filestat_get, "ii")                     \
  X(fd_filestat_set_size, "iI")                \
  X(fd_filestat_set_times, "iIIi")             \
  X(fd_pread, "iiiIi")                         \
  X(fd_prestat_get, "ii")                      \
  X(fd_prestat_dir_name, "iii")                \
  X(fd_pwrite, "iiiIi")                        \
  X(fd_read, "iiii")                           \
  X(fd_readdir, "iiiIi")                       \
  X(fd_renumber, "ii")                         \
  X(fd_seek, "iIii")                           \
  X(fd_sync, "i")                              \
  X(fd_tell, "ii")                             \
  X(fd_write, "iiii")                          \
  X(path_create_directory, "iii")              \
  X(path_filestat_get, "iiiii")                \
  X(path_filestat_set_times, "iiiiIIi")        \
  X(path_link, "iiiiiii")                      \
  X(path_open, "iiiiiIIii")                    \
  X(path_readlink, "iiiiii")                   \
  X(path_remove_directory, "iii")              \
  X(path_rename, "iiiiii")                     \
  X(path_symlink, "iiiii")                     \
  X(path_unlink_file, "iii")                   \
  X(poll_oneoff, "iiii")                       \
  X(proc_exit, "i")                            \
  X(proc_raise, "i")                           \
  X(sched_yield, "")                           \
  X(random_get, "ii")                          \
  X(sock_accept, "iii")                        \
  X(sock_recv, "iiiiii")                       \
  X(sock_send, "iiiii")                        \
  X(sock_shutdown, "ii")

enum {
#define WASI_ENUM(name, params) WASI_FN_##name,
  WASI_FUNCS(WASI_ENUM)
#undef WASI_ENUM
  WASI_NFUNCS
};

/* ---- the context ---- */

/* One guest file descriptor. */
typedef struct wasi_fd {
  int host;                  /* -1: free */
  uint8_t type;              /* WASI_FT_* */
  uint64_t rights, inherit;  /* base and inheriting rights */
  char *preopen;             /* the guest name of a preopened directory, or NULL */
} wasi_fd_t;

/* What each host function's env points to. */
typedef struct wasi_binding {
  swasm_wasi_t *w;
  uint32_t fn;               /* WASI_FN_* */
} wasi_binding_t;

struct swasm_wasi {
  char **argv, **env;        /* each a block of NUL-terminated strings, with pointers into it */
  uint32_t argc, nenv;
  uint32_t argv_bytes, env_bytes;
  wasi_fd_t *fds;
  uint32_t nfds;             /* slots allocated */
  bool walk_only;            /* openat2 missing (or disabled): resolve paths by walking */
  swasm_instance_t *inst;
  swasm_memory_t *mem;
  swasm_host_func_t *funcs[WASI_NFUNCS];
  wasi_binding_t bindings[WASI_NFUNCS];
};

/* One host call: the context, the guest memory as it is now, and where a trap goes. */
typedef struct wasi_call {
  swasm_wasi_t *w;
  uint8_t *mem;              /* NULL when the guest has no memory */
  uint64_t size;
  swasm_error_t *err;
} wasi_call_t;

/* What a host function returns: an errno, or WASI_TRAP after filling c->err. */
#define WASI_TRAP (-1)
typedef int (*wasi_impl_fn)(wasi_call_t *c, const swasm_val_t *a);

#define WASI_IMPL(name, params) int wasi_##name(wasi_call_t *c, const swasm_val_t *a);
WASI_FUNCS(WASI_IMPL)
#undef WASI_IMPL

/* ---- guest memory (little-endian, unaligned, bounds-checked) ---- */

/* The host address of guest bytes [p, p + len), or NULL when any of them is out of bounds. */
static inline uint8_t *wasi_ptr(const wasi_call_t *c, uint32_t p, uint64_t len) {
  if (!c->mem || (uint64_t)p > c->size || len > c->size - p)
    return NULL;
  return c->mem + p;
}

static inline uint16_t wasi_ld16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t wasi_ld32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t wasi_ld64(const uint8_t *p) {
  return (uint64_t)wasi_ld32(p) | (uint64_t)wasi_ld32(p + 4) << 32;
}
static inline void wasi_st16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void wasi_st32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i);
}
static inline void wasi_st64(uint8_t *p, uint64_t v) {
  wasi_st32(p, (uint32_t)v);
  wasi_st32(p + 4, (uint32_t)(v >> 32));
}

/* Stores a u32 result at guest address p; WASI_EFAULT when it does not fit. */
int wasi_put32(wasi_call_t *c, uint32_t p, uint32_t v);
int wasi_put64(wasi_call_t *c, uint32_t p, uint64_t v);

/* The host iovecs of a guest iovec array (at most WASI_IOV_MAX are used: reads and writes may
 * be short). Returns an errno. */
#define WASI_IOV_MAX 1024
int wasi_iovecs(wasi_call_t *c, uint32_t iovs, uint32_t n, struct iovec *out, int *nout);

/* ---- errno.c ---- */

/* The WASI errno for a host errno value. */
int wasi_errno(int host_errno);

/* ---- fdtable.c ---- */

/* The fd's entry when it is open and has every right in need; else NULL with *e = EBADF or
 * ENOTCAPABLE. */
wasi_fd_t *wasi_fd_get(swasm_wasi_t *w, uint32_t fd, uint64_t need, int *e);
/* Installs host fd h as the lowest free guest fd; closes h on failure. Returns an errno. */
int wasi_fd_add(swasm_wasi_t *w, int h, uint8_t type, uint64_t rights, uint64_t inherit,
                uint32_t *out);
void wasi_fd_release(wasi_fd_t *f);
/* The WASI file type of a host st_mode. */
uint8_t wasi_filetype(unsigned mode);
/* The rights a fresh fd of this type may hold; stream: no seeking (terminals, pipes). */
uint64_t wasi_type_rights(uint8_t type, bool stream);
/* Opens the preopens and the standard streams; false with err filled. */
bool wasi_fds_init(swasm_wasi_t *w, const swasm_wasi_config_t *cfg, swasm_error_t *err);
void wasi_fds_free(swasm_wasi_t *w);

/* ---- sandbox.c ---- */

/* A path resolved inside a directory capability: a host directory fd (owned) and the final
 * component's name in it (possibly "."), which is never a symlink the caller asked to follow. */
typedef struct wasi_path {
  int dir;
  char name[256];
  bool trailing_slash;       /* the guest path ended in '/': it must name a directory */
} wasi_path_t;

/* Probes whether openat2 with RESOLVE_BENEATH works on this kernel. */
bool wasi_openat2_works(int dirfd);
/* Copies the guest path [p, p + len) in (NUL-terminated, checked for NULs and UTF-8). */
int wasi_path_read(wasi_call_t *c, uint32_t p, uint32_t len, char *out, size_t size);
/* Resolves a guest path relative to directory fd f; follow: the final component's symlinks
 * are followed (confined like every other). Returns an errno; on success the caller closes
 * r->dir. */
int wasi_resolve(swasm_wasi_t *w, const wasi_fd_t *f, const char *path, bool follow,
                 wasi_path_t *r);
/* Opens path beneath f as openat(..., flags | O_NOFOLLOW on the final component unless
 * follow) would. Returns the host fd, or -(WASI errno). */
int wasi_open_beneath(swasm_wasi_t *w, const wasi_fd_t *f, const char *path, bool follow,
                      int flags, unsigned mode);
/* Closes a wasi_path_t's directory. */
void wasi_path_done(wasi_path_t *r);

/* ---- fd_meta.c: shared with path.c ---- */

/* Writes a host stat as a witx filestat at guest address p (already checked). */
struct stat;
void wasi_store_filestat(uint8_t *p, const struct stat *st);
/* The timespec pair futimens/utimensat take for fd/path_filestat_set_times; an errno. */
struct timespec;
int wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

#endif
