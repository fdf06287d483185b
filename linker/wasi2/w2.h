/* w2.h - what the WASI 0.2 host's files share: the context, the resource tables, the bridge to
 * the preview 1 host that does every file-system and stream operation, and cval helpers. */
#ifndef SWASM_W2_H
#define SWASM_W2_H

#include "lk.h"

/* The version every interface is registered under; the linker matches 0.2.x imports. */
#define W2_VERSION "0.2.0"

/* ---- resource tables ---- */

/* A table of host-owned objects of one resource type; a rep is an index + 1 (never 0). */
typedef struct w2_tab {
  void **items;
  uint32_t n, cap;
} w2_tab_t;

/* Stores item (malloc'd) and returns its rep; 0 on OOM (item is then freed). */
uint32_t w2_tab_add(w2_tab_t *t, void *item);
void *w2_tab_get(const w2_tab_t *t, uint32_t rep);
/* Frees the item of rep (the caller has released what it refers to). */
void w2_tab_del(w2_tab_t *t, uint32_t rep);
void w2_tab_free(w2_tab_t *t);

/* ---- objects ---- */

enum { W2_IN_STDIN, W2_IN_FILE };
typedef struct w2_input {
  int kind;
  uint32_t fd;               /* the preview 1 fd */
  uint64_t offset;           /* W2_IN_FILE: where the next read starts */
  bool closed;               /* end of stream reached */
} w2_input_t;

enum { W2_OUT_STREAM, W2_OUT_FILE, W2_OUT_APPEND };
typedef struct w2_output {
  int kind;
  uint32_t fd;
  uint64_t offset;           /* W2_OUT_FILE */
} w2_output_t;

typedef struct w2_errobj {
  int code;                  /* a filesystem error-code, or -1 */
  char msg[96];
} w2_errobj_t;

enum { W2_POLL_READY, W2_POLL_CLOCK, W2_POLL_FD_READ };
typedef struct w2_pollable {
  int kind;
  uint64_t deadline;         /* W2_POLL_CLOCK: monotonic nanoseconds */
  uint32_t fd;               /* W2_POLL_FD_READ */
} w2_pollable_t;

typedef struct w2_desc {
  uint32_t fd;
  uint64_t flags;            /* descriptor-flags as opened */
  bool is_dir;
} w2_desc_t;

typedef struct w2_dirstream {
  uint32_t fd;
  uint64_t cookie;           /* where the next preview 1 readdir starts */
  bool done;
} w2_dirstream_t;

/* ---- the bridge to preview 1 (w2_p1.c) ---- */

/* The preview 1 functions the host calls, by name. */
#define W2_P1_FUNCS(X)                                                                     \
  X(args_sizes_get) X(args_get) X(environ_sizes_get) X(environ_get) X(fd_close)          \
  X(fd_read) X(fd_write) X(fd_pread) X(fd_pwrite) X(fd_fdstat_get) X(fd_filestat_get)    \
  X(fd_filestat_set_size) X(fd_filestat_set_times) X(fd_sync) X(fd_datasync)              \
  X(fd_advise) X(fd_readdir) X(fd_prestat_get) X(fd_prestat_dir_name)                     \
  X(path_open) X(path_filestat_get) X(path_filestat_set_times) X(path_create_directory)  \
  X(path_remove_directory) X(path_unlink_file) X(path_rename) X(path_readlink)           \
  X(path_link) X(path_symlink) X(poll_oneoff)

enum {
#define W2_P1_ENUM(name) W2_P1_##name,
  W2_P1_FUNCS(W2_P1_ENUM)
#undef W2_P1_ENUM
  W2_P1_N
};

/* The scratch memory the preview 1 host reads and writes: out-values, two paths, an iovec,
 * then a data area (reads, writes, readdir, poll subscriptions and events). */
enum {
  W2_M_OUT = 0, W2_M_PATH1 = 8192, W2_M_PATH2 = 16384, W2_M_IOV = 24576,
  W2_M_DATA = 32768, W2_M_DATA_SIZE = 1 << 20, W2_M_PAGES = 18,
  W2_PATH_MAX = 8192
};

/* Preview 1 errno values the host looks at (witx). */
enum { W2_E_SUCCESS = 0, W2_E_AGAIN = 6, W2_E_BADF = 8, W2_E_INVAL = 28, W2_E_IO = 29,
       W2_E_NAMETOOLONG = 37, W2_E_NOMEM = 48, W2_E_PIPE = 64 };

/* ---- the context ---- */

enum { W2_T_INPUT, W2_T_OUTPUT, W2_T_ERROR, W2_T_POLLABLE, W2_T_DESC, W2_T_DIRSTREAM,
       W2_T_N };

#define W2_MAX_HOSTS 40

struct swasm_wasi2 {
  swasm_wasi_t *p1;
  swasm_memory_t *mem;
  swasm_func_t p1f[W2_P1_N];
  char *argblock, *envblock;            /* preview 1's args and environment, copied */
  char **argv, **env;
  uint32_t argc, nenv;
  uint32_t *fdrefs;                     /* references to each preview 1 fd from our objects */
  uint32_t nfdrefs;
  uint32_t npreopens;                   /* preview 1 fds 3 .. 3 + npreopens - 1 */
  w2_tab_t tabs[W2_T_N];
  swasm_chost_t hosts[W2_MAX_HOSTS];
  swasm_chost_t *hostp[W2_MAX_HOSTS];
  uint32_t nhosts;
};

/* Calls preview 1 function fn with v (each value converted to the parameter's type); returns
 * its errno (W2_E_IO when it failed otherwise). */
int w2_p1(swasm_wasi2_t *w, int fn, const uint64_t *v);
bool w2_p1_init(swasm_wasi2_t *w, const swasm_wasi_config_t *cfg, swasm_error_t *err);
void w2_p1_free(swasm_wasi2_t *w);
/* The scratch memory at offset off (the caller keeps within the layout above). */
static inline uint8_t *w2_mem(swasm_wasi2_t *w, uint32_t off) { return w->mem->base + off; }
uint32_t w2_ld32(const uint8_t *p);
uint64_t w2_ld64(const uint8_t *p);
void w2_st32(uint8_t *p, uint32_t v);
void w2_st64(uint8_t *p, uint64_t v);
/* Copies a guest string into scratch at off (NUL-free check is preview 1's); an errno. */
int w2_put_path(swasm_wasi2_t *w, uint32_t off, const swasm_cval_t *s);
/* Reads or writes (write) up to len bytes of the data area through an iovec: fd_read,
 * fd_write, fd_pread, fd_pwrite (fn). *n gets the count. An errno. */
int w2_p1_io(swasm_wasi2_t *w, int fn, uint32_t fd, uint64_t offset, uint32_t len,
             uint32_t *n);
/* The filesystem error-code index of a preview 1 errno. */
uint32_t w2_errcode(int p1errno);

/* References to preview 1 fds: the last release closes the fd (preopens and the standard
 * streams hold a reference that is never released). */
bool w2_fd_ref(swasm_wasi2_t *w, uint32_t fd);
void w2_fd_unref(swasm_wasi2_t *w, uint32_t fd);

/* ---- cval helpers ---- */

/* Fills err as a host trap; returns false. */
bool w2_trap(swasm_error_t *err, const char *msg);
/* An arena copy of v, or NULL (out of memory). */
swasm_cval_t *w2_box(swasm_carena_t *a, swasm_cval_t v);
static inline swasm_cval_t w2_u(uint64_t u) { swasm_cval_t v; v.u.u = u; return v; }
static inline swasm_cval_t w2_handle(uint32_t rep) { swasm_cval_t v; v.u.handle = rep; return v; }
/* *r = case index with payload p (boxed; p NULL: no payload); false + trap on OOM. */
bool w2_case(swasm_cval_t *r, uint32_t index, const swasm_cval_t *p, swasm_carena_t *a,
             swasm_error_t *err);
/* result<_, error-code>-style: ok without payload; error with an enum payload. */
bool w2_ok_unit(swasm_cval_t *r);
bool w2_err_code(swasm_cval_t *r, int p1errno, swasm_carena_t *a, swasm_error_t *err);
/* A list of n bytes from data, or a string copied into the arena. */
bool w2_bytes(swasm_cval_t *out, const uint8_t *data, uint32_t n, swasm_carena_t *a,
              swasm_error_t *err);
bool w2_string(swasm_cval_t *out, const char *s, size_t len, swasm_carena_t *a,
               swasm_error_t *err);
/* wasi:clocks datetime, the record {seconds: u64, nanoseconds: u32}, of ns nanoseconds. */
bool w2_datetime(swasm_cval_t *r, uint64_t ns, swasm_carena_t *a, swasm_error_t *err);
/* The item of rep in table t, or NULL after a trap. */
void *w2_get(swasm_wasi2_t *w, int t, uint32_t rep, swasm_error_t *err);
/* Adds an object to table t: its rep, or 0 after a trap (the object is freed). */
uint32_t w2_add(swasm_wasi2_t *w, int t, void *item, swasm_error_t *err);

/* ---- interfaces (one function per file adds its own) ---- */

/* A host function of the swasm_chost_fn shape; env is the swasm_wasi2_t. */
#define W2_HOSTFN(name)                                                                    \
  static bool name(void *env, const swasm_cval_t *args, swasm_cval_t *result,              \
                   swasm_carena_t *arena, swasm_error_t *err)
#define W2_ENV(x) ((swasm_wasi2_t *)(x))
#define W2_N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))
#define W2_AT "@" W2_VERSION

bool w2_add_host(swasm_wasi2_t *w, const char *name, const swasm_chost_func_t *f, uint32_t nf,
                 const swasm_chost_resource_t *r, uint32_t nr);
bool w2_cli_hosts(swasm_wasi2_t *w);      /* w2_cli.c: cli, clocks, random */
bool w2_io_hosts(swasm_wasi2_t *w);       /* w2_io.c: io error, poll, streams */
bool w2_fs_hosts(swasm_wasi2_t *w);       /* w2_fs.c: filesystem types, preopens */
bool w2_net_hosts(swasm_wasi2_t *w);      /* w2_net.c: sockets, with no network granted */

/* Streams and pollables others make (w2_io.c). Returns the rep, 0 after a trap. */
uint32_t w2_new_input(swasm_wasi2_t *w, int kind, uint32_t fd, uint64_t offset,
                      swasm_error_t *err);
uint32_t w2_new_output(swasm_wasi2_t *w, int kind, uint32_t fd, uint64_t offset,
                       swasm_error_t *err);
uint32_t w2_new_pollable(swasm_wasi2_t *w, int kind, uint64_t deadline, uint32_t fd,
                         swasm_error_t *err);
uint64_t w2_monotonic_now(void);

#endif
